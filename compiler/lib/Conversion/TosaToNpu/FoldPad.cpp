//===- FoldPad.cpp - Explicit padding into the convolution ----------------===//
//
// Models exported from PyTorch pad explicitly (a TFLite PAD with the zero
// point, then a VALID convolution). A tosa.pad of H and W only, with the
// convolution's input zero point as its value, feeding only a conv2d or
// depthwise_conv2d, is the same as the convolution padding those rows and
// columns itself (TOSA pads the zero-point-subtracted input with 0), so the
// pad is folded into the convolution's pad attribute: one layer less, and
// no DRAM round trip of the padded tensor.
//
//===----------------------------------------------------------------------===//
#include "FusionPatterns.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::npu;

namespace {

template <typename ConvOp> struct FoldPadIntoConv : OpRewritePattern<ConvOp> {
  using OpRewritePattern<ConvOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(ConvOp conv,
                                PatternRewriter &rewriter) const override {
    auto pad = conv.getInput().template getDefiningOp<tosa::PadOp>();
    if (!pad || !pad.getOutput().hasOneUse())
      return failure();
    DenseIntElementsAttr padding, value;
    if (!matchPattern(pad.getPadding(), m_Constant(&padding)) ||
        !pad.getPadConst() ||
        !matchPattern(pad.getPadConst(), m_Constant(&value)) ||
        !value.isSplat())
      return failure();
    SmallVector<int64_t> p;
    for (const APInt &v : padding.getValues<APInt>())
      p.push_back(v.getSExtValue());
    auto type = cast<RankedTensorType>(pad.getInput1().getType());
    if (type.getRank() != 4 || p.size() != 8 || p[0] || p[1] || p[6] || p[7])
      return failure();
    int64_t inputZp = 0;
    if (auto q = conv.getQuantizationInfo())
      inputZp = q->getInputZp();
    if (value.getSplatValue<APInt>().getSExtValue() != inputZp)
      return failure();
    // Keep the combined padding below the kernel (what a SAME convolution
    // needs), the range the MAC lowering is built for.
    auto weight = cast<RankedTensorType>(conv.getWeight().getType());
    const bool depthwise = std::is_same_v<ConvOp, tosa::DepthwiseConv2DOp>;
    const int64_t kh = weight.getDimSize(depthwise ? 0 : 1);
    const int64_t kw = weight.getDimSize(depthwise ? 1 : 2);
    ArrayRef<int64_t> old = conv.getPad();
    const SmallVector<int64_t> merged{old[0] + p[2], old[1] + p[3],
                                      old[2] + p[4], old[3] + p[5]};
    if (merged[0] >= kh || merged[1] >= kh || merged[2] >= kw ||
        merged[3] >= kw)
      return failure();
    rewriter.modifyOpInPlace(conv, [&] {
      conv.getInputMutable().assign(pad.getInput1());
      conv.setPad(merged);
    });
    rewriter.eraseOp(pad);
    return success();
  }
};

} // namespace

void mlir::npu::populateFoldPadPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldPadIntoConv<tosa::Conv2DOp>,
               FoldPadIntoConv<tosa::DepthwiseConv2DOp>>(patterns.getContext());
}
