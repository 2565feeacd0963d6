//===- Lanes.cpp - Scratchpad port time of lane-parallel units ------------===//
#include "npusim/Modules/Lanes.h"

#include <algorithm>
#include <array>

namespace npu::sim {

uint64_t laneStepCycles(sc_core::sc_port<ScratchpadIf, 5> &sram,
                        const std::vector<LaneStream> &streams, uint64_t count,
                        uint32_t lanes) {
  const uint64_t group =
      std::min<uint64_t>(std::max<uint64_t>(count, 1), lanes);
  std::array<uint64_t, 5> perBuffer{};
  for (const LaneStream &s : streams)
    perBuffer[static_cast<unsigned>(s.buf)] +=
        sram[static_cast<int>(s.buf)]->stridedCycles(
            s.addr, group, s.elemBytes, s.strideBytes,
            static_cast<uint32_t>(group));
  return std::max<uint64_t>(
      1, *std::max_element(perBuffer.begin(), perBuffer.end()));
}

} // namespace npu::sim
