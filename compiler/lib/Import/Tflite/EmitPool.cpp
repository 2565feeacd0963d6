//===- EmitPool.cpp - AVERAGE_POOL_2D, MAX_POOL_2D ------------------------===//
//
// TFLite's int8 pooling. AVERAGE_POOL_2D: the raw int8 sum of the in-image
// taps divided by their count with rounding half away from zero, as exact
// integer TOSA ops (reduce_sum for a global average, a depthwise convolution
// with ones and per-position divisors for any other window; in the 16x8
// mode the same convolution on the input's two bytes, combined, or for
// windows of over 255 taps the sum of the window's strided int16 views).
// MAX_POOL_2D is
// TOSA's max_pool2d and the fused activation's clamp.
//
//===----------------------------------------------------------------------===//
#include "TfliteImporter.h"

#include "TfliteMath.h"

#include "npu/Support/TosaBuilders.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::tflite;
using llvm::Error;
using llvm::Expected;
namespace tflmath = ::npu::tflmath;

namespace {

/// The largest int16 pooling window summed as two byte halves on the int8
/// units: each half's window sums must fit int16 (128 x 255 < 2^15).
constexpr int64_t kMaxSplitPoolTaps = 255;

/// Operands, options and windows of AVERAGE_POOL_2D and MAX_POOL_2D: int8
/// NHWC input and output (int16 where `allow16`: the 16x8 mode), TFLite
/// padding.
struct PoolOperands {
  const TensorInfo *input, *output;
  const tfl::Pool2DOptions *options;
  Window row, col;
  bool wide = false; ///< int16
  /// The largest magnitude of an input value.
  int64_t maxMagnitude() const { return wide ? 32768 : 128; }
};

Expected<PoolOperands> poolOperands(const Importer &im, const OpContext &op,
                                    bool allow16 = false) {
  auto in = im.operand(op, 0);
  auto out = im.result(op);
  if (!in || !out)
    return llvm::joinErrors(in.takeError(), out.takeError());
  const auto *o = op.op->options_as_Pool2DOptions();
  if (!o)
    return im.failOp(op, "missing Pool2DOptions");
  const auto type = allow16 && (*in)->type == tfl::ElementType_INT16
                        ? tfl::ElementType_INT16
                        : tfl::ElementType_INT8;
  for (auto [t, role] :
       {std::make_pair(*in, "input"), std::make_pair(*out, "output")})
    if (Error e = im.requireType(op, *t, type, role))
      return e;
  const TensorInfo &x = **in, &y = **out;
  if (x.shape.size() != 4 || y.shape.size() != 4)
    return im.failOp(op, "input and output must have rank 4");
  if (o->stride_h() < 1 || o->stride_w() < 1 || o->filter_h() < 1 ||
      o->filter_w() < 1)
    return im.failOp(op, "filter sizes and strides must be at least 1");
  const bool same = o->padding() == tfl::Padding_SAME;
  return PoolOperands{
      &x,
      &y,
      o,
      computeWindow(x.shape[1], o->filter_h(), o->stride_h(), 1, same),
      computeWindow(x.shape[2], o->filter_w(), o->stride_w(), 1, same),
      type == tfl::ElementType_INT16};
}

/// The rounded average of the int32 sums `acc`, defined as the operator's
/// output: sign(acc) * floor((|acc| + n/2) / n), rounding half away from
/// zero, where `divide` maps 2 |acc| to the quotient (adding 2 (n / 2) -
/// n + 1 and computing floor((z + n) / 2n) by a rounding multiply); then
/// the fused activation's clamp (always: the int32 result is narrowed by a
/// wrapping cast) and the cast to int8 (int16).
Error defineRoundedAverage(Importer &im, const OpContext &op,
                           const PoolOperands &pool, Value acc,
                           llvm::function_ref<Value(Value)> divide) {
  OpBuilder &b = im.getBuilder();
  const Location loc = op.loc;
  const auto type = cast<RankedTensorType>(acc.getType());
  Value sign = im.clampInt(loc, acc, -1, 1);
  Value magnitude = b.create<tosa::AbsOp>(loc, type, acc);
  Value twice = b.create<tosa::MulOp>(loc, type, magnitude, im.splat(loc, 4, 2),
                                      b.getI8IntegerAttr(0));
  Value avg = b.create<tosa::MulOp>(loc, type, divide(twice), sign,
                                    b.getI8IntegerAttr(0));
  auto bounds =
      im.activationBounds(op, pool.options->activation(), *pool.output);
  if (!bounds)
    return bounds.takeError();
  avg = im.clampInt(loc, avg, bounds->first, bounds->second);
  return im.define(
      op, im.castTo(loc, avg, pool.wide ? b.getI16Type() : b.getI8Type()));
}

/// The number of in-image taps of each output position along one dimension.
SmallVector<int64_t> tapCounts(int64_t in, int64_t filter, int64_t stride,
                               const Window &w) {
  SmallVector<int64_t> counts;
  for (int64_t o = 0; o < w.out; ++o) {
    const int64_t first = o * stride - w.padBefore;
    counts.push_back(std::min(first + filter, in) -
                     std::max<int64_t>(first, 0));
  }
  return counts;
}

/// AVERAGE_POOL_2D with any window, stride and padding, as exact integer
/// TOSA: the raw sum of the in-image taps by a depthwise convolution with
/// ones (zero points 0, so padding adds 0), then the global form's rounded
/// division with the count of each output position:
///   out = sign(acc) * floor((2|acc| + c + n) / 2n),  c = 2 (n / 2) - n + 1
/// where c and the multipliers of one shared-shift MUL are [1, OH, OW, 1]
/// constants.
Error emitWindowedAveragePool(Importer &im, const OpContext &op,
                              const PoolOperands &pool) {
  OpBuilder &b = im.getBuilder();
  const TensorInfo &x = *pool.input;
  const tfl::Pool2DOptions *o = pool.options;
  const Window &row = pool.row, &col = pool.col;
  const int64_t c = x.shape[3];
  const SmallVector<int64_t> rowCounts =
      tapCounts(x.shape[1], o->filter_h(), o->stride_h(), row);
  const SmallVector<int64_t> colCounts =
      tapCounts(x.shape[2], o->filter_w(), o->stride_w(), col);
  std::vector<int64_t> distinct;
  for (int64_t r : rowCounts)
    for (int64_t k : colCounts) {
      if (r * k < 1)
        return im.failOp(op, "a pooling window lies wholly in the padding");
      if (!llvm::is_contained(distinct, r * k))
        distinct.push_back(r * k);
    }
  auto dividers = tflmath::halfUpDividers(distinct, pool.maxMagnitude());
  if (!dividers)
    return im.failOp(op, "no exact 32-bit division by the window counts");
  SmallVector<int32_t> offsets, multipliers;
  for (int64_t r : rowCounts)
    for (int64_t k : colCounts) {
      const int64_t n = r * k;
      offsets.push_back(static_cast<int32_t>(2 * (n / 2) - n + 1));
      multipliers.push_back(
          dividers->first[llvm::find(distinct, n) - distinct.begin()]);
    }
  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();
  Location loc = op.loc;
  const Type i32 = b.getI32Type();
  auto type = RankedTensorType::get({x.shape[0], row.out, col.out, c}, i32);
  const SmallVector<int64_t> perPosition{1, row.out, col.out, 1};
  auto divide = [&](Value twice) -> Value {
    Value z = b.create<tosa::AddOp>(
        loc, type, twice, im.constant<int32_t>(loc, perPosition, offsets));
    return b.create<tosa::MulOp>(
        loc, type, z, im.constant<int32_t>(loc, perPosition, multipliers),
        b.getI8IntegerAttr(dividers->second));
  };
  // The raw sum of each window of an int8 tensor: a depthwise convolution
  // with ones (zero points 0, so padding adds 0).
  const int64_t taps = o->filter_h() * o->filter_w();
  auto windowSums = [&](Value v) -> Value {
    const SmallVector<uint8_t> weightBytes(taps * c, 1);
    Value weights =
        im.constant(loc,
                    RankedTensorType::get({o->filter_h(), o->filter_w(), c, 1},
                                          b.getI8Type()),
                    weightBytes);
    Value bias = im.constant<int32_t>(loc, {c}, SmallVector<int32_t>(c, 0));
    return b.create<tosa::DepthwiseConv2DOp>(
        loc, type, v, weights, bias,
        b.getDenseI64ArrayAttr(
            {row.padBefore, row.padAfter, col.padBefore, col.padAfter}),
        b.getDenseI64ArrayAttr(
            {int64_t(o->stride_h()), int64_t(o->stride_w())}),
        b.getDenseI64ArrayAttr({1, 1}),
        tosa::ConvOpQuantizationAttr::get(b.getContext(), 0, 0),
        /*local_bound=*/BoolAttr());
  };
  if (!pool.wide)
    return defineRoundedAverage(im, op, pool, windowSums(*input), divide);
  if (taps <= kMaxSplitPoolTaps) {
    // int16 on the int8 units: x = 256 hi + lo + 128 with the bytes hi =
    // x >> 8 and lo = (x & 255) - 128, so a window's sum is 256 S(hi) +
    // S(lo) + 128 n, n its in-image taps. Each byte's window sums fit int16
    // (at most 128 x kMaxSplitPoolTaps), which the depthwise convolution's
    // exact rescale keeps.
    auto wide16 = RankedTensorType::get(x.shape, b.getI16Type());
    auto i8Type = RankedTensorType::get(x.shape, b.getI8Type());
    auto c16 = [&](int32_t v) {
      return im.constant<int16_t>(loc, {1, 1, 1, 1},
                                  ArrayRef<int16_t>(static_cast<int16_t>(v)));
    };
    Value hi = b.create<tosa::ArithmeticRightShiftOp>(
        loc, wide16, *input, c16(8), b.getBoolAttr(false));
    Value lo = b.create<tosa::BitwiseAndOp>(loc, wide16, *input, c16(255));
    lo = b.create<tosa::SubOp>(loc, wide16, lo, c16(128));
    auto byteSums = [&](Value v) {
      Value bytes = b.create<tosa::CastOp>(loc, i8Type, v);
      Value sums = im.rescaleExact(loc, windowSums(bytes), b.getI16Type(),
                                   1 << 30, 30, 0, 0);
      return im.castTo(loc, sums, i32);
    };
    Value sumHi = byteSums(hi);
    Value sumLo = byteSums(lo);
    SmallVector<int32_t> offsets128;
    for (int64_t r : rowCounts)
      for (int64_t k : colCounts)
        offsets128.push_back(static_cast<int32_t>(128 * r * k));
    Value acc = b.create<tosa::LogicalLeftShiftOp>(loc, type, sumHi,
                                                   im.splat(loc, 4, 8));
    acc = b.create<tosa::AddOp>(loc, type, acc, sumLo);
    acc = b.create<tosa::AddOp>(
        loc, type, acc, im.constant<int32_t>(loc, perPosition, offsets128));
    return defineRoundedAverage(im, op, pool, acc, divide);
  }
  // Larger windows: the sum of the window's strided views of the
  // zero-padded input, extended to whole strides (DMA copies).
  const int64_t rows = std::max(x.shape[1] + row.padBefore + row.padAfter,
                                o->filter_h() - 1 + row.out * o->stride_h());
  const int64_t cols = std::max(x.shape[2] + col.padBefore + col.padAfter,
                                o->filter_w() - 1 + col.out * o->stride_w());
  Value padded =
      tosa_build::pad(b, loc, *input,
                      {0, 0, row.padBefore, rows - x.shape[1] - row.padBefore,
                       col.padBefore, cols - x.shape[2] - col.padBefore, 0, 0},
                      0);
  padded = im.castTo(loc, padded, i32);
  Value acc;
  for (int64_t ky = 0; ky < o->filter_h(); ++ky)
    for (int64_t kx = 0; kx < o->filter_w(); ++kx) {
      Value window =
          tosa_build::stridedWindow(b, loc, padded, ky, kx, row.out, col.out,
                                    o->stride_h(), o->stride_w());
      acc = acc ? b.create<tosa::AddOp>(loc, type, acc, window).getResult()
                : window;
    }
  return defineRoundedAverage(im, op, pool, acc, divide);
}

} // namespace

/// The global average as exact integer TOSA: the raw int8 sum divided by
/// the count with rounding half away from zero, as TFLite does.
Error tflite::emitAveragePool2D(Importer &im, const OpContext &op) {
  OpBuilder &b = im.getBuilder();
  Expected<PoolOperands> pool = poolOperands(im, op, /*allow16=*/true);
  if (!pool)
    return pool.takeError();
  const TensorInfo &x = *pool->input;
  const tfl::Pool2DOptions *o = pool->options;
  const Window &row = pool->row, &col = pool->col;
  // TFLite divides by the number of in-image taps.
  const bool global =
      row.out == 1 && col.out == 1 && o->filter_h() == x.shape[1] &&
      o->filter_w() == x.shape[2] && row.padBefore + row.padAfter == 0 &&
      col.padBefore + col.padAfter == 0;
  if (!global)
    return emitWindowedAveragePool(im, op, *pool);
  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();
  const int64_t n = x.shape[1] * x.shape[2];
  auto divider = tflmath::halfUpDivider(n, 2 * pool->maxMagnitude() * n + 1);
  if (!divider)
    return im.failOp(op, "no exact 32-bit division by " + Twine(n) + " found");
  Location loc = op.loc;
  const Type i32 = b.getI32Type();
  // acc = sum of the raw int8 values (zero points included, as in TFLite).
  Value acc = im.castTo(loc, *input, i32);
  SmallVector<int64_t> shape(x.shape.begin(), x.shape.end());
  shape[1] = 1;
  acc = b.create<tosa::ReduceSumOp>(loc, RankedTensorType::get(shape, i32), acc,
                                    b.getI32IntegerAttr(1));
  shape[2] = 1;
  acc = b.create<tosa::ReduceSumOp>(loc, RankedTensorType::get(shape, i32), acc,
                                    b.getI32IntegerAttr(2));
  auto type = RankedTensorType::get(shape, i32);
  return defineRoundedAverage(im, op, *pool, acc, [&](Value z) {
    if (const int32_t offset = 2 * static_cast<int32_t>(n / 2) - n + 1)
      z = b.create<tosa::AddOp>(loc, type, z, im.splat(loc, 4, offset));
    return im.rescaleExact(loc, z, i32, divider->first, divider->second, 0, 0);
  });
}

Error tflite::emitMaxPool2D(Importer &im, const OpContext &op) {
  OpBuilder &b = im.getBuilder();
  Expected<PoolOperands> pool = poolOperands(im, op, /*allow16=*/true);
  if (!pool)
    return pool.takeError();
  const TensorInfo &x = *pool->input, &y = *pool->output;
  const tfl::Pool2DOptions *o = pool->options;
  const Window &row = pool->row, &col = pool->col;
  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();
  Value pooled = b.create<tosa::MaxPool2dOp>(
      op.loc,
      RankedTensorType::get({x.shape[0], row.out, col.out, x.shape[3]},
                            im.tensorType(y).getElementType()),
      *input,
      b.getDenseI64ArrayAttr({int64_t(o->filter_h()), int64_t(o->filter_w())}),
      b.getDenseI64ArrayAttr({int64_t(o->stride_h()), int64_t(o->stride_w())}),
      b.getDenseI64ArrayAttr(
          {row.padBefore, row.padAfter, col.padBefore, col.padAfter}));
  Expected<Value> clamped = im.clampActivation(op, pooled, o->activation(), y);
  if (!clamped)
    return clamped.takeError();
  return im.define(op, *clamped);
}
