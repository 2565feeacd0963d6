//===- GoldenMultiPointTest.cpp - Multi-point int8 weights, low-bit arrays
//-===//
//
// load.weights low_point (packed unsigned weights) and int2, and the
// property multi-point weights rest on: every int8 weight is the sum of its
// base-2^b digits (b = 4: w = 16 * hi + lo, hi = floor(w / 16) in -8..7
// with gemm acc_shift 4, lo in 0..15 with acc_shift 0; b = 2: four digits,
// the leading one in -2..1, with acc_shift 6, 4, 2, 0), the leading digit
// signed and the others unsigned, so a low-bit array's passes compute
// exactly the 8-bit array's sums.
//
//===----------------------------------------------------------------------===//
#include "GoldenHarness.h"

#include <gtest/gtest.h>

#include <random>

namespace npu::golden::testing {
namespace {

TEST(GoldenMultiPoint, LoadWeightsLowPointZeroExtendsNibbles) {
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
  l.lowPoint = true;
  h.run(l);
  EXPECT_EQ(h.m.weight(0, 0), 15);
  EXPECT_EQ(h.m.weight(0, 1), 9);
  EXPECT_EQ(h.m.weight(0, 2), 1);
  EXPECT_EQ(h.m.weight(0, 3), 7);
  // low_point without int4 or int2 is refused (on an 8-bit array, where
  // packing is optional).
  Harness eight(makeConfig(1, 4));
  l.int4 = false;
  Status s = eight.tryRun(l);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().getMessage(),
            "low_point needs int4 or int2 (packed unsigned weights)");
}

TEST(GoldenMultiPoint, LoadWeightsInt2UnpacksFourPerByte) {
  ArchConfig config = makeConfig(1, 8);
  ASSERT_TRUE(setArchField(config, "array.weight_bits", "2").ok());
  // Byte 0xe4 = 0b11'10'01'00 -> fields (lowest first) 0, 1, 2, 3; byte
  // 0x1b -> 3, 2, 1, 0. Signed: 2 and 3 are -2 and -1.
  auto load = [&](bool lowPoint) {
    Harness h(config);
    h.put8(Buffer::WBuf, 0, {0xe4, 0x1b});
    LoadWeights l;
    l.wStride = 2;
    l.rows = 1;
    l.cols = 8;
    l.int2 = true;
    l.lowPoint = lowPoint;
    h.run(l);
    std::vector<int> got;
    for (unsigned c = 0; c < 8; ++c)
      got.push_back(h.m.weight(0, c));
    return got;
  };
  EXPECT_EQ(load(false), (std::vector<int>{0, 1, -2, -1, -1, -2, 1, 0}));
  EXPECT_EQ(load(true), (std::vector<int>{0, 1, 2, 3, 3, 2, 1, 0}));
  // A 2-bit array needs int2; int4 and int2 together are refused.
  Harness h(config);
  LoadWeights l;
  l.wStride = 2;
  l.rows = 1;
  l.cols = 8;
  Status s = h.tryRun(l);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().getMessage(),
            "the array has 2-bit weights; int2 must be set");
  l.int2 = true;
  l.int4 = true;
  s = h.tryRun(l);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().getMessage(), "int4 and int2 are exclusive");
}

// The compiler's digits (isa::weightDigit) are the ones the passes below
// use: a signed leading digit and unsigned lower ones that recombine to w.
TEST(GoldenMultiPoint, WeightDigitsRecombineEveryInt8Weight) {
  for (unsigned bits : {4u, 2u}) {
    const unsigned points = isa::maxWeightPoints(bits);
    ASSERT_EQ(points * bits, 8u);
    for (int w = -128; w <= 127; ++w) {
      int sum = 0;
      for (unsigned p = 0; p < points; ++p) {
        const int d = isa::weightDigit(w, bits, p);
        const int lo = p == 0 ? -(1 << (bits - 1)) : 0;
        const int hi = p == 0 ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
        EXPECT_GE(d, lo) << w << " bits " << bits << " point " << p;
        EXPECT_LE(d, hi) << w << " bits " << bits << " point " << p;
        sum += d * (1 << isa::pointShift(bits, p));
      }
      EXPECT_EQ(sum, w) << "bits " << bits;
    }
  }
}

// Runs every int8 weight through the 8-bit array in one pass and through a
// `bits`-bit array in 8 / bits passes (digits from floor division here, not
// from isa::weightDigit), the lower digits read as unsigned (low_point) or,
// to show why low_point exists, as signed; returns {8-bit sums, low-bit
// sums}.
std::pair<std::vector<int64_t>, std::vector<int64_t>>
runPoints(unsigned bits, bool unsignedLower) {
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
  Gemm g;
  g.inStrideX = 16;
  g.outH = 1;
  g.outW = kVectors;
  g.k = 16;
  g.inZp = -3;
  g.accStride = 64;
  g.cols = 16;

  Harness eight(makeConfig(16, 16));
  eight.put8(Buffer::IBuf, 0, x);
  eight.put8(Buffer::WBuf, 0, w);
  LoadWeights l8;
  l8.wStride = 16;
  l8.rows = 16;
  l8.cols = 16;
  eight.run(l8);
  eight.run(g);
  std::vector<int64_t> want =
      eight.get32(Buffer::ABuf, 0, size_t(16 * kVectors));

  ArchConfig config = makeConfig(16, 16);
  EXPECT_TRUE(
      setArchField(config, "array.weight_bits", std::to_string(bits)).ok());
  const int points = static_cast<int>(8 / bits);
  const int perByte = static_cast<int>(8 / bits);
  const int rowBytes = 16 / perByte;
  const int radix = 1 << bits;
  Harness low(config);
  low.put8(Buffer::IBuf, 0, x);
  std::vector<int> packed(size_t(points * 16 * rowBytes), 0);
  for (int r = 0; r < 16; ++r)
    for (int c = 0; c < 16; ++c) {
      // Digits by floor division, leading first.
      int rest = w[16 * r + c];
      std::vector<int> digits(static_cast<size_t>(points), 0);
      for (int p = points - 1; p >= 0; --p) {
        const int place = 1 << (bits * unsigned(points - 1 - p));
        const int d =
            p == 0 ? rest / place : ((rest / place) % radix + radix) % radix;
        digits[size_t(p)] = d;
        rest -= d * place;
      }
      EXPECT_EQ(rest, 0);
      for (int p = 0; p < points; ++p)
        packed[size_t((p * 16 + r) * rowBytes + c / perByte)] |=
            (digits[size_t(p)] & (radix - 1)) << (bits * unsigned(c % perByte));
    }
  low.put8(Buffer::WBuf, 0, packed);
  for (int p = 0; p < points; ++p) {
    LoadWeights l;
    l.wAddr = uint32_t(p * 16 * rowBytes);
    l.wStride = uint32_t(rowBytes);
    l.rows = 16;
    l.cols = 16;
    l.int4 = bits == 4;
    l.int2 = bits == 2;
    l.lowPoint = p > 0 && unsignedLower;
    low.run(l);
    Gemm gp = g;
    gp.accShift = bits * unsigned(points - 1 - p);
    gp.accumulate = p > 0;
    low.run(gp);
  }
  EXPECT_EQ(low.counters.accOverflow, 0u);
  return {want, low.get32(Buffer::ABuf, 0, size_t(16 * kVectors))};
}

TEST(GoldenMultiPoint, TwoNibblePointsAreExactForEveryInt8Weight) {
  auto [want, got] = runPoints(4, /*unsignedLower=*/true);
  EXPECT_EQ(got, want);
  // With a signed low point the decomposition cannot reach 120..127
  // (16 * 7 + 7 = 119): the same passes with the low nibbles read as
  // signed differ.
  auto [want2, signedLow] = runPoints(4, /*unsignedLower=*/false);
  EXPECT_NE(signedLow, want2);
}

TEST(GoldenMultiPoint, FourTwoBitPointsAreExactForEveryInt8Weight) {
  auto [want, got] = runPoints(2, /*unsignedLower=*/true);
  EXPECT_EQ(got, want);
  auto [want2, signedLow] = runPoints(2, /*unsignedLower=*/false);
  EXPECT_NE(signedLow, want2);
}

} // namespace
} // namespace npu::golden::testing
