//===- Passes.h - npu dialect passes ----------------------------*- C++ -*-===//
#ifndef NPU_DIALECT_NPU_TRANSFORMS_PASSES_H
#define NPU_DIALECT_NPU_TRANSFORMS_PASSES_H

#include "npu/Arch/ArchConfig.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::npu {

/// How npu-requantize-weights re-expresses constant int8 weights (npuc
/// --rescale): unchanged (exact), with one scale per layer, or with one
/// scale per layer and a 4-bit power-of-two shift per output channel (WESS).
enum class RescaleMode { Exact, PerLayer, Wess };

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
