//===- Common.h - Helpers shared by the npu transforms ----------*- C++ -*-===//
#ifndef NPU_LIB_DIALECT_NPU_TRANSFORMS_COMMON_H
#define NPU_LIB_DIALECT_NPU_TRANSFORMS_COMMON_H

#include "npu/Dialect/Npu/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"

#include <optional>
#include <string>

namespace mlir::npu {

/// Attribute holding a tensor's DRAM byte offset (on the defining op for
/// results, as an argument attribute for function arguments).
inline constexpr llvm::StringLiteral kDramAttrName = "npu.dram";
/// Module attribute: bytes of the activation arena.
inline constexpr llvm::StringLiteral kArenaAttrName = "npu.arena_size";
/// Alignment of every DRAM buffer.
inline constexpr int64_t kDramAlignment = 64;

/// The function to compile: @main, or the module's only function.
inline FailureOr<func::FuncOp> getEntryFunction(ModuleOp module) {
  func::FuncOp entry;
  int count = 0;
  for (auto f : module.getOps<func::FuncOp>()) {
    ++count;
    if (f.getName() == "main")
      entry = f;
  }
  if (!entry && count == 1)
    entry = *module.getOps<func::FuncOp>().begin();
  if (!entry) {
    module.emitError("expected a function @main to compile");
    return failure();
  }
  return entry;
}

inline int64_t byteSize(Type type) {
  auto t = cast<ShapedType>(type);
  return t.getNumElements() *
         ((t.getElementType().getIntOrFloatBitWidth() + 7) / 8);
}

inline int64_t alignTo(int64_t v, int64_t a) { return (v + a - 1) / a * a; }

} // namespace mlir::npu

#endif // NPU_LIB_DIALECT_NPU_TRANSFORMS_COMMON_H
