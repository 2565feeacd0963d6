//===- Stats.h - What the simulator measures --------------------*- C++ -*-===//
//
// Statistics with units (gem5 style): cycles, bytes, events. Energy is
// derived from them afterwards (Energy/EnergyModel.h).
//
//===----------------------------------------------------------------------===//
#ifndef NPUSIM_STATS_H
#define NPUSIM_STATS_H

#include "npu/Golden/Machine.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace npu::sim {

/// Hardware blocks that report busy/stall time; each is one track of the
/// timeline. The DRAM bus has one track per direction.
enum class Unit : uint8_t {
  Load,
  Compute,
  Store,
  Array,
  Ppu,
  Vector,
  DramRead,
  DramWrite
};
inline constexpr unsigned kNumUnits = 8;
const char *unitName(Unit unit);

struct UnitStats {
  uint64_t busyCycles = 0; ///< cycles executing instructions
  /// Cycles a queue waited for a dependency token (to pop one, or for room
  /// to push one).
  uint64_t stallCycles = 0;
  /// Cycles a queue was free and the tokens its next instruction pops were
  /// available, but instruction fetch had not delivered that instruction
  /// yet (queues only; attributed to the instruction waited for).
  uint64_t fetchStallCycles = 0;
  uint64_t instructions = 0;
};

/// Events and traffic of a group of instructions (a layer or the program).
struct ActivityStats {
  golden::Counters counters; ///< instructions, MACs, overflow, saturation
  uint64_t arrayMacs = 0;    ///< MACs done by the systolic array
  std::array<UnitStats, kNumUnits> units{};
  uint64_t dramReadBytes = 0;
  uint64_t dramWriteBytes = 0;
  /// 64-bit DRAM words transferred (a burst's bytes rounded up to words).
  uint64_t dramWords = 0;
  std::array<uint64_t, 5> sramReadBytes{}; ///< per scratchpad (isa::Buffer)
  std::array<uint64_t, 5> sramWriteBytes{};
  uint64_t accumulatorAdds = 0; ///< adds into existing ABUF values
  uint64_t ppuElements = 0;
  uint64_t vectorOps = 0; ///< lane operations of the vector unit

  ActivityStats &operator+=(const ActivityStats &o);
};

struct LayerStats {
  std::string name;
  std::string kind;
  uint64_t startCycle = 0; ///< first instruction of the layer starts
  uint64_t endCycle = 0;   ///< last instruction of the layer completes
  /// Completion time attributed to this layer: endCycle minus the latest
  /// endCycle of the layers before it (the per-layer cycles add up to the
  /// program's).
  uint64_t cycles = 0;
  ActivityStats activity;
  uint64_t staticAccBound = 0; ///< from the compiler (LAYERS section)
  uint32_t staticAccBits = 0;
  bool staticMayOverflow = false;
};

struct SimStats {
  uint64_t cycles = 0;
  double clockMHz = 0;
  ActivityStats total;
  std::vector<LayerStats> layers;
  /// Activity outside any layer's debug range.
  ActivityStats unattributed;
};

/// One complete event of the timeline (Chrome trace "X" event).
struct TraceEvent {
  std::string name;
  Unit unit;
  uint64_t startCycle;
  uint64_t durationCycles;
  int64_t layer = -1; ///< index into SimStats::layers, or -1
  int64_t instruction = -1;
  std::string detail; ///< e.g. bytes moved, stall reason
};

} // namespace npu::sim

#endif // NPUSIM_STATS_H
