//===- Npu.cpp - The whole NPU: modules and their connections -------------===//
#include "npusim/Modules/Npu.h"

#include "npu/Isa/Encoding.h"

#include <algorithm>

namespace npu::sim {

namespace {

constexpr const char *kBufferNames[5] = {"ibuf", "wbuf", "abuf", "obuf",
                                         "pbuf"};
/// The watchdog looks for a deadlock this often.
constexpr uint64_t kWatchdogCycles = 4096;

} // namespace

Npu::Npu(sc_core::sc_module_name name, const ArchConfig &config,
         std::unique_ptr<ArrayPort> arrayPort, bool coupled,
         const TimeBase &time, Functional &functional, Recorder &recorder)
    : sc_core::sc_module(name), time(time),
      loadInstrs("load_instrs", static_cast<size_t>(config.control.queueDepth)),
      computeInstrs("compute_instrs",
                    static_cast<size_t>(config.control.queueDepth)),
      storeInstrs("store_instrs",
                  static_cast<size_t>(config.control.queueDepth)),
      loadToCompute("load_to_compute",
                    static_cast<size_t>(config.control.tokenDepth)),
      computeToLoad("compute_to_load",
                    static_cast<size_t>(config.control.tokenDepth)),
      computeToStore("compute_to_store",
                     static_cast<size_t>(config.control.tokenDepth)),
      storeToCompute("store_to_compute",
                     static_cast<size_t>(config.control.tokenDepth)),
      dram("dram", config, time, recorder), dma("dma", config, functional),
      array("array", config, std::move(arrayPort), time, functional,
            recorder),
      ppu("ppu", config, functional, recorder),
      vector("vector", config, functional, recorder),
      controller("controller", time, functional),
      loadQueue("load_queue", time, !coupled, functional, recorder),
      computeQueue("compute_queue", time, !coupled, functional, recorder),
      storeQueue("store_queue", time, !coupled, functional, recorder) {
  for (unsigned b = 0; b < 5; ++b)
    scratchpads[b] = std::make_unique<Scratchpad>(
        kBufferNames[b], static_cast<isa::Buffer>(b), config, recorder);

  if (coupled) {
    clock.emplace("clk", time.clockPeriod());
    array.clk(*clock);
  } else {
    array.clk(clockTiedLow);
  }

  // Fetch -> queues.
  controller.queues[0](loadInstrs);
  controller.queues[1](computeInstrs);
  controller.queues[2](storeInstrs);
  loadQueue.instructions(loadInstrs);
  computeQueue.instructions(computeInstrs);
  storeQueue.instructions(storeInstrs);

  // Tokens: load <-> compute <-> store.
  loadQueue.toNext(loadToCompute);
  computeQueue.fromPrev(loadToCompute);
  computeQueue.toPrev(computeToLoad);
  loadQueue.fromNext(computeToLoad);
  computeQueue.toNext(computeToStore);
  storeQueue.fromPrev(computeToStore);
  storeQueue.toPrev(storeToCompute);
  computeQueue.fromNext(storeToCompute);

  // Functional units and memories.
  loadQueue.dma(dma);
  storeQueue.dma(dma);
  computeQueue.array(array);
  computeQueue.ppu(ppu);
  computeQueue.vector(vector);
  dma.dram(dram);
  for (unsigned b = 0; b < 5; ++b) {
    dma.sram(*scratchpads[b]);
    ppu.sram(*scratchpads[b]);
    vector.sram(*scratchpads[b]);
  }
  array.ibuf(*scratchpads[0]);
  array.wbuf(*scratchpads[1]);
  array.abuf(*scratchpads[2]);

  // Observation signals.
  loadQueue.busyOut(busy[0]);
  computeQueue.busyOut(busy[1]);
  storeQueue.busyOut(busy[2]);
  array.busyOut(busy[3]);
  ppu.busyOut(busy[4]);
  vector.busyOut(busy[5]);
  loadQueue.pcOut(pc[0]);
  computeQueue.pcOut(pc[1]);
  storeQueue.pcOut(pc[2]);

  SC_THREAD(watchdog);
}

void Npu::trace(sc_core::sc_trace_file *file) const {
  if (clock)
    sc_core::sc_trace(file, *clock, "clk");
  static constexpr const char *busyNames[6] = {"load_busy",  "compute_busy",
                                               "store_busy", "array_busy",
                                               "ppu_busy",   "vector_busy"};
  for (unsigned u = 0; u < busy.size(); ++u)
    sc_core::sc_trace(file, busy[u], busyNames[u]);
  static constexpr const char *pcNames[3] = {"load_pc", "compute_pc",
                                             "store_pc"};
  for (unsigned q = 0; q < pc.size(); ++q)
    sc_core::sc_trace(file, pc[q], pcNames[q]);
}

bool Npu::allBlocked() const {
  for (const QueueUnit *q : {static_cast<const QueueUnit *>(&loadQueue),
                             static_cast<const QueueUnit *>(&computeQueue),
                             static_cast<const QueueUnit *>(&storeQueue)})
    if (!q->finished() && q->waitingFor().empty())
      return false;
  return controller.blocked();
}

void Npu::watchdog() {
  uint64_t lastProgress = UINT64_MAX;
  for (;;) {
    if (loadQueue.finished() && computeQueue.finished() &&
        storeQueue.finished()) {
      endCycle = std::max({loadQueue.finishCycle(), computeQueue.finishCycle(),
                           storeQueue.finishCycle()});
      sc_core::sc_stop();
      return;
    }
    const uint64_t progress = controller.dispatched() + loadQueue.progress() +
                              computeQueue.progress() + storeQueue.progress();
    if (allBlocked()) {
      if (progress == lastProgress) {
        sc_core::sc_stop(); // deadlock: finished() stays false
        return;
      }
    }
    lastProgress = progress;
    sc_core::wait(static_cast<double>(kWatchdogCycles) * time.clockPeriod(),
                  loadQueue.finishedEvent() | computeQueue.finishedEvent() |
                      storeQueue.finishedEvent());
  }
}

std::string Npu::describeDeadlock() const {
  std::string text;
  for (const QueueUnit *q : {static_cast<const QueueUnit *>(&loadQueue),
                             static_cast<const QueueUnit *>(&computeQueue),
                             static_cast<const QueueUnit *>(&storeQueue)}) {
    if (q->finished() || q->waitingFor().empty())
      continue;
    if (!text.empty())
      text += "; ";
    text += std::string(q->basename()) + " waits for " + q->waitingFor();
    if (q->current() != kStopInstruction)
      text += " at instruction " + std::to_string(q->current());
    text += " since cycle " + std::to_string(q->cycle());
  }
  return text;
}

} // namespace npu::sim
