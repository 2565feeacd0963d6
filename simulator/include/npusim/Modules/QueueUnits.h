//===- QueueUnits.h - The load, compute and store queues --------*- C++ -*-===//
//
// Each queue executes its instructions in order, one at a time (VTA-style
// decoupled access/execute). For every instruction it
//   1. takes the next instruction index from the controller's FIFO (not
//      before the cycle it was fetched; the cycles it could have started
//      the instruction sooner, its tokens pushed, are fetch stalls),
//   2. pops the tokens the instruction's pop_prev/pop_next flags name from
//      the token FIFOs of its neighbours (waiting = stall),
//   3. runs it on its functional unit (DMA engine, array, PPU, vector unit;
//      a `token` instruction takes one cycle),
//   4. pushes the tokens its push flags name (waiting for room = stall).
// The neighbours are load -> compute -> store; four token FIFOs of
// control.token_depth connect them.
//
//===----------------------------------------------------------------------===//
#ifndef NPUSIM_MODULES_QUEUEUNITS_H
#define NPUSIM_MODULES_QUEUEUNITS_H

#include "npusim/Modules/Common.h"

namespace npu::sim {

/// Sentinel the controller sends after HALT.
inline constexpr uint32_t kStopInstruction = 0xffffffffu;

class QueueUnit : public sc_core::sc_module {
public:
  SC_HAS_PROCESS(QueueUnit);

  using TokenIn =
      sc_core::sc_port<StampedFifoInIf, 1, sc_core::SC_ZERO_OR_MORE_BOUND>;
  using TokenOut =
      sc_core::sc_port<StampedFifoOutIf, 1, sc_core::SC_ZERO_OR_MORE_BOUND>;

  sc_core::sc_port<StampedFifoInIf> instructions;
  /// Token FIFOs from/to the neighbouring queues (unbound at the ends of
  /// the pipeline).
  TokenIn fromPrev, fromNext;
  TokenOut toPrev, toNext;
  /// High while an instruction executes; the index of the last started one
  /// (written by coupled units only: they are for the VCD).
  sc_core::sc_out<bool> busyOut;
  sc_core::sc_out<uint32_t> pcOut;

  QueueUnit(sc_core::sc_module_name name, Unit unit, const TimeBase &time,
            bool decoupled, Functional &functional, Recorder &recorder);

  bool finished() const { return done; }
  /// Cycle at which the queue completed its last instruction.
  uint64_t finishCycle() const { return endCycle; }
  /// What the queue waits for when it is blocked ("" when it is not).
  const std::string &waitingFor() const { return waiting; }
  sc_core::sc_event &finishedEvent() { return finishEvent; }
  /// Changes of state so far (instructions taken, tokens moved, ...).
  uint64_t progress() const { return steps; }
  /// Instruction being executed or waited on.
  uint32_t current() const { return currentInstr; }
  /// The queue's current cycle.
  uint64_t cycle() const { return clock.now(); }

protected:
  /// Runs instruction `instr` on the queue's unit; returns when it
  /// completes (on `clock`).
  virtual void execute(uint32_t instr) = 0;

  UnitClock clock;
  Functional &functional;
  Recorder &recorder;

private:
  void thread();
  /// Pops a token; returns the cycle it was pushed.
  uint64_t pop(TokenIn &from, uint32_t instr, const char *what);
  void push(TokenOut &to, uint32_t instr, const char *what);

  Unit unit;
  bool done = false;
  uint64_t endCycle = 0;
  uint64_t steps = 0;
  uint32_t currentInstr = kStopInstruction;
  std::string waiting;
  sc_core::sc_event finishEvent;
};

class LoadQueue : public QueueUnit {
public:
  sc_core::sc_port<DmaIf> dma;
  LoadQueue(sc_core::sc_module_name name, const TimeBase &time, bool decoupled,
            Functional &functional, Recorder &recorder);

private:
  void execute(uint32_t instr) override;
};

class StoreQueue : public QueueUnit {
public:
  sc_core::sc_port<DmaIf> dma;
  StoreQueue(sc_core::sc_module_name name, const TimeBase &time, bool decoupled,
             Functional &functional, Recorder &recorder);

private:
  void execute(uint32_t instr) override;
};

class ComputeQueue : public QueueUnit {
public:
  sc_core::sc_port<ArrayIf> array;
  sc_core::sc_port<PpuIf> ppu;
  sc_core::sc_port<VectorIf> vector;
  ComputeQueue(sc_core::sc_module_name name, const TimeBase &time,
               bool decoupled, Functional &functional, Recorder &recorder);

private:
  void execute(uint32_t instr) override;
};

} // namespace npu::sim

#endif // NPUSIM_MODULES_QUEUEUNITS_H
