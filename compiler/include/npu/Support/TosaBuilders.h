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

/// `v` padded by `value` with `pads[2 d]` elements before and
/// `pads[2 d + 1]` after dimension d (a tosa.pad with constant operands).
inline Value pad(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> pads,
                 int64_t value) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape(type.getShape());
  SmallVector<int32_t> pads32;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    shape[d] += pads[2 * d] + pads[2 * d + 1];
    pads32.push_back(static_cast<int32_t>(pads[2 * d]));
    pads32.push_back(static_cast<int32_t>(pads[2 * d + 1]));
  }
  auto padsType = RankedTensorType::get({type.getRank(), 2}, b.getI32Type());
  auto scalarType = RankedTensorType::get({}, type.getElementType());
  const unsigned bits = type.getElementTypeBitWidth();
  return b.create<tosa::PadOp>(
      loc, withShape(v, shape), v,
      b.create<tosa::ConstOp>(
          loc, padsType, DenseElementsAttr::get(padsType, ArrayRef(pads32))),
      b.create<tosa::ConstOp>(
          loc, scalarType,
          DenseElementsAttr::get(
              scalarType,
              APInt(bits, static_cast<uint64_t>(value), /*isSigned=*/true))));
}

/// The [N, oh, ow, C] view of `v` at rows y0 + i * sh and columns
/// x0 + j * sw (v must hold rows up to y0 + oh * sh, columns up to
/// x0 + ow * sw): a slice, then per strided axis a reshape that puts the
/// stride phase on its own axis, a slice of phase 0 and a reshape back.
inline Value stridedWindow(OpBuilder &b, Location loc, Value v, int64_t y0,
                           int64_t x0, int64_t oh, int64_t ow, int64_t sh,
                           int64_t sw) {
  ArrayRef<int64_t> s = cast<RankedTensorType>(v.getType()).getShape();
  const int64_t n = s[0], c = s[3];
  v = slice(b, loc, v, {0, y0, x0, 0}, {n, oh * sh, ow * sw, c});
  if (sh > 1) {
    v = reshape(b, loc, v, {n, oh, sh, ow * sw, c});
    v = slice(b, loc, v, {0, 0, 0, 0, 0}, {n, oh, 1, ow * sw, c});
    v = reshape(b, loc, v, {n, oh, ow * sw, c});
  }
  if (sw > 1) {
    v = reshape(b, loc, v, {n, oh, ow, sw, c});
    v = slice(b, loc, v, {0, 0, 0, 0, 0}, {n, oh, ow, 1, c});
    v = reshape(b, loc, v, {n, oh, ow, c});
  }
  return v;
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

/// One separable step of a bilinear interpolation along `axis` of a 4-D
/// `v`: output index i is lowerWeight[i] * v[lower[i]] + upperWeight[i] *
/// v[upper[i]], in int32 (`v` widened first if it is narrower), the
/// weights [1, n, 1, 1]-shaped constants (n along `axis`).
inline Value interpolateAxis(OpBuilder &b, Location loc, Value v, int64_t axis,
                             ArrayRef<int64_t> lower,
                             ArrayRef<int32_t> lowerWeight,
                             ArrayRef<int64_t> upper,
                             ArrayRef<int32_t> upperWeight) {
  const Type i32 = b.getI32Type();
  SmallVector<int64_t> weightShape{1, 1, 1, 1};
  weightShape[axis] = static_cast<int64_t>(lower.size());
  SmallVector<int64_t> shape(cast<RankedTensorType>(v.getType()).getShape());
  shape[axis] = static_cast<int64_t>(lower.size());
  auto type = RankedTensorType::get(shape, i32);
  auto weightType = RankedTensorType::get(weightShape, i32);
  Value sum;
  for (auto [sources, weights] : {std::make_pair(lower, lowerWeight),
                                  std::make_pair(upper, upperWeight)}) {
    Value picked = gatherAxis(b, loc, v, axis, sources);
    if (getElementTypeOrSelf(picked.getType()) != i32)
      picked = b.create<tosa::CastOp>(loc, type, picked);
    Value weight = b.create<tosa::ConstOp>(
        loc, weightType, DenseElementsAttr::get(weightType, weights));
    Value term =
        b.create<tosa::MulOp>(loc, type, picked, weight, b.getI8IntegerAttr(0));
    sum = sum ? b.create<tosa::AddOp>(loc, type, sum, term).getResult() : term;
  }
  return sum;
}

} // namespace mlir::npu::tosa_build

#endif // NPU_SUPPORT_TOSABUILDERS_H
