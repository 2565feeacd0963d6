//===- Controller.cpp - Instruction fetch and dispatch --------------------===//
#include "npusim/Modules/Controller.h"

#include "npusim/Modules/QueueUnits.h"

namespace npu::sim {

Controller::Controller(sc_core::sc_module_name name, const TimeBase &time,
                       Functional &functional)
    : sc_core::sc_module(name), clock(time, /*decoupled=*/true),
      functional(functional) {
  SC_THREAD(fetch);
}

void Controller::fetch() {
  // clock.now() is the cycle in which the last dispatched instruction
  // became available to its queue: instruction i is fetched in the cycle
  // before, at most one per cycle, and waits for room in its queue.
  for (uint32_t i = 0; i < functional.numInstructions(); ++i) {
    const isa::Instruction &instr = functional.instruction(i);
    if (std::holds_alternative<isa::Halt>(instr)) {
      if (!functional.execute(i))
        return;
      break;
    }
    const uint64_t earliest = clock.now() + 1;
    waiting = true;
    const uint64_t at =
        queues[static_cast<unsigned>(isa::queueOf(instr))]->write(i, earliest,
                                                                  clock);
    waiting = false;
    clock.advanceTo(at);
    ++count;
  }
  for (auto &q : queues) {
    waiting = true;
    q->write(kStopInstruction, clock.now() + 1, clock);
    waiting = false;
  }
  finishedFetch = true;
}

} // namespace npu::sim
