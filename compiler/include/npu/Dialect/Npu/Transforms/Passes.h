//===- Passes.h - npu dialect passes ----------------------------*- C++ -*-===//
#ifndef NPU_DIALECT_NPU_TRANSFORMS_PASSES_H
#define NPU_DIALECT_NPU_TRANSFORMS_PASSES_H

#include "npu/Arch/ArchConfig.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "llvm/Support/CommandLine.h"

namespace mlir::npu {

/// How npu-requantize-weights re-expresses constant int8 weights (npuc
/// --rescale): unchanged (exact), with one scale per layer, or with one
/// scale per layer and a 4-bit power-of-two shift per output channel (WESS).
enum class RescaleMode { Exact, PerLayer, Wess };

/// "exact", "per-layer", "wess": the spelling of npuc --rescale.
inline llvm::StringRef rescaleModeName(RescaleMode mode) {
  switch (mode) {
  case RescaleMode::Exact:
    return "exact";
  case RescaleMode::PerLayer:
    return "per-layer";
  case RescaleMode::Wess:
    return "wess";
  }
  return "?";
}

/// The command-line values of a RescaleMode option (npuc --rescale, the
/// pipeline's and npu-requantize-weights' `rescale` / `mode`).
inline auto rescaleModeValues() {
  return llvm::cl::values(
      clEnumValN(RescaleMode::Exact, "exact",
                 "the model's own weights and scales (default)"),
      clEnumValN(RescaleMode::PerLayer, "per-layer",
                 "one weight scale per layer"),
      clEnumValN(RescaleMode::Wess, "wess",
                 "one scale per layer and a 4-bit shift per output channel "
                 "(WESS)"));
}

/// Attribute npu-requantize-weights leaves on each layer it re-quantizes:
/// the mode (rescaleModeName).
inline constexpr llvm::StringLiteral kRescaleAttrName = "npu.rescale";

/// Attribute npu-requantize-weights leaves on each layer it re-quantizes:
/// the SQNR (dB) of the new weights against the model's real weights.
inline constexpr llvm::StringLiteral kWeightSqnrAttrName = "npu.weight_sqnr_db";

#define GEN_PASS_DECL
#include "npu/Dialect/Npu/Transforms/Passes.h.inc"

/// Name of the module attribute holding the ArchConfig.
inline constexpr llvm::StringLiteral kArchAttrName = "npu.arch";

/// Stores every field of `config` in the module's npu.arch attribute.
void setArchConfig(ModuleOp module, const ::npu::ArchConfig &config);

/// Reads the module's npu.arch attribute; emits an error on the module and
/// fails when it is missing or invalid.
FailureOr<::npu::ArchConfig> getArchConfig(ModuleOp module);

#define GEN_PASS_REGISTRATION
#include "npu/Dialect/Npu/Transforms/Passes.h.inc"

} // namespace mlir::npu

#endif // NPU_DIALECT_NPU_TRANSFORMS_PASSES_H
