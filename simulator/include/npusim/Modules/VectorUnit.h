//===- VectorUnit.h - Lane-parallel unit for everything else ----*- C++ -*-===//
//
// Depthwise convolution, pooling, rescale, the integer ALU, reductions,
// tables and the fused element-wise operation, `vector.lanes` elements per
// step (docs/isa.md, "Vector unit"; docs/simulator.md, "Structure"). Lanes
// run along the innermost dimension (channels for vec.dwconv / vec.pool,
// n_inner otherwise):
//
//   vec.dwconv  out_h x out_w x kh x kw x ceil(channels / lanes)
//               (channels counts output channels)
//   vec.pool    out_h x out_w x kh x kw x ceil(channels / lanes)
//               (+ out_h x out_w x ceil(channels / lanes) for the average)
//   vec.rescale, vec.alu, vec.table, vec.eltwise
//               n_outer x ceil(n_inner / lanes)
//   vec.reduce  n_outer x n_red x ceil(n_inner / lanes)
//
// steps, each taking laneStepCycles over its operand streams (bank
// conflicts of strided operands cost cycles), plus kLatency cycles of
// pipeline; vec.ecfg (registers only) takes one cycle. vec.dwconv,
// vec.pool and vec.reduce keep their results in the lanes across a
// window's taps or a reduction's terms and write them once per result
// (laneResultCycles). Statistics count lane operations and scratchpad
// bytes.
//
//===----------------------------------------------------------------------===//
#ifndef NPUSIM_MODULES_VECTORUNIT_H
#define NPUSIM_MODULES_VECTORUNIT_H

#include "npusim/Modules/Common.h"

#include "npu/Isa/Cost.h"

namespace npu::sim {

class VectorUnit : public sc_core::sc_module, public VectorIf {
public:
  /// Operand read, operation, write-back.
  static constexpr uint64_t kLatency = isa::cost::kVectorLatency;

  sc_core::sc_out<bool> busyOut;
  sc_core::sc_port<ScratchpadIf, 5> sram;

  VectorUnit(sc_core::sc_module_name name, const ArchConfig &config,
             Functional &functional, Recorder &recorder);

  void run(const isa::Instruction &v, uint32_t instr,
           UnitClock &clock) override;

private:
  struct Work;

  Functional &functional;
  Recorder &recorder;
  uint32_t lanes;
};

} // namespace npu::sim

#endif // NPUSIM_MODULES_VECTORUNIT_H
