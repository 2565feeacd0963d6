//===- EmitElementwise.cpp - ADD, SUB -------------------------------------===//
//
// TFLite's int8 ADD and SUB: each input (x - zp) << 20, RESCALEd like
// TFLite's MultiplyByQuantizedMultiplierSmallerThanOneExp, added or
// subtracted, rescaled to the output and clamped to the fused activation.
// Inputs broadcast after aligning ranks on the right.
//
//===----------------------------------------------------------------------===//
#include "TfliteImporter.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <tuple>

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::tflite;
using llvm::Error;
using llvm::Expected;

namespace {

/// ADD and SUB as TFLite's int8 kernels compute them: each input
/// (x - zp) << 20 and scaled by scale / (2 * max scale), added or
/// subtracted in int32, requantized to the output.
Error emitAddSub(Importer &im, const OpContext &op, bool isSub) {
  OpBuilder &builder = im.getBuilder();
  auto a = im.operand(op, 0);
  auto b = im.operand(op, 1);
  auto out = im.result(op);
  if (!a || !b || !out)
    return llvm::joinErrors(llvm::joinErrors(a.takeError(), b.takeError()),
                            out.takeError());
  int activationCode = 0;
  if (isSub) {
    if (const auto *o = op.op->options_as_SubOptions())
      activationCode = o->activation();
  } else if (const auto *o = op.op->options_as_AddOptions()) {
    activationCode = o->activation();
  }
  for (auto [t, role] :
       {std::make_pair(*a, "input"), std::make_pair(*b, "input"),
        std::make_pair(*out, "output")})
    if (Error e = im.requireType(op, *t, tfl::ElementType_INT8, role))
      return e;
  const TensorInfo &y = **out;
  auto aQ = im.perTensor(op, **a);
  auto bQ = im.perTensor(op, **b);
  auto outQ = im.perTensor(op, y);
  if (!aQ || !bQ || !outQ)
    return llvm::joinErrors(llvm::joinErrors(aQ.takeError(), bQ.takeError()),
                            outQ.takeError());
  const int64_t rank = y.shape.size();
  // Broadcasting: align ranks on the right, then every dimension is equal
  // to the output's or 1, and each output dimension comes from an input.
  for (int64_t d = 0; d < rank; ++d) {
    auto dimOf = [&](const TensorInfo &t) -> int64_t {
      const int64_t k = d - (rank - static_cast<int64_t>(t.shape.size()));
      return k < 0 ? 1 : t.shape[k];
    };
    if (std::max(dimOf(**a), dimOf(**b)) != y.shape[d])
      return im.failOp(op, "output shape " + shapeText(y.shape) +
                               " is not the broadcast of " +
                               shapeText((*a)->shape) + " and " +
                               shapeText((*b)->shape));
  }
  SmallVector<Value, 2> scaled;
  const double twiceMax = 2.0 * std::max<double>(aQ->first, bQ->first);
  const int leftShift = 20;
  for (auto [k, t, q] :
       {std::make_tuple(0u, *a, *aQ), std::make_tuple(1u, *b, *bQ)}) {
    if (static_cast<int64_t>(t->shape.size()) > rank)
      return im.failOp(op, "input shape " + shapeText(t->shape) +
                               " has a higher rank than the output");
    SmallVector<int64_t> shape(rank - t->shape.size(), 1);
    llvm::append_range(shape, t->shape);
    for (int64_t d = 0; d < rank; ++d)
      if (shape[d] != y.shape[d] && shape[d] != 1)
        return im.failOp(op, "input shape " + shapeText(t->shape) +
                                 " does not broadcast to the output shape " +
                                 shapeText(y.shape));
    Expected<Value> v = im.activation(op, k);
    if (!v)
      return v.takeError();
    // (x - zp) << 20, exactly, then TFLite's input multiplier.
    Value shifted =
        im.rescaleExact(op.loc, im.reshape(op.loc, *v, shape),
                        builder.getI32Type(), 1 << 30, 10, q.second, 0);
    Expected<Value> r =
        im.rescale(op, shifted, builder.getI32Type(),
                   {static_cast<double>(q.first) / twiceMax}, 0, 0, true);
    if (!r)
      return r.takeError();
    scaled.push_back(*r);
  }
  auto sumType = RankedTensorType::get(y.shape, builder.getI32Type());
  Value sum;
  if (isSub)
    sum = builder.create<tosa::SubOp>(op.loc, sumType, scaled[0], scaled[1]);
  else
    sum = builder.create<tosa::AddOp>(op.loc, sumType, scaled[0], scaled[1]);
  Expected<Value> output = im.requantize(
      op, sum,
      {twiceMax / ((1 << leftShift) * static_cast<double>(outQ->first))},
      outQ->second, activationCode, y);
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
