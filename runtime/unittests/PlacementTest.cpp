//===- PlacementTest.cpp - Where each layer's data lived ------------------===//
//
// placeLayers on a hand-built program: input, output, weights and tables
// in DRAM (the layer's own DMAs) or in a scratchpad (another layer's data,
// weights loaded by an earlier layer, a table loaded outside every layer).
//
//===----------------------------------------------------------------------===//
#include "npu/Program/Placement.h"
#include "npu/Isa/PpuTable.h"
#include "npu/Program/Builder.h"
#include "npu/Program/Estimate.h"

#include <gtest/gtest.h>

namespace npu {
namespace {

using isa::Buffer;
using isa::Space;

isa::DmaLoad load(Buffer buf, uint64_t dramAddr, uint32_t sramAddr,
                  uint32_t bytes) {
  isa::DmaLoad d;
  d.buf = buf;
  d.dramAddr = static_cast<uint32_t>(dramAddr);
  d.sramAddr = sramAddr;
  d.rows = 1, d.cols = 1, d.elemBytes = bytes, d.sramRowStride = bytes;
  return d;
}

TEST(Placement, DramOrTheScratchpadAnotherLayerLeftItIn) {
  const ArchConfig config = *resolveArchConfig("npu-tiny");
  ProgramBuilder b(config);
  const uint64_t table = b.addConstant(std::vector<uint8_t>(256, 1));
  const uint64_t weights = b.addConstant(std::vector<uint8_t>(64, 1));
  const size_t x = b.addTensor(
      {"x", TensorRole::Input, ElementType::I8, {1, 64}, 1.0, 0, 0});
  const size_t y = b.addTensor(
      {"y", TensorRole::Input, ElementType::I8, {1, 32}, 1.0, 0, 0});
  const size_t out = b.addTensor(
      {"out", TensorRole::Output, ElementType::I8, {1, 32}, 1.0, 0, 0});

  // Outside every layer: a LUT into PBUF.
  b.emit(load(Buffer::PBuf, table, 0, 256));

  // "a": weights and input from DRAM; its result (4 x 8 bytes) stays in
  // OBUF; its PPU reads the LUT loaded outside.
  LayerInfo a;
  a.name = "a";
  b.beginLayer(a, "t:1:1");
  b.emit(load(Buffer::WBuf, weights, 0, 64));
  b.emit(load(Buffer::IBuf, b.tensorAddr(x), 0, 64));
  isa::LoadWeights lw;
  lw.wStride = 8, lw.rows = 8, lw.cols = 8;
  b.emit(lw);
  isa::Gemm g;
  g.inStrideX = 16, g.outH = 1, g.outW = 4, g.k = 8, g.accStride = 32,
  g.cols = 8;
  b.emit(g);
  isa::PpuConfig cfg;
  cfg.hasLut = true;
  b.emit(cfg);
  isa::Ppu p;
  p.srcStride = 32, p.pixels = 4, p.channels = 8, p.dstBuf = Buffer::OBuf,
  p.dstStride = 8;
  b.emit(p);
  b.endLayer();

  // "b": adds a's result to a second input it loads from DRAM, with the
  // weights a left in WBUF, and stores the sum.
  LayerInfo bl;
  bl.name = "b";
  b.beginLayer(bl, "t:2:1");
  b.emit(lw);
  b.emit(load(Buffer::IBuf, b.tensorAddr(y), 512, 32));
  isa::Alu add;
  add.src1 = {Buffer::OBuf, 0, isa::DType::I8, 0, 1};
  add.src2 = {Buffer::IBuf, 512, isa::DType::I8, 0, 1};
  add.dst = {Buffer::IBuf, 1024, isa::DType::I8, 0, 1};
  add.nOuter = 1, add.nInner = 32;
  b.emit(add);
  isa::DmaStore st;
  st.buf = Buffer::IBuf;
  st.sramAddr = 1024;
  st.dramAddr = static_cast<uint32_t>(b.tensorAddr(out));
  st.rows = 1, st.cols = 1, st.elemBytes = 32, st.sramRowStride = 32;
  b.emit(st);
  b.endLayer();
  const Program program = b.finish();

  const std::vector<LayerPlacement> placed = placeLayers(program);
  ASSERT_EQ(placed.size(), 2u);
  const LayerPlacement &pa = placed[0], &pb = placed[1];
  EXPECT_EQ(pa.input.str(), "dram");
  EXPECT_EQ(pa.input.dram(), 64u);
  EXPECT_EQ(pa.weights.str(), "dram");
  EXPECT_EQ(pa.weights.dram(), 64u);
  EXPECT_EQ(pa.tables.str(), "pbuf");
  EXPECT_EQ(pa.tables[Space::PBuf], isa::kPpuLutEntries);
  EXPECT_EQ(pa.output.str(), "obuf");
  EXPECT_EQ(pa.output[Space::OBuf], 32u);

  EXPECT_EQ(pb.input.str(), "dram+obuf");
  EXPECT_EQ(pb.input.dram(), 32u);
  EXPECT_EQ(pb.input[Space::OBuf], 32u);
  EXPECT_EQ(pb.input[Space::IBuf], 0u); // its own load
  EXPECT_EQ(pb.weights.str(), "wbuf");
  EXPECT_EQ(pb.weights[Space::WBuf], 64u);
  EXPECT_EQ(pb.output.str(), "dram");
  EXPECT_EQ(pb.output.dram(), 32u);
  EXPECT_EQ(pb.tables.str(), "-");

  // The cost model reports the same placement.
  const ProgramEstimate e = estimateProgram(program, config);
  ASSERT_EQ(e.layers.size(), 2u);
  EXPECT_EQ(e.layers[1].placement.input.bytes, pb.input.bytes);
  EXPECT_EQ(e.layers[1].placement.weights.bytes, pb.weights.bytes);
}

} // namespace
} // namespace npu
