// Tests the memory footprints instructions report (used for bounds checks,
// the compiler's hazard analysis and traffic statistics), against ranges
// worked out by hand.
#include "npu/Isa/Access.h"

#include <gtest/gtest.h>

using namespace npu::isa;

namespace {
bool has(const AccessList &list, Space s, int64_t lo, int64_t hi, bool write) {
  for (const Access &a : list)
    if (a.space == s && a.lo == lo && a.hi == hi && a.write == write)
      return true;
  return false;
}
} // namespace

TEST(Access, DmaLoadWithPaddingAndStrides) {
  DmaLoad d;
  d.buf = Buffer::IBuf;
  d.dramAddr = 100;
  d.dramRowStride = 32;
  d.dramColStride = 4;
  d.sramAddr = 8;
  d.sramRowStride = 40;
  d.rows = 3;
  d.cols = 8;
  d.elemBytes = 4;
  d.padTop = d.padBottom = d.padLeft = d.padRight = 1;
  auto a = accessesOf(d, nullptr);
  ASSERT_EQ(a.size(), 2u);
  // 5 rows of 10 elements x 4 bytes: [8, 8 + 4*40 + 40).
  EXPECT_TRUE(has(a, Space::IBuf, 8, 208, true));
  // DRAM: 100 + 2*32 + 7*4 + 4 = 196.
  EXPECT_TRUE(has(a, Space::Dram, 100, 196, false));
}

TEST(Access, GemmReadsInputWritesAccumulators) {
  Gemm g;
  g.inAddr = 4;
  g.inStrideY = 40;
  g.inStrideX = 4;
  g.outH = 2;
  g.outW = 3;
  g.k = 12;
  g.accAddr = 64;
  g.accStride = 32;
  g.cols = 8;
  auto a = accessesOf(g, nullptr);
  EXPECT_TRUE(has(a, Space::IBuf, 4, 4 + 40 + 8 + 12, false));
  EXPECT_TRUE(has(a, Space::ABuf, 64, 64 + 5 * 32 + 32, true));
}

TEST(Access, PpuNeedsItsConfigForTables) {
  Ppu p;
  p.srcAddr = 0;
  p.srcStride = 16;
  p.pixels = 2;
  p.channels = 4;
  p.chOffset = 2;
  p.dstBuf = Buffer::OBuf;
  p.dstAddr = 10;
  p.dstStride = 4;
  EXPECT_EQ(accessesOf(p, nullptr).size(), 1u); // ABUF only
  PpuConfig cfg;
  cfg.hasBias = true;
  cfg.biasAddr = 100;
  cfg.hasLut = true;
  cfg.lutAddr = 1000;
  auto a = accessesOf(p, &cfg);
  EXPECT_TRUE(has(a, Space::ABuf, 0, 32, false));
  EXPECT_TRUE(has(a, Space::OBuf, 10, 18, true));
  EXPECT_TRUE(has(a, Space::PBuf, 108, 124, false)); // bias[2..6)
  EXPECT_TRUE(has(a, Space::PBuf, 1000, 1256, false));
}

TEST(Access, NegativeStridesAndAccumulateReads) {
  Rescale r;
  r.src = {Buffer::ABuf, 40, DType::I32, -2, 0};
  r.dst = {Buffer::ABuf, 100, DType::I32, 1, 0};
  r.nOuter = 3;
  r.nInner = 5;
  r.accumulate = true;
  auto a = accessesOf(r, nullptr);
  EXPECT_TRUE(has(a, Space::ABuf, 40 - 16, 44, false));
  EXPECT_TRUE(has(a, Space::ABuf, 100, 112, true));
  EXPECT_TRUE(has(a, Space::ABuf, 100, 112, false));
}

TEST(Access, TransposedPpuReadsTheTablesOfItsRows) {
  // 3 rows (channels 5, 6, 7) x 4 columns of accumulators, i16 output
  // transposed: element (px, c) at 100 + c * 16 + 2 px.
  Ppu p;
  p.srcAddr = 0;
  p.srcStride = 32;
  p.pixels = 3;
  p.channels = 4;
  p.chOffset = 5;
  p.dstBuf = Buffer::OBuf;
  p.dstAddr = 100;
  p.dstStride = 16;
  p.transpose = true;
  PpuConfig cfg;
  cfg.outType = DType::I16;
  cfg.perChannel = true;
  cfg.multAddr = 200;
  cfg.shiftAddr = 300;
  auto a = accessesOf(p, &cfg);
  ASSERT_EQ(a.size(), 4u);
  EXPECT_TRUE(has(a, Space::ABuf, 0, 2 * 32 + 16, false)); // unchanged
  // Last element (2, 3): 100 + 3 * 16 + 2 * 2 + 2 = 154.
  EXPECT_TRUE(has(a, Space::OBuf, 100, 154, true));
  EXPECT_TRUE(has(a, Space::PBuf, 200 + 4 * 5, 200 + 4 * 8, false));
  EXPECT_TRUE(has(a, Space::PBuf, 305, 308, false));
}

TEST(Access, TableFootprintsPerMode) {
  Table t;
  t.src = {Buffer::IBuf, 0, DType::U8, 0, 1};
  t.dst = {Buffer::ABuf, 0, DType::I32, 0, 1};
  t.nOuter = 1;
  t.nInner = 2;
  t.tableAddr = 64;
  t.mode = TableMode::I32;
  EXPECT_TRUE(has(accessesOf(t, nullptr), Space::PBuf, 64, 64 + 1024, false));
  t.mode = TableMode::I16;
  EXPECT_TRUE(has(accessesOf(t, nullptr), Space::PBuf, 64, 64 + 1026, false));
  t.mode = TableMode::I8;
  EXPECT_TRUE(has(accessesOf(t, nullptr), Space::PBuf, 64, 64 + 256, false));
}

TEST(Access, EltwiseReadsBothInputsAndTheLutOfItsPpuConfig) {
  Eltwise e;
  e.src1 = {Buffer::IBuf, 10, DType::I8, 4, 1};
  e.src2 = {Buffer::WBuf, 8, DType::I16, 0, 1}; // one row, broadcast
  e.dst = {Buffer::OBuf, 0, DType::I8, 4, 1};
  e.nOuter = 2;
  e.nInner = 3;
  auto a = accessesOf(e, nullptr);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_TRUE(has(a, Space::IBuf, 10, 10 + 4 + 2 + 1, false));
  EXPECT_TRUE(has(a, Space::WBuf, 8, 8 + 6, false));
  EXPECT_TRUE(has(a, Space::OBuf, 0, 7, true));
  PpuConfig cfg;
  EXPECT_EQ(accessesOf(e, &cfg).size(), 3u); // no LUT
  cfg.hasLut = true;
  cfg.lutAddr = 512;
  EXPECT_TRUE(has(accessesOf(e, &cfg), Space::PBuf, 512, 768, false));
  EXPECT_TRUE(accessesOf(EltwiseConfig{}, &cfg).empty());
}

TEST(Access, UnaryAluOperationsDoNotReadSrc2) {
  Alu a;
  a.op = AluOp::Recip;
  a.src1 = {Buffer::ABuf, 0, DType::I32, 0, 1};
  a.src2 = {Buffer::IBuf, 1u << 23, DType::I32, 0, 1};
  a.dst = {Buffer::ABuf, 64, DType::I32, 0, 1};
  a.nOuter = 1;
  a.nInner = 4;
  auto list = accessesOf(a, nullptr);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_TRUE(has(list, Space::ABuf, 0, 16, false));
  EXPECT_TRUE(has(list, Space::ABuf, 64, 80, true));
}
