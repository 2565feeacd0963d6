//===- TosaToNpu.h - TOSA to npu conversion ---------------------*- C++ -*-===//
#ifndef NPU_CONVERSION_TOSATONPU_TOSATONPU_H
#define NPU_CONVERSION_TOSATONPU_TOSATONPU_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace mlir::npu {

#define GEN_PASS_DECL
#include "npu/Conversion/TosaToNpu/Passes.h.inc"

/// Adds the patterns that fuse TOSA op sequences into one npu op (MAC
/// layers and element-wise ops with their rescales and clamps, pooling
/// with its clamp).
void populateTosaToNpuFusionPatterns(RewritePatternSet &patterns);

/// Adds the one-to-one TOSA-to-npu conversions (applied after fusion).
void populateTosaToNpuPatterns(RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "npu/Conversion/TosaToNpu/Passes.h.inc"

} // namespace mlir::npu

#endif // NPU_CONVERSION_TOSATONPU_TOSATONPU_H
