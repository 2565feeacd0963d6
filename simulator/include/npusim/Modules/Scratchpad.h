//===- Scratchpad.h - One on-chip SRAM --------------------------*- C++ -*-===//
//
// sram.banks banks of sram.bank_width_bytes each: one port moves up to
// banks x width bytes per cycle when the accessed lines fall in different
// banks; lines in the same bank are served one per cycle (bank conflict).
// Every scratchpad has two ports, one for the DMA engine and one for the
// compute units, so loads into one half never stall compute on the other.
//
//===----------------------------------------------------------------------===//
#ifndef NPUSIM_MODULES_SCRATCHPAD_H
#define NPUSIM_MODULES_SCRATCHPAD_H

#include "npusim/Modules/Common.h"

namespace npu::sim {

class Scratchpad : public sc_core::sc_module, public ScratchpadIf {
public:
  Scratchpad(sc_core::sc_module_name name, isa::Buffer buffer,
             const ArchConfig &config, Recorder &recorder);

  uint64_t denseCycles(uint64_t bytes) const override;
  uint64_t stridedCycles(int64_t addr, uint64_t count, uint32_t elemBytes,
                         int64_t strideBytes, uint32_t lanes) const override;
  void read(uint64_t bytes, uint32_t instr) override;
  void write(uint64_t bytes, uint32_t instr) override;

  /// Cycles one group of accesses (the given byte addresses, each
  /// `elemBytes` long) takes with `banks` banks of `width` bytes.
  static uint64_t groupCycles(const std::vector<int64_t> &addrs,
                              uint32_t elemBytes, uint64_t banks,
                              uint64_t width);

private:
  isa::Buffer buffer;
  uint64_t banks, width;
  Recorder &recorder;
};

} // namespace npu::sim

#endif // NPUSIM_MODULES_SCRATCHPAD_H
