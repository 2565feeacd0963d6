//===- DmaEngine.h - Moves 2-d blocks between DRAM and SRAM -----*- C++ -*-===//
//
// A transfer is cut into bursts: each DRAM row that is contiguous (column
// stride equal to the element size) is one run, otherwise every element is
// its own run; runs are split at dram.burst_bytes boundaries. The transfer
// takes the longer of its DRAM schedule (Dram) and its scratchpad side
// (padding included), plus kSetupCycles to decode the descriptor. The
// load and store queues each have their own channel into the engine; both
// share the DRAM bus. The bytes are moved by the golden machine when the
// transfer starts (tokens guarantee nobody else touches them meanwhile).
//
//===----------------------------------------------------------------------===//
#ifndef NPUSIM_MODULES_DMAENGINE_H
#define NPUSIM_MODULES_DMAENGINE_H

#include "npusim/Modules/Common.h"

namespace npu::sim {

class DmaEngine : public sc_core::sc_module, public DmaIf {
public:
  static constexpr uint64_t kSetupCycles = 2;

  sc_core::sc_port<DramIf> dram;
  /// One port per scratchpad, bound in isa::Buffer order.
  sc_core::sc_port<ScratchpadIf, 5> sram;

  DmaEngine(sc_core::sc_module_name name, const ArchConfig &config,
            Functional &functional);

  /// A dma.load/dma.store issued at the caller's cycle; returns when it
  /// completes. The DRAM request is made in kernel time (the bus is shared
  /// by both channels and serves them in the order they ask).
  void load(const isa::DmaLoad &d, uint32_t instr, UnitClock &clock) override;
  void store(const isa::DmaStore &d, uint32_t instr, UnitClock &clock) override;

  /// Burst sizes of a 2-d DRAM block.
  static std::vector<uint32_t> bursts(uint64_t dramAddr, uint64_t rowStride,
                                      uint64_t colStride, uint64_t rows,
                                      uint64_t cols, uint64_t elemBytes,
                                      uint64_t burstBytes);

private:
  void run(const std::vector<uint32_t> &bursts, bool write, isa::Buffer buf,
           uint64_t sramBytes, uint32_t instr, UnitClock &clock);

  Functional &functional;
  uint64_t burstBytes;
};

} // namespace npu::sim

#endif // NPUSIM_MODULES_DMAENGINE_H
