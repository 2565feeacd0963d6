//===- Lanes.h - Scratchpad port time of lane-parallel units ----*- C++ -*-===//
//
// The PPU and the vector unit process `lanes` elements per step. Every
// operand stream of a step is a strided group of accesses to one scratchpad;
// streams on different scratchpads proceed in parallel, streams on the same
// one share its compute-side port, so their bank-conflict cycles add. A step
// takes the slowest scratchpad's cycles, and the pattern repeats with the
// strides, so the first group stands for all.
//
//===----------------------------------------------------------------------===//
#ifndef NPUSIM_MODULES_LANES_H
#define NPUSIM_MODULES_LANES_H

#include "npusim/Modules/Common.h"

#include <vector>

namespace npu::sim {

struct LaneStream {
  isa::Buffer buf;
  int64_t addr;
  uint32_t elemBytes;
  int64_t strideBytes; ///< between consecutive lanes
};

/// Cycles of one step of up to `lanes` elements (at least 1).
uint64_t laneStepCycles(sc_core::sc_port<ScratchpadIf, 5> &sram,
                        const std::vector<LaneStream> &streams, uint64_t count,
                        uint32_t lanes);

/// Cycles of the `stepsPerResult` steps that make one group of results
/// kept in the lanes between steps (a window's taps, a reduction's terms):
/// `streams` are accessed every step, `resultStreams` once per group (at
/// least one cycle per step).
uint64_t laneResultCycles(sc_core::sc_port<ScratchpadIf, 5> &sram,
                          const std::vector<LaneStream> &streams,
                          const std::vector<LaneStream> &resultStreams,
                          uint64_t stepsPerResult, uint64_t count,
                          uint32_t lanes);

} // namespace npu::sim

#endif // NPUSIM_MODULES_LANES_H
