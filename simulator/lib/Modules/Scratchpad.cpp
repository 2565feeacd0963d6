//===- Scratchpad.cpp - One on-chip SRAM ----------------------------------===//
#include "npusim/Modules/Scratchpad.h"

#include <algorithm>
#include <map>
#include <set>

namespace npu::sim {

Scratchpad::Scratchpad(sc_core::sc_module_name name, isa::Buffer buffer,
                       const ArchConfig &config, Recorder &recorder)
    : sc_core::sc_module(name), buffer(buffer),
      banks(static_cast<uint64_t>(config.sram.banks)),
      width(static_cast<uint64_t>(config.sram.bankWidthBytes)),
      recorder(recorder) {}

uint64_t Scratchpad::denseCycles(uint64_t bytes) const {
  const uint64_t perCycle = banks * width;
  return (bytes + perCycle - 1) / perCycle;
}

uint64_t Scratchpad::groupCycles(const std::vector<int64_t> &addrs,
                                 uint32_t elemBytes, uint64_t banks,
                                 uint64_t width) {
  // Distinct lines touched, grouped by bank: each bank serves one line per
  // cycle.
  std::map<uint64_t, std::set<int64_t>> linesPerBank;
  for (int64_t a : addrs)
    for (int64_t line = a / static_cast<int64_t>(width);
         line <= (a + elemBytes - 1) / static_cast<int64_t>(width); ++line)
      linesPerBank[static_cast<uint64_t>(line) % banks].insert(line);
  uint64_t cycles = 1;
  for (const auto &[bank, lines] : linesPerBank)
    cycles = std::max<uint64_t>(cycles, lines.size());
  return cycles;
}

uint64_t Scratchpad::stridedCycles(int64_t addr, uint64_t count,
                                   uint32_t elemBytes, int64_t strideBytes,
                                   uint32_t lanes) const {
  if (count == 0)
    return 0;
  // The first group's conflict degree stands for every group: the pattern
  // repeats with the stride.
  std::vector<int64_t> group;
  const uint64_t first = std::min<uint64_t>(count, lanes);
  for (uint64_t j = 0; j < first; ++j)
    group.push_back(addr + static_cast<int64_t>(j) * strideBytes);
  const uint64_t groups = (count + lanes - 1) / lanes;
  return groups * groupCycles(group, elemBytes, banks, width);
}

void Scratchpad::read(uint64_t bytes, uint32_t instr) {
  recorder.activity(instr).sramReadBytes[static_cast<unsigned>(buffer)] +=
      bytes;
}

void Scratchpad::write(uint64_t bytes, uint32_t instr) {
  recorder.activity(instr).sramWriteBytes[static_cast<unsigned>(buffer)] +=
      bytes;
}

} // namespace npu::sim
