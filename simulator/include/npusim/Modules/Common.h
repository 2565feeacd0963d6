//===- Common.h - Time, interfaces and recording of modules --*- C++ -*-===//
#ifndef NPUSIM_MODULES_COMMON_H
#define NPUSIM_MODULES_COMMON_H

#include "npusim/Stats.h"

#include "npu/Arch/ArchConfig.h"
#include "npu/Golden/Machine.h"
#include "npu/Isa/Isa.h"
#include "npu/Program/Program.h"

#include <systemc>

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace npu::sim {

/// Converts between clock cycles and SystemC time. Every module advances
/// time in whole cycles of the one NPU clock, so all activity is aligned to
/// its rising edges.
class TimeBase {
public:
  explicit TimeBase(double clockMHz) : period(1e3 / clockMHz, sc_core::SC_NS) {}
  /// The current cycle. Kernel time is a whole number of periods except
  /// while the DRAM arbitrates (a quarter period later, see Dram).
  uint64_t now() const {
    return static_cast<uint64_t>(sc_core::sc_time_stamp() / period + 0.5);
  }
  void waitCycles(uint64_t cycles) const {
    if (cycles)
      waitUntil(now() + cycles);
  }
  /// Waits until the start of cycle `cycle` (no-op if it has begun).
  void waitUntil(uint64_t cycle) const {
    if (cycle > now())
      sc_core::wait(static_cast<double>(cycle) * period -
                    sc_core::sc_time_stamp());
  }
  const sc_core::sc_time &clockPeriod() const { return period; }

private:
  sc_core::sc_time period;
};

/// A unit's view of time (docs/simulator.md, "Clocking and speed": speed
/// matters as much as fidelity). A coupled unit advances with the SystemC
/// kernel: every advance is a timed wait. A decoupled unit keeps its own cycle
/// count ahead of the kernel and only waits where cycles of different units
/// must be ordered in kernel time, the shared DRAM bus (sync()); everything
/// else it exchanges with other units carries cycle stamps (TimedFifo), so its
/// timing is the same, with far fewer context switches. Units are coupled
/// when something watches kernel time: the cycle-level array (clock edges)
/// and --vcd (signal waves).
class UnitClock {
public:
  UnitClock(const TimeBase &time, bool decoupled)
      : time(time), decoupled(decoupled) {}

  uint64_t now() const { return decoupled ? local : time.now(); }
  bool isCoupled() const { return !decoupled; }
  void advance(uint64_t cycles) {
    if (decoupled)
      local += cycles;
    else
      time.waitCycles(cycles);
  }
  /// Advances to `cycle` if it lies ahead.
  void advanceTo(uint64_t cycle) {
    if (cycle > now())
      advance(cycle - now());
  }
  /// Brings the kernel to this unit's cycle (waits until then).
  void sync() {
    if (decoupled)
      time.waitUntil(local);
  }
  /// Waits for a kernel event. A decoupled unit's cycle does not move:
  /// what it waited for carries its own cycle stamp.
  void waitEvent(const sc_core::sc_event &event) { sc_core::wait(event); }

private:
  const TimeBase &time;
  bool decoupled;
  uint64_t local = 0;
};

/// Ends of a FIFO whose entries carry the cycle at which they were written
/// and whose free slots carry the cycle at which they were freed. A writer
/// at cycle w with a slot freed at f writes at max(w, f); a reader at cycle
/// r takes an entry written at e at max(r, e): the cycles of an ordinary
/// FIFO between units running at those cycles. The calls block (in kernel
/// time) only while the FIFO is empty or full right now.
class StampedFifoOutIf : public virtual sc_core::sc_interface {
public:
  /// Writes `value` at `cycle` or later; returns the cycle it went in.
  virtual uint64_t write(uint32_t value, uint64_t cycle, UnitClock &clock) = 0;
};
class StampedFifoInIf : public virtual sc_core::sc_interface {
public:
  struct Entry {
    uint32_t value;
    uint64_t cycle;   ///< when it was taken
    uint64_t written; ///< when it was written
  };
  /// Takes the oldest entry at `cycle` or later.
  virtual Entry read(uint64_t cycle, UnitClock &clock) = 0;
};

class StampedFifo : public sc_core::sc_prim_channel,
                    public StampedFifoInIf,
                    public StampedFifoOutIf {
public:
  StampedFifo(const char *name, size_t capacity);

  uint64_t write(uint32_t value, uint64_t cycle, UnitClock &clock) override;
  Entry read(uint64_t cycle, UnitClock &clock) override;
  size_t size() const { return entries.size(); }

private:
  std::deque<std::pair<uint32_t, uint64_t>> entries; ///< value, written at
  std::deque<uint64_t> freeSlots;                    ///< freed at
  sc_core::sc_event written, taken;
};

/// DRAM side of the DMA engine: schedules bursts on the shared data bus.
class DramIf : public virtual sc_core::sc_interface {
public:
  /// Schedules bursts of the given byte counts, requested in the current
  /// cycle (the caller is at the start of it in kernel time); returns the
  /// cycle at which the last one completes. Blocks until the requests of
  /// the cycle have been arbitrated. Records traffic.
  virtual uint64_t transfer(const std::vector<uint32_t> &bursts, bool write,
                            uint32_t instr) = 0;
};

/// A scratchpad as seen by the units that access it: bandwidth, bank
/// conflicts and traffic statistics. (The bytes themselves live in the
/// golden machine; see Npu.)
class ScratchpadIf : public virtual sc_core::sc_interface {
public:
  /// Cycles to move `bytes` contiguous bytes through one port.
  virtual uint64_t denseCycles(uint64_t bytes) const = 0;
  /// Cycles to access `count` elements of `elemBytes` at `strideBytes`
  /// apart starting at `addr`, `lanes` elements per cycle, including bank
  /// conflicts.
  virtual uint64_t stridedCycles(int64_t addr, uint64_t count,
                                 uint32_t elemBytes, int64_t strideBytes,
                                 uint32_t lanes) const = 0;
  /// Records traffic of instruction `instr`.
  virtual void read(uint64_t bytes, uint32_t instr) = 0;
  virtual void write(uint64_t bytes, uint32_t instr) = 0;
};

/// The DMA engine as seen by the load and store queues. Each call returns
/// when the transfer has completed, on the caller's clock.
class DmaIf : public virtual sc_core::sc_interface {
public:
  virtual void load(const isa::DmaLoad &d, uint32_t instr,
                    UnitClock &clock) = 0;
  virtual void store(const isa::DmaStore &d, uint32_t instr,
                     UnitClock &clock) = 0;
};

/// The systolic array as seen by the compute queue.
class ArrayIf : public virtual sc_core::sc_interface {
public:
  virtual void preload(const isa::LoadWeights &l, uint32_t instr,
                       UnitClock &clock) = 0;
  virtual void gemm(const isa::Gemm &g, uint32_t instr, UnitClock &clock) = 0;
};

/// The post-processing unit as seen by the compute queue.
class PpuIf : public virtual sc_core::sc_interface {
public:
  virtual void configure(const isa::PpuConfig &c, uint32_t instr,
                         UnitClock &clock) = 0;
  virtual void run(const isa::Ppu &p, uint32_t instr, UnitClock &clock) = 0;
};

/// The vector unit as seen by the compute queue (vec.* instructions).
class VectorIf : public virtual sc_core::sc_interface {
public:
  virtual void run(const isa::Instruction &v, uint32_t instr,
                   UnitClock &clock) = 0;
};

/// Collects per-layer activity and the timeline.
class Recorder {
public:
  Recorder(const Program &program, bool trace);

  /// Layer index of instruction `instr`, or -1.
  int64_t layerOf(uint32_t instr) const { return layers[instr]; }
  /// Activity bucket of instruction `instr` (its layer or unattributed).
  ActivityStats &activity(uint32_t instr);

  /// An instruction executed on `unit` during [start, end).
  void executed(Unit unit, uint32_t instr, uint64_t start, uint64_t end,
                std::string detail = {});
  /// `unit` waited for a token during [start, end).
  void stalled(Unit unit, uint32_t instr, uint64_t start, uint64_t end,
               const char *reason);
  /// Queue `unit` waited for fetch to deliver instruction `instr` during
  /// [start, end), with its tokens available.
  void fetchStalled(Unit unit, uint32_t instr, uint64_t start, uint64_t end);
  /// Busy time of a sub-unit (array, PPU, vector) within an instruction.
  void busy(Unit unit, uint32_t instr, uint64_t start, uint64_t end,
            std::string name, std::string detail = {});
  /// A timeline event without statistics.
  void traceEvent(Unit unit, uint32_t instr, uint64_t start, uint64_t end,
                  std::string name, std::string detail = {});

  SimStats finish(uint64_t cycles, double clockMHz);
  /// True when trace events are collected (build detail strings only then).
  bool tracing() const { return trace; }
  std::vector<TraceEvent> takeTrace() { return std::move(events); }

private:
  LayerStats &layerStats(uint32_t instr);

  const Program &program;
  bool trace;
  std::vector<int64_t> layers;
  std::vector<LayerStats> layerStatsList;
  ActivityStats unattributed;
  std::vector<TraceEvent> events;
};

/// Function of the machine: the golden executor's state and semantics. The
/// modules call it for the data of each instruction (docs/simulator.md,
/// "Structure": function separate from timing). The first error stops the
/// simulation.
class Functional {
public:
  Functional(golden::Machine &machine, const Program &program,
             Recorder &recorder)
      : state(machine), program(program), recorder(recorder) {}

  /// Executes instruction `instr` on the golden machine and records its
  /// events. On error records it, stops the simulation and returns false.
  bool execute(uint32_t instr);
  /// Records events of instruction `instr` computed elsewhere (the
  /// cycle-level array).
  void addCounters(uint32_t instr, const golden::Counters &counters);
  /// Stops the simulation with `message` about instruction `instr`.
  void fail(uint32_t instr, const std::string &message);

  golden::Machine &machine() { return state; }
  const isa::Instruction &instruction(uint32_t instr) const {
    return program.instructions[instr];
  }
  size_t numInstructions() const { return program.instructions.size(); }
  const std::optional<std::string> &error() const { return firstError; }

private:
  golden::Machine &state;
  const Program &program;
  Recorder &recorder;
  std::optional<std::string> firstError;
};

} // namespace npu::sim

#endif // NPUSIM_MODULES_COMMON_H
