// Tests that vec.ecfg + vec.eltwise compute TensorFlow Lite's quantized ADD,
// SUB and MUL bit for bit (docs/isa.md, "TFLite ADD, SUB and MUL").
//
// The expected values do not come from the golden reference: namespace `tfl`
// below is a scalar transcription of TFLite's reference kernels
// (tensorflow/lite/kernels/internal/reference/integer_ops/add.h AddFunc,
// reference/sub.h SubElementwise, reference/add.h AddElementwise for int16,
// reference/integer_ops/mul.h MulElementwise), of the fixed-point helpers
// they call (common.h / common.cc MultiplyByQuantizedMultiplier*, in both
// the default double-rounding and the TFLITE_SINGLE_ROUNDING build, and
// gemmlowp's SaturatingRoundingDoublingHighMul and RoundingDivideByPOT), and
// of how TFLite Micro's Prepare derives the parameters from the tensors'
// scales (micro/kernels/add_common.cc, mul_common.cc, quantization_util.cc
// QuantizeMultiplier). Inputs, zero points, scales and raw multipliers are
// random, with the extremes forced in.
#include "GoldenHarness.h"

#include "npu/Golden/Arith.h"
#include "npu/Isa/Encoding.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

using namespace npu;
using namespace npu::golden::testing;
using namespace npu::isa;

namespace {

namespace tfl {

// gemmlowp fixedpoint.h, int32 specialization.
int32_t SaturatingRoundingDoublingHighMul(int32_t a, int32_t b) {
  const bool overflow = a == b && a == std::numeric_limits<int32_t>::min();
  const int64_t a_64(a);
  const int64_t b_64(b);
  const int64_t ab_64 = a_64 * b_64;
  const int32_t nudge = ab_64 >= 0 ? (1 << 30) : (1 - (1 << 30));
  const auto ab_x2_high32 = static_cast<int32_t>((ab_64 + nudge) / (1ll << 31));
  return overflow ? std::numeric_limits<int32_t>::max() : ab_x2_high32;
}

// gemmlowp fixedpoint.h: rounding arithmetic right shift, exponent 0..31.
int32_t RoundingDivideByPOT(int32_t x, int exponent) {
  const auto mask = static_cast<int32_t>((1ll << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// common.cc MultiplyByQuantizedMultiplier(int32_t x, ...), both builds.
int32_t MultiplyByQuantizedMultiplier(int32_t x, int32_t quantized_multiplier,
                                      int shift, bool singleRounding) {
  if (singleRounding) {
    const int64_t total_shift = 31 - shift;
    const int64_t round = static_cast<int64_t>(1) << (total_shift - 1);
    int64_t result = x * static_cast<int64_t>(quantized_multiplier) + round;
    result = result >> total_shift;
    return static_cast<int32_t>(result);
  }
  const int left_shift = shift > 0 ? shift : 0;
  const int right_shift = shift > 0 ? 0 : -shift;
  return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(
                                 x * (1 << left_shift), quantized_multiplier),
                             right_shift);
}

// common.h MultiplyByQuantizedMultiplierSmallerThanOneExp, both builds.
int32_t MultiplyByQuantizedMultiplierSmallerThanOneExp(
    int32_t x, int32_t quantized_multiplier, int left_shift,
    bool singleRounding) {
  if (singleRounding)
    return MultiplyByQuantizedMultiplier(x, quantized_multiplier, left_shift,
                                         true);
  return RoundingDivideByPOT(
      SaturatingRoundingDoublingHighMul(x, quantized_multiplier), -left_shift);
}

// quantization_util.cc QuantizeMultiplier (TfLiteRound is std::round).
void QuantizeMultiplier(double double_multiplier, int32_t *quantized_multiplier,
                        int *shift, bool singleRounding) {
  if (double_multiplier == 0.) {
    *quantized_multiplier = 0;
    *shift = 0;
    return;
  }
  const double q = std::frexp(double_multiplier, shift);
  auto q_fixed = static_cast<int64_t>(std::round(q * (1LL << 31)));
  if (q_fixed == (1LL << 31)) {
    q_fixed /= 2;
    ++*shift;
  }
  if (*shift < -31) {
    *shift = 0;
    q_fixed = 0;
  }
  if (singleRounding && *shift > 30) {
    *shift = 30;
    q_fixed = (1LL << 31) - 1;
  }
  *quantized_multiplier = static_cast<int32_t>(q_fixed);
}

// The fields of ArithmeticParams these kernels read.
struct ArithmeticParams {
  int32_t input1_offset = 0, input2_offset = 0, output_offset = 0;
  int left_shift = 0;
  int32_t input1_multiplier = 0, input2_multiplier = 0, output_multiplier = 0;
  int input1_shift = 0, input2_shift = 0, output_shift = 0;
  int32_t quantized_activation_min = 0, quantized_activation_max = 0;
};

// add_common.cc CalculateOpDataAdd (and sub_common.cc, the same formulas).
ArithmeticParams addParams(double s1, int zp1, double s2, int zp2, double sOut,
                           int zpOut, bool int16, bool singleRounding) {
  ArithmeticParams p;
  p.input1_offset = -zp1;
  p.input2_offset = -zp2;
  p.output_offset = zpOut;
  p.left_shift = int16 ? 15 : 20;
  const double twice_max_input_scale = 2 * std::max(s1, s2);
  const double real_input1_multiplier = s1 / twice_max_input_scale;
  const double real_input2_multiplier = s2 / twice_max_input_scale;
  const double real_output_multiplier =
      twice_max_input_scale / ((1 << p.left_shift) * sOut);
  QuantizeMultiplier(real_input1_multiplier, &p.input1_multiplier,
                     &p.input1_shift, singleRounding);
  QuantizeMultiplier(real_input2_multiplier, &p.input2_multiplier,
                     &p.input2_shift, singleRounding);
  QuantizeMultiplier(real_output_multiplier, &p.output_multiplier,
                     &p.output_shift, singleRounding);
  return p;
}

// integer_ops/add.h AddFunc = add.h AddElementwise (int8, int16) and
// sub.h SubElementwise, with `subtract`.
int32_t AddOrSub(int32_t x, int32_t y, const ArithmeticParams &params,
                 bool subtract, bool singleRounding) {
  const int32_t input1_val = params.input1_offset + x;
  const int32_t input2_val = params.input2_offset + y;
  const int32_t shifted_input1_val = input1_val * (1 << params.left_shift);
  const int32_t shifted_input2_val = input2_val * (1 << params.left_shift);
  const int32_t scaled_input1_val =
      MultiplyByQuantizedMultiplierSmallerThanOneExp(
          shifted_input1_val, params.input1_multiplier, params.input1_shift,
          singleRounding);
  const int32_t scaled_input2_val =
      MultiplyByQuantizedMultiplierSmallerThanOneExp(
          shifted_input2_val, params.input2_multiplier, params.input2_shift,
          singleRounding);
  const int32_t raw = subtract ? scaled_input1_val - scaled_input2_val
                               : scaled_input1_val + scaled_input2_val;
  const int32_t raw_output =
      MultiplyByQuantizedMultiplierSmallerThanOneExp(
          raw, params.output_multiplier, params.output_shift, singleRounding) +
      params.output_offset;
  return std::min(params.quantized_activation_max,
                  std::max(params.quantized_activation_min, raw_output));
}

// integer_ops/mul.h MulElementwise.
int32_t Mul(int32_t x, int32_t y, const ArithmeticParams &params,
            bool singleRounding) {
  const int32_t input1_val = params.input1_offset + x;
  const int32_t input2_val = params.input2_offset + y;
  const int32_t unclamped_result =
      params.output_offset +
      MultiplyByQuantizedMultiplier(input1_val * input2_val,
                                    params.output_multiplier,
                                    params.output_shift, singleRounding);
  return std::min(params.quantized_activation_max,
                  std::max(params.quantized_activation_min, unclamped_result));
}

} // namespace tfl

enum class Kind { Add, Sub, Mul };

/// The NPU form of a TFLite layer (docs/isa.md, "TFLite ADD, SUB and MUL").
/// TFLite's shifts count left (<= 0 for the input and ADD output scales);
/// the ISA's count right: shift = 31 - TFLite shift.
void mapToNpu(Kind kind, const tfl::ArithmeticParams &p, bool int16,
              bool doubleRound, EltwiseConfig &in, PpuConfig &out) {
  in = EltwiseConfig{};
  in.op = kind == Kind::Add ? EltOp::Add
          : kind == Kind::Sub ? EltOp::Sub
                              : EltOp::Mul;
  in.zp1 = -p.input1_offset;
  in.zp2 = -p.input2_offset;
  if (kind == Kind::Mul) {
    // Identity input scales: apply_scale_32(x, 2^30, 30) = x.
    in.mult1 = in.mult2 = 1 << 30;
    in.shift1 = in.shift2 = 30;
  } else {
    in.leftShift = uint32_t(p.left_shift);
    in.mult1 = p.input1_multiplier;
    in.shift1 = uint32_t(31 - p.input1_shift);
    in.doubleRound1 = doubleRound;
    in.mult2 = p.input2_multiplier;
    in.shift2 = uint32_t(31 - p.input2_shift);
    in.doubleRound2 = doubleRound;
  }
  out = PpuConfig{};
  out.mult = p.output_multiplier;
  out.shift = uint32_t(31 - p.output_shift);
  out.doubleRound = doubleRound;
  out.outType = int16 ? DType::I16 : DType::I8;
  out.outZp = p.output_offset;
  out.clampMin = p.quantized_activation_min;
  out.clampMax = p.quantized_activation_max;
}

/// Through the binary encoding, so the test also covers the fields' bits.
Instruction roundTrip(const Instruction &instr) {
  Result<InstrBytes> bytes = encode(instr);
  EXPECT_TRUE(bytes.ok()) << bytes.error().getMessage();
  Result<Instruction> back = decode(bytes->data());
  EXPECT_TRUE(back.ok()) << back.error().getMessage();
  return *back;
}

} // namespace

TEST(GoldenEltwiseTflite, AddSubAndMulMatchTfliteBitForBit) {
  std::mt19937_64 rng(20240611);
  auto uniform = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  // Scales 2^-16 .. 2^2, log-uniform; sometimes equal or far apart.
  auto scale = [&] {
    return std::ldexp(std::uniform_real_distribution<double>(1, 2)(rng),
                      int(uniform(-16, 1)));
  };
  // Raw parameters: any multiplier and shift, the extremes often.
  auto rawMultiplier = [&] {
    const int64_t pick = uniform(0, 7);
    return int32_t(pick == 0   ? INT32_MAX
                   : pick == 1 ? 0
                   : pick == 2 ? (1 << 30)
                               : uniform(0, INT32_MAX));
  };
  auto rawShift = [&](int lo, int hi) {
    const int64_t pick = uniform(0, 5);
    return int(pick == 0 ? lo : pick == 1 ? hi : uniform(lo, hi));
  };
  constexpr int kValues = 512;
  int checked[3] = {}, int16Cases = 0, singleRoundingCases = 0;
  for (int round = 0; round < 300; ++round) {
    const Kind kind = Kind(round % 3);
    const bool int16 = kind != Kind::Mul && round % 5 == 0;
    const bool singleRounding = round % 4 == 3;
    const int64_t lo = int16 ? -32768 : -128, hi = int16 ? 32767 : 127;
    // int16 tensors are symmetric (zero point 0), as TFLite requires.
    auto zeroPoint = [&] {
      if (int16)
        return int64_t(0);
      const int64_t pick = uniform(0, 5);
      return pick == 0 ? lo : pick == 1 ? hi : uniform(lo, hi);
    };
    const int zp1 = int(zeroPoint()), zp2 = int(zeroPoint());
    const int zpOut = int(zeroPoint());

    tfl::ArithmeticParams p;
    const bool rawParams = round % 2 == 1; // any multiplier and shift
    if (kind == Kind::Mul) {
      p.input1_offset = -zp1;
      p.input2_offset = -zp2;
      p.output_offset = zpOut;
      if (rawParams) {
        // TFLite's int32 x * 2^shift must not overflow: |x| <= 255^2.
        p.output_multiplier = rawMultiplier();
        p.output_shift = rawShift(-31, 15);
      } else {
        // mul_common.cc: real multiplier s1 * s2 / s_out.
        double real = scale() * scale() / scale();
        while (real >= 1 << 15)
          real /= 1 << 10;
        tfl::QuantizeMultiplier(real, &p.output_multiplier, &p.output_shift,
                                singleRounding);
      }
    } else if (rawParams) {
      p.input1_offset = -zp1;
      p.input2_offset = -zp2;
      p.output_offset = zpOut;
      p.left_shift = int16 ? 15 : rawShift(0, 20);
      p.input1_multiplier = rawMultiplier();
      p.input2_multiplier = rawMultiplier();
      p.output_multiplier = rawMultiplier();
      p.input1_shift = rawShift(-31, 0);
      p.input2_shift = rawShift(-31, 0);
      p.output_shift = rawShift(-31, 0);
    } else {
      const double s1 = scale();
      const int64_t relation = uniform(0, 3);
      const double s2 = relation == 0   ? s1
                        : relation == 1 ? s1 * std::ldexp(1.0, -20)
                                        : scale();
      p = tfl::addParams(s1, zp1, s2, zp2, scale(), zpOut, int16,
                         singleRounding);
    }
    // Activation: none, a ReLU-like floor at the zero point, or a window.
    switch (uniform(0, 2)) {
    case 0:
      p.quantized_activation_min = int32_t(lo);
      p.quantized_activation_max = int32_t(hi);
      break;
    case 1:
      p.quantized_activation_min = zpOut;
      p.quantized_activation_max = int32_t(hi);
      break;
    default:
      p.quantized_activation_min = int32_t(uniform(lo, hi));
      p.quantized_activation_max =
          int32_t(uniform(p.quantized_activation_min, hi));
    }
    if (singleRounding && p.output_shift > 30)
      continue; // not produced by the single-rounding QuantizeMultiplier

    EltwiseConfig in;
    PpuConfig out;
    mapToNpu(kind, p, int16, !singleRounding, in, out);

    // Inputs: the extremes and the zero points first, then random values.
    std::vector<int> x1(kValues), x2(kValues);
    const int corners[] = {int(lo), int(hi), zp1, zp2, 0, -1, 1};
    for (int i = 0; i < kValues; ++i) {
      x1[i] = i < 49 ? corners[i % 7] : int(uniform(lo, hi));
      x2[i] = i < 49 ? corners[i / 7] : int(uniform(lo, hi));
    }
    Harness h(makeConfig(8, 8));
    const DType type = int16 ? DType::I16 : DType::I8;
    if (int16) {
      h.put16(Buffer::IBuf, 0, x1);
      h.put16(Buffer::WBuf, 0, x2);
    } else {
      h.put8(Buffer::IBuf, 0, x1);
      h.put8(Buffer::WBuf, 0, x2);
    }
    Eltwise e;
    e.src1 = {Buffer::IBuf, 0, type, 64, 1};
    e.src2 = {Buffer::WBuf, 0, type, 64, 1};
    e.dst = {Buffer::OBuf, 0, type, 64, 1};
    e.nOuter = kValues / 64;
    e.nInner = 64;
    h.run(roundTrip(out));
    h.run(roundTrip(in));
    h.run(roundTrip(e));
    const std::vector<int> got = int16 ? h.get16(Buffer::OBuf, 0, kValues)
                                       : h.get8(Buffer::OBuf, 0, kValues);

    for (int i = 0; i < kValues; ++i) {
      const int32_t want =
          kind == Kind::Mul
              ? tfl::Mul(x1[i], x2[i], p, singleRounding)
              : tfl::AddOrSub(x1[i], x2[i], p, kind == Kind::Sub,
                              singleRounding);
      ASSERT_EQ(got[i], want)
          << "case " << round << " ("
          << (kind == Kind::Add   ? "add"
              : kind == Kind::Sub ? "sub"
                                  : "mul")
          << (int16 ? " int16" : " int8")
          << (singleRounding ? ", single rounding" : ", double rounding")
          << (rawParams ? ", raw parameters" : "") << "), x1 = " << x1[i]
          << ", x2 = " << x2[i] << ", left_shift " << p.left_shift
          << ", multipliers " << p.input1_multiplier << " / "
          << p.input1_shift << ", " << p.input2_multiplier << " / "
          << p.input2_shift << ", " << p.output_multiplier << " / "
          << p.output_shift;
    }
    ++checked[int(kind)];
    int16Cases += int16;
    singleRoundingCases += singleRounding;
  }
  for (int count : checked)
    EXPECT_GE(count, 90);
  EXPECT_GE(int16Cases, 30);
  EXPECT_GE(singleRoundingCases, 60);
}

TEST(GoldenEltwiseTflite, TheTranscriptionMatchesTfliteByHand) {
  // A check of the transcription itself on numbers worked by hand, so the
  // comparison above does not compare two copies of one mistake.
  // SRDHM rounds half up: 3 * 2^30 / 2^31 = 1.5 -> 2; -1.5 -> -1.
  EXPECT_EQ(tfl::SaturatingRoundingDoublingHighMul(3, 1 << 30), 2);
  EXPECT_EQ(tfl::SaturatingRoundingDoublingHighMul(-3, 1 << 30), -1);
  EXPECT_EQ(tfl::SaturatingRoundingDoublingHighMul(INT32_MIN, INT32_MIN),
            INT32_MAX);
  // RoundingDivideByPOT rounds half away from zero: 6 / 4 = 1.5 -> 2,
  // -6 / 4 -> -2, -5 / 4 = -1.25 -> -1.
  EXPECT_EQ(tfl::RoundingDivideByPOT(6, 2), 2);
  EXPECT_EQ(tfl::RoundingDivideByPOT(-6, 2), -2);
  EXPECT_EQ(tfl::RoundingDivideByPOT(-5, 2), -1);
  // Two roundings differ from one: 5 * 0.5 = 2.5 -> 3 by SRDHM, / 2 =
  // 1.5 -> 2; a single rounding of 5 / 4 = 1.25 gives 1.
  EXPECT_EQ(tfl::MultiplyByQuantizedMultiplierSmallerThanOneExp(5, 1 << 30,
                                                                -1, false),
            2);
  EXPECT_EQ(
      tfl::MultiplyByQuantizedMultiplierSmallerThanOneExp(5, 1 << 30, -1, true),
      1);
  // QuantizeMultiplier(0.75) = 0.75 * 2^31 with shift 0; 1.0 = 2^30, 1.
  int32_t m = 0;
  int shift = 0;
  tfl::QuantizeMultiplier(0.75, &m, &shift, false);
  EXPECT_EQ(m, 1610612736);
  EXPECT_EQ(shift, 0);
  tfl::QuantizeMultiplier(1.0, &m, &shift, false);
  EXPECT_EQ(m, 1 << 30);
  EXPECT_EQ(shift, 1);
  // ADD of two int8 tensors with one scale: 10 + 20 (zero points 0) at
  // output scale 2x the inputs' is 15.
  tfl::ArithmeticParams p =
      tfl::addParams(0.5, 0, 0.5, 0, 1.0, 0, false, false);
  EXPECT_EQ(p.left_shift, 20);
  p.quantized_activation_min = -128;
  p.quantized_activation_max = 127;
  EXPECT_EQ(tfl::AddOrSub(10, 20, p, false, false), 15);
  EXPECT_EQ(tfl::AddOrSub(10, 20, p, true, false), -5);
}

TEST(GoldenEltwiseTflite, WideApplyScaleIsExact) {
  // applyScale32Wide (vec.eltwise's inputs: 64-bit values) against a
  // 128-bit evaluation of the same formula.
  std::mt19937_64 rng(99);
  auto uniform = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  const int64_t limit = int64_t(1) << 62;
  for (int i = 0; i < 200000; ++i) {
    int64_t value = 0;
    switch (i % 4) {
    case 0:
      value = uniform(-limit, limit);
      break;
    case 1:
      value = uniform(INT32_MIN, INT32_MAX) * (int64_t(1) << uniform(0, 31));
      break;
    case 2:
      value = uniform(-1000, 1000);
      break;
    default:
      value = i % 8 == 3 ? limit : -limit;
    }
    const auto m = int32_t(i % 16 == 1 ? INT32_MAX : uniform(0, INT32_MAX));
    const int shift = int(uniform(2, 62));
    const bool doubleRound = i % 3 == 0;
    __extension__ using Int128 = __int128;
    Int128 round = Int128(1) << (shift - 1);
    if (doubleRound && shift > 31)
      round += value >= 0 ? (Int128(1) << 30) : -(Int128(1) << 30);
    const auto want = static_cast<int32_t>(static_cast<uint32_t>(
        static_cast<uint64_t>((Int128(value) * m + round) >> shift)));
    ASSERT_EQ(golden::applyScale32Wide(value, m, shift, doubleRound), want)
        << value << " * " << m << " >> " << shift;
    if (value >= INT32_MIN && value <= INT32_MAX) {
      ASSERT_EQ(golden::applyScale32(int32_t(value), m, shift, doubleRound),
                want);
    }
  }
}
