//===- SimTestPrograms.h - Small programs for the simulator tests ---------===//
#ifndef NPUSIM_UNITTESTS_SIMTESTPROGRAMS_H
#define NPUSIM_UNITTESTS_SIMTESTPROGRAMS_H

#include "npusim/Simulator.h"

#include "npu/Program/Builder.h"

#include <gtest/gtest.h>

#include <random>

namespace npu::sim::test {

/// Simulates `p` on `c` with `model`, collecting the trace.
inline Result<SimResult> simulateTraced(const Program &p, const ArchConfig &c,
                                        ArrayModel model = ArrayModel::Tile) {
  SimOptions options;
  options.arrayModel = model;
  options.collectTrace = true;
  return simulate(p, c, {}, options);
}

/// The trace events of `unit`, of one name or all.
inline std::vector<const TraceEvent *> eventsOf(const SimResult &r, Unit unit,
                                                const std::string &name = "") {
  std::vector<const TraceEvent *> out;
  for (const TraceEvent &e : r.trace)
    if (e.unit == unit && (name.empty() || e.name == name))
      out.push_back(&e);
  return out;
}

inline ArchConfig config(const char *preset,
                         std::initializer_list<const char *> sets = {}) {
  ArchConfig c = *resolveArchConfig(preset);
  for (const char *s : sets)
    EXPECT_TRUE(static_cast<bool>(applyArchOverride(c, s))) << s;
  return c;
}

inline isa::DmaLoad dmaLoad(isa::Buffer buf, uint64_t dramAddr, uint32_t rows,
                            uint32_t cols, uint32_t elemBytes = 1) {
  isa::DmaLoad d;
  d.buf = buf;
  d.dramAddr = static_cast<uint32_t>(dramAddr);
  d.dramRowStride = cols * elemBytes;
  d.dramColStride = elemBytes;
  d.sramRowStride = cols * elemBytes;
  d.rows = rows;
  d.cols = cols;
  d.elemBytes = elemBytes;
  return d;
}

inline isa::DmaStore dmaStore(isa::Buffer buf, uint64_t dramAddr, uint32_t rows,
                              uint32_t cols, uint32_t elemBytes = 1) {
  isa::DmaStore d;
  d.buf = buf;
  d.dramAddr = static_cast<uint32_t>(dramAddr);
  d.dramRowStride = cols * elemBytes;
  d.dramColStride = elemBytes;
  d.sramRowStride = cols * elemBytes;
  d.rows = rows;
  d.cols = cols;
  d.elemBytes = elemBytes;
  return d;
}

/// Loads `vectors` x `k` input bytes (at DRAM `xAddr`) into IBUF and a
/// k x cols weight block (at `wAddr`) into WBUF, then into the array.
inline void emitInputAndWeights(ProgramBuilder &b, uint64_t xAddr,
                                uint64_t wAddr, uint32_t vectors, uint32_t k,
                                uint32_t cols) {
  b.emit(dmaLoad(isa::Buffer::IBuf, xAddr, vectors, k));
  isa::DmaLoad lw = dmaLoad(isa::Buffer::WBuf, wAddr, k, cols);
  lw.deps.pushNext = true;
  b.emit(lw);
  isa::LoadWeights l;
  l.wStride = cols;
  l.rows = k;
  l.cols = cols;
  l.deps.popPrev = true;
  b.emit(l);
}

/// One pass of the `vectors` input vectors (IBUF 0) through the array into
/// int32 accumulators (ABUF 0).
inline isa::Gemm gemmOf(uint32_t vectors, uint32_t k, uint32_t cols) {
  isa::Gemm g;
  g.inStrideY = k;
  g.inStrideX = k;
  g.outH = 1;
  g.outW = vectors;
  g.k = k;
  g.accStride = 4 * cols;
  g.cols = cols;
  return g;
}

/// Requantizes the `vectors` x `cols` accumulators (ABUF 0) to int8 rows
/// in OBUF 0.
inline isa::Ppu ppuToObuf(uint32_t vectors, uint32_t cols) {
  isa::Ppu q;
  q.srcStride = 4 * cols;
  q.pixels = vectors;
  q.channels = cols;
  q.dstBuf = isa::Buffer::OBuf;
  q.dstStride = cols;
  return q;
}

/// A matrix product on the array with random int8 data: `vectors` input
/// vectors of `k` bytes times a k x cols weight block, in two gemms (the
/// second accumulating a shifted copy), stored as raw int32 accumulators
/// (output 0) and requantized to int8 by the PPU (output 1). With a narrow
/// accumulator the sums overflow.
inline Program gemmProgram(const ArchConfig &c, uint32_t vectors, uint32_t k,
                           uint32_t cols, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> byte(-128, 127);
  ProgramBuilder b(c);
  std::vector<uint8_t> weights(size_t(k) * cols);
  for (uint8_t &w : weights)
    w = static_cast<uint8_t>(byte(rng));
  const uint64_t wAddr = b.addConstant(weights);
  const size_t in = b.addTensor(
      {"x", TensorRole::Input, ElementType::I8, {vectors, k}, 1.0, 0, 0});
  const size_t acc = b.addTensor({"acc",
                                  TensorRole::Output,
                                  ElementType::I32,
                                  {vectors, cols},
                                  1.0,
                                  0,
                                  0});
  const size_t out = b.addTensor(
      {"y", TensorRole::Output, ElementType::I8, {vectors, cols}, 1.0, 3, 0});
  std::vector<uint8_t> x(size_t(vectors) * k);
  for (uint8_t &v : x)
    v = static_cast<uint8_t>(byte(rng));
  b.setDefaultInput(in, x);

  LayerInfo layer;
  layer.name = "matmul";
  layer.kind = "fully_connected";
  layer.macs = uint64_t(vectors) * k * cols * 2;
  b.beginLayer(layer, "test:1:1");
  emitInputAndWeights(b, b.tensorAddr(in), wAddr, vectors, k, cols);
  isa::Gemm g = gemmOf(vectors, k, cols);
  g.inZp = -3;
  b.emit(g);
  g.accumulate = true;
  g.accShift = 2;
  g.inZp = 5;
  b.emit(g);
  isa::PpuConfig p;
  p.mult = 1 << 30;
  p.shift = 38;
  p.outZp = 3;
  p.clampMin = -128;
  p.clampMax = 127;
  b.emit(p);
  isa::Ppu q = ppuToObuf(vectors, cols);
  q.deps.pushNext = true;
  b.emit(q);
  isa::DmaStore sa =
      dmaStore(isa::Buffer::ABuf, b.tensorAddr(acc), vectors, cols, 4);
  sa.deps.popPrev = true;
  b.emit(sa);
  b.emit(dmaStore(isa::Buffer::OBuf, b.tensorAddr(out), vectors, cols));
  return b.finish();
}

/// Two layers. "fc" loads its input (`vectors` x `k` bytes) and weights
/// (`k` x `cols`) from DRAM and leaves its int8 result (`vectors` x `cols`)
/// in OBUF; "copy" reads that result from OBUF, copies it to IBUF and
/// stores it to DRAM (the program's output).
inline Program twoLayerProgram(const ArchConfig &c, uint32_t vectors,
                               uint32_t k, uint32_t cols) {
  ProgramBuilder b(c);
  const uint64_t wAddr =
      b.addConstant(std::vector<uint8_t>(size_t(k) * cols, 1));
  const size_t in = b.addTensor(
      {"x", TensorRole::Input, ElementType::I8, {vectors, k}, 1.0, 0, 0});
  const size_t out = b.addTensor(
      {"y", TensorRole::Output, ElementType::I8, {vectors, cols}, 1.0, 0, 0});
  b.setDefaultInput(in, std::vector<uint8_t>(size_t(vectors) * k, 2));

  LayerInfo fc;
  fc.name = "fc";
  fc.kind = "fully_connected";
  fc.macs = uint64_t(vectors) * k * cols;
  b.beginLayer(fc, "test:1:1");
  emitInputAndWeights(b, b.tensorAddr(in), wAddr, vectors, k, cols);
  b.emit(gemmOf(vectors, k, cols));
  isa::PpuConfig p;
  p.mult = 1 << 30;
  p.shift = 36;
  p.clampMin = -128;
  p.clampMax = 127;
  b.emit(p);
  b.emit(ppuToObuf(vectors, cols));
  b.endLayer();

  LayerInfo copy;
  copy.name = "copy";
  copy.kind = "copy";
  b.beginLayer(copy, "test:2:1");
  const uint32_t n = vectors * cols;
  isa::Alu a;
  a.op = isa::AluOp::Copy;
  a.src1 = {isa::Buffer::OBuf, 0, isa::DType::I8, 0, 1};
  a.src2 = a.src1;
  a.dst = {isa::Buffer::IBuf, 4096, isa::DType::I8, 0, 1};
  a.nOuter = 1;
  a.nInner = n;
  a.deps.pushNext = true;
  b.emit(a);
  isa::DmaStore st = dmaStore(isa::Buffer::IBuf, b.tensorAddr(out), 1, n);
  st.sramAddr = 4096;
  st.deps.popPrev = true;
  b.emit(st);
  b.endLayer();
  return b.finish();
}

} // namespace npu::sim::test

#endif // NPUSIM_UNITTESTS_SIMTESTPROGRAMS_H
