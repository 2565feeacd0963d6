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
#include "npu/Support/Result.h"

#define GET_OP_CLASSES
#include "npu/Dialect/Npu/IR/NpuOps.h.inc"

namespace mlir::npu {

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
