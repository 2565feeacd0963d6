//===- Lanes.cpp - Scratchpad port time of lane-parallel units ------------===//
#include "npusim/Modules/Lanes.h"

#include <algorithm>
#include <array>

namespace npu::sim {

namespace {

/// Port cycles per scratchpad of one access to each of `streams`.
std::array<uint64_t, 5> portCycles(sc_core::sc_port<ScratchpadIf, 5> &sram,
                                   const std::vector<LaneStream> &streams,
                                   uint64_t count, uint32_t lanes) {
  const uint64_t group =
      std::min<uint64_t>(std::max<uint64_t>(count, 1), lanes);
  std::array<uint64_t, 5> perBuffer{};
  for (const LaneStream &s : streams)
    perBuffer[static_cast<unsigned>(s.buf)] +=
        sram[static_cast<int>(s.buf)]->stridedCycles(
            s.addr, group, s.elemBytes, s.strideBytes,
            static_cast<uint32_t>(group));
  return perBuffer;
}

} // namespace

uint64_t laneStepCycles(sc_core::sc_port<ScratchpadIf, 5> &sram,
                        const std::vector<LaneStream> &streams, uint64_t count,
                        uint32_t lanes) {
  const std::array<uint64_t, 5> perBuffer =
      portCycles(sram, streams, count, lanes);
  return std::max<uint64_t>(
      1, *std::max_element(perBuffer.begin(), perBuffer.end()));
}

uint64_t laneResultCycles(sc_core::sc_port<ScratchpadIf, 5> &sram,
                          const std::vector<LaneStream> &streams,
                          const std::vector<LaneStream> &resultStreams,
                          uint64_t stepsPerResult, uint64_t count,
                          uint32_t lanes) {
  const std::array<uint64_t, 5> step = portCycles(sram, streams, count, lanes);
  const std::array<uint64_t, 5> result =
      portCycles(sram, resultStreams, count, lanes);
  uint64_t worst = stepsPerResult;
  for (size_t b = 0; b < step.size(); ++b)
    worst = std::max(worst, stepsPerResult * step[b] + result[b]);
  return worst;
}

} // namespace npu::sim
