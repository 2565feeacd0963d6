//===- EstimateTest.cpp - The compiler's cost model on small programs -----===//
#include "npu/Isa/Cost.h"
#include "npu/Program/Builder.h"
#include "npu/Program/Estimate.h"

#include <gtest/gtest.h>

namespace npu {
namespace {

TEST(Cost, Formulas) {
  EXPECT_EQ(isa::cost::gemmCycles(100, 16, 16), 131u);
  EXPECT_EQ(isa::cost::preloadCycles(16, 16, 64), 16u);
  EXPECT_EQ(isa::cost::preloadCycles(8, 130, 64), 24u);
  isa::DwConv dw;
  dw.outH = 4, dw.outW = 5, dw.kh = 3, dw.kw = 3, dw.channels = 20;
  EXPECT_EQ(isa::cost::vectorSteps(dw, 16), 4u * 5 * 9 * 2);
  isa::Alu alu;
  alu.nOuter = 3, alu.nInner = 17;
  EXPECT_EQ(isa::cost::vectorSteps(alu, 16), 6u);
  EXPECT_EQ(isa::cost::vectorSteps(isa::Gemm{}, 16), 0u);
}

/// One layer: a constant weight load, an activation load, a gemm and a
/// store; a second layer with only an on-chip vector op.
TEST(Estimate, LayerCyclesBytesAndPlacement) {
  const ArchConfig config = *resolveArchConfig("npu-tiny");
  ProgramBuilder b(config);
  const uint64_t weights = b.addConstant(std::vector<uint8_t>(64, 1));
  const size_t in = b.addTensor(
      {"in", TensorRole::Input, ElementType::I8, {1, 32}, 1.0, 0, 0});
  const size_t out = b.addTensor(
      {"out", TensorRole::Output, ElementType::I8, {1, 32}, 1.0, 0, 0});

  LayerInfo conv;
  conv.name = "conv";
  conv.kind = "conv2d";
  b.beginLayer(conv, "t.mlir:1:1");
  isa::DmaLoad w;
  w.buf = isa::Buffer::WBuf;
  w.dramAddr = static_cast<uint32_t>(weights);
  w.rows = 1, w.cols = 1, w.elemBytes = 64, w.sramRowStride = 64;
  b.emit(w);
  isa::DmaLoad x = w;
  x.buf = isa::Buffer::IBuf;
  x.dramAddr = static_cast<uint32_t>(b.tensorAddr(in));
  x.elemBytes = 32, x.sramRowStride = 32;
  b.emit(x);
  isa::Gemm g;
  g.outH = 1, g.outW = 40, g.k = 8, g.cols = 8, g.accStride = 32;
  b.emit(g);
  isa::DmaStore s;
  s.buf = isa::Buffer::OBuf;
  s.dramAddr = static_cast<uint32_t>(b.tensorAddr(out));
  s.rows = 1, s.cols = 1, s.elemBytes = 32, s.sramRowStride = 32;
  b.emit(s);
  b.endLayer();

  LayerInfo add;
  add.name = "add";
  add.kind = "add";
  b.beginLayer(add, "t.mlir:2:1");
  isa::Alu alu;
  alu.nOuter = 1, alu.nInner = 32;
  b.emit(alu);
  b.endLayer();
  const Program program = b.finish();

  const ProgramEstimate e = estimateProgram(program, config);
  ASSERT_EQ(e.layers.size(), 2u);
  const LayerEstimate &c = e.layers[0];
  const auto rows = static_cast<unsigned>(config.array.rows);
  EXPECT_EQ(c.computeCycles, isa::cost::gemmCycles(40, rows, 8));
  // Each DMA: one burst, the DRAM latency to its first beat, then its
  // bytes at the bus width.
  const uint64_t lat = static_cast<uint64_t>(config.dram.latencyCycles);
  const uint64_t bw = static_cast<uint64_t>(config.dram.bandwidthBytesPerCycle);
  EXPECT_EQ(c.loadCycles, (lat + (64 + bw - 1) / bw) + (lat + (32 + bw - 1) / bw));
  EXPECT_EQ(c.storeCycles, lat + (32 + bw - 1) / bw);
  EXPECT_EQ(c.cycles, std::max({c.loadCycles, c.computeCycles, c.storeCycles}));
  EXPECT_EQ(c.placement.weights.dram(), 64u);
  EXPECT_EQ(c.placement.input.dram(), 32u);
  EXPECT_EQ(c.placement.output.dram(), 32u);
  EXPECT_EQ(c.dramReadBytes, 96u);
  EXPECT_EQ(c.dramWriteBytes, 32u);

  const LayerEstimate &a = e.layers[1];
  EXPECT_EQ(a.computeCycles,
            (32 + static_cast<uint64_t>(config.vector.lanes) - 1) /
                    static_cast<uint64_t>(config.vector.lanes) +
                isa::cost::kVectorLatency);
  EXPECT_EQ(a.placement.input.dram() + a.placement.output.dram(), 0u);
  EXPECT_EQ(e.dramBytes, 128u);
  // The halt finish() appends (outside every layer) costs one cycle.
  EXPECT_EQ(e.cycles, c.cycles + a.cycles + 1);
}

} // namespace
} // namespace npu
