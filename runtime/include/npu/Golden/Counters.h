//===- Counters.h - Events counted by the golden executor -------*- C++ -*-===//
//
// The event counters of docs/isa.md ("Events"), shared by the reference
// semantics (Reference.h), the Machine and the simulator's statistics.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_GOLDEN_COUNTERS_H
#define NPU_GOLDEN_COUNTERS_H

#include <cstdint>

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

} // namespace npu::golden

#endif // NPU_GOLDEN_COUNTERS_H
