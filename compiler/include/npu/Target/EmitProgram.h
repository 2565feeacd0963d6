//===- EmitProgram.h - npu.program to prog.bin ------------------*- C++ -*-===//
#ifndef NPU_TARGET_EMITPROGRAM_H
#define NPU_TARGET_EMITPROGRAM_H

#include "npu/Dialect/Npu/IR/NpuOps.h"
#include "npu/Program/Program.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"

namespace mlir::npu {

/// Builds the runtime Program an npu.program denotes: ARCH record, DRAM
/// segments, tensor descriptors, instructions, and per layer its LAYERS
/// record and a DEBUG range with the layer's source location. Errors are
/// emitted on the offending op.
FailureOr<::npu::Program> buildProgram(ProgramOp program);

/// buildProgram of the first npu.program in `module` (the compile
/// pipeline leaves one); fails with an error on the module when there is
/// none.
FailureOr<::npu::Program> buildModuleProgram(ModuleOp module);

} // namespace mlir::npu

#endif // NPU_TARGET_EMITPROGRAM_H
