//===- Dram.h - DRAM and its data bus ---------------------------*- C++ -*-===//
//
// Bursts are requested one per cycle; at most dram.max_outstanding are in
// flight; a burst's data starts dram.latency cycles after its request, once
// the bus is free, and occupies the bus ceil(bytes / dram.bandwidth)
// cycles. The load and store channels share the bus; transfers are served
// first come, first served, and of two requested in the same cycle the
// load goes first (the arbiter decides a quarter period into the cycle,
// when every request of the cycle is in, so the order never depends on the
// order in which SystemC runs the processes).
//
//===----------------------------------------------------------------------===//
#ifndef NPUSIM_MODULES_DRAM_H
#define NPUSIM_MODULES_DRAM_H

#include "npusim/Modules/Common.h"

namespace npu::sim {

class Dram : public sc_core::sc_module, public DramIf {
public:
  SC_HAS_PROCESS(Dram);

  Dram(sc_core::sc_module_name name, const ArchConfig &config,
       const TimeBase &time, Recorder &recorder);

  uint64_t transfer(const std::vector<uint32_t> &bursts, bool write,
                    uint32_t instr) override;

  /// Completion cycle of `bursts` requested at `now` on an idle bus with
  /// the given parameters (the closed form the tests check against).
  static uint64_t idleTransferCycles(const std::vector<uint32_t> &bursts,
                                     uint64_t bandwidth, uint64_t latency,
                                     uint64_t maxOutstanding);

private:
  struct Request {
    const std::vector<uint32_t> *bursts;
    bool write;
    uint32_t instr;
    uint64_t done = 0;
  };
  void arbitrate();
  void schedule(Request &request, uint64_t cycle);

  const TimeBase &time;
  uint64_t bandwidth, latency, maxOutstanding;
  uint64_t busFree = 0;
  Recorder &recorder;
  std::vector<Request *> pending;
  sc_core::sc_event arbitrateEvent, arbitrated;
};

} // namespace npu::sim

#endif // NPUSIM_MODULES_DRAM_H
