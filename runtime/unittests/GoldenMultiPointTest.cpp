//===- GoldenMultiPointTest.cpp - Two-point int8 weights on a 4-bit array -===//
//
// load.weights uint4 (unsigned nibbles) and the property multi-point weights
// rest on: every int8 weight is w = 16 * hi + lo with hi = floor(w / 16) in
// -8..7 (signed nibbles, gemm acc_shift 4) and lo = w - 16 * hi in 0..15
// (unsigned nibbles, accumulated with acc_shift 0), so a 4-bit array's two
// passes compute exactly the 8-bit array's sums.
//
//===----------------------------------------------------------------------===//
#include "GoldenHarness.h"

#include <gtest/gtest.h>

#include <random>

namespace npu::golden::testing {
namespace {

TEST(GoldenMultiPoint, LoadWeightsUint4ZeroExtendsNibbles) {
  ArchConfig config = makeConfig(1, 4);
  ASSERT_TRUE(setArchField(config, "array.weight_bits", "4").ok());
  Harness h(config);
  // Bytes 0x9f, 0x71 -> nibbles (low first) f, 9, 1, 7.
  h.put8(Buffer::WBuf, 0, {0x9f, 0x71});
  LoadWeights l;
  l.wStride = 2;
  l.rows = 1;
  l.cols = 4;
  l.int4 = true;
  l.uint4 = true;
  h.run(l);
  EXPECT_EQ(h.m.weight(0, 0), 15);
  EXPECT_EQ(h.m.weight(0, 1), 9);
  EXPECT_EQ(h.m.weight(0, 2), 1);
  EXPECT_EQ(h.m.weight(0, 3), 7);
  // uint4 without int4 is refused (on an 8-bit array, where int4 is
  // optional).
  Harness eight(makeConfig(1, 4));
  l.int4 = false;
  Status s = eight.tryRun(l);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().getMessage(), "uint4 needs int4 (unsigned nibbles)");
}

// The compiler's split (isa::splitWeight) is the one the passes below use:
// a signed hi nibble and an unsigned lo one that recombine to w.
TEST(GoldenMultiPoint, SplitWeightRecombinesEveryInt8Weight) {
  for (int w = -128; w <= 127; ++w) {
    const isa::WeightSplit split = isa::splitWeight(w);
    EXPECT_GE(split.hi, -8) << w;
    EXPECT_LE(split.hi, 7) << w;
    EXPECT_GE(split.lo, 0) << w;
    EXPECT_LE(split.lo, 15) << w;
    EXPECT_EQ(split.hi * (1 << isa::kHiPointShift) + split.lo, w);
  }
}

TEST(GoldenMultiPoint, TwoUnsignedLowPointsAreExactForEveryInt8Weight) {
  // W[r][c] = 16 * r + c - 128: all 256 int8 values once.
  std::vector<int> w(256);
  for (int i = 0; i < 256; ++i)
    w[i] = i - 128;
  // Input vectors: random activations, and the extremes.
  constexpr int kVectors = 9;
  std::mt19937 rng(7);
  std::vector<int> x(16 * kVectors);
  for (int &v : x)
    v = std::uniform_int_distribution<int>(-128, 127)(rng);
  for (int r = 0; r < 16; ++r) {
    x[16 * (kVectors - 2) + r] = -128;
    x[16 * (kVectors - 1) + r] = 127;
  }
  constexpr int32_t kZp = -3;
  Gemm g;
  g.inStrideX = 16;
  g.outH = 1;
  g.outW = kVectors;
  g.k = 16;
  g.inZp = kZp;
  g.accStride = 64;
  g.cols = 16;

  // The 8-bit array: one pass.
  Harness eight(makeConfig(16, 16));
  eight.put8(Buffer::IBuf, 0, x);
  eight.put8(Buffer::WBuf, 0, w);
  LoadWeights l8;
  l8.wStride = 16;
  l8.rows = 16;
  l8.cols = 16;
  eight.run(l8);
  eight.run(g);
  const std::vector<int64_t> want =
      eight.get32(Buffer::ABuf, 0, size_t(16 * kVectors));

  // The 4-bit array: hi (signed nibbles) with acc_shift 4, then lo
  // (unsigned nibbles) accumulated.
  ArchConfig config = makeConfig(16, 16);
  ASSERT_TRUE(setArchField(config, "array.weight_bits", "4").ok());
  std::vector<int> hi(128), lo(128);
  for (int r = 0; r < 16; ++r)
    for (int c = 0; c < 16; c += 2) {
      auto split = [&](int v) { return std::pair{v >> 4, v & 15}; };
      auto [h0, l0] = split(w[16 * r + c]);
      auto [h1, l1] = split(w[16 * r + c + 1]);
      ASSERT_TRUE(h0 >= -8 && h0 <= 7 && l0 >= 0 && l0 <= 15);
      hi[8 * r + c / 2] = (h0 & 15) | (h1 & 15) << 4;
      lo[8 * r + c / 2] = l0 | l1 << 4;
    }
  // The two passes on a fresh 4-bit array, the low nibbles read as
  // unsigned (uint4) or as signed; returns the ABUF sums.
  auto twoPoints = [&](bool unsignedLow) {
    Harness four(config);
    four.put8(Buffer::IBuf, 0, x);
    four.put8(Buffer::WBuf, 0, hi);
    four.put8(Buffer::WBuf, 128, lo);
    LoadWeights l4;
    l4.wStride = 8;
    l4.rows = 16;
    l4.cols = 16;
    l4.int4 = true;
    four.run(l4);
    Gemm g4 = g;
    g4.accShift = 4;
    four.run(g4);
    l4.wAddr = 128;
    l4.uint4 = unsignedLow;
    four.run(l4);
    g4.accShift = 0;
    g4.accumulate = true;
    four.run(g4);
    EXPECT_EQ(four.counters.accOverflow, 0u);
    return four.get32(Buffer::ABuf, 0, size_t(16 * kVectors));
  };
  EXPECT_EQ(twoPoints(true), want);
  // With a signed low point the decomposition cannot reach 120..127
  // (16 * 7 + 7 = 119), which is why uint4 exists: the same passes with
  // the low nibbles read as signed differ.
  EXPECT_NE(twoPoints(false), want);
}

} // namespace
} // namespace npu::golden::testing
