//===- EmitReduce.cpp - MEAN ----------------------------------------------===//
//
// TFLite Micro's int8 MEAN over any axes: the raw int8 values summed in
// int32, minus the input zero point times the element count n, then
// MultiplyByQuantizedMultiplier by QuantizeMultiplier(in_scale / out_scale)
// with 1/n folded in as the kernel does it (the multiplier shifted left by
// floor(log2 n) -- at most 32 and at most 31 + the exponent -- divided by
// n with truncation, the exponent lowered by the same shift), plus the
// output zero point, clamped. In TOSA: cast, reduce_sum per axis, sub,
// one rescale with TFLite's double rounding, reshape without the axes
// unless keep_dims.
//
//===----------------------------------------------------------------------===//
#include "TfliteImporter.h"

#include "npu/Golden/Arith.h"
#include "npu/Isa/PpuTable.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/ADT/bit.h"

#include <set>

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::tflite;
using llvm::Error;
using llvm::Expected;

Error tflite::emitMean(Importer &im, const OpContext &op) {
  Expected<Importer::Int8Unary> u = im.int8Unary(op);
  if (!u)
    return u.takeError();
  const TensorInfo &x = *u->in, &y = *u->out;
  const auto *q = &u->qIn, *qo = &u->qOut;
  Expected<SmallVector<int64_t>> axisValues = im.constantInts(op, 1);
  if (!axisValues)
    return axisValues.takeError();
  const int64_t rank = x.shape.size();
  std::set<int64_t> axes;
  for (int64_t a : *axisValues) {
    const int64_t r = a < 0 ? a + rank : a;
    if (r < 0 || r >= rank)
      return im.failOp(op, "axis " + Twine(a) + " is outside rank " +
                               Twine(rank));
    axes.insert(r);
  }
  int64_t n = 1;
  SmallVector<int64_t> reduced(x.shape.begin(), x.shape.end());
  for (int64_t a : axes) {
    n *= x.shape[a];
    reduced[a] = 1;
  }
  int64_t outElements = 1;
  for (int64_t d : reduced)
    outElements *= d;
  if (outElements != y.elements)
    return im.failOp(op, "output shape " + shapeText(y.shape) +
                             " does not match the mean of " +
                             shapeText(x.shape) + " over the axes");
  // The kernel's multiplier and exponent with 1/n folded in.
  const ::npu::golden::ScaleFactor base = ::npu::golden::quantizeMultiplier(
      static_cast<double>(q->first) / static_cast<double>(qo->first));
  int exponent = 31 - base.shift;
  int shift = 63 - llvm::countl_zero(static_cast<uint64_t>(n));
  shift = std::min(shift, 32);
  shift = std::min(shift, 31 + exponent);
  const auto multiplier = static_cast<int32_t>(
      (static_cast<int64_t>(base.multiplier) << shift) / n);
  exponent -= shift;
  const int tosaShift = 31 - exponent;
  if (tosaShift < ::npu::isa::kMinScaleShift ||
      tosaShift > ::npu::isa::kMaxScaleShift)
    return im.failOp(op, "the mean's scale needs a shift of " +
                             Twine(tosaShift) + ", outside " +
                             Twine(::npu::isa::kMinScaleShift) + ".." +
                             Twine(::npu::isa::kMaxScaleShift));
  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();
  OpBuilder &b = im.getBuilder();
  Value sum = im.castTo(op.loc, *input, b.getI32Type());
  SmallVector<int64_t> shape(x.shape.begin(), x.shape.end());
  for (int64_t a : axes) {
    shape[a] = 1;
    sum = b.create<tosa::ReduceSumOp>(
        op.loc, RankedTensorType::get(shape, b.getI32Type()), sum,
        b.getI32IntegerAttr(static_cast<int32_t>(a)));
  }
  if (q->second != 0)
    sum = b.create<tosa::SubOp>(
        op.loc, sum.getType(), sum,
        im.splat(op.loc, rank, static_cast<int32_t>(q->second * n)));
  Value mean = im.rescaleExact(op.loc, sum, b.getI8Type(), multiplier,
                               tosaShift, 0, qo->second);
  // rescaleExact rounds once; the kernel's MultiplyByQuantizedMultiplier
  // rounds twice for right shifts.
  cast<tosa::RescaleOp>(mean.getDefiningOp()).setDoubleRound(true);
  return im.define(op, im.reshape(op.loc, mean, y.shape));
}
