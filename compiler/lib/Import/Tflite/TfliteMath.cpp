//===- TfliteMath.cpp - TFLite int8 kernel arithmetic ---------------------===//
//
// Formulas from TensorFlow Lite's quantization utilities and gemmlowp's
// fixed-point library (see TfliteMath.h), written for this project.
//
//===----------------------------------------------------------------------===//
#include "TfliteMath.h"

#include "npu/Golden/Arith.h"
#include "npu/Isa/PpuTable.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace npu::tflmath {

int32_t srdhm(int32_t a, int32_t b) {
  if (a == b && a == std::numeric_limits<int32_t>::min())
    return std::numeric_limits<int32_t>::max();
  const int64_t ab = static_cast<int64_t>(a) * b;
  const int64_t nudge = ab >= 0 ? (1LL << 30) : (1 - (1LL << 30));
  return static_cast<int32_t>((ab + nudge) / (1LL << 31));
}

int32_t roundingDivideByPot(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((1LL << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

std::optional<std::pair<int32_t, int32_t>>
activationRange(int activation, float scale, int32_t zeroPoint, int32_t qmin,
                int32_t qmax) {
  auto quantize = [&](float f) {
    return zeroPoint + static_cast<int32_t>(std::round(f / scale));
  };
  switch (activation) {
  case 0:
    return std::make_pair(qmin, qmax);
  case 1:
    return std::make_pair(std::max(qmin, quantize(0.0f)), qmax);
  case 2:
    return std::make_pair(std::max(qmin, quantize(-1.0f)),
                          std::min(qmax, quantize(1.0f)));
  case 3:
    return std::make_pair(std::max(qmin, quantize(0.0f)),
                          std::min(qmax, quantize(6.0f)));
  default:
    return std::nullopt;
  }
}

namespace {

/// exp(a) for a in [-1/4, 0), a and the result with 31 fractional bits:
/// a fourth-order Taylor expansion around -1/8.
int32_t expOnQuarterInterval(int32_t a) {
  const int32_t expMinusEighth = 1895147668; // exp(-1/8) in Q0.31
  const int32_t oneThird = 715827883;        // 1/3 in Q0.31
  const int32_t x = a + (1 << 28);           // a + 1/8
  const int32_t x2 = srdhm(x, x);
  const int32_t x3 = srdhm(x2, x);
  const int32_t x4 = srdhm(x2, x2);
  const int32_t x4Over4 = roundingDivideByPot(x4, 2);
  const int32_t poly =
      roundingDivideByPot(srdhm(x4Over4 + x3, oneThird) + x2, 1);
  return expMinusEighth + srdhm(expMinusEighth, x + poly);
}

} // namespace

int32_t expOnNegativeValues(int32_t a) {
  constexpr int kFractionalBits = 26; // 5 integer bits
  const int32_t oneQuarter = 1 << (kFractionalBits - 2);
  const int32_t modQuarterMinusQuarter = (a & (oneQuarter - 1)) - oneQuarter;
  // Rescale to 0 integer bits: exact, the value is in [-1/4, 0).
  int32_t result = expOnQuarterInterval(modQuarterMinusQuarter * (1 << 5));
  const int32_t remainder = modQuarterMinusQuarter - a;
  // exp(-2^k) for k = -2 .. 4, applied for each bit of the remainder.
  static const int32_t kExpOfMinusPowersOfTwo[] = {
      1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  for (int k = -2; k <= 4; ++k)
    if (remainder & (1 << (kFractionalBits + k)))
      result = srdhm(result, kExpOfMinusPowersOfTwo[k + 2]);
  return a == 0 ? std::numeric_limits<int32_t>::max() : result;
}

SoftmaxParams softmaxParams(float inputScale, float beta) {
  constexpr int kIntegerBits = 5;
  const double real = std::min<double>(static_cast<double>(beta) *
                                           static_cast<double>(inputScale) *
                                           (1 << (31 - kIntegerBits)),
                                       (1LL << 31) - 1.0);
  const golden::ScaleFactor q = golden::quantizeMultiplier(real);
  SoftmaxParams p;
  p.inputMultiplier = q.multiplier;
  p.inputLeftShift = 31 - q.shift; // TFLite's exponent
  const double radius = 1.0 * ((1 << kIntegerBits) - 1) *
                        (1LL << (31 - kIntegerBits)) /
                        (1LL << std::max(0, p.inputLeftShift));
  p.diffMin = -static_cast<int32_t>(std::floor(radius));
  return p;
}

int32_t softmaxExp(const SoftmaxParams &p, int32_t diff) {
  if (diff < p.diffMin)
    return 0;
  const int32_t rescaled =
      srdhm(diff * (1 << p.inputLeftShift), p.inputMultiplier);
  return expOnNegativeValues(rescaled);
}

std::array<std::vector<int16_t>, 4> softmaxExpTables(const SoftmaxParams &p) {
  std::array<std::vector<int16_t>, 4> tables;
  for (auto &t : tables)
    t.resize(513);
  for (int i = 0; i < 513; ++i) {
    const int32_t diff = std::min(i - 256, 0);
    const auto e = static_cast<uint32_t>(softmaxExp(p, diff));
    for (int k = 0; k < 4; ++k)
      tables[k][i] = static_cast<int16_t>((e >> (8 * (3 - k))) & 0xff);
  }
  return tables;
}

namespace {

/// Whether (z * m + 2^(shift-1)) >> shift equals floor((z + n) / 2n) for
/// every z in [0, zMax]. The left side does not decrease with z, so it
/// suffices to check both ends of each run of z with one quotient.
bool halfUpExact(int64_t n, int64_t m, int shift, int64_t zMax) {
  const __int128 round = static_cast<__int128>(1) << (shift - 1);
  auto f = [&](int64_t z) {
    return static_cast<int64_t>((static_cast<__int128>(z) * m + round) >>
                                shift);
  };
  for (int64_t q = 0; 2 * n * q - n <= zMax; ++q) {
    const int64_t lo = std::max<int64_t>(0, 2 * n * q - n);
    const int64_t hi = std::min(zMax, 2 * n * q + n - 1);
    if (f(lo) != q || f(hi) != q)
      return false;
  }
  return true;
}

} // namespace

std::optional<std::pair<int32_t, int>> halfUpDivider(int64_t n, int64_t zMax) {
  if (n < 1 || n > (1 << 20) || zMax < 0 || zMax >= (1LL << 31))
    return std::nullopt;
  const int64_t d = 2 * n;
  for (int shift = 31; shift <= isa::kMaxScaleShift; ++shift) {
    const int64_t base = ((int64_t(1) << shift) + n) / d; // round(2^s / d)
    for (int64_t m = base - 1; m <= base + 1; ++m) {
      if (m < (1LL << 30) || m >= (1LL << 31))
        continue;
      if (halfUpExact(n, m, shift, zMax))
        return std::make_pair(static_cast<int32_t>(m), shift);
    }
  }
  return std::nullopt;
}

std::optional<std::pair<std::vector<int32_t>, int>>
halfUpDividers(const std::vector<int64_t> &counts, int64_t maxMagnitude) {
  for (int64_t n : counts)
    if (n < 1 || n > (1 << 20))
      return std::nullopt;
  auto exactFor = [maxMagnitude](int64_t n, int64_t m, int shift) {
    return halfUpExact(n, m, shift, 2 * maxMagnitude * n + 1);
  };
  for (int shift = 1; shift <= 62; ++shift) {
    std::vector<int32_t> multipliers;
    for (int64_t n : counts) {
      // ceil(2^s / 2n) and its neighbours.
      const int64_t base = ((int64_t(1) << shift) + 2 * n - 1) / (2 * n);
      std::optional<int32_t> found;
      for (int64_t m = base - 1; m <= base + 1 && !found; ++m)
        if (m >= 0 && m < (1LL << 31) && exactFor(n, m, shift))
          found = static_cast<int32_t>(m);
      if (!found)
        break;
      multipliers.push_back(*found);
    }
    if (multipliers.size() == counts.size())
      return std::make_pair(std::move(multipliers), shift);
  }
  return std::nullopt;
}

std::vector<int16_t> lutInt16(float inputScale, int32_t inputZeroPoint,
                              float outputScale, int32_t outputZeroPoint,
                              float (*f)(float)) {
  // Float throughout, in TFLite's order of operations.
  const float inMin =
      inputScale * static_cast<float>(INT16_MIN - inputZeroPoint);
  const float inMax =
      inputScale * static_cast<float>(INT16_MAX - inputZeroPoint);
  const float outMin =
      outputScale * static_cast<float>(INT16_MIN - outputZeroPoint);
  const float outMax =
      outputScale * static_cast<float>(INT16_MAX - outputZeroPoint);
  constexpr int kSteps = 512;
  const float step = (inMax - inMin) / kSteps;
  const float halfStep = step / 2;
  const float toOutput = 65536.0f / (outMax - outMin);
  auto saturate = [](float v) {
    return static_cast<int16_t>(std::min(std::max(v, -32768.0f), 32767.0f));
  };
  std::vector<int16_t> table(kSteps + 1);
  for (int i = 0; i < kSteps; ++i) {
    const float at = inMin + static_cast<float>(i) * step;
    const float value = f(at);
    const float middle = f(at + halfStep);
    const float next = f(inMin + static_cast<float>(i + 1) * step);
    const float sample = std::round(value * toOutput);
    const float interpolated = std::round((next * toOutput + sample) / 2);
    const float midError = interpolated - std::round(middle * toOutput);
    table[i] = saturate(sample - std::round(midError / 2));
  }
  table[kSteps] = saturate(std::round(f(inMax) * toOutput));
  return table;
}

} // namespace npu::tflmath
