//===- EmitTable.cpp - LOGISTIC, TANH, ELU, LEAKY_RELU as lookup tables ---===//
//
// An int8 -> int8 element-wise operator is a function of 256 values, so
// the importer evaluates TensorFlow Lite's own int8 kernel once per input
// value and emits one 256-entry TOSA TABLE (a PBUF lookup table on the
// NPU): exact by construction. LOGISTIC, TANH and ELU are TFLite's float
// lookup tables (dequantize, the function in float, times 1 / output
// scale, rounded, plus the output zero point, clamped); LEAKY_RELU is its
// integer kernel (x - zp requantized by the identity or the alpha
// multiplier, by sign).
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
  auto in = im.operand(op, 0);
  auto out = im.result(op);
  if (!in || !out)
    return llvm::joinErrors(in.takeError(), out.takeError());
  const TensorInfo &x = **in, &y = **out;
  if (Error e = im.requireType(op, x, tfl::ElementType_INT8, "input"))
    return e;
  if (Error e = im.requireType(op, y, tfl::ElementType_INT8, "output"))
    return e;
  if (x.shape != y.shape)
    return im.failOp(op, "input shape " + shapeText(x.shape) +
                             " differs from the output shape " +
                             shapeText(y.shape));
  auto q = im.perTensor(op, x);
  auto qo = im.perTensor(op, y);
  if (!q || !qo)
    return llvm::joinErrors(q.takeError(), qo.takeError());
  std::vector<uint8_t> table(256);
  for (int32_t v = -128; v <= 127; ++v)
    table[v + 128] = static_cast<uint8_t>(
        static_cast<int8_t>(std::clamp(f(v, *q, *qo), -128, 127)));
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

} // namespace

Error tflite::emitLogistic(Importer &im, const OpContext &op) {
  return emitTable(im, op, [](int32_t v, auto in, auto out) {
    return floatEntry(v, in, out, logistic);
  });
}

Error tflite::emitTanh(Importer &im, const OpContext &op) {
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
  return emitTable(im, op, [alpha](int32_t v, auto in, auto out) {
    // The scale products are taken in float, as the kernel does.
    const double identity = static_cast<double>(in.first / out.first);
    const double sloped = static_cast<double>(in.first * alpha / out.first);
    const int32_t centred = v - in.second;
    return out.second +
           multiplyByScale(centred, centred >= 0 ? identity : sloped);
  });
}
