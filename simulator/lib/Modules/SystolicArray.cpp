//===- SystolicArray.cpp - Weight-stationary MAC array --------------------===//
#include "npusim/Modules/SystolicArray.h"

#include <cstring>
#include <string>

namespace npu::sim {

SystolicArray::SystolicArray(sc_core::sc_module_name name,
                             const ArchConfig &config, bool cycleModel,
                             const TimeBase &time, Functional &functional,
                             Recorder &recorder)
    : sc_core::sc_module(name), clk("clk"), busyOut("busy"), ibuf("ibuf"),
      wbuf("wbuf"), abuf("abuf"), time(time), functional(functional),
      recorder(recorder), rows(static_cast<unsigned>(config.array.rows)),
      cols(static_cast<unsigned>(config.array.cols)),
      portBytes(static_cast<uint64_t>(config.sram.banks *
                                      config.sram.bankWidthBytes)) {
  if (cycleModel) {
    model = std::make_unique<CycleArrayModel>(
        rows, cols, static_cast<unsigned>(config.array.accBits),
        config.array.overflow);
    in.weightRow.assign(cols, 0);
    in.actValid.assign(rows, 0);
    in.act.assign(rows, 0);
    in.actTag.assign(rows, 0);
    in.accIn.assign(cols, 0);
  }
}

uint64_t SystolicArray::preloadCycles(unsigned rows, uint64_t rowBytes,
                                      uint64_t portBytes) {
  const uint64_t perRow =
      std::max<uint64_t>(1, (rowBytes + portBytes - 1) / portBytes);
  return uint64_t(rows) * perRow;
}

void SystolicArray::nextEdge() {
  const uint64_t target = time.now() + 1;
  while (time.now() < target)
    sc_core::wait(clk->posedge_event());
}

void SystolicArray::preload(const isa::LoadWeights &l, uint32_t instr,
                            UnitClock &clock) {
  const uint64_t start = clock.now();
  const uint64_t rowBytes = l.int4 ? (uint64_t(l.cols) + 1) / 2 : l.cols;
  if (clock.isCoupled())
    busyOut.write(true);
  if (!functional.execute(instr))
    return;
  if (model) {
    clock.sync();
    preloadCycleModel(l, instr);
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

void SystolicArray::preloadCycleModel(const isa::LoadWeights &l,
                                      uint32_t instr) {
  const uint64_t rowBytes = l.int4 ? (uint64_t(l.cols) + 1) / 2 : l.cols;
  const uint64_t perRow =
      preloadCycles(1, rowBytes, portBytes); // edges per weight row
  const std::vector<uint8_t> &wbufBytes =
      functional.machine().sram(isa::Buffer::WBuf);
  std::fill(in.actValid.begin(), in.actValid.end(), 0);
  in.activeCols = cols;
  in.accumulate = false;
  in.accShift = 0;
  // Rows enter at the top and shift down: row rows-1 first.
  for (unsigned t = 0; t < rows; ++t) {
    const unsigned r = rows - 1 - t;
    for (unsigned c = 0; c < cols; ++c) {
      int32_t w = 0;
      if (r < l.rows && c < l.cols) {
        const uint8_t *row = wbufBytes.data() + l.wAddr + size_t(r) * l.wStride;
        if (l.int4) {
          const int nibble = c % 2 == 0 ? row[c / 2] & 0xf : row[c / 2] >> 4;
          w = nibble >= 8 ? nibble - 16 : nibble;
        } else {
          w = static_cast<int8_t>(row[c]);
        }
      }
      in.weightRow[c] = w;
    }
    for (uint64_t s = 0; s < perRow; ++s) {
      nextEdge();
      in.weightShift = s + 1 == perRow;
      model->step(in, out);
    }
  }
  in.weightShift = false;
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
  if (model) {
    clock.sync();
    gemmCycleModel(g, instr);
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

void SystolicArray::gemmCycleModel(const isa::Gemm &g, uint32_t instr) {
  golden::Machine &m = functional.machine();
  const std::vector<uint8_t> &ibufBytes = m.sram(isa::Buffer::IBuf);
  std::vector<uint8_t> &abufBytes = m.sram(isa::Buffer::ABuf);
  const int64_t vectors = int64_t(g.outH) * g.outW;
  const uint64_t edges = CycleArrayModel::gemmCycles(vectors, rows, g.cols);
  auto accAddr = [&](int64_t n, unsigned c) {
    return size_t(g.accAddr) + size_t(n) * g.accStride + 4 * size_t(c);
  };
  golden::Counters counters;
  counters.instructions = 1;
  counters.macs = uint64_t(vectors) * g.cols * g.k;
  in.weightShift = false;
  in.activeCols = g.cols;
  in.accShift = g.accShift;
  in.accumulate = g.accumulate;
  for (uint64_t e = 0; e < edges; ++e) {
    // Row r receives element r of vector e - r (the skew).
    for (unsigned r = 0; r < rows; ++r) {
      const int64_t n = int64_t(e) - r;
      const bool valid = r < g.k && n >= 0 && n < vectors;
      in.actValid[r] = valid;
      in.actTag[r] = static_cast<int32_t>(n);
      if (valid) {
        const size_t addr = size_t(g.inAddr) +
                            size_t(n / g.outW) * g.inStrideY +
                            size_t(n % g.outW) * g.inStrideX + r;
        in.act[r] = static_cast<int8_t>(ibufBytes[addr]) - g.inZp;
      }
    }
    // The accumulator stage reads the old value of what leaves each column.
    if (g.accumulate)
      for (unsigned c = 0; c < g.cols; ++c)
        if (model->bottomValid(c)) {
          int32_t old;
          std::memcpy(&old, abufBytes.data() + accAddr(model->bottomTag(c), c),
                      4);
          in.accIn[c] = old;
        }
    nextEdge();
    model->step(in, out);
    for (unsigned c = 0; c < g.cols; ++c)
      if (out.accValid[c]) {
        const int32_t v = static_cast<int32_t>(out.acc[c]);
        std::memcpy(abufBytes.data() + accAddr(out.accTag[c], c), &v, 4);
      }
    counters.accOverflow += out.peEvents + out.accEvents;
  }
  functional.addCounters(instr, counters);
}

} // namespace npu::sim
