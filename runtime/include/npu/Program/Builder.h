//===- Builder.h - Assembling programs in memory ----------------*- C++ -*-===//
//
// Lays out DRAM (constants, then tensors, each 64-byte aligned), collects
// instructions with their layer and source location, and produces a Program
// ending in HALT. Used by the compiler's emitter, the demo and the tests.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_PROGRAM_BUILDER_H
#define NPU_PROGRAM_BUILDER_H

#include "npu/Program/Program.h"

#include <optional>

namespace npu {

class ProgramBuilder {
public:
  explicit ProgramBuilder(const ArchConfig &config);

  /// Places constant bytes in DRAM; returns their address.
  uint64_t addConstant(std::vector<uint8_t> data);
  /// Reserves DRAM scratch space; returns its address.
  uint64_t reserve(uint64_t bytes);

  /// Declares an input or output tensor and places it in DRAM; returns its
  /// index among all tensors.
  size_t addTensor(TensorDesc desc);
  uint64_t tensorAddr(size_t index) const {
    return program.tensors[index].dramAddr;
  }
  void setDefaultInput(size_t tensorIndex, std::vector<uint8_t> data);

  /// Starts a layer: following instructions belong to it until endLayer().
  size_t beginLayer(LayerInfo layer, std::string location);
  void endLayer();
  LayerInfo &layer(size_t index) { return program.layers[index]; }

  /// Appends an instruction to the current layer (if any).
  void emit(const isa::Instruction &instr);
  size_t numInstructions() const { return program.instructions.size(); }
  isa::Instruction &instruction(size_t index) {
    return program.instructions[index];
  }

  /// Appends HALT, closes the open layer and returns the program.
  Program finish();

private:
  uint64_t allocate(uint64_t bytes);

  Program program;
  uint64_t dramTop = 0;
  std::optional<DebugRange> openRange;
};

} // namespace npu

#endif // NPU_PROGRAM_BUILDER_H
