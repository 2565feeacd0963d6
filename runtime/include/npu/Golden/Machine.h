//===- Machine.h - Functional model of the NPU ------------------*- C++ -*-===//
//
// The golden executor: executes instructions with the bit-exact semantics
// of the reference (Reference.h, the normative definition behind
// docs/isa.md), at speed and with no notion of time. The simulator calls
// Machine::execute for the data of each instruction and owns only timing
// and statistics; the RTL array is checked against the same numbers.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_GOLDEN_MACHINE_H
#define NPU_GOLDEN_MACHINE_H

#include "npu/Arch/ArchConfig.h"
#include "npu/Golden/ArchState.h"
#include "npu/Golden/Counters.h"
#include "npu/Isa/Isa.h"
#include "npu/Program/Program.h"
#include "npu/Support/Result.h"
#include "npu/Tensor/Tensor.h"

#include <cstdint>
#include <vector>

namespace npu::golden {

namespace kernels {
struct Kernels;
} // namespace kernels

/// Architectural state (DRAM, scratchpads, the array's weight registers, the
/// PPU configuration and element-wise registers) and the instructions that
/// change it.
class Machine {
public:
  /// A machine shaped by `config` with `dramSize` bytes of DRAM, all zero.
  Machine(const ArchConfig &config, uint64_t dramSize);

  /// Executes one instruction, adding its events to `counters`. Operands are
  /// bounds-checked first; errors (out-of-range operand, invalid per-channel
  /// table entry) leave the machine unchanged.
  Status execute(const isa::Instruction &instr, Counters &counters);

  std::vector<uint8_t> &dram() { return state.dram; }
  const std::vector<uint8_t> &dram() const { return state.dram; }
  std::vector<uint8_t> &sram(isa::Buffer buffer) { return state.sram(buffer); }
  const ArchConfig &config() const { return state.arch; }
  /// The ppu.cfg in force (used by ppu and vec.eltwise), nullptr before the
  /// first.
  const isa::PpuConfig *ppuConfig() const {
    return state.ppu ? &*state.ppu : nullptr;
  }

  /// Weight register of array row r, column c (after load.weights).
  int32_t weight(unsigned row, unsigned col) const {
    return state.weight(row, col);
  }

private:
  struct Exec;
  friend struct Exec;

  /// Rebuilds the weight layouts below from state.weights.
  void repackWeights();

  ArchState state;
  /// The data-parallel kernels for this host (Machine.cpp).
  const kernels::Kernels *kernelTable;
  /// array.cols rounded up to a multiple of 16 (zero weights beyond).
  size_t paddedCols = 0;
  /// Weights row-major, [row][paddedCols], for the portable kernels.
  std::vector<int16_t> weightRows;
  /// Weights in groups of four rows, [row / 4][paddedCols][row % 4], for
  /// four-way byte dot products.
  std::vector<int8_t> weightQuads;
  /// Prefix sums over rows: entry [k][c] (array.cols per k) is the sum of
  /// W[r][c] (resp. |W[r][c]|) over r < k, for k = 0 .. array.rows.
  std::vector<int32_t> columnSums;
  std::vector<int32_t> columnAbsSums;
  /// Scratch reused by every instruction (no allocation per execute).
  std::vector<int32_t> scratch;
  std::vector<int64_t> scratchWide;
};

/// Result of running a whole program.
struct RunResult {
  /// One tensor per program output, in program order.
  std::vector<Tensor> outputs;
  Counters total;
  /// Per entry of Program::layers (events of instructions outside any
  /// layer's debug range count only in `total`).
  std::vector<Counters> perLayer;
};

/// Runs `program` from reset. `inputs` holds one tensor per program input in
/// program order; an empty vector selects the embedded default inputs
/// (an error when the program has none). Types and shapes are checked.
Result<RunResult> runProgram(const Program &program,
                             const std::vector<Tensor> &inputs);

/// Checks `tensor` against the descriptor of program tensor `index`.
Status checkInputTensor(const Program &program, size_t index,
                        const Tensor &tensor);

} // namespace npu::golden

#endif // NPU_GOLDEN_MACHINE_H
