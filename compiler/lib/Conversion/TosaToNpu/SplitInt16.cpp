//===- SplitInt16.cpp - 16x8 convolutions on the int8 array ---------------===//
//
// TOSA's int16 x int8 conv2d and fully_connected (TFLite's 16x8 mode: int16
// activations with zero point 0, int8 weights, an int48 accumulator) run on
// the int8 array by splitting every input value
//   x = 256 * hi + (lo + 128),  hi = x >> 8,  lo = (x & 255) - 128,
// both int8. The split tensor places hi and lo of a pixel side by side
// along W ([N, H, 2W, C]) and every kernel column becomes two with the
// same weights, so the layer is an int8 conv2d with twice the W stride whose
// even (high-byte) columns count 256 times -- npu.conv2d's split_input,
// which the MAC lowering runs with the gemm's acc_shift of 8 -- and whose
// bias carries 128 * sum(w) for the low bytes' offset. The int16 input is
// padded (by its zero point 0) before it is split, since a padded position
// must read hi = 0, lo = -128. A fully_connected is the 1x1 case over
// one image row of its batch rows; a depthwise_conv2d runs as the
// convolution with its block-diagonal weights (the vector unit's depthwise
// has no accumulator shift), up to kMaxBlockDiagonalWeights.
//
// The accumulator is int32 on the NPU: a layer is rewritten only when
// 32896 * sum|w| + |bias| (the largest partial sum) fits int32 for every
// output channel, where the rewrite equals the int48 result exactly.
//
//===----------------------------------------------------------------------===//
#include "FusionPatterns.h"

#include "npu/Support/TosaBuilders.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::npu;

namespace {

/// A [1, 1, 1, 2, 1] int16 constant: (hi, lo) values along axis 3.
Value pairConstant(PatternRewriter &rewriter, Location loc, int16_t hi,
                   int16_t lo) {
  auto type = RankedTensorType::get({1, 1, 1, 2, 1}, rewriter.getI16Type());
  return rewriter.create<tosa::ConstOp>(
      loc, type,
      DenseElementsAttr::get(
          type, ArrayRef<APInt>{APInt(16, hi, true), APInt(16, lo, true)}));
}

/// [N, H, W, C] int16 -> [N, H, 2W, C] int8: (hi, lo) pairs along W. The
/// input viewed as [N, H, W, 1, C] broadcasts against (hi, lo) constants
/// along a new axis of 2: (x >> (8, 0)) & (-1, 255) - (0, 128), narrowed
/// -- four vector passes, no concatenation.
Value splitInput(PatternRewriter &rewriter, Location loc, Value x) {
  ArrayRef<int64_t> s = cast<RankedTensorType>(x.getType()).getShape();
  const SmallVector<int64_t> pairs{s[0], s[1], s[2], 2, s[3]};
  auto wide = RankedTensorType::get(pairs, rewriter.getI16Type());
  Value v = tosa_build::reshape(rewriter, loc, x, {s[0], s[1], s[2], 1, s[3]});
  v = rewriter.create<tosa::ArithmeticRightShiftOp>(
      loc, wide, v, pairConstant(rewriter, loc, 8, 0),
      rewriter.getBoolAttr(false));
  v = rewriter.create<tosa::BitwiseAndOp>(loc, wide, v,
                                          pairConstant(rewriter, loc, -1, 255));
  v = rewriter.create<tosa::SubOp>(loc, wide, v,
                                   pairConstant(rewriter, loc, 0, 128));
  v = rewriter.create<tosa::CastOp>(
      loc, RankedTensorType::get(pairs, rewriter.getI8Type()), v);
  return tosa_build::reshape(rewriter, loc, v, {s[0], s[1], 2 * s[2], s[3]});
}

/// The int16 layer's operands in conv2d form.
struct Int16Layer {
  Value input;                  ///< [N, H, W, C] int16 (before padding)
  SmallVector<int64_t> weights; ///< OHWI int8 values
  int64_t oc = 0, kh = 0, kw = 0, ic = 0;
  SmallVector<int64_t> bias; ///< per output channel
  int64_t strideH = 1, strideW = 1, dilationH = 1;
};

/// Weights, bias and zero points of a 16x8 MAC op, or nullopt when it is
/// not one this rewrite takes.
template <typename OpT> std::optional<Int16Layer> commonOperands(OpT op) {
  if (!isInt(op.getInput().getType(), 16) ||
      !isInt(op.getWeight().getType(), 8))
    return std::nullopt;
  if (auto q = op.getQuantizationInfo())
    if (q->getInputZp() != 0 || q->getWeightZp() != 0)
      return std::nullopt;
  auto weights = constantInts(op.getWeight());
  auto bias = constantInts(op.getBias());
  if (failed(weights) || failed(bias))
    return std::nullopt;
  Int16Layer l;
  l.weights = std::move(*weights);
  l.bias = std::move(*bias);
  return l;
}

struct SplitInt16Mac : OpRewritePattern<tosa::RescaleOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::RescaleOp rescale,
                                PatternRewriter &rewriter) const override {
    Operation *mac = rescale.getInput().getDefiningOp();
    if (!mac || !mac->getResult(0).hasOneUse() ||
        !isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::FullyConnectedOp>(
            mac))
      return failure();
    const Location loc = mac->getLoc();
    std::optional<Int16Layer> layer;
    SmallVector<int64_t> pad(4, 0);
    SmallVector<int64_t> inShape; // [N, H, W, C] of the int16 input
    if (auto conv = dyn_cast<tosa::Conv2DOp>(mac)) {
      layer = commonOperands(conv);
      if (!layer || conv.getDilation()[1] != 1)
        return failure();
      auto w = cast<RankedTensorType>(conv.getWeight().getType()).getShape();
      layer->oc = w[0], layer->kh = w[1], layer->kw = w[2], layer->ic = w[3];
      layer->strideH = conv.getStride()[0];
      layer->strideW = conv.getStride()[1];
      layer->dilationH = conv.getDilation()[0];
      layer->input = conv.getInput();
      pad.assign(conv.getPad().begin(), conv.getPad().end());
      llvm::append_range(
          inShape,
          cast<RankedTensorType>(conv.getInput().getType()).getShape());
    } else if (auto dw = dyn_cast<tosa::DepthwiseConv2DOp>(mac)) {
      layer = commonOperands(dw);
      if (!layer || dw.getDilation()[1] != 1)
        return failure();
      // [KH, KW, C, M] as the block-diagonal OHWI [C * M, KH, KW, C] of a
      // convolution: output channel c * M + m reads input channel c.
      auto w = cast<RankedTensorType>(dw.getWeight().getType()).getShape();
      const int64_t kh = w[0], kw = w[1], c = w[2], m = w[3];
      if (c * m * kh * kw * c > kMaxBlockDiagonalWeights)
        return rewriter.notifyMatchFailure(mac, "block-diagonal weights too "
                                                "large");
      SmallVector<int64_t> ohwi(c * m * kh * kw * c, 0);
      for (int64_t t = 0; t < kh * kw; ++t)
        for (int64_t o = 0; o < c * m; ++o)
          ohwi[(o * kh * kw + t) * c + o / m] = layer->weights[t * c * m + o];
      layer->weights = std::move(ohwi);
      layer->oc = c * m, layer->kh = kh, layer->kw = kw, layer->ic = c;
      layer->strideH = dw.getStride()[0];
      layer->strideW = dw.getStride()[1];
      layer->dilationH = dw.getDilation()[0];
      layer->input = dw.getInput();
      pad.assign(dw.getPad().begin(), dw.getPad().end());
      llvm::append_range(
          inShape, cast<RankedTensorType>(dw.getInput().getType()).getShape());
    } else {
      auto fc = cast<tosa::FullyConnectedOp>(mac);
      layer = commonOperands(fc);
      if (!layer)
        return failure();
      auto w = cast<RankedTensorType>(fc.getWeight().getType()).getShape();
      layer->oc = w[0], layer->kh = 1, layer->kw = 1, layer->ic = w[1];
      // The batch rows as the pixels of one image row: one pass each.
      auto in = cast<RankedTensorType>(fc.getInput().getType()).getShape();
      inShape = {1, 1, in[0], in[1]};
    }
    Int16Layer &l = *layer;
    const int64_t taps = l.kh * l.kw * l.ic;
    if (static_cast<int64_t>(l.bias.size()) != l.oc ||
        static_cast<int64_t>(l.weights.size()) != l.oc * taps ||
        pad.size() != 4 || l.strideH < 1 || l.strideW < 1)
      return failure();
    // Exactness: every partial sum of the split layer fits int32.
    SmallVector<int64_t> bias2(l.bias);
    for (int64_t o = 0; o < l.oc; ++o) {
      int64_t absSum = 0, sum = 0;
      for (int64_t t = 0; t < taps; ++t) {
        absSum += std::abs(l.weights[o * taps + t]);
        sum += l.weights[o * taps + t];
      }
      bias2[o] += 128 * sum;
      if (32896 * absSum + std::max(std::abs(l.bias[o]), std::abs(bias2[o])) >
          INT32_MAX)
        return rewriter.notifyMatchFailure(mac, "accumulator exceeds int32");
    }
    const SmallVector<int64_t> padded{inShape[0], inShape[1] + pad[0] + pad[1],
                                      inShape[2] + pad[2] + pad[3], inShape[3]};
    const int64_t oh =
        (padded[1] - (l.kh - 1) * l.dilationH - 1) / l.strideH + 1;
    const int64_t ow = (padded[2] - l.kw) / l.strideW + 1;
    const SmallVector<int64_t> convShape{padded[0], oh, ow, l.oc};
    auto outType = cast<RankedTensorType>(rescale.getType());
    if (padded[1] < l.kh || padded[2] < l.kw ||
        (isa<tosa::Conv2DOp>(mac) &&
         outType.getShape() != ArrayRef<int64_t>(convShape)))
      return failure();

    if (!l.input) // fully_connected: [N, IC] as [1, 1, N, IC]
      l.input = tosa_build::reshape(
          rewriter, loc, cast<tosa::FullyConnectedOp>(mac).getInput(), inShape);
    // The input padded by its zero point 0, then split.
    Value x = l.input;
    if (llvm::any_of(pad, [](int64_t p) { return p != 0; }))
      x = tosa_build::pad(rewriter, loc, x,
                          {0, 0, pad[0], pad[1], pad[2], pad[3], 0, 0}, 0);
    Value split = splitInput(rewriter, loc, x);

    // Every kernel column twice: (hi, lo).
    SmallVector<int8_t> w2;
    w2.reserve(2 * l.weights.size());
    for (int64_t o = 0; o < l.oc; ++o)
      for (int64_t y = 0; y < l.kh; ++y)
        for (int64_t c = 0; c < 2 * l.kw; ++c)
          for (int64_t i = 0; i < l.ic; ++i)
            w2.push_back(static_cast<int8_t>(
                l.weights[((o * l.kh + y) * l.kw + c / 2) * l.ic + i]));
    auto wType = RankedTensorType::get({l.oc, l.kh, 2 * l.kw, l.ic},
                                       rewriter.getI8Type());
    auto bType = RankedTensorType::get({l.oc}, rewriter.getI32Type());
    SmallVector<int32_t> b32(bias2.begin(), bias2.end());
    auto conv = rewriter.create<tosa::Conv2DOp>(
        loc, RankedTensorType::get(convShape, rewriter.getI32Type()), split,
        rewriter.create<tosa::ConstOp>(
            loc, wType, DenseElementsAttr::get(wType, ArrayRef(w2))),
        rewriter.create<tosa::ConstOp>(
            loc, bType, DenseElementsAttr::get(bType, ArrayRef(b32))),
        rewriter.getDenseI64ArrayAttr({0, 0, 0, 0}),
        rewriter.getDenseI64ArrayAttr({l.strideH, 2 * l.strideW}),
        rewriter.getDenseI64ArrayAttr({l.dilationH, 1}),
        tosa::ConvOpQuantizationAttr::get(getContext(), 0, 0),
        /*local_bound=*/BoolAttr());
    conv->setAttr(kSplitInputAttr, rewriter.getUnitAttr());

    // The requantization (and a clamp after it) on the conv2d's shape,
    // then the layer's own.
    Value y = rewriter.create<tosa::RescaleOp>(
        loc, RankedTensorType::get(convShape, outType.getElementType()),
        conv.getResult(), rescale->getAttrs());
    Operation *last = rescale;
    if (auto clamp = dyn_cast_or_null<tosa::ClampOp>(
            rescale->hasOneUse() ? *rescale->getUsers().begin() : nullptr);
        clamp && outType.getShape() != ArrayRef<int64_t>(convShape)) {
      y = rewriter.create<tosa::ClampOp>(loc, y.getType(), y,
                                         clamp->getAttrs());
      last = clamp;
    }
    y = tosa_build::reshape(rewriter, loc, y, outType.getShape());
    rewriter.replaceOp(last, y);
    if (last != rescale.getOperation())
      rewriter.eraseOp(rescale);
    rewriter.eraseOp(mac);
    return success();
  }
};

} // namespace

void mlir::npu::populateSplitInt16Patterns(RewritePatternSet &patterns) {
  patterns.add<SplitInt16Mac>(patterns.getContext());
}
