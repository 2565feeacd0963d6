//===- SystolicArray.cpp - Weight-stationary MAC array --------------------===//
#include "npusim/Modules/SystolicArray.h"

#include "npu/Isa/Cost.h"

#include <cstring>
#include <string>

namespace npu::sim {

SystolicArray::SystolicArray(sc_core::sc_module_name name,
                             const ArchConfig &config,
                             std::unique_ptr<ArrayPort> arrayPort,
                             const TimeBase &time, Functional &functional,
                             Recorder &recorder)
    : sc_core::sc_module(name), clk("clk"), busyOut("busy"), ibuf("ibuf"),
      wbuf("wbuf"), abuf("abuf"), time(time), functional(functional),
      recorder(recorder), rows(static_cast<unsigned>(config.array.rows)),
      cols(static_cast<unsigned>(config.array.cols)),
      portBytes(static_cast<uint64_t>(config.sram.banks *
                                      config.sram.bankWidthBytes)),
      port(std::move(arrayPort)),
      model(dynamic_cast<const CycleArrayModel *>(port.get())), in(rows, cols),
      out(rows, cols) {}

uint64_t SystolicArray::preloadCycles(unsigned rows, uint64_t rowBytes,
                                      uint64_t portBytes) {
  return isa::cost::preloadCycles(rows, rowBytes, portBytes);
}

void SystolicArray::nextEdge() {
  const uint64_t target = time.now() + 1;
  while (time.now() < target)
    sc_core::wait(clk->posedge_event());
}

void SystolicArray::preload(const isa::LoadWeights &l, uint32_t instr,
                            UnitClock &clock) {
  const uint64_t start = clock.now();
  const uint64_t rowBytes = isa::weightRowBytes(l);
  if (clock.isCoupled())
    busyOut.write(true);
  if (!functional.execute(instr))
    return;
  if (port) {
    clock.sync();
    preloadCycleLevel(l, instr);
    clock.advanceTo(time.now());
  } else {
    clock.advance(preloadCycles(rows, rowBytes, portBytes));
  }
  wbuf->read(rowBytes * l.rows, instr);
  recorder.busy(Unit::Array, instr, start, clock.now(), "preload",
                recorder.tracing() ? std::to_string(l.rows) + "x" +
                                         std::to_string(l.cols) + " weights"
                                   : std::string());
  if (clock.isCoupled())
    busyOut.write(false);
}

void SystolicArray::preloadCycleLevel(const isa::LoadWeights &l,
                                      uint32_t instr) {
  const uint64_t rowBytes = isa::weightRowBytes(l);
  PreloadShape shape;
  shape.rowReads = static_cast<unsigned>(preloadCycles(1, rowBytes, portBytes));
  const std::vector<uint8_t> &wbufBytes =
      functional.machine().sram(isa::Buffer::WBuf);
  auto weightRow = [&](unsigned r, std::vector<int32_t> &row) {
    loadWeightsRow(l, wbufBytes, r, row);
  };
  const uint64_t edges = preloadEdges(rows, shape);
  for (uint64_t e = 0; e < edges; ++e) {
    preloadInputs(rows, shape, e, in, weightRow);
    nextEdge();
    port->evaluate(in, out);
    port->clockEdge();
  }
  if (!model)
    return;
  // The registers must now hold what the golden machine loaded.
  for (unsigned r = 0; r < rows; ++r)
    for (unsigned c = 0; c < cols; ++c)
      if (model->weight(r, c) != functional.machine().weight(r, c))
        return functional.fail(
            instr, "cycle-level array holds weight " +
                       std::to_string(model->weight(r, c)) + " at PE (" +
                       std::to_string(r) + ", " + std::to_string(c) +
                       "), the golden machine " +
                       std::to_string(functional.machine().weight(r, c)));
}

void SystolicArray::gemm(const isa::Gemm &g, uint32_t instr, UnitClock &clock) {
  const uint64_t start = clock.now();
  const uint64_t vectors = uint64_t(g.outH) * g.outW;
  if (clock.isCoupled())
    busyOut.write(true);
  if (port) {
    clock.sync();
    gemmCycleLevel(g, instr);
    clock.advanceTo(time.now());
  } else {
    if (!functional.execute(instr))
      return;
    clock.advance(CycleArrayModel::gemmCycles(vectors, rows, g.cols));
  }
  ActivityStats &a = recorder.activity(instr);
  a.arrayMacs += vectors * g.cols * g.k;
  if (g.accumulate)
    a.accumulatorAdds += vectors * g.cols;
  ibuf->read(vectors * g.k, instr);
  if (g.accumulate)
    abuf->read(vectors * g.cols * 4, instr);
  abuf->write(vectors * g.cols * 4, instr);
  recorder.busy(Unit::Array, instr, start, clock.now(), "gemm",
                recorder.tracing() ? std::to_string(vectors) +
                                         " vectors, k=" + std::to_string(g.k) +
                                         ", cols=" + std::to_string(g.cols)
                                   : std::string());
  if (clock.isCoupled())
    busyOut.write(false);
}

void SystolicArray::gemmCycleLevel(const isa::Gemm &g, uint32_t instr) {
  golden::Machine &m = functional.machine();
  const std::vector<uint8_t> &ibufBytes = m.sram(isa::Buffer::IBuf);
  std::vector<uint8_t> &abufBytes = m.sram(isa::Buffer::ABuf);
  const GemmShape shape = gemmShapeOf(g);
  auto act = [&](uint64_t n, unsigned r) {
    return gemmActivation(g, ibufBytes, n, r);
  };
  auto oldAcc = [&](uint64_t n, unsigned c) {
    return gemmOldAccumulator(g, abufBytes, n, c);
  };
  auto store = [&](uint64_t n, unsigned c, int64_t value) {
    const int32_t v = static_cast<int32_t>(value);
    std::memcpy(abufBytes.data() + gemmAccAddr(g, n, c), &v, 4);
  };
  golden::Counters counters;
  counters.instructions = 1;
  counters.macs = shape.vectors * g.cols * g.k;
  const uint64_t edges =
      CycleArrayModel::gemmCycles(shape.vectors, rows, g.cols);
  for (uint64_t e = 0; e < edges; ++e) {
    gemmInputs(rows, shape, e, in, act, oldAcc);
    nextEdge();
    port->evaluate(in, out);
    gemmResults(rows, shape, e, out, store);
    port->clockEdge();
    counters.accOverflow += out.events();
  }
  functional.addCounters(instr, counters);
}

} // namespace npu::sim
