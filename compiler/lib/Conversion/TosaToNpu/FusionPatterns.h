//===- FusionPatterns.h - Helpers shared by tosa-to-npu's files -*- C++ -*-===//
#ifndef NPU_CONVERSION_TOSATONPU_FUSIONPATTERNS_H
#define NPU_CONVERSION_TOSATONPU_FUSIONPATTERNS_H

#include "npu/Dialect/Npu/IR/NpuOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

#include <optional>

namespace mlir::npu {

/// True for integer (tensors of) `width` bits.
inline bool isInt(Type type, unsigned width) {
  auto i = dyn_cast<IntegerType>(getElementTypeOrSelf(type));
  return i && i.getWidth() == width;
}

/// The value of a splat integer constant.
inline std::optional<int64_t> splatValue(Value v) {
  DenseIntElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !attr.isSplat())
    return std::nullopt;
  return attr.getSplatValue<APInt>().getSExtValue();
}

/// The values of a constant integer tensor, as int64.
inline FailureOr<SmallVector<int64_t>> constantInts(Value v) {
  DenseIntElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)))
    return failure();
  SmallVector<int64_t> values;
  for (const APInt &x : attr.getValues<APInt>())
    values.push_back(x.getSExtValue());
  return values;
}

/// Replaces `last` (the rescale, clamp or table ending the chain) with an op
/// built from `state`, then erases the now-dead chain `dead` (null entries
/// are skipped). The new op's location fuses the chain's, source op
/// (`dead[0]`) first, so diagnostics, layer names and debug ranges point at
/// it.
void replaceChain(PatternRewriter &rewriter, Operation *last,
                  OperationState &state, ArrayRef<Operation *> dead);

/// An npu.pool with its attributes, for replaceChain.
OperationState poolState(OpBuilder &b, Location loc, Value input, Type type,
                         PoolKind kind, ArrayRef<int64_t> kernel,
                         ArrayRef<int64_t> stride, ArrayRef<int64_t> pad,
                         int64_t inZp, int64_t outZp, int64_t lo, int64_t hi);

/// TFLite's integer average pooling as the importer writes it (global and
/// windowed) into npu.pool in TFLite mode (FuseAvgPool.cpp).
void populateTfliteAvgPoolFusion(RewritePatternSet &patterns);

/// tosa.pad (H and W, by the input zero point) folded into the
/// conv2d / depthwise_conv2d it feeds (FoldPad.cpp).
void populateFoldPadPatterns(RewritePatternSet &patterns);

/// tosa.gather (constant indices), tosa.resize and tosa.transpose_conv2d
/// rewritten into TOSA ops the NPU lowers (Decompose.cpp).
void populateDecomposePatterns(RewritePatternSet &patterns);

/// Marks a tosa.conv2d built by the 16x8 split (SplitInt16.cpp); the fusion
/// turns it into npu.conv2d's split_input.
inline constexpr llvm::StringLiteral kSplitInputAttr = "npu.split_input";

/// Largest block-diagonal weight tensor a 16x8 depthwise convolution is
/// expanded to (int8 elements, before the split doubles it): C^2 KH KW M,
/// e.g. 64 channels of 3x3. Beyond it the array would mostly multiply zeros.
inline constexpr int64_t kMaxBlockDiagonalWeights = 64 * 64 * 3 * 3;

/// int16 x int8 conv2d / depthwise_conv2d / fully_connected split into an int8
/// conv2d of high and low bytes (SplitInt16.cpp).
void populateSplitInt16Patterns(RewritePatternSet &patterns);

/// TFLite's integer softmax (marked by the importer) into npu.softmax
/// (FuseSoftmax.cpp).
void populateTfliteSoftmaxFusion(RewritePatternSet &patterns);

} // namespace mlir::npu

#endif // NPU_CONVERSION_TOSATONPU_FUSIONPATTERNS_H
