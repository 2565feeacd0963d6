//===- Arith.h - The NPU's fixed-point arithmetic ---------------*- C++ -*-===//
//
// Scalar building blocks of the golden semantics, following the TOSA
// specification's integer pseudo-code (apply_scale_32, reciprocal_scale,
// the 16-bit TABLE interpolation) and TFLite's reference average pooling.
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

} // namespace npu::golden

#endif // NPU_GOLDEN_ARITH_H
