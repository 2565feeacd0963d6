//===- Dram.cpp - DRAM and its data bus -----------------------------------===//
#include "npusim/Modules/Dram.h"

#include "npu/Isa/Cost.h"

#include <algorithm>
#include <deque>
#include <string>

namespace npu::sim {

namespace {

using isa::cost::scheduleBursts;

} // namespace

Dram::Dram(sc_core::sc_module_name name, const ArchConfig &config,
           const TimeBase &time, Recorder &recorder)
    : sc_core::sc_module(name), time(time),
      bandwidth(static_cast<uint64_t>(config.dram.bandwidthBytesPerCycle)),
      latency(static_cast<uint64_t>(config.dram.latencyCycles)),
      maxOutstanding(static_cast<uint64_t>(config.dram.maxOutstanding)),
      recorder(recorder) {
  SC_METHOD(arbitrate);
  sensitive << arbitrateEvent;
  dont_initialize();
}

uint64_t Dram::idleTransferCycles(const std::vector<uint32_t> &bursts,
                                  uint64_t bandwidth, uint64_t latency,
                                  uint64_t maxOutstanding) {
  uint64_t busFree = 0;
  return scheduleBursts(bursts, 0, bandwidth, latency, maxOutstanding, busFree)
      .done;
}

uint64_t Dram::transfer(const std::vector<uint32_t> &bursts, bool write,
                        uint32_t instr) {
  Request request{&bursts, write, instr};
  if (pending.empty())
    arbitrateEvent.notify(time.clockPeriod() / 4);
  pending.push_back(&request);
  sc_core::wait(arbitrated);
  return request.done;
}

void Dram::arbitrate() {
  const uint64_t cycle = time.now();
  std::stable_sort(pending.begin(), pending.end(),
                   [](const Request *a, const Request *b) {
                     return a->write < b->write; // loads first
                   });
  for (Request *r : pending)
    schedule(*r, cycle);
  pending.clear();
  arbitrated.notify();
}

void Dram::schedule(Request &request, uint64_t now) {
  const std::vector<uint32_t> &bursts = *request.bursts;
  const bool write = request.write;
  const uint32_t instr = request.instr;
  const isa::cost::BurstSchedule s =
      scheduleBursts(bursts, now, bandwidth, latency, maxOutstanding, busFree);
  uint64_t bytes = 0, words = 0;
  for (uint32_t b : bursts) {
    bytes += b;
    words += (b + 7) / 8;
  }
  ActivityStats &a = recorder.activity(instr);
  (write ? a.dramWriteBytes : a.dramReadBytes) += bytes;
  a.dramWords += words;
  const Unit unit = write ? Unit::DramWrite : Unit::DramRead;
  a.units[static_cast<unsigned>(unit)].busyCycles += s.busCycles;
  ++a.units[static_cast<unsigned>(unit)].instructions;
  if (!bursts.empty() && recorder.tracing())
    recorder.traceEvent(unit, instr, s.firstData, s.done,
                        write ? "dram write" : "dram read",
                        std::to_string(bytes) + " bytes in " +
                            std::to_string(bursts.size()) + " bursts");
  request.done = s.done;
}

} // namespace npu::sim
