//===- TosaBuilders.h - TOSA op builders shared by npuc ---------*- C++ -*-===//
//
// Small TOSA builders used by both producers of decomposed TOSA: the TFLite
// importer and tosa-to-npu's decompositions (Decompose.cpp). Header-only:
// they need the TOSA dialect and nothing of either library.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_SUPPORT_TOSABUILDERS_H
#define NPU_SUPPORT_TOSABUILDERS_H

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"

namespace mlir::npu::tosa_build {

inline RankedTensorType withShape(Value v, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, getElementTypeOrSelf(v.getType()));
}

/// `v` reshaped, or `v` itself if it has that shape.
inline Value reshape(OpBuilder &b, Location loc, Value v,
                     ArrayRef<int64_t> shape) {
  if (cast<RankedTensorType>(v.getType()).getShape() == shape)
    return v;
  return b.create<tosa::ReshapeOp>(loc, withShape(v, shape), v,
                                   b.getDenseI64ArrayAttr(shape));
}

/// The `size` block of `v` at `start`, or `v` itself if that is all of it.
inline Value slice(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> start,
                   ArrayRef<int64_t> size) {
  if (cast<RankedTensorType>(v.getType()).getShape() == size)
    return v;
  return b.create<tosa::SliceOp>(loc, withShape(v, size), v,
                                 b.getDenseI64ArrayAttr(start),
                                 b.getDenseI64ArrayAttr(size));
}

/// `v` with dimension `axis` rebuilt from `sources`: output index i takes
/// input index sources[i] (slices and a concat; `v` itself for the
/// identity).
inline Value gatherAxis(OpBuilder &b, Location loc, Value v, int64_t axis,
                        ArrayRef<int64_t> sources) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> sizes(type.getShape());
  bool identity = static_cast<int64_t>(sources.size()) == sizes[axis];
  for (size_t i = 0; i < sources.size(); ++i)
    identity = identity && sources[i] == static_cast<int64_t>(i);
  if (identity)
    return v;
  sizes[axis] = 1;
  SmallVector<Value> pieces;
  for (int64_t src : sources) {
    SmallVector<int64_t> start(type.getRank(), 0);
    start[axis] = src;
    pieces.push_back(slice(b, loc, v, start, sizes));
  }
  if (pieces.size() == 1)
    return pieces.front();
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] = static_cast<int64_t>(sources.size());
  return b.create<tosa::ConcatOp>(
      loc, withShape(v, shape), pieces,
      b.getI32IntegerAttr(static_cast<int32_t>(axis)));
}

} // namespace mlir::npu::tosa_build

#endif // NPU_SUPPORT_TOSABUILDERS_H
