// Tests vec.alu recip's arithmetic (Arith.h: gemmlowp's fixed-point
// reciprocal as TFLite's int8 softmax uses it): its building blocks at
// their edges, three values derived step by step, closeness to the real
// reciprocal on every sum TFLite's softmax can produce, and equality with
// the TOSA form the TFLite importer emits (EmitSoftmax.cpp).
#include "npu/Golden/Arith.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

using namespace npu::golden;

namespace {

/// 1 / (1 + s / 2^31) in Q0.31 for x = 2^31 + s after normalization, as a
/// double, saturated like the fixed-point result.
double realReciprocal(int32_t x) {
  uint32_t u = static_cast<uint32_t>(x);
  while (!(u & 0x80000000u))
    u <<= 1;
  const double onePlusS = double(u) / 2147483648.0; // [1, 2)
  return std::min(2147483648.0 / onePlusS, 2147483647.0);
}

/// TOSA MUL with a shift: (a * b + 2^(shift-1)) >> shift, wrapped to int32.
int32_t tosaMul(int32_t a, int32_t b, int shift) {
  int64_t p = int64_t(a) * b;
  if (shift > 0)
    p = (p + (int64_t(1) << (shift - 1))) >> shift;
  return wrap32(p);
}

/// The importer's TOSA form of 1 / sum (EmitSoftmax.cpp): the half
/// denominator as sum << (clz - 1), Q31 products as TOSA MUL with shift 31
/// (rounding half up rather than away from zero), x4 as a wrapping MUL. It
/// returns r in Q2.29; its final 2r is folded into a later shift.
int32_t importerReciprocal(int32_t sum) {
  int clz = 0;
  while (!((static_cast<uint32_t>(sum) << clz) & 0x80000000u))
    ++clz;
  const int32_t half =
      static_cast<int32_t>(static_cast<uint32_t>(sum) << (clz - 1));
  int32_t r = wrap32(int64_t(tosaMul(half, -1010580540, 31)) + 1515870810);
  for (int i = 0; i < 3; ++i) {
    const int32_t rHalf = tosaMul(r, half, 31);
    const int32_t oneMinus = wrap32(int64_t(1 << 29) - rHalf);
    r = wrap32(int64_t(r) + tosaMul(tosaMul(r, oneMinus, 31), 4, 0));
  }
  return r;
}

/// The sums of TFLite's int8 softmax: depth (<= 256, the importer's limit)
/// exponentials in Q12.19, each at most 2^19 and the row maximum's exactly
/// 2^19 (exp(0) = 1), so sums lie in [2^19, 2^27]. Every sum of the first
/// octave (each distinct fraction s of it) and random sums of the others.
std::vector<int32_t> softmaxSums() {
  std::vector<int32_t> sums;
  for (int32_t x = 1 << 19; x < (1 << 20); ++x)
    sums.push_back(x);
  std::mt19937 rng(1729);
  std::uniform_int_distribution<int32_t> any(1 << 20, 1 << 27);
  for (int i = 0; i < 500000; ++i)
    sums.push_back(any(rng));
  sums.push_back(1 << 27);
  return sums;
}

} // namespace

TEST(GoldenRecip, BuildingBlocksAtTheirEdges) {
  // SRDHM: round(a b / 2^31), halves rounded up (the nudge 1 - 2^30 and
  // C division make -1.5 -> -1 and -2.5 -> -2, as 1.5 -> 2).
  EXPECT_EQ(saturatingRoundingDoublingHighMul(1 << 30, 1 << 30), 1 << 29);
  EXPECT_EQ(saturatingRoundingDoublingHighMul(INT32_MIN, INT32_MIN),
            INT32_MAX); // the one overflow
  EXPECT_EQ(saturatingRoundingDoublingHighMul(INT32_MIN, INT32_MAX),
            -INT32_MAX); // -(2^31 - 1) exactly
  // 3 * 2^30 / 2^31 = 1.5: (3 * 2^30 + 2^30) / 2^31 = 2. For -1.5:
  // (-3 * 2^30 + 1 - 2^30) / 2^31 = (-2^32 + 1) / 2^31 = -1.99.. -> -1.
  EXPECT_EQ(saturatingRoundingDoublingHighMul(3, 1 << 30), 2);
  EXPECT_EQ(saturatingRoundingDoublingHighMul(-3, 1 << 30), -1);
  EXPECT_EQ(saturatingRoundingDoublingHighMul(-5, 1 << 30), -2); // -2.5
  // RoundingHalfSum: (a + b) / 2 half away from zero, in 64 bits.
  EXPECT_EQ(roundingHalfSum(INT32_MAX, INT32_MAX), INT32_MAX);
  EXPECT_EQ(roundingHalfSum(0, INT32_MAX), 1 << 30); // (2^31 - 1 + 1) / 2
  EXPECT_EQ(roundingHalfSum(-3, 0), -2);
  EXPECT_EQ(roundingHalfSum(-2, 0), -1);
  // SaturatingRoundingMultiplyByPOT<n>: v 2^n saturated.
  EXPECT_EQ(saturatingMultiplyByPot((1 << 29) - 1, 2), INT32_MAX - 3);
  EXPECT_EQ(saturatingMultiplyByPot(1 << 29, 2), INT32_MAX);
  EXPECT_EQ(saturatingMultiplyByPot(-(1 << 29), 2), INT32_MIN);
  EXPECT_EQ(saturatingMultiplyByPot(-(1 << 29) - 1, 2), INT32_MIN);
  EXPECT_EQ(saturatingMultiplyByPot(-7, 1), -14);
}

TEST(GoldenRecip, ValuesDerivedStepByStep) {
  // x = 2^19 (one exponential of 1.0): h = clz = 12, x << 12 = 2^31, s = 0.
  //   d  = RoundingHalfSum(0, 2^31 - 1) = 2^31 / 2 = 2^30 (0.5 in Q0.31)
  //   SRDHM(2^30, -1010580540) = -1010580540 / 2 = -505290270 (exact)
  //   x0 = 1515870810 - 505290270 = 1010580540           (32/17 in Q2.29)
  //   step 1: t = SRDHM(2^30, x0) = x0 / 2 = 505290270; u = 2^29 - t =
  //     31580642; SRDHM(x0, u) = 1010580540 * 31580642 / 2^31 =
  //     14861478.58 -> 14861479; x1 = x0 + 4 * 14861479 = 1070026456
  //   step 2: t = x1 / 2 = 535013228; u = 1857684; SRDHM(x1, u) =
  //     925628.02 -> 925628; x2 = x1 + 3702512 = 1073728968
  //   step 3: t = 536864484; u = 6428; SRDHM(x2, u) = 3213.96 -> 3214;
  //     x3 = x2 + 12856 = 1073741824 = 2^30 (2.0 in Q2.29)
  //   result = SaturatingRoundingMultiplyByPOT<1>(2^30) = 2^31 -> 2^31 - 1.
  EXPECT_EQ(reciprocalQ31(1 << 19), INT32_MAX);
  EXPECT_EQ(oneOverOnePlusX(0), INT32_MAX);
  // x = 3: h = 30, 3 << 30 = 2^31 + 2^30, s = 2^30 (0.5): 1 / 1.5.
  //   d  = RoundingHalfSum(2^30, 2^31 - 1) = (3 * 2^30 - 1 + 1) / 2
  //      = 1610612736 (0.75)
  //   SRDHM(d, -1010580540) = 0.75 * -1010580540 = -757935405 (exact)
  //   x0 = 1515870810 - 757935405 = 757935405            (48/17 - 24/17)
  //   step 1: t = SRDHM(d, x0) = 568451553.75 -> 568451554; u = -31580642;
  //     SRDHM(x0, u) = -11146108.94 -> -11146109; x1 = x0 - 44584436 =
  //     713350969
  //   step 2: t = 535013226.75 -> 535013227; u = 1857685; SRDHM(x1, u) =
  //     617085.67 -> 617086; x2 = x1 + 2468344 = 715819313
  //   step 3: t = 536864484.75 -> 536864485; u = 6427; SRDHM(x2, u) =
  //     2142.31 -> 2142; x3 = x2 + 8568 = 715827881
  //   result = 2 x3 = 1431655762 (2^31 / 1.5 = 1431655765.3)
  EXPECT_EQ(reciprocalQ31(3), 1431655762);
  EXPECT_EQ(oneOverOnePlusX(1 << 30), 1431655762);
  // x = 5 * 2^17 = 655360: h = 12, s = 2^29 (0.25): 1 / 1.25.
  //   d  = (2^29 + 2^31) / 2 = 1342177280 (0.625)
  //   SRDHM(d, -1010580540) = -631612837.5 -> -631612837 (the half rounds
  //   up); x0 = 884257973
  //   step 1: t = 552661233.13 -> 552661233; u = -15790321; SRDHM(x0, u) =
  //     -6501896.88 -> -6501897; x1 = x0 - 26007588 = 858250385
  //   step 2: t = 536406490.63 -> 536406491; u = 464421; SRDHM(x1, u) =
  //     185607.70 -> 185608; x2 = x1 + 742432 = 858992817
  //   step 3: t = 536870510.63 -> 536870511; u = 401; SRDHM(x2, u) =
  //     160.40 -> 160; x3 = x2 + 640 = 858993457
  //   result = 2 x3 = 1717986914 (2^31 / 1.25 = 1717986918.4)
  EXPECT_EQ(reciprocalQ31(655360), 1717986914);
  // Non-positive inputs give 0; the normalization ignores the exponent.
  EXPECT_EQ(reciprocalQ31(0), 0);
  EXPECT_EQ(reciprocalQ31(-1), 0);
  EXPECT_EQ(reciprocalQ31(INT32_MIN), 0);
  EXPECT_EQ(reciprocalQ31(3 << 20), 1431655762);
  EXPECT_EQ(reciprocalQ31(1), INT32_MAX);
}

TEST(GoldenRecip, CloseToTheRealReciprocalOnSoftmaxSums) {
  double worst = 0;
  for (int32_t x : softmaxSums()) {
    const double error = double(reciprocalQ31(x)) - realReciprocal(x);
    worst = std::max(worst, std::abs(error));
    ASSERT_LE(std::abs(error), 8.0) << "sum " << x;
  }
  // Three Newton-Raphson steps leave a few units in the last place.
  EXPECT_GT(worst, 0.0);
}

TEST(GoldenRecip, MatchesTheImportersTosaForm) {
  // TOSA MUL's (p + 2^30) >> 31 equals SRDHM's nudged C division for every
  // product (both round halves up); the forms could differ only where
  // gemmlowp saturates (INT32_MIN squared, a x4 overflow), which positive
  // inputs never reach, and in the final 2r, which the importer folds
  // into a later shift unsaturated.
  std::vector<int32_t> xs = softmaxSums();
  std::mt19937 rng(4);
  std::uniform_int_distribution<int32_t> any(1, INT32_MAX);
  for (int i = 0; i < 200000; ++i)
    xs.push_back(any(rng));
  for (int32_t x : xs) {
    const int64_t twice = 2 * int64_t(importerReciprocal(x));
    ASSERT_EQ(reciprocalQ31(x), std::min<int64_t>(twice, INT32_MAX))
        << "x " << x;
  }
}
