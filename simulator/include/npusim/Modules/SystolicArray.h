//===- SystolicArray.h - Weight-stationary MAC array ------------*- C++ -*-===//
//
// The rows x cols weight-stationary array with its column accumulators
// (docs/simulator.md, "The array models"). Three models with identical cycle
// counts and bits:
//
//  - tile: computes a whole load.weights / gemm with the golden machine and
//    advances time by its exact cycle count (the closed forms of
//    CycleArrayModel);
//  - cycle: steps an ArrayPort on every rising edge of `clk`, feeding it the
//    skewed activations from IBUF and the old accumulator values from ABUF
//    (ArrayDriver.h), and writes its results to ABUF itself. The port is
//    CycleArrayModel, whose weight registers are checked against the golden
//    machine after every preload, or (npusim --rtl) the Verilated RTL.
//
// Timing (all models): a preload takes rows x ceil(row bytes / WBUF port
// bytes) cycles (one weight row enters per WBUF row read); a gemm of N
// vectors takes N + rows + cols - 1 cycles (fill, steady state, drain). IBUF
// supplies one k-byte vector and ABUF one row of `cols` 32-bit entries per
// cycle (ABUF is as wide as the array).
//
//===----------------------------------------------------------------------===//
#ifndef NPUSIM_MODULES_SYSTOLICARRAY_H
#define NPUSIM_MODULES_SYSTOLICARRAY_H

#include "npusim/Array/ArrayDriver.h"
#include "npusim/Modules/Common.h"

#include <memory>

namespace npu::sim {

class SystolicArray : public sc_core::sc_module, public ArrayIf {
public:
  /// The NPU clock (cycle-level ports); tied to a constant in the tile
  /// model.
  sc_core::sc_in<bool> clk;
  /// High while a preload or gemm runs (for the VCD).
  sc_core::sc_out<bool> busyOut;
  sc_core::sc_port<ScratchpadIf> ibuf, wbuf, abuf;

  /// `port`: the cycle-level array to step, or null for the tile model.
  SystolicArray(sc_core::sc_module_name name, const ArchConfig &config,
                std::unique_ptr<ArrayPort> port, const TimeBase &time,
                Functional &functional, Recorder &recorder);

  void preload(const isa::LoadWeights &l, uint32_t instr,
               UnitClock &clock) override;
  void gemm(const isa::Gemm &g, uint32_t instr, UnitClock &clock) override;

  /// Cycles of a preload of `rowBytes`-byte weight rows through a WBUF port
  /// moving `portBytes` per cycle.
  static uint64_t preloadCycles(unsigned rows, uint64_t rowBytes,
                                uint64_t portBytes);

private:
  void preloadCycleLevel(const isa::LoadWeights &l, uint32_t instr);
  void gemmCycleLevel(const isa::Gemm &g, uint32_t instr);
  /// Waits for the next rising edge of clk after the current cycle.
  void nextEdge();

  const TimeBase &time;
  Functional &functional;
  Recorder &recorder;
  unsigned rows, cols;
  uint64_t portBytes;
  /// Present in the cycle-level models only.
  std::unique_ptr<ArrayPort> port;
  /// The port when it is the register model (its weights can be read).
  const CycleArrayModel *model = nullptr;
  ArrayInputs in;
  ArrayOutputs out;
};

} // namespace npu::sim

#endif // NPUSIM_MODULES_SYSTOLICARRAY_H
