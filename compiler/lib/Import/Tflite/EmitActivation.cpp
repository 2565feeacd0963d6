//===- EmitActivation.cpp - RELU*, QUANTIZE, PRELU -----------------------===//
//
// Standalone activations and int8 requantization as TensorFlow Lite's int8
// kernels compute them: the input minus its zero point, multiplied by
// QuantizeMultiplier(input scale / output scale) with TFLite's double
// rounding, plus the output zero point, clamped to the activation's range
// (RELU [0, inf), RELU6 [0, 6], RELU_N1_TO_1 [-1, 1], QUANTIZE none). With
// equal input and output quantization the rescale is exact and only the
// clamp remains; TFLite Micro's RELU6 clamps the raw input with the input's
// parameters, which is the same thing then, so RELU6 with different
// parameters is refused rather than guessed. RELU and RELU6 also take
// int16 (TFLite's 16x8 mode), with the same arithmetic.
//
//
// PRELU is TFLite Micro's integer kernel: x' = x - zp_in; x' >= 0 gives
// MultiplyByQuantizedMultiplier(x', s_in / s_out), x' < 0 gives
// MultiplyByQuantizedMultiplier(x' * (alpha - zp_alpha),
// s_in * s_alpha / s_out); plus zp_out, clamped to int8 (int16 in the 16x8
// mode, where alpha stays int8).
//
//===----------------------------------------------------------------------===//
#include "TfliteImporter.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::tflite;
using llvm::Error;
using llvm::Expected;

namespace {

/// `doubleQuotient`: the scale ratio is divided in double (QUANTIZE), not
/// in float (the RELUs), as the TFLite kernels do. `allow16`: int16 in and
/// out as well (RELU and RELU6 in the 16x8 mode: the same arithmetic).
Error emitRequantize(Importer &im, const OpContext &op, int activationCode,
                     bool doubleQuotient, bool allow16 = false) {
  Expected<Importer::Unary> u = im.unaryOperands(op, allow16);
  if (!u)
    return u.takeError();
  const TensorInfo &x = *u->in, &y = *u->out;
  const auto *q = &u->qIn, *qo = &u->qOut;
  if (Error e = im.requireSameShape(op, x, y))
    return e;
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
    Expected<Value> r =
        im.rescale(op, *input, u->wide ? b.getI16Type() : b.getI8Type(),
                   {scale}, q->second, qo->second, /*doubleRound=*/true);
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
  return emitRequantize(im, op, tfl::Activation_RELU, /*doubleQuotient=*/false,
                        /*allow16=*/true);
}

Error tflite::emitRelu6(Importer &im, const OpContext &op) {
  return emitRequantize(im, op, tfl::Activation_RELU6,
                        /*doubleQuotient=*/false, /*allow16=*/true);
}

Error tflite::emitReluN1To1(Importer &im, const OpContext &op) {
  return emitRequantize(im, op, tfl::Activation_RELU_N1_TO_1,
                        /*doubleQuotient=*/false);
}

/// QUANTIZE between int8 and int16 (either way, or int16 to int16) is
/// TFLite Micro's Requantize: MultiplyByQuantizedMultiplier(x - zp_in,
/// s_in / s_out in double) + zp_out, saturated to the output type.
Error tflite::emitQuantize(Importer &im, const OpContext &op) {
  auto in = im.operand(op, 0);
  auto out = im.result(op);
  if (!in || !out)
    return llvm::joinErrors(in.takeError(), out.takeError());
  const TensorInfo &x = **in, &y = **out;
  if (x.type != tfl::ElementType_INT16 && y.type != tfl::ElementType_INT16)
    return emitRequantize(im, op, tfl::Activation_NONE,
                          /*doubleQuotient=*/true);
  for (auto [t, role] :
       {std::make_pair(&x, "input"), std::make_pair(&y, "output")})
    if (t->type != tfl::ElementType_INT8 && t->type != tfl::ElementType_INT16)
      return im.failOp(op, Twine(role) + " '" + t->name + "' has type " +
                               typeName(t->type) + "; expected INT8 or INT16");
  if (Error e = im.requireSameShape(op, x, y))
    return e;
  auto q = im.perTensor(op, x);
  auto qo = im.perTensor(op, y);
  if (!q || !qo)
    return llvm::joinErrors(q.takeError(), qo.takeError());
  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();
  OpBuilder &b = im.getBuilder();
  Expected<Value> r = im.rescale(
      op, *input,
      y.type == tfl::ElementType_INT16 ? b.getI16Type() : b.getI8Type(),
      {static_cast<double>(q->first) / static_cast<double>(qo->first)},
      q->second, qo->second, /*doubleRound=*/true);
  if (!r)
    return r.takeError();
  return im.define(op, *r);
}

/// In TOSA: x' = cast(x) - zp_in; max(x', 0) and min(x', 0) * (alpha -
/// zp_alpha) each rescaled (double rounding, int32 to int32) -- one of them
/// is 0 -- added, plus zp_out, clamped and narrowed.
Error tflite::emitPrelu(Importer &im, const OpContext &op) {
  Expected<Importer::Unary> u = im.unaryOperands(op, /*allow16=*/true);
  auto alphaT = im.operand(op, 1);
  if (!u || !alphaT)
    return llvm::joinErrors(u.takeError(), alphaT.takeError());
  const TensorInfo &x = *u->in, &y = *u->out, &a = **alphaT;
  if (Error e = im.requireSameShape(op, x, y))
    return e;
  if (Error e = im.requireType(op, a, tfl::ElementType_INT8, "alpha"))
    return e;
  if (a.data.empty())
    return im.failOp(op, "alpha must be a constant");
  auto qa = im.perTensor(op, a);
  if (!qa)
    return qa.takeError();
  // alpha broadcasts against the input from the right.
  const int64_t rank = x.shape.size();
  if (static_cast<int64_t>(a.shape.size()) > rank)
    return im.failOp(op, "alpha " + shapeText(a.shape) +
                             " does not broadcast to " + shapeText(x.shape));
  SmallVector<int64_t> alphaShape(rank - a.shape.size(), 1);
  alphaShape.append(a.shape.begin(), a.shape.end());
  for (int64_t d = 0; d < rank; ++d)
    if (alphaShape[d] != 1 && alphaShape[d] != x.shape[d])
      return im.failOp(op, "alpha " + shapeText(a.shape) +
                               " does not broadcast to " + shapeText(x.shape));
  SmallVector<int32_t> alpha;
  for (uint8_t byte : a.data)
    alpha.push_back(static_cast<int8_t>(byte) - qa->second);
  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();
  OpBuilder &b = im.getBuilder();
  const Location loc = op.loc;
  const Type i32 = b.getI32Type();
  const auto type = RankedTensorType::get(x.shape, i32);
  Value shifted = im.castTo(loc, *input, i32);
  if (u->qIn.second != 0)
    shifted = b.create<tosa::SubOp>(loc, type, shifted,
                                    im.splat(loc, rank, u->qIn.second));
  Value zero = im.splat(loc, rank, 0);
  Value positive = b.create<tosa::MaximumOp>(loc, type, shifted, zero);
  Value negative = b.create<tosa::MinimumOp>(loc, type, shifted, zero);
  negative = b.create<tosa::MulOp>(loc, type, negative,
                                   im.constant<int32_t>(loc, alphaShape, alpha),
                                   b.getI8IntegerAttr(0));
  const double sIn = u->qIn.first, sOut = u->qOut.first;
  Expected<Value> r1 =
      im.rescale(op, positive, i32, {sIn / sOut}, 0, 0, /*doubleRound=*/true);
  if (!r1)
    return r1.takeError();
  Expected<Value> r2 = im.rescale(op, negative, i32,
                                  {sIn * static_cast<double>(qa->first) / sOut},
                                  0, 0, /*doubleRound=*/true);
  if (!r2)
    return r2.takeError();
  Value sum = b.create<tosa::AddOp>(loc, type, *r1, *r2);
  if (u->qOut.second != 0)
    sum = b.create<tosa::AddOp>(loc, type, sum,
                                im.splat(loc, rank, u->qOut.second));
  if (u->wide)
    return im.define(op,
                     im.castTo(loc, im.clampInt(loc, sum, INT16_MIN, INT16_MAX),
                               b.getI16Type()));
  sum = im.clampInt(loc, sum, -128, 127);
  return im.define(op, im.castTo(loc, sum, b.getI8Type()));
}
