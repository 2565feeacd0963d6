//===- SystolicArray.h - Weight-stationary MAC array ------------*- C++ -*-===//
//
// The rows x cols weight-stationary array with its column accumulators
// (design section 4). Two models with identical cycle counts and bits:
//
//  - tile: computes a whole load.weights / gemm with the golden machine and
//    advances time by its exact cycle count (the closed forms of
//    CycleArrayModel);
//  - cycle: steps CycleArrayModel on every rising edge of `clk`, feeding it
//    the skewed activations from IBUF and the old accumulator values from
//    ABUF, and writes its results to ABUF itself. The golden machine's
//    weights are checked against the model's registers after every preload.
//
// Timing (both models): a preload takes rows x ceil(row bytes / WBUF port
// bytes) cycles (one weight row enters per WBUF row read); a gemm of N
// vectors takes N + rows + cols - 1 cycles (fill, steady state, drain). IBUF
// supplies one k-byte vector and ABUF one row of `cols` 32-bit entries per
// cycle (ABUF is as wide as the array).
//
//===----------------------------------------------------------------------===//
#ifndef NPUSIM_MODULES_SYSTOLICARRAY_H
#define NPUSIM_MODULES_SYSTOLICARRAY_H

#include "npusim/Modules/Common.h"
#include "npusim/Modules/CycleArrayModel.h"

#include <memory>

namespace npu::sim {

class SystolicArray : public sc_core::sc_module, public ArrayIf {
public:
  /// The NPU clock (cycle model); tied to a constant in the tile model.
  sc_core::sc_in<bool> clk;
  /// High while a preload or gemm runs (for the VCD).
  sc_core::sc_out<bool> busyOut;
  sc_core::sc_port<ScratchpadIf> ibuf, wbuf, abuf;

  SystolicArray(sc_core::sc_module_name name, const ArchConfig &config,
                bool cycleModel, const TimeBase &time, Functional &functional,
                Recorder &recorder);

  void preload(const isa::LoadWeights &l, uint32_t instr,
               UnitClock &clock) override;
  void gemm(const isa::Gemm &g, uint32_t instr, UnitClock &clock) override;

  /// Cycles of a preload of `rowBytes`-byte weight rows through a WBUF port
  /// moving `portBytes` per cycle.
  static uint64_t preloadCycles(unsigned rows, uint64_t rowBytes,
                                uint64_t portBytes);

private:
  void preloadCycleModel(const isa::LoadWeights &l, uint32_t instr);
  void gemmCycleModel(const isa::Gemm &g, uint32_t instr);
  /// Waits for the next rising edge of clk after the current cycle.
  void nextEdge();

  const TimeBase &time;
  Functional &functional;
  Recorder &recorder;
  unsigned rows, cols;
  uint64_t portBytes;
  /// Present in the cycle model only.
  std::unique_ptr<CycleArrayModel> model;
  CycleArrayModel::Inputs in;
  CycleArrayModel::Outputs out;
};

} // namespace npu::sim

#endif // NPUSIM_MODULES_SYSTOLICARRAY_H
