//===- Loader.h - Placing a program and its tensors in DRAM -----*- C++ -*-===//
//
// What every executor of a prog.bin does before the first and after the last
// instruction: copy the constants and inputs into DRAM, and read the outputs
// back. Shared by the golden executor (runProgram) and the simulator.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_GOLDEN_LOADER_H
#define NPU_GOLDEN_LOADER_H

#include "npu/Golden/Machine.h"

namespace npu::golden {

/// Copies the program's constants and inputs into `machine`'s DRAM.
/// `inputs` holds one tensor per program input in program order (types and
/// shapes are checked); an empty vector selects the embedded default inputs
/// (an error when the program has none for an input).
Status loadProgram(Machine &machine, const Program &program,
                   const std::vector<Tensor> &inputs);

/// The program's output tensors, read from `machine`'s DRAM.
std::vector<Tensor> readOutputs(const Machine &machine, const Program &program);

} // namespace npu::golden

#endif // NPU_GOLDEN_LOADER_H
