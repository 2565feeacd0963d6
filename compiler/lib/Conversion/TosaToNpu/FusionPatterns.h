//===- FusionPatterns.h - Helpers shared by tosa-to-npu's files -*- C++ -*-===//
#ifndef NPU_CONVERSION_TOSATONPU_FUSIONPATTERNS_H
#define NPU_CONVERSION_TOSATONPU_FUSIONPATTERNS_H

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

/// TFLite's integer softmax (marked by the importer) into npu.softmax
/// (FuseSoftmax.cpp).
void populateTfliteSoftmaxFusion(RewritePatternSet &patterns);

} // namespace mlir::npu

#endif // NPU_CONVERSION_TOSATONPU_FUSIONPATTERNS_H
