//===- EmitActivation16.cpp - int16 LOGISTIC, TANH and LEAKY_RELU --------===//
//
// The 16x8 mode's element-wise activations whose TFLite kernels are not
// tables of the int16 input, emitted as TOSA integer arithmetic that
// reproduces TensorFlow Lite Micro's int16 kernels bit for bit:
//
// LOGISTIC and TANH (zero points 0, output scale 2^-15) rescale the input
// to v = (x * m + round) >> s, a fixed point in which TFLite's 256-entry
// sigmoid table (TfliteSigmoidTable.inc) is interpolated on |v|: 9
// fraction bits for LOGISTIC, 8 for TANH (tanh(x) = 2 sigmoid(2x) - 1).
// The two table entries of |v| come from two int16 TOSA TABLE lookups with
// fraction 0 (the NPU's interpolating 513-entry table, indexed by the
// entry number << 7); the sign is folded in with v >> 31 as a mask, which
// turns TFLite's two branches into one expression:
//
//   LOGISTIC: r = 4 A + t (B - A) / 128,   y = ((r ^ sign) + 2^24 + 2^9) >> 10
//   TANH:     r = 2 A + t (B - A) / 128,   y = ((r ^ sign) + 2^7) >> 8
//
// with A, B the lookups (entry - 32768, shifted left by 7), t the fraction
// bits of |v|, and |v| clamped to the last entry (TFLite's saturation:
// LOGISTIC's last "a" entry is 65534 so that it lands on 0x7FFF << 10).
//
// LEAKY_RELU is TFLite Micro's QuantizeLeakyRelu: max(x, 0) rescaled by
// the identity multiplier plus min(x, 0) rescaled by alpha's (negated for
// a negative alpha); one of the two is 0, so no select is needed.
//
//===----------------------------------------------------------------------===//
#include "TfliteImporter.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <functional>

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::tflite;
using llvm::Error;
using llvm::Expected;

namespace {

constexpr std::array<uint16_t, 256> kSigmoidTable = {
#include "TfliteSigmoidTable.inc"
};

/// TFLite's CheckedLog2: log2(x) rounded, and whether x is that power of
/// two to within 1e-3 in the exponent (computed in float, as TFLite does).
std::pair<int, bool> checkedLog2(float x) {
  const float log2x = std::log(x) * (1.0f / std::log(2.0f));
  const float rounded = std::round(log2x);
  return {static_cast<int>(rounded), std::abs(log2x - rounded) < 1e-3f};
}

/// Element-wise TOSA builders over one shape.
struct Arith {
  Importer &im;
  Location loc;
  RankedTensorType i32;
  int64_t rank;

  Value c(int32_t v) { return im.splat(loc, rank, v); }
  OpBuilder &b() { return im.getBuilder(); }
  Value add(Value x, Value y) {
    return b().create<tosa::AddOp>(loc, i32, x, y);
  }
  Value sub(Value x, Value y) {
    return b().create<tosa::SubOp>(loc, i32, x, y);
  }
  Value mul(Value x, Value y) {
    return b().create<tosa::MulOp>(loc, i32, x, y, b().getI8IntegerAttr(0));
  }
  Value shr(Value x, int32_t s) {
    return b().create<tosa::ArithmeticRightShiftOp>(loc, i32, x, c(s),
                                                    b().getBoolAttr(false));
  }
  Value shl(Value x, int32_t s) {
    return b().create<tosa::LogicalLeftShiftOp>(loc, i32, x, c(s));
  }
};

/// The 513-entry int16 TOSA table whose entry 256 + i is `entry(i)` - 32768
/// for i < 256 (the others are never read with a non-zero fraction).
Value sigmoidLookupTable(Importer &im, Location loc,
                         const std::function<int32_t(int)> &entry) {
  SmallVector<int16_t> table(513, 0);
  for (int i = 0; i < 256; ++i)
    table[256 + i] = static_cast<int16_t>(entry(i) - 32768);
  table[512] = table[511];
  return im.constant<int16_t>(loc, {513}, table);
}

/// LOGISTIC (9 fraction bits) or TANH (`isTanh`: 8) on int16.
Error emitSigmoidFamily16(Importer &im, const OpContext &op, bool isTanh) {
  Expected<Importer::Unary> u = im.unaryOperands(op, /*allow16=*/true);
  if (!u)
    return u.takeError();
  const TensorInfo &x = *u->in, &y = *u->out;
  if (Error e = im.requireSameShape(op, x, y))
    return e;
  const auto [outLog2, outPot] = checkedLog2(u->qOut.first);
  if (!outPot || outLog2 != -15)
    return im.failOp(op, "an int16 " + op.kind +
                             " needs the output scale 2^-15 (TFLite's)");
  // TFLite's preparation of the input multiplier and shift.
  const auto [inLog2, inPot] = checkedLog2(u->qIn.first);
  int64_t shift = 12 + inLog2; // (15 - 3 integer bits) + log2(scale)
  int64_t multiplier = 0;
  if (inPot && (shift == 0 || (isTanh && shift == 1))) {
    multiplier = int64_t(3) << shift;
    shift = 0;
  } else {
    double m = static_cast<double>(u->qIn.first) * 4096.0 * 3.0;
    shift = 0;
    while (m <= 32767.0 / 2.0 && shift <= 30) {
      ++shift;
      m *= 2.0;
    }
    multiplier = static_cast<int64_t>(m);
  }
  if (multiplier > 32767) {
    char scale[32];
    std::snprintf(scale, sizeof(scale), "%.9g",
                  static_cast<double>(u->qIn.first));
    return im.failOp(op, "the input scale " + Twine(scale) +
                             " is too large for TFLite's int16 " + op.kind);
  }
  // TOSA's rescale shifts by at least 2; scaling both keeps the rounding.
  while (shift < 2) {
    multiplier <<= 1;
    ++shift;
  }
  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();
  const int fraction = isTanh ? 8 : 9;
  const int64_t rank = x.shape.size();
  Arith a{im, op.loc,
          RankedTensorType::get(x.shape, im.getBuilder().getI32Type()), rank};
  OpBuilder &b = im.getBuilder();
  Value v = im.rescaleExact(op.loc, *input, b.getI32Type(),
                            static_cast<int32_t>(multiplier),
                            static_cast<int>(shift), 0, 0);
  Value magnitude = b.create<tosa::AbsOp>(op.loc, a.i32, v);
  magnitude = im.clampInt(op.loc, magnitude, 0, 255 << fraction);
  // The entry number << 7 as the int16 table index (fraction 0).
  Value index =
      im.castTo(op.loc, a.shl(a.shr(magnitude, fraction), 7), b.getI16Type());
  auto i32Type = a.i32;
  Value lookupA = b.create<tosa::TableOp>(
      op.loc, i32Type, index, sigmoidLookupTable(im, op.loc, [isTanh](int i) {
        return !isTanh && i == 255 ? 65534 : int32_t(kSigmoidTable[i]);
      }));
  Value lookupB = b.create<tosa::TableOp>(
      op.loc, i32Type, index, sigmoidLookupTable(im, op.loc, [](int i) {
        return int32_t(kSigmoidTable[std::min(i + 1, 255)]);
      }));
  Value slope = a.shr(a.sub(lookupB, lookupA), 7);
  Value t = b.create<tosa::BitwiseAndOp>(op.loc, i32Type, magnitude,
                                         a.c((1 << fraction) - 1));
  Value r = a.add(a.shl(lookupA, isTanh ? 1 : 2), a.mul(t, slope));
  Value sign = a.shr(v, 31);
  r = b.create<tosa::BitwiseXorOp>(op.loc, i32Type, r, sign);
  r = a.add(r, a.c(isTanh ? (1 << 7) : (1 << 24) + (1 << 9)));
  r = a.shr(r, isTanh ? 8 : 10);
  return im.define(op, im.castTo(op.loc, r, b.getI16Type()));
}

} // namespace

Error tflite::emitLogistic16(Importer &im, const OpContext &op) {
  return emitSigmoidFamily16(im, op, /*isTanh=*/false);
}

Error tflite::emitTanh16(Importer &im, const OpContext &op) {
  return emitSigmoidFamily16(im, op, /*isTanh=*/true);
}

Error tflite::emitLeakyRelu16(Importer &im, const OpContext &op, float alpha) {
  Expected<Importer::Unary> u = im.unaryOperands(op, /*allow16=*/true);
  if (!u)
    return u.takeError();
  const TensorInfo &x = *u->in, &y = *u->out;
  if (Error e = im.requireSameShape(op, x, y))
    return e;
  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();
  OpBuilder &b = im.getBuilder();
  const int64_t rank = x.shape.size();
  Arith a{im, op.loc, RankedTensorType::get(x.shape, b.getI32Type()), rank};
  Value v = im.castTo(op.loc, *input, b.getI32Type());
  Value zero = a.c(0);
  // The scale products are taken in float, as the kernel does.
  const float sIn = u->qIn.first, sOut = u->qOut.first;
  Expected<Value> sum =
      im.rescale(op, b.create<tosa::MaximumOp>(op.loc, a.i32, v, zero),
                 b.getI32Type(), {static_cast<double>(sIn / sOut)}, 0, 0,
                 /*doubleRound=*/true);
  if (!sum)
    return sum.takeError();
  if (alpha != 0.0f) {
    const double sloped = static_cast<double>(sIn * alpha / sOut);
    Expected<Value> negative =
        im.rescale(op, b.create<tosa::MinimumOp>(op.loc, a.i32, v, zero),
                   b.getI32Type(), {std::fabs(sloped)}, 0, 0,
                   /*doubleRound=*/true);
    if (!negative)
      return negative.takeError();
    *sum = sloped < 0 ? a.sub(*sum, *negative) : a.add(*sum, *negative);
  }
  Value clamped = im.clampInt(op.loc, *sum, INT16_MIN, INT16_MAX);
  return im.define(op, im.castTo(op.loc, clamped, b.getI16Type()));
}
