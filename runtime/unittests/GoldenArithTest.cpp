// Tests the scalar fixed-point primitives against values worked out by hand
// from the TOSA specification's pseudo-code (derivations in the comments).
#include "npu/Golden/Arith.h"

#include <gtest/gtest.h>

#include <limits>

using namespace npu::golden;

TEST(ApplyScale32, RoundsHalfUpWithSingleRounding) {
  // 3 * 2^30 / 2^31 = 1.5 -> 2; (3*2^30 + 2^30) >> 31 = 2.
  EXPECT_EQ(applyScale32(3, 1 << 30, 31, false), 2);
  // -1.5 -> -1 (half up, toward +inf): (-3*2^30 + 2^30) >> 31 = -1.
  EXPECT_EQ(applyScale32(-3, 1 << 30, 31, false), -1);
  // 100 * 0.5 = 50 exactly.
  EXPECT_EQ(applyScale32(100, 1 << 30, 31, false), 50);
}

TEST(ApplyScale32, DoubleRoundMovesTiesAwayFromZeroAboveShift31) {
  // shift 32, multiplier 2^30: x / 4. -6 / 4 = -1.5.
  // single: (-6*2^30 + 2^31) >> 32 = -4*2^30 >> 32 = -1.
  EXPECT_EQ(applyScale32(-6, 1 << 30, 32, false), -1);
  // double: round = 2^31 - 2^30 -> (-5*2^30) >> 32 = floor(-1.25) = -2.
  EXPECT_EQ(applyScale32(-6, 1 << 30, 32, true), -2);
  // +1.5: both give 2; double: (6+3)*2^30 >> 32 = floor(2.25) = 2.
  EXPECT_EQ(applyScale32(6, 1 << 30, 32, false), 2);
  EXPECT_EQ(applyScale32(6, 1 << 30, 32, true), 2);
  // At shift <= 31 double_round changes nothing: -1.5 -> -1.
  EXPECT_EQ(applyScale32(-3, 1 << 30, 31, true), -1);
}

TEST(ApplyScale32, ShiftTwo) {
  // multiplier 1, shift 2: x / 4 rounded half up.
  EXPECT_EQ(applyScale32(5, 1, 2, false), 1);   // 1.25 -> 1: (5+2)>>2
  EXPECT_EQ(applyScale32(6, 1, 2, false), 2);   // 1.5 -> 2: (6+2)>>2
  EXPECT_EQ(applyScale32(-6, 1, 2, false), -1); // -1.5 -> -1: (-4)>>2
  EXPECT_EQ(applyScale32(-7, 1, 2, false), -2); // -1.75 -> -2: (-5)>>2
}

TEST(ApplyScale32, ShiftSixtyTwoAndInt32Limits) {
  const int32_t max = std::numeric_limits<int32_t>::max();
  const int32_t min = std::numeric_limits<int32_t>::min();
  // (2^31-1)^2 = 2^62 - 2^32 + 1; + 2^61, >> 62 -> 1.
  EXPECT_EQ(applyScale32(max, max, 62, false), 1);
  // -2^31 (2^31-1) = -2^62 + 2^31; + 2^61 = -2^61 + 2^31; >> 62 -> -1.
  EXPECT_EQ(applyScale32(min, max, 62, false), -1);
  // double: round = 2^61 - 2^30; sum = -2^61 + 2^30 -> -1.
  EXPECT_EQ(applyScale32(min, max, 62, true), -1);
  // Multiplier 2^30 at shift 30 is the identity, even at the limits.
  EXPECT_EQ(applyScale32(max, 1 << 30, 30, false), max);
  EXPECT_EQ(applyScale32(min, 1 << 30, 30, true), min);
}

TEST(ApplyScale32, ZeroMultiplierRoundsToZero) {
  // (0 + 2^39 - 2^30) >> 40 = 0 for a negative value with double rounding.
  EXPECT_EQ(applyScale32(-5, 0, 40, true), 0);
  EXPECT_EQ(applyScale32(5, 0, 40, true), 0);
  EXPECT_EQ(applyScale32(std::numeric_limits<int32_t>::min(), 0, 40, true), 0);
}

TEST(ReciprocalScale, MatchesTheSpecificationFormula) {
  // count 1: k = 0, multiplier = 2^30 + 1, shift 30.
  ScaleFactor s1 = reciprocalScale(1);
  EXPECT_EQ(s1.multiplier, (1 << 30) + 1);
  EXPECT_EQ(s1.shift, 30);
  // count 4: k = 2, numerator (2^30+1)*4, multiplier 2^30+1, shift 32.
  ScaleFactor s4 = reciprocalScale(4);
  EXPECT_EQ(s4.multiplier, (1 << 30) + 1);
  EXPECT_EQ(s4.shift, 32);
  // count 3: k = 2, multiplier floor((2^30+1)*4/3) = 1431655766, shift 32.
  ScaleFactor s3 = reciprocalScale(3);
  EXPECT_EQ(s3.multiplier, 1431655766);
  EXPECT_EQ(s3.shift, 32);
  // 6 / 4 = 1.5 -> 2 through apply_scale_32.
  EXPECT_EQ(applyScale32(6, s4.multiplier, s4.shift, false), 2);
  // count 125 (a 25x5 window): k = 7, multiplier floor((2^30+1)*128/125).
  ScaleFactor s125 = reciprocalScale(125);
  EXPECT_EQ(s125.shift, 37);
  EXPECT_EQ(s125.multiplier, int32_t(((int64_t(1) << 30) + 1) * 128 / 125));
}

TEST(TfliteAverage, RoundsHalfAwayFromZero) {
  EXPECT_EQ(tfliteRoundedDivide(6, 4), 2);       // 1.5 -> 2
  EXPECT_EQ(tfliteRoundedDivide(-6, 4), -2);     // -1.5 -> -2
  EXPECT_EQ(tfliteRoundedDivide(-255, 2), -128); // [-128,-127] -> -128
  EXPECT_EQ(tfliteRoundedDivide(5, 4), 1);       // 1.25 -> 1
  EXPECT_EQ(tfliteRoundedDivide(-5, 4), -1);
}

TEST(TableLookup16, InterpolatesBetweenEntries) {
  // table[i] = 16 i - 4096.
  std::vector<int16_t> table(513);
  for (int i = 0; i < 513; ++i)
    table[i] = static_cast<int16_t>(16 * i - 4096);
  // x = 0: index 256, fraction 0, base 0 -> 0.
  EXPECT_EQ(tableLookup16(table.data(), 0), 0);
  // x = 64: index 256, fraction 64: 0*128 + 16*64 = 1024.
  EXPECT_EQ(tableLookup16(table.data(), 64), 1024);
  // x = -32768: index 0, fraction 0: -4096 * 128 = -524288.
  EXPECT_EQ(tableLookup16(table.data(), -32768), -524288);
  // x = 32767: index 511, fraction 127: 4080*128 + 16*127 = 524272.
  EXPECT_EQ(tableLookup16(table.data(), 32767), 524272);
}

TEST(QuantizeMultiplier, SplitsIntoQ31MultiplierAndShift) {
  ScaleFactor half = quantizeMultiplier(0.5);
  EXPECT_EQ(half.multiplier, 1 << 30);
  EXPECT_EQ(half.shift, 31);
  ScaleFactor one = quantizeMultiplier(1.0);
  EXPECT_EQ(one.multiplier, 1 << 30);
  EXPECT_EQ(one.shift, 30);
  // 0.75 = 0.75 * 2^0: multiplier round(0.75 * 2^31) = 1610612736, shift 31.
  ScaleFactor q = quantizeMultiplier(0.75);
  EXPECT_EQ(q.multiplier, 1610612736);
  EXPECT_EQ(q.shift, 31);
  // A fraction that rounds up to 2^31 moves to the next exponent.
  ScaleFactor up = quantizeMultiplier(1.0 - 1e-12);
  EXPECT_EQ(up.multiplier, 1 << 30);
  EXPECT_EQ(up.shift, 30);
  // Zero, and scales TFLite flushes to zero (below 2^-32), give 0 / 31.
  for (double tiny : {0.0, 1e-12}) {
    ScaleFactor z = quantizeMultiplier(tiny);
    EXPECT_EQ(z.multiplier, 0);
    EXPECT_EQ(z.shift, 31);
  }
}

TEST(WrapBits, TwoComplementWrap) {
  EXPECT_EQ(wrapBits(64770, 16), -766);
  EXPECT_EQ(wrapBits(-32769, 16), 32767);
  EXPECT_EQ(wrapBits(5, 16), 5);
  EXPECT_EQ(wrap32(int64_t(1) << 31), std::numeric_limits<int32_t>::min());
}
