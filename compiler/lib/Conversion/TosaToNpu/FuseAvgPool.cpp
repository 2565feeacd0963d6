//===- FuseAvgPool.cpp - TFLite average pooling into npu.pool -------------===//
//
// The importer writes TFLite's int8 AVERAGE_POOL_2D (the raw sum of the
// in-image taps divided by their count, rounded half away from zero) as
// exact integer TOSA; these patterns turn it back into one vector-unit
// npu.pool in TFLite mode after checking that every constant divides
// exactly over the whole input range.
//
//===----------------------------------------------------------------------===//
#include "FusionPatterns.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::npu;

namespace {

template <typename OpT> OpT single(Value v) {
  return v.hasOneUse() ? v.getDefiningOp<OpT>() : nullptr;
}

/// True if (z * m + 2^(s-1)) >> s == floor((z + n) / 2n) for every z the
/// int8 sum of n taps can give (0 <= z <= 2 * 128 * n + 1).
bool dividesExactly(int64_t n, int64_t m, int s) {
  if (n < 1 || n > (1 << 16) || s < 1 || s > 62 || m < 0)
    return false;
  const __int128 round = static_cast<__int128>(1) << (s - 1);
  for (int64_t z = 0; z <= 2 * 128 * n + 1; ++z)
    if (static_cast<int64_t>((static_cast<__int128>(z) * m + round) >> s) !=
        (z + n) / (2 * n))
      return false;
  return true;
}

/// The end both forms share: cast<i8>(clamp(q * clamp(acc, -1, 1))), each
/// op the single user of the one before.
struct SignedTail {
  tosa::ClampOp outClamp;
  tosa::MulOp signMul;
  tosa::ClampOp sign;
};

std::optional<SignedTail> matchSignedTail(tosa::CastOp root) {
  if (!isInt(root.getType(), 8) || !isInt(root.getInput().getType(), 32))
    return std::nullopt;
  auto outClamp = single<tosa::ClampOp>(root.getInput());
  auto signMul = outClamp ? single<tosa::MulOp>(outClamp.getInput()) : nullptr;
  if (!signMul || signMul.getShift() != 0)
    return std::nullopt;
  auto sign = single<tosa::ClampOp>(signMul.getInput2());
  if (!sign || static_cast<int64_t>(sign.getMinInt()) != -1 ||
      static_cast<int64_t>(sign.getMaxInt()) != 1)
    return std::nullopt;
  return SignedTail{outClamp, signMul, sign};
}

/// The exact TOSA form of TFLite's global int8 AVERAGE_POOL_2D that the
/// TFLite importer emits (the raw sum divided by the count, rounded half
/// away from zero):
///   acc  = reduce_sum(reduce_sum(cast<i32>(x), axis 1), axis 2)
///   q    = rescale(|acc| * 2 [+ c])    // floor((|acc| + n/2) / n)
///   out  = cast<i8>(clamp(q * clamp(acc, -1, 1), lo, hi))
/// becomes one vector-unit pool in TFLite mode. The rescale's multiplier
/// and shift are checked to divide exactly over the whole input range.
struct FuseTfliteGlobalAvgPool : OpRewritePattern<tosa::CastOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::CastOp root,
                                PatternRewriter &rewriter) const override {
    std::optional<SignedTail> tail = matchSignedTail(root);
    if (!tail)
      return failure();
    tosa::ClampOp outClamp = tail->outClamp, sign = tail->sign;
    tosa::MulOp signMul = tail->signMul;
    auto divide = single<tosa::RescaleOp>(signMul.getInput1());
    if (!divide || divide.getMultiplier().size() != 1 ||
        divide.getInputZp() != 0 || divide.getOutputZp() != 0 ||
        divide.getDoubleRound() || !isInt(divide.getType(), 32))
      return failure();
    Value z = divide.getInput();
    int64_t offset = 0;
    tosa::AddOp add = single<tosa::AddOp>(z);
    if (add) {
      std::optional<int64_t> c = splatValue(add.getInput2());
      if (!c)
        return failure();
      offset = *c;
      z = add.getInput1();
    }
    auto twice = single<tosa::MulOp>(z);
    if (!twice || twice.getShift() != 0 || splatValue(twice.getInput2()) != 2)
      return failure();
    auto abs = single<tosa::AbsOp>(twice.getInput1());
    if (!abs || abs.getInput1() != sign.getInput())
      return failure();
    Value acc = abs.getInput1();
    auto sumW = acc.getDefiningOp<tosa::ReduceSumOp>();
    auto sumH = sumW ? single<tosa::ReduceSumOp>(sumW.getInput()) : nullptr;
    auto widen = sumH ? single<tosa::CastOp>(sumH.getInput()) : nullptr;
    if (!sumW || !sumH || !widen || sumW.getAxis() != 2 ||
        sumH.getAxis() != 1 || !isInt(widen.getInput().getType(), 8) ||
        !llvm::all_of(acc.getUsers(), [&](Operation *u) {
          return u == abs.getOperation() || u == sign.getOperation();
        }))
      return failure();
    Value input = widen.getInput();
    auto inType = cast<RankedTensorType>(input.getType());
    if (inType.getRank() != 4)
      return failure();
    const int64_t n = inType.getDimSize(1) * inType.getDimSize(2);
    if (n > (1 << 16) || offset != 2 * (n / 2) - n + 1)
      return failure();
    // The rescale must compute floor((z + n) / 2n) for every reachable z.
    const int64_t m = divide.getMultiplier()[0];
    const int s = divide.getShift()[0];
    if (!dividesExactly(n, m, s))
      return failure();

    const int64_t lo = std::max<int64_t>(outClamp.getMinInt(), -128);
    const int64_t hi = std::min<int64_t>(outClamp.getMaxInt(), 127);
    if (lo > hi)
      return failure();
    // Larger windows stay as the (exact) reduce and vector ops.
    const SmallVector<int64_t> kernel{inType.getDimSize(1),
                                      inType.getDimSize(2)};
    if (!PoolOp::fitsInstruction(kernel, {1, 1}, {0, 0, 0, 0}))
      return failure();
    OperationState state =
        poolState(rewriter, root.getLoc(), input, root.getType(),
                  PoolKind::AvgTflite, kernel, {1, 1}, {0, 0, 0, 0},
                  /*inZp=*/0, /*outZp=*/0, lo, hi);
    replaceChain(rewriter, root, state,
                 {widen, sumH, sumW, sign, abs, twice,
                  add ? add.getOperation() : nullptr, divide, signMul, outClamp,
                  root});
    return success();
  }
};

/// The windowed form (any kernel, stride and padding):
///   acc  = depthwise_conv2d(x, ones, zeros, pad, stride, dilation 1, zp 0)
///   q    = mul(add(mul(|acc|, 2), C), M, shift s)   // C, M: [1, OH, OW, 1]
///   out  = cast<i8>(clamp(q * clamp(acc, -1, 1), lo, hi))
/// where, for the count n of in-image taps at each output position,
/// C = 2 (n / 2) - n + 1 and M divides exactly: q = floor((|acc| + n/2) / n).
struct FuseTfliteWindowedAvgPool : OpRewritePattern<tosa::CastOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::CastOp root,
                                PatternRewriter &rewriter) const override {
    std::optional<SignedTail> tail = matchSignedTail(root);
    if (!tail)
      return failure();
    tosa::ClampOp outClamp = tail->outClamp, sign = tail->sign;
    tosa::MulOp signMul = tail->signMul;
    auto divide = single<tosa::MulOp>(signMul.getInput1());
    if (!divide || divide.getShift() < 1)
      return failure();
    auto add = single<tosa::AddOp>(divide.getInput1());
    // The offsets' add is gone when folding removed an all-zero one.
    auto twice =
        single<tosa::MulOp>(add ? add.getInput1() : divide.getInput1());
    if (!twice || twice.getShift() != 0 || splatValue(twice.getInput2()) != 2)
      return failure();
    auto abs = single<tosa::AbsOp>(twice.getInput1());
    if (!abs || abs.getInput1() != sign.getInput())
      return failure();
    Value acc = abs.getInput1();
    auto sum = acc.getDefiningOp<tosa::DepthwiseConv2DOp>();
    if (!sum || !llvm::all_of(acc.getUsers(), [&](Operation *u) {
          return u == abs.getOperation() || u == sign.getOperation();
        }))
      return failure();
    // The sum: ones, zero bias, zero points 0, no dilation, int8 input.
    Value input = sum.getInput();
    auto inType = cast<RankedTensorType>(input.getType());
    auto accType = cast<RankedTensorType>(acc.getType());
    DenseIntElementsAttr weights, bias, offsets, multipliers;
    if (!isInt(inType, 8) || inType.getRank() != 4 ||
        !matchPattern(sum.getWeight(), m_Constant(&weights)) ||
        !matchPattern(sum.getBias(), m_Constant(&bias)) ||
        (add && !matchPattern(add.getInput2(), m_Constant(&offsets))) ||
        !matchPattern(divide.getInput2(), m_Constant(&multipliers)) ||
        cast<ShapedType>(weights.getType()).getDimSize(3) != 1 ||
        llvm::any_of(sum.getDilation(), [](int64_t d) { return d != 1; }))
      return failure();
    if (auto q = sum.getQuantizationInfo())
      if (q->getInputZp() != 0 || q->getWeightZp() != 0)
        return failure();
    if (!llvm::all_of(weights.getValues<APInt>(),
                      [](const APInt &v) { return v.getSExtValue() == 1; }) ||
        !llvm::all_of(bias.getValues<APInt>(),
                      [](const APInt &v) { return v.isZero(); }))
      return failure();
    const int64_t kh = cast<ShapedType>(weights.getType()).getDimSize(0);
    const int64_t kw = cast<ShapedType>(weights.getType()).getDimSize(1);
    ArrayRef<int64_t> stride = sum.getStride(), pad = sum.getPad();
    if (!PoolOp::fitsInstruction({kh, kw}, stride, pad))
      return rewriter.notifyMatchFailure(
          root, "the window exceeds the vector unit's limits " +
                    PoolOp::instructionLimits());
    const int64_t oh = accType.getDimSize(1), ow = accType.getDimSize(2);
    const SmallVector<int64_t> perPosition{1, oh, ow, 1};
    // Constants of [1, OH, OW, 1], or splats (folding may make them so).
    auto perPositionOrSplat = [&](DenseIntElementsAttr a) {
      return a.isSplat() || cast<ShapedType>(a.getType()).getShape() ==
                                ArrayRef<int64_t>(perPosition);
    };
    if ((add && !perPositionOrSplat(offsets)) ||
        !perPositionOrSplat(multipliers))
      return failure();
    auto at = [](DenseIntElementsAttr a, int64_t i) {
      return a.isSplat() ? a.getSplatValue<APInt>().getSExtValue()
                         : (*(a.getValues<APInt>().begin() + i)).getSExtValue();
    };
    auto taps = [](int64_t o, int64_t stride, int64_t padBefore, int64_t filter,
                   int64_t in) {
      const int64_t first = o * stride - padBefore;
      return std::min(first + filter, in) - std::max<int64_t>(first, 0);
    };
    const int s = divide.getShift();
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t x = 0; x < ow; ++x) {
        const int64_t n = taps(y, stride[0], pad[0], kh, inType.getDimSize(1)) *
                          taps(x, stride[1], pad[2], kw, inType.getDimSize(2));
        const int64_t offset = add ? at(offsets, y * ow + x) : 0;
        if (offset != 2 * (n / 2) - n + 1 ||
            !dividesExactly(n, at(multipliers, y * ow + x), s))
          return failure();
      }
    const int64_t lo = std::max<int64_t>(outClamp.getMinInt(), -128);
    const int64_t hi = std::min<int64_t>(outClamp.getMaxInt(), 127);
    if (lo > hi)
      return failure();
    OperationState state =
        poolState(rewriter, root.getLoc(), input, root.getType(),
                  PoolKind::AvgTflite, {kh, kw}, stride, pad,
                  /*inZp=*/0, /*outZp=*/0, lo, hi);
    replaceChain(rewriter, root, state,
                 {sum, sign, abs, twice, add ? add.getOperation() : nullptr,
                  divide, signMul, outClamp, root});
    return success();
  }
};

} // namespace

void mlir::npu::populateTfliteAvgPoolFusion(RewritePatternSet &patterns) {
  patterns.add<FuseTfliteGlobalAvgPool, FuseTfliteWindowedAvgPool>(
      patterns.getContext());
}
