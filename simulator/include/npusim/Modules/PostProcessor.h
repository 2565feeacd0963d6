//===- PostProcessor.h - Requantization of accumulators ---------*- C++ -*-===//
//
// The PPU (docs/isa.md, "Post-processing unit"): bias, fused rescale with
// the per-channel shift table, output zero point, clamp and LUT, `ppu.lanes`
// elements per step. ppu.cfg takes one cycle. A ppu of P pixels x C channels
// takes P x ceil(C / lanes) steps of laneStepCycles (ABUF in, destination out)
// plus kLatency cycles of pipeline. Per-channel parameters (multiplier,
// shift, bias, shift table: 4 + 1 + 4 + 1 bytes per channel) are read from
// PBUF once per instruction when C <= lanes (they stay in lane registers),
// otherwise once per pixel; the LUT is read once per element.
//
//===----------------------------------------------------------------------===//
#ifndef NPUSIM_MODULES_POSTPROCESSOR_H
#define NPUSIM_MODULES_POSTPROCESSOR_H

#include "npusim/Modules/Common.h"

#include "npu/Isa/Cost.h"

namespace npu::sim {

class PostProcessor : public sc_core::sc_module, public PpuIf {
public:
  /// Multiply, rounding shift, zero point and clamp, LUT.
  static constexpr uint64_t kLatency = isa::cost::kPpuLatency;

  sc_core::sc_out<bool> busyOut;
  sc_core::sc_port<ScratchpadIf, 5> sram;

  PostProcessor(sc_core::sc_module_name name, const ArchConfig &config,
                Functional &functional, Recorder &recorder);

  void configure(const isa::PpuConfig &c, uint32_t instr,
                 UnitClock &clock) override;
  void run(const isa::Ppu &p, uint32_t instr, UnitClock &clock) override;

private:
  Functional &functional;
  Recorder &recorder;
  uint32_t lanes;
  isa::PpuConfig registers;
};

} // namespace npu::sim

#endif // NPUSIM_MODULES_POSTPROCESSOR_H
