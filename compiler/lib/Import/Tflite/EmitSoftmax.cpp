//===- EmitSoftmax.cpp - SOFTMAX ------------------------------------------===//
//
// TFLite's int8 softmax, bit for bit, in integer TOSA: gemmlowp's
// fixed-point exp as four byte tables indexed by x - max(x), the sum, a
// Newton-Raphson reciprocal and the final rounding shift. The final rescale
// carries npu.tflite_softmax: tosa-to-npu fuses the chain into npu.softmax.
// With an int16 output (TFLite's int8-in, int16-out variant: scale 2^-16,
// zero point -32768) the final shift is 8 bits shorter, the offset -32768,
// and the chain stays unfused.
//
// TFLite's int16 softmax (the 16x8 mode: zero points 0, output scale
// 2^-15), bit for bit: x - max(x) rescaled so that [-65535, 0] spans
// [-10, 0], recentred to int16 and looked up in TFLite's interpolated
// 513-entry exp table; the row's sum normalised by its leading zeros and
// looked up in the 1 / (1 + x) table; each exp times that reciprocal,
// shifted right by 31 - clz(sum) with rounding. Both tables are TFLite's
// (lutInt16), looked up by the NPU's int16 TABLE plus TFLite's rounding
// shift by 7.
//
//===----------------------------------------------------------------------===//
#include "TfliteImporter.h"

#include "TfliteMath.h"

#include "npu/Dialect/Npu/IR/NpuOps.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::tflite;
using llvm::Error;
using llvm::Expected;
namespace tflmath = ::npu::tflmath;

namespace {

float exponential(float x) { return std::exp(x); }
float oneOverOnePlus(float x) { return 1.0f / (1.0f + x); }

Error emitSoftmax16(Importer &im, const OpContext &op) {
  Expected<Importer::Unary> u = im.unaryOperands(op, /*allow16=*/true);
  if (!u)
    return u.takeError();
  const TensorInfo &x = *u->in, &y = *u->out;
  if (std::fabs(u->qOut.first - 1.0f / 32768) > 0.001f / 32768)
    return im.failOp(op, "the int16 output must have scale 2^-15, as TFLite "
                         "requires");
  if (x.shape != y.shape || x.shape.empty())
    return im.failOp(op, "input and output shapes must be equal");
  const auto *o = op.op->options_as_SoftmaxOptions();
  const float beta = o ? o->beta() : 1.0f;
  if (!(beta > 0.0f) || !std::isfinite(beta))
    return im.failOp(op, "beta must be positive");
  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();
  OpBuilder &b = im.getBuilder();
  const Location loc = op.loc;
  const int64_t rank = x.shape.size();
  const auto axis = b.getI32IntegerAttr(static_cast<int32_t>(rank - 1));
  const Type i32 = b.getI32Type(), i16 = b.getI16Type();
  auto full = RankedTensorType::get(x.shape, i32);
  SmallVector<int64_t> rowShape(x.shape.begin(), x.shape.end());
  rowShape.back() = 1;
  auto row = RankedTensorType::get(rowShape, i32);
  auto c = [&](int32_t v) { return im.splat(loc, rank, v); };
  auto shiftRight = [&](RankedTensorType type, Value v, Value amount) {
    return b.create<tosa::ArithmeticRightShiftOp>(loc, type, v, amount,
                                                  b.getBoolAttr(true));
  };
  // TFLite's LUTLookup: the NPU's interpolated lookup, rounded >> 7.
  auto lookup = [&](RankedTensorType type, Value v,
                    const std::vector<int16_t> &table) {
    Value t = im.constant<int16_t>(loc, {513}, table);
    Value index =
        im.castTo(loc, im.clampInt(loc, v, INT16_MIN, INT16_MAX), i16);
    Value looked = b.create<tosa::TableOp>(loc, type, index, t);
    return shiftRight(type, looked, c(7));
  };
  constexpr float kRange = 65535.0f;
  Value x32 = im.castTo(loc, *input, i32);
  Value rowMax = b.create<tosa::ReduceMaxOp>(loc, row, x32, axis);
  Value diff = b.create<tosa::SubOp>(loc, full, x32, rowMax);
  Expected<Value> scaled =
      im.rescale(op, diff, i32,
                 {static_cast<double>(u->qIn.first) *
                  static_cast<double>(beta) / (10.0 / 65535.0)},
                 0, 0, /*doubleRound=*/true);
  if (!scaled)
    return scaled.takeError();
  Value centred = b.create<tosa::AddOp>(loc, full, *scaled, c(32767));
  Value e = lookup(full, centred,
                   tflmath::lutInt16(10.0f / kRange, INT16_MAX, 2.0f / kRange,
                                     0, exponential));
  Value sum = b.create<tosa::ReduceSumOp>(loc, row, e, axis);
  Value clz = b.create<tosa::ClzOp>(loc, row, sum);
  Value normal = b.create<tosa::LogicalLeftShiftOp>(
      loc, row, sum, b.create<tosa::SubOp>(loc, row, clz, c(1)));
  Value shifted = shiftRight(row, normal, c(14));
  Value symmetric =
      b.create<tosa::SubOp>(loc, row, shifted, c((1 << 15) + (1 << 16)));
  Value recip = lookup(row, symmetric,
                       tflmath::lutInt16(1.0f / kRange, INT16_MIN,
                                         2.0f / kRange, 0, oneOverOnePlus));
  Value product =
      b.create<tosa::MulOp>(loc, full, e, recip, b.getI8IntegerAttr(0));
  Value result =
      shiftRight(full, product, b.create<tosa::SubOp>(loc, row, c(31), clz));
  result = im.clampInt(loc, result, 0, INT16_MAX);
  return im.define(op, im.castTo(loc, result, i16));
}

} // namespace

Error tflite::emitSoftmax(Importer &im, const OpContext &op) {
  auto in = im.operand(op, 0);
  auto out = im.result(op);
  if (!in || !out)
    return llvm::joinErrors(in.takeError(), out.takeError());
  if ((*in)->type == tfl::ElementType_INT16)
    return emitSoftmax16(im, op);
  if (Error e = im.requireType(op, **in, tfl::ElementType_INT8, "input"))
    return e;
  // int8 in, int16 out: TFLite's int8 kernel with 16 output bits.
  const bool wideOut = (*out)->type == tfl::ElementType_INT16;
  if (!wideOut)
    if (Error e = im.requireType(op, **out, tfl::ElementType_INT8, "output"))
      return e;
  const TensorInfo &x = **in, &y = **out;
  auto inQ = im.perTensor(op, x);
  if (!inQ)
    return inQ.takeError();
  if (wideOut) {
    if (y.scales.size() != 1 || y.zeroPoints[0] != -32768 ||
        std::fabs(y.scales[0] - 1.0f / 65536) > 0.001f / 65536)
      return im.failOp(op, "an int16 output of an int8 softmax must have "
                           "scale 2^-16 and zero point -32768, as TFLite "
                           "requires");
  } else {
    auto outQ = im.perTensor(op, y);
    if (!outQ)
      return outQ.takeError();
    if (outQ->second != -128 || outQ->first != 1.0f / 256)
      return im.failOp(op, "the int8 output must have scale 1/256 and zero "
                           "point -128, as TFLite requires");
  }
  if (x.shape != y.shape || x.shape.empty())
    return im.failOp(op, "input and output shapes must be equal");
  const int64_t depth = x.shape.back();
  if (depth > kMaxSoftmaxDepth)
    return im.failOp(op, "softmax over " + Twine(depth) + " classes; at most " +
                             Twine(kMaxSoftmaxDepth) + " are supported");
  const auto *o = op.op->options_as_SoftmaxOptions();
  const float beta = o ? o->beta() : 1.0f;
  if (!(beta > 0.0f) || !std::isfinite(beta))
    return im.failOp(op, "beta must be positive");
  const tflmath::SoftmaxParams params =
      tflmath::softmaxParams(inQ->first, beta);
  if (params.inputLeftShift < 0 || params.inputLeftShift > 31)
    return im.failOp(op, "input scale * beta is too small for TFLite's int8 "
                         "softmax");
  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();

  OpBuilder &builder = im.getBuilder();
  Location loc = op.loc;
  const int64_t rank = x.shape.size();
  const int32_t axis = static_cast<int32_t>(rank - 1);
  const Type i32 = builder.getI32Type();
  auto full = RankedTensorType::get(x.shape, i32);
  SmallVector<int64_t> rowShape(x.shape.begin(), x.shape.end());
  rowShape.back() = 1;
  auto row = RankedTensorType::get(rowShape, i32);
  // Element-wise ops broadcast the row-shaped operand over the full one.
  auto widerType = [](Value a, Value b) {
    return cast<RankedTensorType>(a.getType()).getNumElements() >=
                   cast<RankedTensorType>(b.getType()).getNumElements()
               ? a.getType()
               : b.getType();
  };
  auto add = [&](Value a, Value b) -> Value {
    return builder.create<tosa::AddOp>(loc, widerType(a, b), a, b);
  };
  auto sub = [&](Value a, Value b) -> Value {
    return builder.create<tosa::SubOp>(loc, widerType(a, b), a, b);
  };
  auto mul = [&](Value a, Value b, int8_t shift) -> Value {
    return builder.create<tosa::MulOp>(loc, widerType(a, b), a, b,
                                       builder.getI8IntegerAttr(shift));
  };
  auto shiftLeft = [&](Value a, Value b) -> Value {
    return builder.create<tosa::LogicalLeftShiftOp>(loc, widerType(a, b), a, b);
  };
  auto roundingShiftRight = [&](Value a, Value b) -> Value {
    return builder.create<tosa::ArithmeticRightShiftOp>(
        loc, widerType(a, b), a, b, builder.getBoolAttr(true));
  };
  auto c = [&](int32_t v) { return im.splat(loc, rank, v); };
  // One op per statement where two operands create ops: the order of the
  // ops (and constants) in the output does not depend on the compiler's
  // order of evaluating arguments.

  // diff = x - max(x) over the last axis, in [-255, 0].
  Value x32 = im.castTo(loc, *input, i32);
  Value rowMax = builder.create<tosa::ReduceMaxOp>(
      loc, row, x32, builder.getI32IntegerAttr(axis));
  Value diff = sub(x32, rowMax);
  // As int16 diff * 128: each table lookup then lands exactly on an entry
  // and returns entry << 7.
  Value index =
      im.rescaleExact(loc, diff, builder.getIntegerType(16), 1 << 30, 23, 0, 0);
  auto tables = tflmath::softmaxExpTables(params);
  SmallVector<Value, 4> bytes;
  for (const std::vector<int16_t> &table : tables) {
    Value t = im.constant<int16_t>(loc, {513}, table);
    bytes.push_back(builder.create<tosa::TableOp>(loc, full, index, t));
  }
  // exp = b3 << 24 | b2 << 16 | b1 << 8 | b0 (each bN looked up << 7).
  Value byte2 = shiftLeft(bytes[1], c(9));
  Value byte3 = shiftLeft(bytes[0], c(17));
  Value e = add(byte3, byte2);
  e = add(e, shiftLeft(bytes[2], c(1)));
  e = add(e, roundingShiftRight(bytes[3], c(7)));
  // Sum in Q12.19 (gemmlowp Rescale<12>: rounding shift right by 12).
  Value sum = builder.create<tosa::ReduceSumOp>(
      loc, row, roundingShiftRight(e, c(12)), builder.getI32IntegerAttr(axis));
  // 1 / sum: normalize to [1, 2) with clz, then three Newton-Raphson steps
  // on the half denominator in Q2.29 (gemmlowp one_over_one_plus_x).
  Value clz = builder.create<tosa::ClzOp>(loc, row, sum);
  Value half = shiftLeft(sum, sub(clz, c(1)));
  Value offset = c(1515870810);
  Value r = add(mul(half, c(-1010580540), 31), offset);
  for (int i = 0; i < 3; ++i) {
    Value rHalf = mul(r, half, 31);
    Value oneMinus = sub(c(1 << 29), rHalf);
    Value four = c(4);
    r = add(r, mul(mul(r, oneMinus, 31), four, 0));
  }
  // 1 / (1 + s) in Q0.31 is 2r saturated (gemmlowp's Rescale<0>): a sum
  // that is a power of two gives r = 2^30 and INT32_MAX, not 2^31.
  Value below = builder.create<tosa::MinimumOp>(loc, row, r, c(0x3FFFFFFF));
  Value twice = shiftLeft(below, c(1));
  Value saturated = builder.create<tosa::ArithmeticRightShiftOp>(
      loc, row, r, c(30), builder.getBoolAttr(false));
  Value recip = add(twice, saturated);
  // out = exp * recip >> 31, rounded >> (12 - clz + 31 - output bits),
  // minus 128 (int8) or 32768 (int16).
  Value scaled = mul(e, recip, 31);
  if (wideOut) {
    Value shifted = roundingShiftRight(scaled, sub(c(27), clz));
    Value result =
        im.clampInt(loc, add(shifted, c(INT16_MIN)), INT16_MIN, INT16_MAX);
    return im.define(op, im.castTo(loc, result, builder.getI16Type()));
  }
  Value shifted = roundingShiftRight(scaled, sub(c(35), clz));
  Value result =
      im.rescaleExact(loc, shifted, builder.getI8Type(), 1 << 30, 30, 0, -128);
  // tosa-to-npu fuses the chain ending here into npu.softmax.
  result.getDefiningOp()->setAttr(kTfliteSoftmaxAttr, builder.getUnitAttr());
  return im.define(op, result);
}
