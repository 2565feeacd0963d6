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
