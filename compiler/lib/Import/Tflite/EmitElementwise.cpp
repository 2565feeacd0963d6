//===- EmitElementwise.cpp - ADD, SUB, MUL, MAXIMUM, MINIMUM --------------===//
//
// TFLite's int8 ADD and SUB: each input (x - zp) << 20 (int16, the 16x8
// mode with zero points 0: << 15), RESCALEd like
// TFLite's MultiplyByQuantizedMultiplierSmallerThanOneExp, added or
// subtracted, rescaled to the output and clamped to the fused activation.
// SQUARED_DIFFERENCE: like SUB with a left shift of 7, the difference
// squared in int32 and requantized by (2 max scale)^2 / (2^14 s_out).
// MUL: (x1 - zp1) * (x2 - zp2) in int32, requantized by
// QuantizeMultiplier(s1 * s2 / s_out) (in double) with double rounding and
// clamped (int16 too). MAXIMUM and MINIMUM compare the raw int8 values, which
// TFLite Micro allows only with one quantization for inputs and output. Inputs
// broadcast after aligning ranks on the right.
//
//===----------------------------------------------------------------------===//
#include "TfliteImporter.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <array>
#include <tuple>

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::tflite;
using llvm::Error;
using llvm::Expected;

namespace {

/// The output of a binary operator is the broadcast of its inputs: ranks
/// aligned on the right, every input dimension equal to the output's or
/// 1, and each output dimension coming from an input.
Error checkBroadcast(Importer &im, const OpContext &op, const TensorInfo &a,
                     const TensorInfo &b, const TensorInfo &y) {
  const int64_t rank = y.shape.size();
  for (const TensorInfo *t : {&a, &b})
    if (static_cast<int64_t>(t->shape.size()) > rank)
      return im.failOp(op, "input shape " + shapeText(t->shape) +
                               " has a higher rank than the output");
  for (int64_t d = 0; d < rank; ++d) {
    auto dimOf = [&](const TensorInfo &t) -> int64_t {
      const int64_t k = d - (rank - static_cast<int64_t>(t.shape.size()));
      return k < 0 ? 1 : t.shape[k];
    };
    const int64_t da = dimOf(a), db = dimOf(b);
    if ((da != y.shape[d] && da != 1) || (db != y.shape[d] && db != 1) ||
        std::max(da, db) != y.shape[d])
      return im.failOp(op, "output shape " + shapeText(y.shape) +
                               " is not the broadcast of " +
                               shapeText(a.shape) + " and " +
                               shapeText(b.shape));
  }
  return Error::success();
}

/// Input `k` reshaped to the output's rank (leading 1s).
Expected<Value> broadcastOperand(Importer &im, const OpContext &op, unsigned k,
                                 const TensorInfo &t, int64_t rank) {
  Expected<Value> v = im.activation(op, k);
  if (!v)
    return v.takeError();
  SmallVector<int64_t> shape(rank - t.shape.size(), 1);
  llvm::append_range(shape, t.shape);
  return im.reshape(op.loc, *v, shape);
}

/// The two inputs and the output of a binary operator, checked: int8, or
/// (where `allow16`) all int16 with zero points 0, TFLite's 16x8 mode.
struct Binary {
  const TensorInfo *a, *b, *y;
  std::pair<float, int32_t> qa, qb, qy;
  bool wide = false; ///< int16
};

Expected<Binary> binaryOperands(Importer &im, const OpContext &op,
                                bool allow16 = false) {
  auto a = im.operand(op, 0);
  auto b = im.operand(op, 1);
  auto out = im.result(op);
  if (!a || !b || !out)
    return llvm::joinErrors(llvm::joinErrors(a.takeError(), b.takeError()),
                            out.takeError());
  const bool wide = allow16 && (*a)->type == tfl::ElementType_INT16;
  const auto type = wide ? tfl::ElementType_INT16 : tfl::ElementType_INT8;
  for (auto [t, role] :
       {std::make_pair(*a, "input"), std::make_pair(*b, "input"),
        std::make_pair(*out, "output")})
    if (Error e = im.requireType(op, *t, type, role))
      return std::move(e);
  auto qa = im.perTensor(op, **a);
  auto qb = im.perTensor(op, **b);
  auto qy = im.perTensor(op, **out);
  if (!qa || !qb || !qy)
    return llvm::joinErrors(llvm::joinErrors(qa.takeError(), qb.takeError()),
                            qy.takeError());
  if (wide && (qa->second != 0 || qb->second != 0 || qy->second != 0))
    return im.failOp(op, "int16 (16x8) inputs and output need zero point 0");
  if (Error e = checkBroadcast(im, op, **a, **b, **out))
    return std::move(e);
  return Binary{*a, *b, *out, *qa, *qb, *qy, wide};
}

/// Both inputs as TFLite's ADD, SUB and SQUARED_DIFFERENCE prepare them:
/// broadcast to the output's rank, (x - zp) << leftShift exactly, then
/// scaled by the input's multiplier of `scales` (scale / twice the larger
/// input scale).
Expected<SmallVector<Value, 2>> scaledInputs(Importer &im, const OpContext &op,
                                             const Binary &bin, int leftShift,
                                             std::array<double, 2> scales) {
  OpBuilder &builder = im.getBuilder();
  const int64_t rank = bin.y->shape.size();
  SmallVector<Value, 2> scaled;
  for (auto [k, t, q, scale] :
       {std::make_tuple(0u, bin.a, bin.qa, scales[0]),
        std::make_tuple(1u, bin.b, bin.qb, scales[1])}) {
    Expected<Value> v = broadcastOperand(im, op, k, *t, rank);
    if (!v)
      return v.takeError();
    Value shifted = im.rescaleExact(op.loc, *v, builder.getI32Type(), 1 << 30,
                                    30 - leftShift, q.second, 0);
    Expected<Value> r =
        im.rescale(op, shifted, builder.getI32Type(), {scale}, 0, 0, true);
    if (!r)
      return r.takeError();
    scaled.push_back(*r);
  }
  return scaled;
}

/// ADD and SUB as TFLite's int8 kernels compute them: each input
/// (x - zp) << 20 and scaled by scale / (2 * max scale), added or
/// subtracted in int32, requantized to the output. TFLite Micro's ADD takes
/// those quotients in double; its SUB (sub_common.cc) in float, which
/// rounds some multipliers differently.
Error emitAddSub(Importer &im, const OpContext &op, bool isSub) {
  OpBuilder &builder = im.getBuilder();
  Expected<Binary> bin = binaryOperands(im, op, /*allow16=*/true);
  if (!bin)
    return bin.takeError();
  int activationCode = 0;
  if (isSub) {
    if (const auto *o = op.op->options_as_SubOptions())
      activationCode = o->activation();
  } else if (const auto *o = op.op->options_as_AddOptions()) {
    activationCode = o->activation();
  }
  const TensorInfo &y = *bin->y;
  const int leftShift = bin->wide ? 15 : 20;
  std::array<double, 2> inputScales;
  double outputScale;
  if (isSub) {
    const float twiceMax = 2 * std::max(bin->qa.first, bin->qb.first);
    inputScales = {static_cast<double>(bin->qa.first / twiceMax),
                   static_cast<double>(bin->qb.first / twiceMax)};
    outputScale = static_cast<double>(
        twiceMax / (static_cast<float>(1 << leftShift) * bin->qy.first));
  } else {
    const double twiceMax =
        2.0 * std::max<double>(bin->qa.first, bin->qb.first);
    inputScales = {static_cast<double>(bin->qa.first) / twiceMax,
                   static_cast<double>(bin->qb.first) / twiceMax};
    outputScale =
        twiceMax / ((1 << leftShift) * static_cast<double>(bin->qy.first));
  }
  Expected<SmallVector<Value, 2>> scaled =
      scaledInputs(im, op, *bin, leftShift, inputScales);
  if (!scaled)
    return scaled.takeError();
  auto sumType = RankedTensorType::get(y.shape, builder.getI32Type());
  Value sum;
  if (isSub)
    sum = builder.create<tosa::SubOp>(op.loc, sumType, (*scaled)[0],
                                      (*scaled)[1]);
  else
    sum = builder.create<tosa::AddOp>(op.loc, sumType, (*scaled)[0],
                                      (*scaled)[1]);
  Expected<Value> output =
      im.requantize(op, sum, {outputScale}, bin->qy.second, activationCode, y);
  if (!output)
    return output.takeError();
  return im.define(op, *output);
}

} // namespace

Error tflite::emitAdd(Importer &im, const OpContext &op) {
  return emitAddSub(im, op, /*isSub=*/false);
}

Error tflite::emitSub(Importer &im, const OpContext &op) {
  return emitAddSub(im, op, /*isSub=*/true);
}

Error tflite::emitSquaredDifference(Importer &im, const OpContext &op) {
  Expected<Binary> bin = binaryOperands(im, op, /*allow16=*/true);
  if (!bin)
    return bin.takeError();
  OpBuilder &builder = im.getBuilder();
  const TensorInfo &y = *bin->y;
  const double twiceMax = 2.0 * std::max<double>(bin->qa.first, bin->qb.first);
  // TFLite's: 7 for int8; none for int16, whose square already fills int32.
  const int leftShift = bin->wide ? 0 : 7;
  Expected<SmallVector<Value, 2>> scaled =
      scaledInputs(im, op, *bin, leftShift,
                   {static_cast<double>(bin->qa.first) / twiceMax,
                    static_cast<double>(bin->qb.first) / twiceMax});
  if (!scaled)
    return scaled.takeError();
  auto wide = RankedTensorType::get(y.shape, builder.getI32Type());
  Value diff =
      builder.create<tosa::SubOp>(op.loc, wide, (*scaled)[0], (*scaled)[1]);
  Value square = builder.create<tosa::MulOp>(op.loc, wide, diff, diff,
                                             builder.getI8IntegerAttr(0));
  const double outScale =
      twiceMax * twiceMax /
      static_cast<double>((1 << (2 * leftShift)) * bin->qy.first);
  Expected<Value> output =
      im.requantize(op, square, {outScale}, bin->qy.second, 0, y);
  if (!output)
    return output.takeError();
  return im.define(op, *output);
}

Error tflite::emitMul(Importer &im, const OpContext &op) {
  Expected<Binary> bin = binaryOperands(im, op, /*allow16=*/true);
  if (!bin)
    return bin.takeError();
  OpBuilder &builder = im.getBuilder();
  const int64_t rank = bin->y->shape.size();
  SmallVector<Value, 2> centered;
  for (auto [k, t, q] : {std::make_tuple(0u, bin->a, bin->qa),
                         std::make_tuple(1u, bin->b, bin->qb)}) {
    Expected<Value> v = broadcastOperand(im, op, k, *t, rank);
    if (!v)
      return v.takeError();
    // x - zp, exactly, in int32.
    centered.push_back(im.rescaleExact(op.loc, *v, builder.getI32Type(),
                                       1 << 30, 30, q.second, 0));
  }
  auto productType = RankedTensorType::get(bin->y->shape, builder.getI32Type());
  Value product =
      builder.create<tosa::MulOp>(op.loc, productType, centered[0], centered[1],
                                  builder.getI8IntegerAttr(0));
  int activationCode = 0;
  if (const auto *o = op.op->options_as_MulOptions())
    activationCode = o->activation();
  const double scale = static_cast<double>(bin->qa.first) *
                       static_cast<double>(bin->qb.first) /
                       static_cast<double>(bin->qy.first);
  Expected<Value> output = im.requantize(op, product, {scale}, bin->qy.second,
                                         activationCode, *bin->y);
  if (!output)
    return output.takeError();
  return im.define(op, *output);
}

namespace {

Error emitMaxMin(Importer &im, const OpContext &op, bool isMax) {
  Expected<Binary> bin = binaryOperands(im, op, /*allow16=*/true);
  if (!bin)
    return bin.takeError();
  if (bin->qa != bin->qy || bin->qb != bin->qy)
    return im.failOp(op, "inputs and output must share one scale and zero "
                         "point (TFLite Micro compares the raw values)");
  const int64_t rank = bin->y->shape.size();
  Expected<Value> a = broadcastOperand(im, op, 0, *bin->a, rank);
  Expected<Value> b = broadcastOperand(im, op, 1, *bin->b, rank);
  if (!a || !b)
    return llvm::joinErrors(a.takeError(), b.takeError());
  OpBuilder &builder = im.getBuilder();
  RankedTensorType type = im.tensorType(*bin->y);
  Value v =
      isMax ? builder.create<tosa::MaximumOp>(op.loc, type, *a, *b).getResult()
            : builder.create<tosa::MinimumOp>(op.loc, type, *a, *b).getResult();
  return im.define(op, v);
}

} // namespace

Error tflite::emitMaximum(Importer &im, const OpContext &op) {
  return emitMaxMin(im, op, /*isMax=*/true);
}

Error tflite::emitMinimum(Importer &im, const OpContext &op) {
  return emitMaxMin(im, op, /*isMax=*/false);
}
