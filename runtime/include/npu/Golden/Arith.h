//===- Arith.h - The NPU's fixed-point arithmetic ---------------*- C++ -*-===//
//
// Scalar building blocks of the golden semantics, following the TOSA
// specification's integer pseudo-code (apply_scale_32, reciprocal_scale,
// the 16-bit TABLE interpolation), TFLite's reference average pooling and
// gemmlowp's fixed-point reciprocal (TFLite's int8 softmax).
// Header-only so the simulator's and RTL harness's hot loops can inline it.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_GOLDEN_ARITH_H
#define NPU_GOLDEN_ARITH_H

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace npu::golden {

/// TOSA apply_scale_32: round(value * multiplier / 2^shift) with
/// round-half-up, computed in 64 bits. With double_round and shift > 31 the
/// rounding constant moves by 2^30 toward the value's sign (TFLite's
/// MultiplyByQuantizedMultiplier). Requires 2 <= shift <= 62 and
/// multiplier >= 0 (callers check); the result is truncated to 32 bits.
inline int32_t applyScale32(int32_t value, int32_t multiplier, int shift,
                            bool doubleRound) {
  int64_t round = int64_t(1) << (shift - 1);
  if (doubleRound && shift > 31)
    round += value >= 0 ? (int64_t(1) << 30) : -(int64_t(1) << 30);
  int64_t result = int64_t(value) * int64_t(multiplier) + round;
  result >>= shift; // arithmetic shift
  return static_cast<int32_t>(static_cast<uint32_t>(result));
}

/// apply_scale_32 of a 64-bit `value` with |value| <= 2^62 (vec.eltwise's
/// left-shifted inputs): the same rounding, with the product
/// value * multiplier exact (up to 93 bits) before the shift; the result is
/// truncated to 32 bits. Equals applyScale32 on int32 values.
inline int32_t applyScale32Wide(int64_t value, int32_t multiplier, int shift,
                                bool doubleRound) {
  int64_t round = int64_t(1) << (shift - 1);
  if (doubleRound && shift > 31)
    round += value >= 0 ? (int64_t(1) << 30) : -(int64_t(1) << 30);
  // value = hi * 2^31 + lo with 0 <= lo < 2^31, so value * multiplier +
  // round = high * 2^31 + low with |high| <= 2^62 and 0 <= low < 2^63
  // (round >= 0: shift > 31 whenever it moves down by 2^30).
  const int64_t high = (value >> 31) * int64_t(multiplier);
  const int64_t low = (value & 0x7fffffff) * int64_t(multiplier) + round;
  if (shift >= 31) // floor((high * 2^31 + low) / 2^shift), nested floors
    return static_cast<int32_t>(static_cast<uint32_t>(
        (high + (low >> 31)) >> (shift - 31)));
  // high * 2^(31 - shift) + floor(low / 2^shift), of which 32 bits remain.
  const uint64_t sum = (static_cast<uint64_t>(high) << (31 - shift)) +
                       static_cast<uint64_t>(low >> shift);
  return static_cast<int32_t>(static_cast<uint32_t>(sum));
}

/// Two's complement wrap of a 64-bit value to 32 bits.
inline int32_t wrap32(int64_t value) {
  return static_cast<int32_t>(static_cast<uint32_t>(value));
}

/// Two's complement wrap to `bits` bits (1..64), sign-extended.
inline int64_t wrapBits(int64_t value, unsigned bits) {
  if (bits >= 64)
    return value;
  const uint64_t mask = (uint64_t(1) << bits) - 1;
  uint64_t u = static_cast<uint64_t>(value) & mask;
  if (u >> (bits - 1))
    u |= ~mask;
  return static_cast<int64_t>(u);
}

/// fitAcc of docs/isa.md: `value` brought into a `bits`-wide two's complement
/// accumulator, wrapped or (with `saturate`) clamped when it is out of
/// range, which sets `overflowed`. The one scalar definition, shared by the
/// golden reference and the simulator's cycle-level array.
inline int64_t fitAccumulator(int64_t value, unsigned bits, bool saturate,
                              bool &overflowed) {
  const int64_t lo = -(int64_t(1) << (bits - 1));
  const int64_t hi = (int64_t(1) << (bits - 1)) - 1;
  overflowed = value < lo || value > hi;
  if (!overflowed)
    return value;
  return saturate ? std::clamp(value, lo, hi) : wrapBits(value, bits);
}

/// TOSA reciprocal_scale(count): multiplier and shift with
/// apply_scale_32(x, multiplier, shift) ~= x / count.
struct ScaleFactor {
  int32_t multiplier;
  int shift;
};
inline ScaleFactor reciprocalScale(uint32_t count) {
  // k = 32 - clz(count - 1), so that 2^(k-1) < count <= 2^k.
  int k = 0;
  while (k < 32 && (uint64_t(1) << k) < count)
    ++k;
  int64_t numerator = ((int64_t(1) << 30) + 1) << k;
  return {static_cast<int32_t>(numerator / count), 30 + k};
}

/// Splits a non-negative real scale into a Q31 multiplier in [2^30, 2^31)
/// and a right shift, scale ~= multiplier * 2^-shift: TFLite's
/// QuantizeMultiplier (frexp, the fraction rounded half away from zero to
/// 31 bits). Zero, and scales below 2^-32 that TFLite flushes to zero, give
/// {0, 31}. The shift may fall outside the scale-shift range of the ISA
/// (isa::kMinScaleShift..kMaxScaleShift) for extreme scales; callers check.
inline ScaleFactor quantizeMultiplier(double scale) {
  if (scale == 0.0)
    return {0, 31};
  int exponent = 0;
  const double fraction = std::frexp(scale, &exponent); // [0.5, 1)
  int64_t fixed = std::llround(fraction * double(int64_t(1) << 31));
  if (fixed == (int64_t(1) << 31)) {
    fixed /= 2;
    ++exponent;
  }
  if (exponent < -31)
    return {0, 31};
  return {static_cast<int32_t>(fixed), 31 - exponent};
}

/// TFLite's integer average: divide with rounding half away from zero.
inline int32_t tfliteRoundedDivide(int32_t sum, int32_t count) {
  return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}

/// TOSA TABLE for int16 inputs: 513-entry int16 table, linear interpolation
/// on the low 7 bits; the result has 16 + 7 significant bits.
inline int32_t tableLookup16(const int16_t *table, int32_t value) {
  int32_t clipped = std::clamp<int32_t>(value, -32768, 32767);
  int32_t index = (clipped + 32768) >> 7;
  int32_t fraction = clipped & 0x7f;
  int32_t base = table[index];
  int32_t next = table[index + 1];
  return wrap32(int64_t(base) * 128 + int64_t(next - base) * fraction);
}

//===----------------------------------------------------------------------===//
// gemmlowp fixed point (vec.alu recip)
//===----------------------------------------------------------------------===//
//
// Raw int32 values of gemmlowp's FixedPoint<int32_t, I>: Q(I).(31 - I).

/// gemmlowp SaturatingRoundingDoublingHighMul: a * b / 2^31 rounded to
/// nearest, halves up (a nudge of 2^30, or 1 - 2^30 for negative products,
/// then C division); INT32_MIN * INT32_MIN saturates to INT32_MAX.
inline int32_t saturatingRoundingDoublingHighMul(int32_t a, int32_t b) {
  if (a == b && a == INT32_MIN)
    return INT32_MAX;
  const int64_t ab = int64_t(a) * int64_t(b);
  const int64_t nudge = ab >= 0 ? (int64_t(1) << 30) : 1 - (int64_t(1) << 30);
  return static_cast<int32_t>((ab + nudge) / (int64_t(1) << 31));
}

/// gemmlowp RoundingHalfSum: (a + b) / 2 rounded half away from zero.
inline int32_t roundingHalfSum(int32_t a, int32_t b) {
  const int64_t sum = int64_t(a) + int64_t(b);
  const int64_t sign = sum >= 0 ? 1 : -1;
  return static_cast<int32_t>((sum + sign) / 2);
}

/// gemmlowp SaturatingRoundingMultiplyByPOT<exponent> for exponent >= 0:
/// value * 2^exponent, saturated to int32.
inline int32_t saturatingMultiplyByPot(int32_t value, int exponent) {
  const int64_t v = int64_t(value) * (int64_t(1) << exponent);
  return static_cast<int32_t>(std::clamp<int64_t>(v, INT32_MIN, INT32_MAX));
}

/// gemmlowp one_over_one_plus_x_for_x_in_0_1: 1 / (1 + a) for a Q0.31 `a`
/// in [0, 1), a Q0.31 result (1 saturates to INT32_MAX). Three
/// Newton-Raphson steps on half the denominator, in Q2.29, from the initial
/// estimate 48/17 - 32/17 * d.
inline int32_t oneOverOnePlusX(int32_t a) {
  constexpr int32_t kOne0 = INT32_MAX;            // One in Q0.31
  constexpr int32_t kOne2 = int32_t(1) << 29;     // One in Q2.29
  constexpr int32_t k48Over17 = 1515870810;       // Q2.29
  constexpr int32_t kMinus32Over17 = -1010580540; // Q2.29
  const int32_t halfDenominator = roundingHalfSum(a, kOne0);
  int32_t x = wrap32(int64_t(k48Over17) + saturatingRoundingDoublingHighMul(
                                              halfDenominator, kMinus32Over17));
  for (int i = 0; i < 3; ++i) {
    const int32_t t = saturatingRoundingDoublingHighMul(halfDenominator, x);
    const int32_t u = wrap32(int64_t(kOne2) - t);
    // x * u is Q4.27; Rescale<2> brings it back to Q2.29.
    x = wrap32(int64_t(x) + saturatingMultiplyByPot(
                                saturatingRoundingDoublingHighMul(x, u), 2));
  }
  // Q2.29 -> Q1.30 (ExactMulByPot<-1>) -> Q0.31 (Rescale<0>).
  return saturatingMultiplyByPot(x, 1);
}

/// vec.alu recip: TFLite's GetReciprocal as its int8 softmax uses it. For
/// x > 0, with h = clz(x), x << h is 1 + s in Q1.31 with s in [0, 1); the
/// result is 1 / (1 + s) in Q0.31 (so 1/x = result * 2^(h - 31 - 31)). 0
/// for x <= 0.
inline int32_t reciprocalQ31(int32_t x) {
  if (x <= 0)
    return 0;
  const auto u = static_cast<uint32_t>(x);
  int h = 0;
  while (!((u << h) & 0x80000000u))
    ++h;
  const auto s = static_cast<int32_t>((u << h) - 0x80000000u);
  return oneOverOnePlusX(s);
}

} // namespace npu::golden

#endif // NPU_GOLDEN_ARITH_H
