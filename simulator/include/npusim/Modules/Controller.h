//===- Controller.h - Instruction fetch and dispatch ------------*- C++ -*-===//
//
// Fetches one instruction per cycle, in program order, and dispatches it to
// the FIFO of the queue that executes it (control.queue_depth deep; a full
// FIFO stalls fetch; the queues count the cycles they wait for fetch,
// QueueUnit). The first instruction is fetched in cycle 0 and can
// start in cycle 1; an instruction that waited for room can start in the
// cycle its queue took the entry that made room. HALT stops fetching: the
// controller sends every queue the stop sentinel and the program ends when all
// three have drained.
//
//===----------------------------------------------------------------------===//
#ifndef NPUSIM_MODULES_CONTROLLER_H
#define NPUSIM_MODULES_CONTROLLER_H

#include "npusim/Modules/Common.h"

namespace npu::sim {

class Controller : public sc_core::sc_module {
public:
  SC_HAS_PROCESS(Controller);

  /// In isa::Queue order: load, compute, store.
  sc_core::sc_port<StampedFifoOutIf> queues[3];

  Controller(sc_core::sc_module_name name, const TimeBase &time,
             Functional &functional);

  /// True while fetch waits for room in a queue FIFO or after it ended.
  bool blocked() const { return waiting || finishedFetch; }
  /// Instructions dispatched so far.
  uint64_t dispatched() const { return count; }

private:
  void fetch();

  /// Fetch never needs the kernel's time: every dispatch carries its cycle.
  UnitClock clock;
  Functional &functional;
  uint64_t count = 0;
  bool waiting = false;
  bool finishedFetch = false;
};

} // namespace npu::sim

#endif // NPUSIM_MODULES_CONTROLLER_H
