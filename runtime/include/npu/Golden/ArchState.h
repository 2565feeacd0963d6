//===- ArchState.h - Architectural state of the NPU -------------*- C++ -*-===//
//
// The state every instruction reads and writes (docs/isa.md, "Machine
// state"): DRAM, the five scratchpads, the array's weight registers, the
// PPU configuration register and the element-wise configuration register. The
// reference semantics (Reference.h) are defined over it, and a Machine holds
// one.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_GOLDEN_ARCHSTATE_H
#define NPU_GOLDEN_ARCHSTATE_H

#include "npu/Arch/ArchConfig.h"
#include "npu/Isa/Isa.h"

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace npu::golden {

struct ArchState {
  /// The state of a machine shaped by `config` with `dramSize` bytes of
  /// DRAM after reset: all memories and weights zero, no ppu.cfg loaded.
  ArchState(const ArchConfig &config, uint64_t dramSize);

  std::vector<uint8_t> &sram(isa::Buffer buffer) {
    return scratchpads[static_cast<unsigned>(buffer)];
  }
  const std::vector<uint8_t> &sram(isa::Buffer buffer) const {
    return scratchpads[static_cast<unsigned>(buffer)];
  }
  /// Weight register W[row][col].
  int32_t weight(unsigned row, unsigned col) const {
    return weights[size_t(row) * arch.array.cols + col];
  }

  ArchConfig arch;
  std::vector<uint8_t> dram;
  /// Indexed by isa::Buffer.
  std::array<std::vector<uint8_t>, isa::enumCount<isa::Buffer>()> scratchpads;
  /// W[r][c], row-major, array.rows x array.cols (int4 weights
  /// sign-extended).
  std::vector<int8_t> weights;
  /// The last ppu.cfg, none after reset.
  std::optional<isa::PpuConfig> ppu;
  /// The last vec.ecfg, none after reset.
  std::optional<isa::EltwiseConfig> eltwise;
};

} // namespace npu::golden

#endif // NPU_GOLDEN_ARCHSTATE_H
