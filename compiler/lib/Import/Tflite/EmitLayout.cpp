//===- EmitLayout.cpp - PAD, PADV2, TRANSPOSE, CONCATENATION, EXPAND_DIMS -===//
//
// Data movement with the quantization unchanged, as TensorFlow Lite
// Micro's int8 (and int16) kernels require: PAD fills with the output's
// zero point,
// PADV2 with its constant value operand; TRANSPOSE permutes by a constant
// permutation; CONCATENATION joins inputs that share the output's scale
// and zero point (TFLite's converter inserts a QUANTIZE where they differ;
// TFLite Micro requires it, and no fused activation);
// EXPAND_DIMS is a reshape to the output's shape.
//
//===----------------------------------------------------------------------===//
#include "TfliteImporter.h"

#include "npu/Support/TosaBuilders.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::tflite;
using llvm::Error;
using llvm::Expected;

namespace {

/// `t` has the output's element type and exactly its quantization.

Error emitPadWith(Importer &im, const OpContext &op, bool v2) {
  auto in = im.operand(op, 0);
  auto out = im.result(op);
  if (!in || !out)
    return llvm::joinErrors(in.takeError(), out.takeError());
  const TensorInfo &x = **in, &y = **out;
  const bool wide = y.type == tfl::ElementType_INT16; // the 16x8 mode
  if (Error e = im.requireType(
          op, y, wide ? tfl::ElementType_INT16 : tfl::ElementType_INT8,
          "output"))
    return e;
  if (Error e = im.requireSameQuantization(op, x, y, "input"))
    return e;
  Expected<SmallVector<int64_t>> pads = im.constantInts(op, 1);
  if (!pads)
    return pads.takeError();
  const size_t rank = x.shape.size();
  if (pads->size() != 2 * rank)
    return im.failOp(op, "paddings have " + Twine(pads->size()) +
                             " values; the input's rank " + Twine(rank) +
                             " needs " + Twine(2 * rank));
  for (size_t d = 0; d < rank; ++d)
    if ((*pads)[2 * d] < 0 || (*pads)[2 * d + 1] < 0 ||
        x.shape[d] + (*pads)[2 * d] + (*pads)[2 * d + 1] != y.shape[d])
      return im.failOp(op, "paddings do not take " + shapeText(x.shape) +
                               " to the output shape " + shapeText(y.shape));
  int64_t value = y.zeroPoints[0];
  if (v2) {
    Expected<SmallVector<int64_t>> c = im.constantInts(op, 2);
    if (!c)
      return c.takeError();
    if (c->size() != 1)
      return im.failOp(op, "the constant value must be one element");
    value = (*c)[0];
  }
  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();
  const int64_t lo = wide ? INT16_MIN : -128, hi = wide ? INT16_MAX : 127;
  if (value < lo || value > hi)
    return im.failOp(op, "pad value " + Twine(value) + " is outside " +
                             (wide ? "int16" : "int8"));
  Value padded = tosa_build::pad(im.getBuilder(), op.loc, *input, *pads, value);
  return im.define(op, padded);
}

} // namespace

Error tflite::emitPad(Importer &im, const OpContext &op) {
  return emitPadWith(im, op, /*v2=*/false);
}

Error tflite::emitPadV2(Importer &im, const OpContext &op) {
  return emitPadWith(im, op, /*v2=*/true);
}

Error tflite::emitTranspose(Importer &im, const OpContext &op) {
  auto in = im.operand(op, 0);
  auto out = im.result(op);
  if (!in || !out)
    return llvm::joinErrors(in.takeError(), out.takeError());
  const TensorInfo &x = **in, &y = **out;
  if (!im.elementType(y.type))
    return im.failOp(op, "output type " + typeName(y.type) +
                             " is not an integer type");
  if (Error e = im.requireSameQuantization(op, x, y, "input"))
    return e;
  Expected<SmallVector<int64_t>> perm = im.constantInts(op, 1);
  if (!perm)
    return perm.takeError();
  const size_t rank = x.shape.size();
  SmallVector<bool> seen(rank, false);
  bool valid = perm->size() == rank;
  for (int64_t p : *perm)
    if (valid && (p < 0 || p >= static_cast<int64_t>(rank) || seen[p]))
      valid = false;
    else if (valid)
      seen[p] = true;
  if (!valid)
    return im.failOp(op, "permutation " + shapeText(*perm) +
                             " is not a permutation of " + Twine(rank) +
                             " dimensions");
  for (size_t d = 0; d < rank; ++d)
    if (y.shape[d] != x.shape[(*perm)[d]])
      return im.failOp(op, "output shape " + shapeText(y.shape) +
                               " is not the input " + shapeText(x.shape) +
                               " permuted by " + shapeText(*perm));
  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();
  SmallVector<int32_t> perm32(perm->begin(), perm->end());
  Value perms = im.constant<int32_t>(op.loc, {static_cast<int64_t>(rank)},
                                     ArrayRef<int32_t>(perm32));
  Value t = im.getBuilder().create<tosa::TransposeOp>(op.loc, im.tensorType(y),
                                                      *input, perms);
  return im.define(op, t);
}

Error tflite::emitConcatenation(Importer &im, const OpContext &op) {
  auto out = im.result(op);
  if (!out)
    return out.takeError();
  const TensorInfo &y = **out;
  if (!im.elementType(y.type))
    return im.failOp(op, "output type " + typeName(y.type) +
                             " is not an integer type");
  const auto *options = op.op->options_as_ConcatenationOptions();
  // TFLite Micro's kernel accepts no fused activation.
  if (options && options->activation() != tfl::Activation_NONE)
    return im.failOp(op, "a fused activation on CONCATENATION is not "
                         "supported (TFLite Micro rejects it too)");
  const int64_t rank = y.shape.size();
  int64_t axis = options ? options->axis() : 0;
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return im.failOp(op, "axis " + Twine(options ? options->axis() : 0) +
                             " is outside the output's rank " + Twine(rank));
  if (op.inputs.empty())
    return im.failOp(op, "has no inputs");
  SmallVector<Value> parts;
  int64_t total = 0;
  for (unsigned k = 0; k < op.inputs.size(); ++k) {
    auto in = im.operand(op, k);
    if (!in)
      return in.takeError();
    const TensorInfo &x = **in;
    // int8 inputs quantized differently from the output are requantized
    // as TFLite's QUANTIZE (int8 -> int8) would (TFLite Micro's kernel
    // requires equal quantization, so a converter inserts that QUANTIZE).
    const bool requantize =
        x.type == tfl::ElementType_INT8 && y.type == tfl::ElementType_INT8 &&
        x.scales.size() == 1 && y.scales.size() == 1 &&
        (x.scales != y.scales || x.zeroPoints != y.zeroPoints);
    if (!requantize)
      if (Error e = im.requireSameQuantization(op, x, y, "input"))
        return e;
    if (static_cast<int64_t>(x.shape.size()) != rank)
      return im.failOp(op, "input '" + x.name + "' has rank " +
                               Twine(x.shape.size()) + "; the output has " +
                               Twine(rank));
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis && x.shape[d] != y.shape[d])
        return im.failOp(op, "input '" + x.name + "' has shape " +
                                 shapeText(x.shape) +
                                 ", which differs from the output " +
                                 shapeText(y.shape) + " off the axis");
    total += x.shape[axis];
    Expected<Value> v = im.activation(op, k);
    if (!v)
      return v.takeError();
    if (requantize) {
      v = im.rescale(
          op, *v, im.getBuilder().getI8Type(),
          {static_cast<double>(x.scales[0]) / static_cast<double>(y.scales[0])},
          static_cast<int32_t>(x.zeroPoints[0]),
          static_cast<int32_t>(y.zeroPoints[0]),
          /*doubleRound=*/true);
      if (!v)
        return v.takeError();
    }
    parts.push_back(*v);
  }
  if (total != y.shape[axis])
    return im.failOp(op, "inputs add up to " + Twine(total) + " along axis " +
                             Twine(axis) + " but the output has " +
                             Twine(y.shape[axis]));
  Value joined = im.getBuilder().create<tosa::ConcatOp>(
      op.loc, im.tensorType(y), parts,
      im.getBuilder().getI32IntegerAttr(static_cast<int32_t>(axis)));
  return im.define(op, joined);
}
