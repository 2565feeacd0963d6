//===- Common.cpp - Recording of simulated activity -----------------------===//
#include "npusim/Modules/Common.h"

#include "npu/Isa/Encoding.h"

#include <algorithm>

namespace npu::sim {

const char *unitName(Unit unit) {
  switch (unit) {
  case Unit::Load:
    return "load";
  case Unit::Compute:
    return "compute";
  case Unit::Store:
    return "store";
  case Unit::Array:
    return "array";
  case Unit::Ppu:
    return "ppu";
  case Unit::Vector:
    return "vector";
  case Unit::DramRead:
    return "dram.read";
  case Unit::DramWrite:
    return "dram.write";
  }
  return "?";
}

ActivityStats &ActivityStats::operator+=(const ActivityStats &o) {
  counters += o.counters;
  for (unsigned u = 0; u < kNumUnits; ++u) {
    units[u].busyCycles += o.units[u].busyCycles;
    units[u].stallCycles += o.units[u].stallCycles;
    units[u].fetchStallCycles += o.units[u].fetchStallCycles;
    units[u].instructions += o.units[u].instructions;
  }
  arrayMacs += o.arrayMacs;
  dramReadBytes += o.dramReadBytes;
  dramWriteBytes += o.dramWriteBytes;
  dramWords += o.dramWords;
  for (unsigned b = 0; b < 5; ++b) {
    sramReadBytes[b] += o.sramReadBytes[b];
    sramWriteBytes[b] += o.sramWriteBytes[b];
  }
  accumulatorAdds += o.accumulatorAdds;
  ppuElements += o.ppuElements;
  vectorOps += o.vectorOps;
  return *this;
}

Recorder::Recorder(const Program &program, bool trace)
    : program(program), trace(trace), layers(program.instructions.size(), -1) {
  for (const DebugRange &r : program.debug)
    if (r.layer != DebugRange::kNoLayer)
      std::fill_n(layers.begin() + r.firstInstr, r.numInstrs,
                  static_cast<int64_t>(r.layer));
  for (const LayerInfo &info : program.layers) {
    LayerStats s;
    s.name = info.name;
    s.kind = info.kind;
    s.startCycle = UINT64_MAX;
    s.staticAccBound = info.accBound;
    s.staticAccBits = info.accBitsNeeded;
    s.staticMayOverflow = info.mayOverflow;
    layerStatsList.push_back(std::move(s));
  }
}

ActivityStats &Recorder::activity(uint32_t instr) {
  const int64_t layer = layers[instr];
  return layer < 0 ? unattributed : layerStatsList[layer].activity;
}

void Recorder::executed(Unit unit, uint32_t instr, uint64_t start, uint64_t end,
                        std::string detail) {
  UnitStats &u = activity(instr).units[static_cast<unsigned>(unit)];
  u.busyCycles += end - start;
  ++u.instructions;
  if (const int64_t layer = layers[instr]; layer >= 0) {
    LayerStats &s = layerStatsList[layer];
    s.startCycle = std::min(s.startCycle, start);
    s.endCycle = std::max(s.endCycle, end);
  }
  if (trace)
    events.push_back({isa::mnemonicOf(program.instructions[instr]), unit, start,
                      end - start, layers[instr], static_cast<int64_t>(instr),
                      std::move(detail)});
}

void Recorder::stalled(Unit unit, uint32_t instr, uint64_t start, uint64_t end,
                       const char *reason) {
  if (end == start)
    return;
  activity(instr).units[static_cast<unsigned>(unit)].stallCycles += end - start;
  if (trace)
    events.push_back({std::string("stall: ") + reason, unit, start, end - start,
                      layers[instr], static_cast<int64_t>(instr), ""});
}

void Recorder::fetchStalled(Unit unit, uint32_t instr, uint64_t start,
                            uint64_t end) {
  if (end <= start)
    return;
  activity(instr).units[static_cast<unsigned>(unit)].fetchStallCycles +=
      end - start;
  if (trace)
    events.push_back({"stall: instruction fetch", unit, start, end - start,
                      layers[instr], static_cast<int64_t>(instr), ""});
}

void Recorder::busy(Unit unit, uint32_t instr, uint64_t start, uint64_t end,
                    std::string name, std::string detail) {
  UnitStats &u = activity(instr).units[static_cast<unsigned>(unit)];
  u.busyCycles += end - start;
  ++u.instructions;
  traceEvent(unit, instr, start, end, std::move(name), std::move(detail));
}

void Recorder::traceEvent(Unit unit, uint32_t instr, uint64_t start,
                          uint64_t end, std::string name, std::string detail) {
  if (trace)
    events.push_back({std::move(name), unit, start, end - start, layers[instr],
                      static_cast<int64_t>(instr), std::move(detail)});
}

SimStats Recorder::finish(uint64_t cycles, double clockMHz) {
  SimStats stats;
  stats.cycles = cycles;
  stats.clockMHz = clockMHz;
  uint64_t doneBefore = 0;
  for (size_t i = 0; i < layerStatsList.size(); ++i) {
    LayerStats &s = layerStatsList[i];
    // The model's MACs; arrayMacs and the array's energy keep what the
    // PEs computed.
    s.activity.counters.macs =
        reportedMacs(program.layers[i], s.activity.counters.macs);
    if (s.startCycle == UINT64_MAX)
      s.startCycle = s.endCycle = doneBefore;
    s.cycles = s.endCycle > doneBefore ? s.endCycle - doneBefore : 0;
    doneBefore = std::max(doneBefore, s.endCycle);
    stats.total += s.activity;
  }
  stats.total += unattributed;
  stats.unattributed = unattributed;
  stats.layers = std::move(layerStatsList);
  return stats;
}

StampedFifo::StampedFifo(const char *name, size_t capacity)
    : sc_core::sc_prim_channel(name), freeSlots(capacity, 0) {}

uint64_t StampedFifo::write(uint32_t value, uint64_t cycle, UnitClock &clock) {
  while (freeSlots.empty())
    clock.waitEvent(taken);
  const uint64_t at = std::max(cycle, freeSlots.front());
  freeSlots.pop_front();
  entries.emplace_back(value, at);
  written.notify(sc_core::SC_ZERO_TIME);
  return at;
}

StampedFifoInIf::Entry StampedFifo::read(uint64_t cycle, UnitClock &clock) {
  while (entries.empty())
    clock.waitEvent(written);
  const auto [value, writtenAt] = entries.front();
  entries.pop_front();
  const uint64_t at = std::max(cycle, writtenAt);
  freeSlots.push_back(at);
  taken.notify(sc_core::SC_ZERO_TIME);
  return {value, at, writtenAt};
}

bool Functional::execute(uint32_t instr) {
  golden::Counters counters;
  Status status = state.execute(program.instructions[instr], counters);
  if (!status) {
    fail(instr, status.error().getMessage());
    return false;
  }
  addCounters(instr, counters);
  return true;
}

void Functional::addCounters(uint32_t instr, const golden::Counters &counters) {
  recorder.activity(instr).counters += counters;
}

void Functional::fail(uint32_t instr, const std::string &message) {
  if (!firstError)
    firstError = "instruction " + std::to_string(instr) + " (" +
                 isa::mnemonicOf(program.instructions[instr]) + "): " + message;
  sc_core::sc_stop();
}

} // namespace npu::sim
