//===- Cost.h - Cycle formulas of the NPU's units ---------------*- C++ -*-===//
//
// The timing formulas of one instruction on an idle unit, shared by the
// simulator (which adds contention: scratchpad bank conflicts, queue
// tokens, a shared DRAM bus) and the compiler's cost model (which uses them
// as they are). One owner: npusim's units call these.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_ISA_COST_H
#define NPU_ISA_COST_H

#include "npu/Isa/Isa.h"

#include <cstdint>
#include <vector>

namespace npu::isa::cost {

/// Pipeline latency the vector unit and the PPU add to every instruction.
inline constexpr uint64_t kVectorLatency = 3;
inline constexpr uint64_t kPpuLatency = 4;

/// A gemm streams `vectors` input vectors through a rows x cols
/// weight-stationary array: the last result leaves after the pipeline's
/// fill and drain.
constexpr uint64_t gemmCycles(uint64_t vectors, unsigned rows, unsigned cols) {
  return vectors + rows + cols - 1;
}

/// load.weights shifts `rows` rows in; each row of `rowBytes` takes
/// ceil(rowBytes / portBytes) WBUF reads (at least one).
constexpr uint64_t preloadCycles(unsigned rows, uint64_t rowBytes,
                                 uint64_t portBytes) {
  const uint64_t perRow = (rowBytes + portBytes - 1) / portBytes;
  return uint64_t(rows) * (perRow ? perRow : 1);
}

/// Lane steps of a vector-unit instruction on `lanes` lanes, each step one
/// element per lane (before bank conflicts); 0 for instructions that only
/// load registers (vec.ecfg) and for other units' instructions.
uint64_t vectorSteps(const Instruction &instr, uint32_t lanes);

/// Lane steps of a ppu instruction on `lanes` lanes: one pixel's channels
/// per ceil(channels / lanes) steps.
constexpr uint64_t ppuSteps(const Ppu &p, uint32_t lanes) {
  return uint64_t(p.pixels) * ((p.channels + lanes - 1) / lanes);
}

/// The DRAM bursts of a 2-d DMA block: contiguous runs (merged while each
/// starts where the previous ended) cut at `burstBytes` boundaries.
std::vector<uint32_t> dmaBursts(uint64_t dramAddr, uint64_t rowStride,
                                uint64_t colStride, uint64_t rows,
                                uint64_t cols, uint64_t elemBytes,
                                uint64_t burstBytes);

/// Bursts requested from cycle `now`, one request per cycle, at most
/// `maxOutstanding` in flight, each `latency` cycles to its first beat and
/// ceil(bytes / bandwidth) bus cycles on a bus free from `busFree` (updated).
struct BurstSchedule {
  uint64_t done = 0;      ///< Cycle the last burst completes.
  uint64_t firstData = 0; ///< Cycle the first data beat arrives.
  uint64_t busCycles = 0; ///< Bus cycles used.
};
BurstSchedule scheduleBursts(const std::vector<uint32_t> &bursts,
                             uint64_t now, uint64_t bandwidth,
                             uint64_t latency, uint64_t maxOutstanding,
                             uint64_t &busFree);

} // namespace npu::isa::cost

#endif // NPU_ISA_COST_H
