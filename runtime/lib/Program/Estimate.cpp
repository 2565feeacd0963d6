//===- Estimate.cpp - Analytical cycles and traffic of a program ----------===//
#include "npu/Program/Estimate.h"

#include "npu/Isa/Cost.h"

#include <algorithm>

namespace npu {

namespace {

using namespace isa;

class Estimator {
public:
  explicit Estimator(const ArchConfig &c) : config(c) {}

  /// Cycles of `instr` on its idle unit; adds its DRAM traffic to `layer`.
  uint64_t cost(const Instruction &instr, LayerEstimate &layer);

private:
  uint64_t dma(uint64_t addr, uint64_t rowStride, uint64_t colStride,
               uint32_t rows, uint32_t cols, uint32_t elemBytes) const {
    const std::vector<uint32_t> bursts = cost::dmaBursts(
        addr, rowStride, colStride, rows, cols, elemBytes,
        static_cast<uint64_t>(config.dram.burstBytes));
    uint64_t busFree = 0;
    const uint64_t done =
        cost::scheduleBursts(
            bursts, 0, static_cast<uint64_t>(config.dram.bandwidthBytesPerCycle),
            static_cast<uint64_t>(config.dram.latencyCycles),
            static_cast<uint64_t>(config.dram.maxOutstanding), busFree)
            .done;
    return std::max<uint64_t>(done, 1);
  }

  const ArchConfig &config;
};

uint64_t Estimator::cost(const Instruction &instr, LayerEstimate &layer) {
  const auto rows = static_cast<unsigned>(config.array.rows);
  if (const auto *d = std::get_if<DmaLoad>(&instr)) {
    layer.dramReadBytes += dramBytes(*d);
    return dma(d->dramAddr, d->dramRowStride, d->dramColStride, d->rows,
               d->cols, d->elemBytes);
  }
  if (const auto *d = std::get_if<DmaStore>(&instr)) {
    layer.dramWriteBytes += dramBytes(*d);
    return dma(d->dramAddr, d->dramRowStride, d->dramColStride, d->rows,
               d->cols, d->elemBytes);
  }
  if (const auto *l = std::get_if<LoadWeights>(&instr))
    return cost::preloadCycles(
        rows, isa::weightRowBytes(*l),
        static_cast<uint64_t>(config.sram.banks * config.sram.bankWidthBytes));
  if (const auto *g = std::get_if<Gemm>(&instr))
    return cost::gemmCycles(uint64_t(g->outH) * g->outW, rows, g->cols);
  if (const auto *p = std::get_if<Ppu>(&instr)) {
    const uint64_t steps =
        cost::ppuSteps(*p, static_cast<uint32_t>(config.ppu.lanes));
    return steps ? steps + cost::kPpuLatency : 1;
  }
  const uint64_t steps =
      cost::vectorSteps(instr, static_cast<uint32_t>(config.vector.lanes));
  return steps ? steps + cost::kVectorLatency : 1;
}

} // namespace

ProgramEstimate estimateProgram(const Program &program,
                                const ArchConfig &config) {
  ProgramEstimate out;
  out.layers.resize(program.layers.size());
  std::vector<LayerPlacement> placement = placeLayers(program);
  for (size_t i = 0; i < program.layers.size(); ++i) {
    out.layers[i].name = program.layers[i].name;
    out.layers[i].kind = program.layers[i].kind;
    out.layers[i].placement = std::move(placement[i]);
  }
  LayerEstimate unattributed; // instructions outside every layer
  Estimator estimator(config);
  for (size_t i = 0; i < program.instructions.size(); ++i) {
    const Instruction &instr = program.instructions[i];
    const DebugRange *range = program.debugRangeFor(i);
    LayerEstimate &layer =
        range && range->layer != DebugRange::kNoLayer
            ? out.layers[range->layer]
            : unattributed;
    const uint64_t cycles = estimator.cost(instr, layer);
    ++layer.instructions;
    switch (queueOf(instr)) {
    case Queue::Load:
      layer.loadCycles += cycles;
      break;
    case Queue::Store:
      layer.storeCycles += cycles;
      break;
    default:
      layer.computeCycles += cycles;
      break;
    }
  }
  auto finish = [&](LayerEstimate &l) {
    l.cycles = std::max({l.loadCycles, l.computeCycles, l.storeCycles,
                         l.instructions});
    out.cycles += l.cycles;
    out.dramBytes += l.dramReadBytes + l.dramWriteBytes;
  };
  for (LayerEstimate &l : out.layers)
    finish(l);
  finish(unattributed);
  return out;
}

} // namespace npu
