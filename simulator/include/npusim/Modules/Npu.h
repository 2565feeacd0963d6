//===- Npu.h - The whole NPU: modules and their connections -----*- C++ -*-===//
//
//   Controller --instr FIFOs--> LoadQueue <-tokens-> ComputeQueue <-tokens->
//   StoreQueue
//   LoadQueue, StoreQueue --DmaIf--> DmaEngine --DramIf--> Dram
//                                    DmaEngine --ScratchpadIf--> scratchpads
//   ComputeQueue --ArrayIf/PpuIf/VectorIf--> SystolicArray, PostProcessor,
//   VectorUnit --ScratchpadIf--> scratchpads
//
// One sc_clock drives the cycle-level array (and the waves of --vcd); every
// other module advances time in whole periods of that clock (TimeBase). In
// the tile array model nothing needs the clock's edges, so it is not
// instantiated: an idle sc_clock costs about 56 ns of host time per cycle
// (npusim-clock-cost), more than the tile model spends per MAC. Then the
// queues also run decoupled (UnitClock): they meet kernel time only at the
// DRAM bus.
//
//===----------------------------------------------------------------------===//
#ifndef NPUSIM_MODULES_NPU_H
#define NPUSIM_MODULES_NPU_H

#include "npusim/Modules/Controller.h"
#include "npusim/Modules/DmaEngine.h"
#include "npusim/Modules/Dram.h"
#include "npusim/Modules/PostProcessor.h"
#include "npusim/Modules/QueueUnits.h"
#include "npusim/Modules/Scratchpad.h"
#include "npusim/Modules/SystolicArray.h"
#include "npusim/Modules/VectorUnit.h"

#include <array>
#include <memory>
#include <optional>

namespace npu::sim {

class Npu : public sc_core::sc_module {
public:
  SC_HAS_PROCESS(Npu);

  /// `arrayPort`: the cycle-level array to step (null: the tile model);
  /// `coupled`: every unit follows kernel time (forced by a cycle-level
  /// array and by waves).
  Npu(sc_core::sc_module_name name, const ArchConfig &config,
      std::unique_ptr<ArrayPort> arrayPort, bool coupled, const TimeBase &time,
      Functional &functional, Recorder &recorder);

  /// Adds the clock (cycle model) and the unit signals to a VCD.
  void trace(sc_core::sc_trace_file *file) const;

  /// True when every queue has drained after HALT.
  bool finished() const { return endCycle.has_value(); }
  uint64_t cycles() const { return endCycle.value_or(0); }
  /// One line naming what every blocked queue waits for.
  std::string describeDeadlock() const;

private:
  /// Ends the simulation when all queues have drained, or stops it when no
  /// queue can make progress (a token that is never pushed).
  void watchdog();
  bool allBlocked() const;

  const TimeBase &time;
  std::optional<sc_core::sc_clock> clock;
  sc_core::sc_signal<bool> clockTiedLow{"clock_tied_low"};
  std::array<sc_core::sc_signal<bool>, 6> busy;
  std::array<sc_core::sc_signal<uint32_t>, 3> pc;

  StampedFifo loadInstrs, computeInstrs, storeInstrs;
  StampedFifo loadToCompute, computeToLoad, computeToStore, storeToCompute;

  Dram dram;
  std::array<std::unique_ptr<Scratchpad>, 5> scratchpads;
  DmaEngine dma;
  SystolicArray array;
  PostProcessor ppu;
  VectorUnit vector;
  Controller controller;
  LoadQueue loadQueue;
  ComputeQueue computeQueue;
  StoreQueue storeQueue;

  std::optional<uint64_t> endCycle;
};

} // namespace npu::sim

#endif // NPUSIM_MODULES_NPU_H
