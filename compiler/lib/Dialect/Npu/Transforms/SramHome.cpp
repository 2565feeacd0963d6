//===- SramHome.cpp - Where a tensor lives on chip ------------------------===//
#include "SramHome.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace mlir::npu;

Nhwc Nhwc::of(ShapedType type) {
  ArrayRef<int64_t> s = type.getShape();
  Nhwc out;
  switch (s.size()) {
  case 0:
    break;
  case 1:
    out.c = s[0];
    break;
  case 2:
    out.w = s[0];
    out.c = s[1];
    break;
  case 3: // [batch, rows, channels], as matmul reads it
    out.n = s[0];
    out.w = s[1];
    out.c = s[2];
    break;
  default:
    // Leading dimensions fold into N.
    out.n = 1;
    for (size_t d = 0; d + 3 < s.size(); ++d)
      out.n *= s[d];
    out.h = s[s.size() - 3];
    out.w = s[s.size() - 2];
    out.c = s[s.size() - 1];
    break;
  }
  return out;
}

Halo Halo::max(const Halo &o) const {
  return {std::max(top, o.top), std::max(bottom, o.bottom),
          std::max(left, o.left), std::max(right, o.right)};
}

int64_t SramHome::bytesFor(ShapedType type, const Halo &halo) {
  SramHome h;
  h.shape = Nhwc::of(type);
  h.halo = halo;
  h.elem = (type.getElementType().getIntOrFloatBitWidth() + 7) / 8;
  return h.bytes();
}

std::optional<SramHome> mlir::npu::getSramHome(Value v) {
  Operation *def = v.getDefiningOp();
  if (!def)
    return std::nullopt;
  auto attr = def->getAttrOfType<DenseI64ArrayAttr>(kSramAttrName);
  if (!attr || attr.size() != 6)
    return std::nullopt;
  ArrayRef<int64_t> a = attr.asArrayRef();
  SramHome home;
  home.buf = static_cast<::npu::isa::Buffer>(a[0]);
  home.base = a[1];
  home.halo = {a[2], a[3], a[4], a[5]};
  auto type = cast<ShapedType>(v.getType());
  home.shape = Nhwc::of(type);
  home.elem = (type.getElementType().getIntOrFloatBitWidth() + 7) / 8;
  return home;
}

void mlir::npu::setSramHome(Operation *def, const SramHome &home) {
  Builder b(def->getContext());
  def->setAttr(kSramAttrName,
               b.getDenseI64ArrayAttr(
                   {static_cast<int64_t>(home.buf), home.base, home.halo.top,
                    home.halo.bottom, home.halo.left, home.halo.right}));
}

WorkAreas mlir::npu::getWorkAreas(Operation *op) {
  WorkAreas w;
  auto attr = op->getAttrOfType<DenseI64ArrayAttr>(kWorkAttrName);
  if (!attr || attr.size() != 4)
    return w;
  ArrayRef<int64_t> a = attr.asArrayRef();
  w.ibufBase = a[0];
  w.ibufSize = a[1];
  w.obufBase = a[2];
  w.obufSize = a[3];
  return w;
}

void mlir::npu::setWorkAreas(Operation *op, const WorkAreas &work) {
  Builder b(op->getContext());
  op->setAttr(kWorkAttrName,
              b.getDenseI64ArrayAttr({work.ibufBase, work.ibufSize,
                                      work.obufBase, work.obufSize}));
}
