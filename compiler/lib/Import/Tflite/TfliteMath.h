//===- TfliteMath.h - TFLite int8 kernel arithmetic -------------*- C++ -*-===//
//
// The integer arithmetic TensorFlow Lite's int8 reference kernels use to
// derive their fixed-point parameters (multiplier/shift from float scales,
// activation ranges, softmax exponent tables), reimplemented from the
// published formulas so the importer can emit TOSA that computes the same
// bits. No MLIR here: the functions are plain and unit-testable.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_IMPORT_TFLITE_TFLITEMATH_H
#define NPU_IMPORT_TFLITE_TFLITEMATH_H

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace npu::tflmath {

/// gemmlowp's saturating rounding doubling high multiply.
int32_t srdhm(int32_t a, int32_t b);
/// gemmlowp's RoundingDivideByPOT (round half away from zero).
int32_t roundingDivideByPot(int32_t x, int exponent);

/// Activation bounds of TFLite's CalculateActivationRangeQuantized for an
/// output of range [qmin, qmax] (int8 by default): activation code 0 none,
/// 1 relu, 2 relu_n1_to_1, 3 relu6.
std::optional<std::pair<int32_t, int32_t>>
activationRange(int activation, float scale, int32_t zeroPoint,
                int32_t qmin = -128, int32_t qmax = 127);

/// exp(x) for x <= 0 in gemmlowp's fixed point (input with 5 integer bits,
/// result with 0), as TFLite's int8 softmax evaluates it.
int32_t expOnNegativeValues(int32_t rawQ5_26);

/// Parameters of TFLite's int8 softmax for an input scale and beta.
struct SoftmaxParams {
  int32_t inputMultiplier = 0;
  int inputLeftShift = 0;
  int32_t diffMin = 0;
};
SoftmaxParams softmaxParams(float inputScale, float beta);

/// exp(diff) as TFLite's int8 softmax computes it (Q0.31; 0 below diff_min)
/// for diff = input - row maximum in [-255, 0].
int32_t softmaxExp(const SoftmaxParams &p, int32_t diff);

/// The four 513-entry int16 tables whose bytes rebuild softmaxExp: entry
/// diff + 256 of table k holds byte 3 - k (most significant first).
std::array<std::vector<int16_t>, 4> softmaxExpTables(const SoftmaxParams &p);

/// TFLite's 513-entry int16 lookup table of `f` (LUTPopulate for int16,
/// in float): 512 samples of f over the input range of the int16 input
/// quantization (scale, zero point), each biased by half the error of
/// linear interpolation at the step's midpoint, plus f at the end; in
/// units of the output quantization. The NPU's int16 TABLE interpolates
/// in it as TFLite's LUTLookup does (before its final rounding shift).
std::vector<int16_t> lutInt16(float inputScale, int32_t inputZeroPoint,
                              float outputScale, int32_t outputZeroPoint,
                              float (*f)(float));

/// A TOSA RESCALE (value * multiplier + 2^(shift-1)) >> shift that equals
/// floor((z + n) / (2n)) for every z in [0, zMax]; empty if none found.
std::optional<std::pair<int32_t, int>> halfUpDivider(int64_t n, int64_t zMax);

/// One shift s and, per count n in `counts`, a multiplier m < 2^31 such
/// that (z * m + 2^(s-1)) >> s equals floor((z + n) / (2n)) for every z in
/// [0, 2 * maxMagnitude * n + 1] (a TOSA MUL by a tensor of multipliers
/// with one shift; maxMagnitude 128 for sums of int8, 32768 of int16);
/// empty if none found.
std::optional<std::pair<std::vector<int32_t>, int>>
halfUpDividers(const std::vector<int64_t> &counts, int64_t maxMagnitude);

} // namespace npu::tflmath

#endif // NPU_IMPORT_TFLITE_TFLITEMATH_H
