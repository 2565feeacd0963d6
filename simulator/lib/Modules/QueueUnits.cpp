//===- QueueUnits.cpp - The load, compute and store queues ----------------===//
#include "npusim/Modules/QueueUnits.h"

#include "npu/Isa/Encoding.h"

#include <algorithm>

namespace npu::sim {

QueueUnit::QueueUnit(sc_core::sc_module_name name, Unit unit,
                     const TimeBase &time, bool decoupled,
                     Functional &functional, Recorder &recorder)
    : sc_core::sc_module(name), instructions("instructions"),
      fromPrev("from_prev"), fromNext("from_next"), toPrev("to_prev"),
      toNext("to_next"), busyOut("busy"), pcOut("pc"), clock(time, decoupled),
      functional(functional), recorder(recorder), unit(unit) {
  SC_THREAD(thread);
}

uint64_t QueueUnit::pop(TokenIn &from, uint32_t instr, const char *what) {
  const uint64_t start = clock.now();
  waiting = what;
  const StampedFifoInIf::Entry token = from->read(start, clock);
  waiting.clear();
  ++steps;
  clock.advanceTo(token.cycle);
  recorder.stalled(unit, instr, start, clock.now(), what);
  return token.written;
}

void QueueUnit::push(TokenOut &to, uint32_t instr, const char *what) {
  const uint64_t start = clock.now();
  waiting = what;
  const uint64_t at = to->write(1, start, clock);
  waiting.clear();
  ++steps;
  clock.advanceTo(at);
  recorder.stalled(unit, instr, start, clock.now(), what);
}

void QueueUnit::thread() {
  for (;;) {
    const uint64_t free = clock.now();
    waiting = "an instruction";
    const StampedFifoInIf::Entry next = instructions->read(free, clock);
    waiting.clear();
    ++steps;
    clock.advanceTo(next.cycle);
    const uint32_t instr = next.value;
    if (instr == kStopInstruction)
      break;
    currentInstr = instr;
    const isa::Deps &deps = isa::depsOf(functional.instruction(instr));
    // The queue could have started the instruction once it was free and
    // the tokens it pops had been pushed; the cycles from then until the
    // instruction arrived are fetch's (Stats.h, fetchStallCycles).
    uint64_t ready = free;
    if (deps.popPrev)
      ready = std::max(ready,
                       pop(fromPrev, instr, "token from the previous queue"));
    if (deps.popNext)
      ready =
          std::max(ready, pop(fromNext, instr, "token from the next queue"));
    recorder.fetchStalled(unit, instr, ready, next.cycle);
    const uint64_t start = clock.now();
    if (clock.isCoupled()) {
      pcOut.write(instr);
      busyOut.write(true);
    }
    execute(instr);
    if (functional.error())
      return;
    if (clock.isCoupled())
      busyOut.write(false);
    recorder.executed(unit, instr, start, clock.now());
    if (deps.pushPrev)
      push(toPrev, instr, "room for a token to the previous queue");
    if (deps.pushNext)
      push(toNext, instr, "room for a token to the next queue");
  }
  endCycle = clock.now();
  done = true;
  finishEvent.notify(sc_core::SC_ZERO_TIME);
}

LoadQueue::LoadQueue(sc_core::sc_module_name name, const TimeBase &time,
                     bool decoupled, Functional &functional, Recorder &recorder)
    : QueueUnit(name, Unit::Load, time, decoupled, functional, recorder),
      dma("dma") {}

void LoadQueue::execute(uint32_t instr) {
  const isa::Instruction &i = functional.instruction(instr);
  if (const auto *d = std::get_if<isa::DmaLoad>(&i))
    return dma->load(*d, instr, clock);
  if (functional.execute(instr)) // token
    clock.advance(1);
}

StoreQueue::StoreQueue(sc_core::sc_module_name name, const TimeBase &time,
                       bool decoupled, Functional &functional,
                       Recorder &recorder)
    : QueueUnit(name, Unit::Store, time, decoupled, functional, recorder),
      dma("dma") {}

void StoreQueue::execute(uint32_t instr) {
  const isa::Instruction &i = functional.instruction(instr);
  if (const auto *d = std::get_if<isa::DmaStore>(&i))
    return dma->store(*d, instr, clock);
  if (functional.execute(instr)) // token
    clock.advance(1);
}

ComputeQueue::ComputeQueue(sc_core::sc_module_name name, const TimeBase &time,
                           bool decoupled, Functional &functional,
                           Recorder &recorder)
    : QueueUnit(name, Unit::Compute, time, decoupled, functional, recorder),
      array("array"), ppu("ppu"), vector("vector") {}

void ComputeQueue::execute(uint32_t instr) {
  const isa::Instruction &i = functional.instruction(instr);
  if (const auto *l = std::get_if<isa::LoadWeights>(&i))
    return array->preload(*l, instr, clock);
  if (const auto *g = std::get_if<isa::Gemm>(&i))
    return array->gemm(*g, instr, clock);
  if (const auto *c = std::get_if<isa::PpuConfig>(&i))
    return ppu->configure(*c, instr, clock);
  if (const auto *p = std::get_if<isa::Ppu>(&i))
    return ppu->run(*p, instr, clock);
  if (std::holds_alternative<isa::Token>(i)) {
    if (functional.execute(instr))
      clock.advance(1);
    return;
  }
  vector->run(i, instr, clock);
}

} // namespace npu::sim
