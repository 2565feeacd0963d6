//===- Machine.h - Functional model of the NPU ------------------*- C++ -*-===//
//
// The golden executor: the one bit-exact definition of what every
// instruction computes (docs/isa.md), with no notion of time. The simulator
// calls Machine::execute for the data of each instruction and owns only
// timing and statistics; the RTL array is checked against the same numbers.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_GOLDEN_MACHINE_H
#define NPU_GOLDEN_MACHINE_H

#include "npu/Arch/ArchConfig.h"
#include "npu/Isa/Isa.h"
#include "npu/Program/Program.h"
#include "npu/Support/Result.h"
#include "npu/Tensor/Tensor.h"

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace npu::golden {

/// Events counted while executing (per instruction, layer or program).
struct Counters {
  uint64_t instructions = 0;
  uint64_t macs = 0;
  /// Accumulator results that left the acc_bits range (wrapped or
  /// saturated, per the overflow policy), in the array, the vector unit's
  /// depthwise MACs and the PPU's 32-bit bias add.
  uint64_t accOverflow = 0;
  /// PPU, pooling and rescale results clamped to their output type's range.
  uint64_t saturation = 0;

  Counters &operator+=(const Counters &o) {
    instructions += o.instructions;
    macs += o.macs;
    accOverflow += o.accOverflow;
    saturation += o.saturation;
    return *this;
  }
};

/// Architectural state: DRAM, scratchpads, the array's weight registers and
/// the PPU configuration registers.
class Machine {
public:
  /// A machine shaped by `config` with `dramSize` bytes of DRAM, all zero.
  Machine(const ArchConfig &config, uint64_t dramSize);

  /// Executes one instruction, adding its events to `counters`. Operands are
  /// bounds-checked first; errors (out-of-range operand, invalid per-channel
  /// table entry) leave the machine unchanged.
  Status execute(const isa::Instruction &instr, Counters &counters);

  std::vector<uint8_t> &dram() { return dramBytes; }
  const std::vector<uint8_t> &dram() const { return dramBytes; }
  std::vector<uint8_t> &sram(isa::Buffer buffer);
  const ArchConfig &config() const { return arch; }

  /// Weight register of array row r, column c (after load.weights).
  int32_t weight(unsigned row, unsigned col) const {
    return weightsT[size_t(col) * arch.array.rows + row];
  }

private:
  struct Exec;
  friend struct Exec;

  /// Host instruction set the data-parallel kernels use (Machine.cpp).
  enum class Simd : uint8_t { Portable, Avx512Vnni };

  /// Rebuilds the weight layouts below from weightsT.
  void repackWeights();

  ArchConfig arch;
  std::vector<uint8_t> dramBytes;
  std::array<std::vector<uint8_t>, 5> sramBytes;
  /// Weights transposed (column-major), for the ordered per-column path.
  std::vector<int16_t> weightsT;
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
  Simd simd = Simd::Portable;
  /// Scratch reused by every instruction (no allocation per execute).
  std::vector<int32_t> scratch;
  std::vector<int64_t> scratchWide;
  std::optional<isa::PpuConfig> ppu;
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
