//===- EmitReduce.cpp - MEAN, SUM, REDUCE_MAX, REDUCE_MIN -----------------===//
//
// TFLite Micro's int8 (and int16) MEAN and SUM over any axes: the raw values
// summed in int32, minus the input zero point times the element count n, then
// MultiplyByQuantizedMultiplier by QuantizeMultiplier(in_scale / out_scale),
// plus the output zero point, clamped. MEAN folds 1/n into that multiplier
// as the kernel does it (the multiplier shifted left by floor(log2 n) -- at
// most 32 and at most 31 + the exponent -- divided by n with truncation, the
// exponent lowered by the same shift). In TOSA: cast, reduce_sum per axis,
// sub, one rescale with TFLite's double rounding, reshape without the axes
// unless keep_dims. REDUCE_MAX and REDUCE_MIN keep the input's quantization
// (the kernels require it) and are reduce_max / reduce_min per axis.
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

namespace {

/// The resolved reduction axes of input 1 (negative ones counted from the
/// end, repeats merged), checked against the output's element count.
Expected<std::set<int64_t>> reductionAxes(const Importer &im,
                                          const OpContext &op,
                                          const TensorInfo &x,
                                          const TensorInfo &y) {
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
  int64_t outElements = 1;
  for (int64_t i = 0; i < rank; ++i)
    outElements *= axes.count(i) ? 1 : x.shape[i];
  if (outElements != y.elements)
    return im.failOp(op, "output shape " + shapeText(y.shape) +
                             " does not match the reduction of " +
                             shapeText(x.shape) + " over the axes");
  return axes;
}

/// MEAN (`mean`) or SUM.
Error emitMeanOrSum(Importer &im, const OpContext &op, bool mean) {
  Expected<Importer::Unary> u = im.unaryOperands(op, /*allow16=*/true);
  if (!u)
    return u.takeError();
  const TensorInfo &x = *u->in, &y = *u->out;
  const auto *q = &u->qIn, *qo = &u->qOut;
  Expected<std::set<int64_t>> axes = reductionAxes(im, op, x, y);
  if (!axes)
    return axes.takeError();
  int64_t n = 1;
  for (int64_t a : *axes)
    n *= x.shape[a];
  const int64_t rank = x.shape.size();
  // The kernel's multiplier and exponent, with 1/n folded in for MEAN.
  const ::npu::golden::ScaleFactor base = ::npu::golden::quantizeMultiplier(
      static_cast<double>(q->first) / static_cast<double>(qo->first));
  int exponent = 31 - base.shift;
  auto multiplier = static_cast<int32_t>(base.multiplier);
  if (mean) {
    int shift = 63 - llvm::countl_zero(static_cast<uint64_t>(n));
    shift = std::min(shift, 32);
    shift = std::min(shift, 31 + exponent);
    multiplier = static_cast<int32_t>(
        (static_cast<int64_t>(base.multiplier) << shift) / n);
    exponent -= shift;
  }
  const int tosaShift = 31 - exponent;
  if (tosaShift < ::npu::isa::kMinScaleShift ||
      tosaShift > ::npu::isa::kMaxScaleShift)
    return im.failOp(op, Twine(mean ? "the mean" : "the sum") +
                             "'s scale needs a shift of " + Twine(tosaShift) +
                             ", outside " + Twine(::npu::isa::kMinScaleShift) +
                             ".." + Twine(::npu::isa::kMaxScaleShift));
  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();
  OpBuilder &b = im.getBuilder();
  Value sum = im.castTo(op.loc, *input, b.getI32Type());
  SmallVector<int64_t> shape(x.shape.begin(), x.shape.end());
  for (int64_t a : *axes) {
    shape[a] = 1;
    sum = b.create<tosa::ReduceSumOp>(
        op.loc, RankedTensorType::get(shape, b.getI32Type()), sum,
        b.getI32IntegerAttr(static_cast<int32_t>(a)));
  }
  if (q->second != 0)
    sum = b.create<tosa::SubOp>(
        op.loc, sum.getType(), sum,
        im.splat(op.loc, rank, static_cast<int32_t>(q->second * n)));
  Value out =
      im.rescaleExact(op.loc, sum, u->wide ? b.getI16Type() : b.getI8Type(),
                      multiplier, tosaShift, 0, qo->second);
  // rescaleExact rounds once; the kernel's MultiplyByQuantizedMultiplier
  // rounds twice for right shifts.
  cast<tosa::RescaleOp>(out.getDefiningOp()).setDoubleRound(true);
  return im.define(op, im.reshape(op.loc, out, y.shape));
}

/// REDUCE_MAX and REDUCE_MIN: int8 (or int16) in and out with one
/// quantization.
template <typename ReduceOp>
Error emitMinMaxReduce(Importer &im, const OpContext &op) {
  Expected<Importer::Unary> u = im.unaryOperands(op, /*allow16=*/true);
  if (!u)
    return u.takeError();
  const TensorInfo &x = *u->in, &y = *u->out;
  if (Error e = im.requireSameQuantization(op, y, x, "output"))
    return e;
  Expected<std::set<int64_t>> axes = reductionAxes(im, op, x, y);
  if (!axes)
    return axes.takeError();
  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();
  OpBuilder &b = im.getBuilder();
  Value v = *input;
  SmallVector<int64_t> shape(x.shape.begin(), x.shape.end());
  for (int64_t a : *axes) {
    shape[a] = 1;
    v = b.create<ReduceOp>(
        op.loc, RankedTensorType::get(shape, getElementTypeOrSelf(v.getType())),
        v, b.getI32IntegerAttr(static_cast<int32_t>(a)));
  }
  return im.define(op, im.reshape(op.loc, v, y.shape));
}

} // namespace

Error tflite::emitMean(Importer &im, const OpContext &op) {
  return emitMeanOrSum(im, op, /*mean=*/true);
}

Error tflite::emitSum(Importer &im, const OpContext &op) {
  return emitMeanOrSum(im, op, /*mean=*/false);
}

Error tflite::emitReduceMax(Importer &im, const OpContext &op) {
  return emitMinMaxReduce<tosa::ReduceMaxOp>(im, op);
}

Error tflite::emitReduceMin(Importer &im, const OpContext &op) {
  return emitMinMaxReduce<tosa::ReduceMinOp>(im, op);
}
