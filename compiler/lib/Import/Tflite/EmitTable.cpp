//===- EmitTable.cpp - int8 activations as 256-entry lookup tables --------===//
//
// An int8 -> int8 element-wise operator is a function of 256 values, so
// the importer evaluates TensorFlow Lite's own int8 kernel once per input
// value and emits one 256-entry TOSA TABLE (a PBUF lookup table on the
// NPU): exact by construction. LOGISTIC, TANH and ELU are TFLite's float
// lookup tables (dequantize, the function in float, times 1 / output
// scale, rounded, plus the output zero point, clamped); LEAKY_RELU is its
// integer kernel (x - zp requantized by the identity or the alpha
// multiplier, by sign); HARD_SWISH its int16 fixed-point kernel (a
// "reluish" gate on a finer input scale times the input, both with 16-bit
// multipliers rounded down from QuantizeMultiplier's).
//
//===----------------------------------------------------------------------===//
#include "TfliteImporter.h"

#include "TfliteMath.h"

#include "npu/Golden/Arith.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>
#include <functional>

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::tflite;
using llvm::Error;
using llvm::Expected;
namespace tflmath = ::npu::tflmath;

namespace {

/// The table of `f` over int8 inputs (entry x + 128) as a TOSA TABLE of the
/// operator's input.
Error emitTable(Importer &im, const OpContext &op,
                const std::function<int32_t(int32_t, std::pair<float, int32_t>,
                                            std::pair<float, int32_t>)> &f) {
  Expected<Importer::Unary> u = im.unaryOperands(op);
  if (!u)
    return u.takeError();
  const TensorInfo &x = *u->in, &y = *u->out;
  if (Error e = im.requireSameShape(op, x, y))
    return e;
  std::vector<uint8_t> table(256);
  for (int32_t v = -128; v <= 127; ++v)
    table[v + 128] = static_cast<uint8_t>(
        static_cast<int8_t>(std::clamp(f(v, u->qIn, u->qOut), -128, 127)));
  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();
  OpBuilder &b = im.getBuilder();
  Value lut =
      im.constant(op.loc, RankedTensorType::get({256}, b.getI8Type()), table);
  Value result = b.create<tosa::TableOp>(op.loc, im.tensorType(y), *input, lut);
  return im.define(op, result);
}

/// TFLite's float lookup table entry for `v` under `transform`.
int32_t floatEntry(int32_t v, std::pair<float, int32_t> in,
                   std::pair<float, int32_t> out, float (*transform)(float)) {
  const float inverseScale = 1 / out.first;
  const float dequantized = in.first * static_cast<float>(v - in.second);
  const float rescaled = std::round(transform(dequantized) * inverseScale);
  return static_cast<int32_t>(rescaled + static_cast<float>(out.second));
}

float logistic(float x) { return 1.0f / (1.0f + std::exp(-x)); }
float hyperbolicTangent(float x) { return std::tanh(x); }
float elu(float x) { return x < 0.0f ? std::exp(x) - 1.0f : x; }

/// TFLite's MultiplyByQuantizedMultiplier with the multiplier and shift of
/// QuantizeMultiplier(scale).
int32_t multiplyByScale(int32_t x, double scale) {
  const ::npu::golden::ScaleFactor q = ::npu::golden::quantizeMultiplier(scale);
  const int exponent = 31 - q.shift;
  const int left = exponent > 0 ? exponent : 0;
  const int right = exponent > 0 ? 0 : -exponent;
  return tflmath::roundingDivideByPot(
      tflmath::srdhm(static_cast<int32_t>(static_cast<uint32_t>(x) << left),
                     q.multiplier),
      right);
}

/// gemmlowp's 16-bit saturating rounding doubling high multiply.
int16_t srdhm16(int16_t a, int16_t b) {
  if (a == b && a == INT16_MIN)
    return INT16_MAX;
  const int32_t ab = int32_t(a) * int32_t(b);
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<int16_t>((ab + nudge) / (1 << 15));
}

/// TFLite's HardSwish helper: the doubling high multiply without rounding.
int16_t doublingHighMul16(int16_t a, int16_t b) {
  if (a == b && a == INT16_MIN)
    return INT16_MAX;
  return static_cast<int16_t>((int32_t(a) * int32_t(b)) / (1 << 15));
}

int16_t saturatingLeftShift16(int16_t v, int amount) {
  const int64_t r = static_cast<int64_t>(v) * (int64_t(1) << amount);
  return static_cast<int16_t>(std::clamp<int64_t>(r, INT16_MIN, INT16_MAX));
}

/// QuantizeMultiplier(scale) as a 16-bit multiplier (rounded from the
/// 32-bit one, as DownScaleInt32ToInt16Multiplier) and its exponent.
std::pair<int16_t, int> multiplier16(double scale) {
  const ::npu::golden::ScaleFactor q = ::npu::golden::quantizeMultiplier(scale);
  const int32_t m = q.multiplier >= INT32_MAX - (1 << 15)
                        ? INT16_MAX
                        : (q.multiplier + (1 << 15)) >> 16;
  return {static_cast<int16_t>(m), 31 - q.shift};
}

int32_t hardSwishEntry(int32_t v, std::pair<float, int32_t> in,
                       std::pair<float, int32_t> out) {
  const float hiresScale = (1.0f / 128.0f) * in.first;
  const float reluishScale = 3.0f / 32768.0f;
  const auto [outM, outExp] =
      multiplier16(static_cast<double>(hiresScale / out.first));
  const auto [reluM, reluExp] =
      multiplier16(static_cast<double>(hiresScale / reluishScale));
  const auto value = static_cast<int16_t>(v - in.second);
  const auto hires = static_cast<int16_t>(value * (1 << 7));
  const int16_t preshift = srdhm16(hires, outM);
  int16_t reluish = hires;
  if (reluExp > 0)
    reluish = saturatingLeftShift16(reluish, reluExp - 1);
  reluish = srdhm16(reluish, reluM);
  if (reluExp > 0)
    reluish = saturatingLeftShift16(reluish, 1);
  if (reluExp < 0)
    reluish =
        static_cast<int16_t>(tflmath::roundingDivideByPot(reluish, -reluExp));
  reluish = static_cast<int16_t>((reluish + (1 << 15)) >> 1);
  const int16_t product = doublingHighMul16(reluish, preshift);
  return tflmath::roundingDivideByPot(product, -outExp) + out.second;
}

/// Whether the operator's input is int16 (TFLite's 16x8 mode, which
/// EmitActivation16.cpp imports); a missing input is reported later.
bool hasInt16Input(Importer &im, const OpContext &op) {
  Expected<const TensorInfo *> in = im.operand(op, 0);
  if (!in) {
    llvm::consumeError(in.takeError());
    return false;
  }
  return (*in)->type == tfl::ElementType_INT16;
}

} // namespace

Error tflite::emitHardSwish(Importer &im, const OpContext &op) {
  auto in = im.operand(op, 0);
  auto out = im.result(op);
  if (!in || !out)
    return llvm::joinErrors(in.takeError(), out.takeError());
  // TFLite needs the output multiplier below 1 (a right shift).
  const TensorInfo &x = **in, &y = **out;
  if (x.scales.size() == 1 && y.scales.size() == 1 && y.scales[0] > 0.0f &&
      multiplier16(
          static_cast<double>((1.0f / 128.0f) * x.scales[0] / y.scales[0]))
              .second > 0)
    return im.failOp(op, "the output scale is below the input scale / 128, "
                         "which TFLite's HARD_SWISH does not support");
  return emitTable(im, op, hardSwishEntry);
}

Error tflite::emitLogistic(Importer &im, const OpContext &op) {
  if (hasInt16Input(im, op))
    return emitLogistic16(im, op);
  return emitTable(im, op, [](int32_t v, auto in, auto out) {
    return floatEntry(v, in, out, logistic);
  });
}

Error tflite::emitTanh(Importer &im, const OpContext &op) {
  if (hasInt16Input(im, op))
    return emitTanh16(im, op);
  return emitTable(im, op, [](int32_t v, auto in, auto out) {
    return floatEntry(v, in, out, hyperbolicTangent);
  });
}

Error tflite::emitElu(Importer &im, const OpContext &op) {
  return emitTable(im, op, [](int32_t v, auto in, auto out) {
    return floatEntry(v, in, out, elu);
  });
}

Error tflite::emitLeakyRelu(Importer &im, const OpContext &op) {
  const auto *options = op.op->options_as_LeakyReluOptions();
  const float alpha = options ? options->alpha() : 0.0f;
  if (!std::isfinite(alpha))
    return im.failOp(op, "alpha is not a finite number");
  if (hasInt16Input(im, op))
    return emitLeakyRelu16(im, op, alpha);
  return emitTable(im, op, [alpha](int32_t v, auto in, auto out) {
    // The scale products are taken in float, as the kernel does.
    const double identity = static_cast<double>(in.first / out.first);
    const double sloped = static_cast<double>(in.first * alpha / out.first);
    const int32_t centred = v - in.second;
    return out.second +
           multiplyByScale(centred, centred >= 0 ? identity : sloped);
  });
}
