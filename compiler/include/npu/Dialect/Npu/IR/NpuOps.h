//===- NpuOps.h - npu dialect operations ------------------------*- C++ -*-===//
#ifndef NPU_DIALECT_NPU_IR_NPUOPS_H
#define NPU_DIALECT_NPU_IR_NPUOPS_H

#include "npu/Dialect/Npu/IR/NpuDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "npu/Isa/Isa.h"
#include "npu/Isa/PpuTable.h"
#include "npu/Support/Result.h"

namespace npu {
enum class TensorRole : uint8_t; // npu/Program/Program.h
} // namespace npu

#include "npu/Dialect/Npu/IR/NpuEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "npu/Dialect/Npu/IR/NpuAttrs.h.inc"

namespace mlir::npu {

/// The weights of a MacOpInterface op seen as [outer, reduction, inner]
/// (row-major, the operand's own layout): accumulator o * inner + i sums
/// the `reduction` products of weights (o, *, i).
struct MacWeightLayout {
  int64_t outer = 1, reduction = 1, inner = 1;
  int64_t accumulators() const { return outer * inner; }
  /// The accumulator a flat weight index feeds.
  int64_t accumulatorOf(int64_t index) const {
    return index / (reduction * inner) * inner + index % inner;
  }
};

} // namespace mlir::npu

#include "npu/Dialect/Npu/IR/NpuInterfaces.h.inc"

#define GET_OP_CLASSES
#include "npu/Dialect/Npu/IR/NpuOps.h.inc"

namespace mlir::npu {

/// Classes npu.softmax (TFLite's int8 softmax) takes: the sum of that many
/// Q0.31 exponentials, each >> 12, leaves its final shift 35 - clz(sum)
/// below 32.
inline constexpr int64_t kMaxSoftmaxDepth = 256;
/// Marks the final tosa.rescale of the TFLite importer's integer softmax
/// (EmitSoftmax.cpp); tosa-to-npu fuses the marked chain into npu.softmax.
inline constexpr llvm::StringLiteral kTfliteSoftmaxAttr = "npu.tflite_softmax";

/// The runtime's form of each dialect enum that the runtime also has.
::npu::isa::PpuForm toRuntime(PpuForm form);
::npu::isa::PoolMode toRuntime(PoolKind kind);
::npu::isa::AluOp toRuntime(AluKind kind);
::npu::isa::ReduceOp toRuntime(ReduceKind kind);
::npu::TensorRole toRuntime(TensorRole role);

/// Token mask bits of npu.instr's `deps`.
enum DepBits : int32_t {
  kPopPrev = 1,
  kPopNext = 2,
  kPushPrev = 4,
  kPushNext = 8,
};

/// Builds the runtime instruction an npu.instr denotes.
::npu::Result<::npu::isa::Instruction> toInstruction(InstrOp op);

/// Creates an npu.instr for a runtime instruction at the builder's point.
InstrOp createInstr(OpBuilder &builder, Location loc,
                    const ::npu::isa::Instruction &instr);

} // namespace mlir::npu

#endif // NPU_DIALECT_NPU_IR_NPUOPS_H
