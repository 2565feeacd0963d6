//===- DmaEngine.cpp - Moves 2-d blocks between DRAM and SRAM -------------===//
#include "npusim/Modules/DmaEngine.h"

#include "npu/Isa/Cost.h"

#include <algorithm>

namespace npu::sim {

DmaEngine::DmaEngine(sc_core::sc_module_name name, const ArchConfig &config,
                     Functional &functional)
    : sc_core::sc_module(name), functional(functional),
      burstBytes(static_cast<uint64_t>(config.dram.burstBytes)) {}

std::vector<uint32_t> DmaEngine::bursts(uint64_t dramAddr, uint64_t rowStride,
                                        uint64_t colStride, uint64_t rows,
                                        uint64_t cols, uint64_t elemBytes,
                                        uint64_t burstBytes) {
  return isa::cost::dmaBursts(dramAddr, rowStride, colStride, rows, cols,
                              elemBytes, burstBytes);
}

void DmaEngine::run(const std::vector<uint32_t> &bursts, bool write,
                    isa::Buffer buf, uint64_t sramBytes, uint32_t instr,
                    UnitClock &clock) {
  clock.advance(kSetupCycles);
  clock.sync();
  const uint64_t start = clock.now();
  const uint64_t dramDone = dram->transfer(bursts, write, instr);
  ScratchpadIf &sp = *sram[static_cast<int>(buf)];
  const uint64_t sramDone = start + sp.denseCycles(sramBytes);
  if (write)
    sp.read(sramBytes, instr);
  else
    sp.write(sramBytes, instr);
  clock.advanceTo(std::max(dramDone, sramDone));
}

void DmaEngine::load(const isa::DmaLoad &d, uint32_t instr, UnitClock &clock) {
  if (!functional.execute(instr))
    return;
  const uint64_t rowsTotal = uint64_t(d.padTop) + d.rows + d.padBottom;
  const uint64_t rowBytes =
      (uint64_t(d.padLeft) + d.cols + d.padRight) * d.elemBytes;
  run(bursts(d.dramAddr, d.dramRowStride, d.dramColStride, d.rows, d.cols,
             d.elemBytes, burstBytes),
      /*write=*/false, d.buf, rowsTotal * rowBytes, instr, clock);
}

void DmaEngine::store(const isa::DmaStore &d, uint32_t instr,
                      UnitClock &clock) {
  if (!functional.execute(instr))
    return;
  run(bursts(d.dramAddr, d.dramRowStride, d.dramColStride, d.rows, d.cols,
             d.elemBytes, burstBytes),
      /*write=*/true, d.buf, isa::dramBytes(d), instr, clock);
}

} // namespace npu::sim
