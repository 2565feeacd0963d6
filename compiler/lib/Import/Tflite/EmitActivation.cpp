//===- EmitActivation.cpp - RELU, RELU6, RELU_N1_TO_1, QUANTIZE -----------===//
//
// Standalone activations and int8 requantization as TensorFlow Lite's int8
// kernels compute them: the input minus its zero point, multiplied by
// QuantizeMultiplier(input scale / output scale) with TFLite's double
// rounding, plus the output zero point, clamped to the activation's range
// (RELU [0, inf), RELU6 [0, 6], RELU_N1_TO_1 [-1, 1], QUANTIZE none). With
// equal input and output quantization the rescale is exact and only the
// clamp remains; TFLite Micro's RELU6 clamps the raw input with the input's
// parameters, which is the same thing then, so RELU6 with different
// parameters is refused rather than guessed.
//
//===----------------------------------------------------------------------===//
#include "TfliteImporter.h"

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::tflite;
using llvm::Error;
using llvm::Expected;

namespace {

/// `doubleQuotient`: the scale ratio is divided in double (QUANTIZE), not
/// in float (the RELUs), as the TFLite kernels do.
Error emitRequantize(Importer &im, const OpContext &op, int activationCode,
                     bool doubleQuotient) {
  Expected<Importer::Int8Unary> u = im.int8Unary(op);
  if (!u)
    return u.takeError();
  const TensorInfo &x = *u->in, &y = *u->out;
  const auto *q = &u->qIn, *qo = &u->qOut;
  if (x.shape != y.shape)
    return im.failOp(op, "input shape " + shapeText(x.shape) +
                             " differs from the output shape " +
                             shapeText(y.shape));
  if (activationCode == tfl::Activation_RELU6 &&
      (q->first != qo->first || q->second != qo->second))
    return im.failOp(op, "RELU6 with different input and output "
                         "quantization (TFLite and TFLite Micro disagree)");
  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();
  OpBuilder &b = im.getBuilder();
  Value result = *input;
  if (q->first != qo->first || q->second != qo->second) {
    const double scale =
        doubleQuotient
            ? static_cast<double>(q->first) / static_cast<double>(qo->first)
            : static_cast<double>(q->first / qo->first);
    Expected<Value> r = im.rescale(op, *input, b.getI8Type(), {scale},
                                   q->second, qo->second, /*doubleRound=*/true);
    if (!r)
      return r.takeError();
    result = *r;
  }
  Expected<Value> clamped = im.clampActivation(op, result, activationCode, y);
  if (!clamped)
    return clamped.takeError();
  return im.define(op, *clamped);
}

} // namespace

Error tflite::emitRelu(Importer &im, const OpContext &op) {
  return emitRequantize(im, op, tfl::Activation_RELU, /*doubleQuotient=*/false);
}

Error tflite::emitRelu6(Importer &im, const OpContext &op) {
  return emitRequantize(im, op, tfl::Activation_RELU6,
                        /*doubleQuotient=*/false);
}

Error tflite::emitReluN1To1(Importer &im, const OpContext &op) {
  return emitRequantize(im, op, tfl::Activation_RELU_N1_TO_1,
                        /*doubleQuotient=*/false);
}

Error tflite::emitQuantize(Importer &im, const OpContext &op) {
  return emitRequantize(im, op, tfl::Activation_NONE, /*doubleQuotient=*/true);
}
