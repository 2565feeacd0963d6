//===- EmitConv.cpp - CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ... ----===//
//
// The MAC operators, as TFLite's int8 kernels compute them: the TOSA MAC op
// with the input zero point and an int32 bias, then a RESCALE by
// QuantizeMultiplier(input_scale * filter_scale[c] / output_scale) with
// double rounding, then a CLAMP to the fused activation's range.
//
//===----------------------------------------------------------------------===//
#include "TfliteImporter.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::tflite;
using llvm::Error;
using llvm::Expected;

namespace {

/// The int32 bias of a MAC operator, or zeros when it has none.
Expected<Value> biasConstant(Importer &im, const OpContext &op,
                             const TensorInfo *bias, int64_t channels) {
  if (!bias) {
    SmallVector<int32_t> zeros(channels, 0);
    return im.constant<int32_t>(op.loc, {channels}, zeros);
  }
  if (Error e = im.requireType(op, *bias, tfl::ElementType_INT32, "bias"))
    return e;
  if (bias->data.empty() || bias->elements != channels)
    return im.failOp(op, "the bias must be a constant of " + Twine(channels) +
                             " int32 values");
  return im.constant(
      op.loc, RankedTensorType::get({channels}, im.getBuilder().getI32Type()),
      bias->data);
}

/// The activation types of a MAC operator: int8 throughout, or TFLite's
/// 16x8 mode (int16 input and output, both with zero point 0, int8
/// filter). Returns whether it is 16x8.
Expected<bool> checkMacTypes(Importer &im, const OpContext &op,
                             const TensorInfo &x, const TensorInfo &w,
                             const TensorInfo &y) {
  const bool wide = x.type == tfl::ElementType_INT16;
  const auto act = wide ? tfl::ElementType_INT16 : tfl::ElementType_INT8;
  if (Error e = im.requireType(op, x, act, "input"))
    return std::move(e);
  if (Error e = im.requireType(op, w, tfl::ElementType_INT8, "filter"))
    return std::move(e);
  if (Error e = im.requireType(op, y, act, "output"))
    return std::move(e);
  auto zeroPoint = [](const TensorInfo &t) {
    return t.zeroPoints.empty() ? 0 : t.zeroPoints[0];
  };
  if (wide && (zeroPoint(x) != 0 || zeroPoint(y) != 0))
    return im.failOp(op, "int16 (16x8) input and output need zero point 0");
  return wide;
}

/// The bias of a 16x8 MAC operator as TOSA's int48 accumulator type, and
/// whether TFLite Micro accumulates in int64 (an int64 bias or none) rather
/// than int32 (an int32 bias): it picks the requantization arithmetic.
Expected<std::pair<Value, bool>> bias16x8(Importer &im, const OpContext &op,
                                          unsigned index,
                                          const TensorInfo *bias,
                                          int64_t channels) {
  SmallVector<APInt> values;
  bool int64Accum = true;
  if (!bias) {
    values.assign(channels, APInt(48, 0));
  } else {
    if (bias->type == tfl::ElementType_INT32)
      int64Accum = false;
    else if (bias->type != tfl::ElementType_INT64)
      return im.failOp(op, "bias '" + bias->name + "' has type " +
                               typeName(bias->type) +
                               "; expected INT32 or INT64");
    if (bias->data.empty() || bias->elements != channels)
      return im.failOp(op, "the bias must be a constant of " + Twine(channels) +
                               " values");
    Expected<SmallVector<int64_t>> ints = im.constantInts(op, index);
    if (!ints)
      return ints.takeError();
    for (int64_t v : *ints) {
      if (v < -(int64_t(1) << 47) || v >= (int64_t(1) << 47))
        return im.failOp(op, "bias value " + Twine(v) +
                                 " does not fit the int48 accumulator");
      values.push_back(APInt(48, static_cast<uint64_t>(v), true));
    }
  }
  OpBuilder &b = im.getBuilder();
  auto type = RankedTensorType::get({channels}, b.getIntegerType(48));
  Value c = b.create<tosa::ConstOp>(op.loc, type,
                                    DenseElementsAttr::get(type, values));
  return std::make_pair(c, int64Accum);
}

/// The bias (operand `index`) of a MAC operator (int32, or int48 in the
/// 16x8 mode) and whether a 16x8 one accumulates in int64 (see bias16x8).
Expected<std::pair<Value, bool>> macBias(Importer &im, const OpContext &op,
                                         unsigned index, const TensorInfo *bias,
                                         int64_t channels, bool wide) {
  if (wide)
    return bias16x8(im, op, index, bias, channels);
  Expected<Value> b = biasConstant(im, op, bias, channels);
  if (!b)
    return b.takeError();
  return std::make_pair(*b, false);
}

/// The int16 output of a 16x8 MAC operator. With an int64 accumulator
/// TFLite Micro's MultiplyByQuantizedMultiplier rounds the multiplier to
/// 16 bits, (M + 2^15) >> 16 (0x7FFF from 0x7FFF0000 up), and shifts once
/// by 15 - shift: the TOSA rescale with that multiplier times 2^16, the
/// same shift and single rounding. With an int32 one it is the ordinary
/// double-rounding requantization.
Expected<Value> requantize16x8(Importer &im, const OpContext &op, Value acc,
                               ArrayRef<double> scales, bool int64Accum,
                               int activationCode, const TensorInfo &y) {
  if (!int64Accum)
    return im.requantize(op, acc, scales, 0, activationCode, y);
  Expected<Value> r = im.rescale(op, acc, im.getBuilder().getI16Type(), scales,
                                 0, 0, /*doubleRound=*/false);
  if (!r)
    return r.takeError();
  auto rescale = r->getDefiningOp<tosa::RescaleOp>();
  SmallVector<int32_t> reduced;
  for (int32_t m : rescale.getMultiplier())
    reduced.push_back((m < 0x7FFF0000 ? (m + (1 << 15)) >> 16 : 0x7FFF) << 16);
  rescale.setMultiplier(reduced);
  return im.clampActivation(op, *r, activationCode, y);
}

/// Symmetric int8 filters, quantized per tensor or per output channel
/// (along `channelDim`).
Error checkFilterQuantization(const Importer &im, const OpContext &op,
                              const TensorInfo &filter, int64_t channels,
                              int64_t channelDim) {
  if (filter.scales.empty())
    return im.failOp(op, "the filter is not quantized");
  if (llvm::any_of(filter.zeroPoints, [](int64_t z) { return z != 0; }))
    return im.failOp(op, "filter zero points must be 0 (symmetric int8)");
  if (filter.scales.size() > 1 &&
      (static_cast<int64_t>(filter.scales.size()) != channels ||
       filter.quantDim != channelDim))
    return im.failOp(op, "filter quantization is neither per tensor nor per "
                         "output channel");
  return Error::success();
}

/// CONV_2D and DEPTHWISE_CONV_2D: the MAC op with the input zero point,
/// then requantization per output channel.
Error emitConv(Importer &im, const OpContext &op, bool depthwise) {
  OpBuilder &b = im.getBuilder();
  auto in = im.operand(op, 0);
  auto filter = im.operand(op, 1);
  auto bias = im.operand(op, 2, /*optional=*/true);
  auto out = im.result(op);
  if (!in || !filter || !bias || !out)
    return llvm::joinErrors(
        llvm::joinErrors(in.takeError(), filter.takeError()),
        llvm::joinErrors(bias.takeError(), out.takeError()));
  int32_t strideH, strideW, dilationH, dilationW, activationCode;
  bool same;
  if (depthwise) {
    const auto *o = op.op->options_as_DepthwiseConv2DOptions();
    if (!o)
      return im.failOp(op, "missing DepthwiseConv2DOptions");
    strideH = o->stride_h(), strideW = o->stride_w();
    dilationH = o->dilation_h(), dilationW = o->dilation_w();
    activationCode = o->activation(), same = o->padding() == tfl::Padding_SAME;
  } else {
    const auto *o = op.op->options_as_Conv2DOptions();
    if (!o)
      return im.failOp(op, "missing Conv2DOptions");
    strideH = o->stride_h(), strideW = o->stride_w();
    dilationH = o->dilation_h(), dilationW = o->dilation_w();
    activationCode = o->activation(), same = o->padding() == tfl::Padding_SAME;
  }
  if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1)
    return im.failOp(op, "strides and dilations must be at least 1");
  const TensorInfo &x = **in, &w = **filter, &y = **out;
  Expected<bool> wide = checkMacTypes(im, op, x, w, y);
  if (!wide)
    return wide.takeError();
  if (x.shape.size() != 4 || w.shape.size() != 4 || y.shape.size() != 4)
    return im.failOp(op, "input, filter and output must have rank 4");
  if (w.data.empty())
    return im.failOp(op, "the filter must be a constant");
  const int64_t ic = x.shape[3], kh = w.shape[1], kw = w.shape[2];
  const int64_t oc = depthwise ? w.shape[3] : w.shape[0];
  if (depthwise ? (w.shape[0] != 1 || oc % ic != 0) : w.shape[3] != ic)
    return im.failOp(op, "filter shape " + shapeText(w.shape) +
                             " does not fit input shape " + shapeText(x.shape));
  auto inQ = im.perTensor(op, x);
  auto outQ = im.perTensor(op, y);
  if (!inQ || !outQ)
    return llvm::joinErrors(inQ.takeError(), outQ.takeError());
  if (Error e = checkFilterQuantization(im, op, w, oc, depthwise ? 3 : 0))
    return e;

  const Window row = computeWindow(x.shape[1], kh, strideH, dilationH, same);
  const Window col = computeWindow(x.shape[2], kw, strideW, dilationW, same);
  SmallVector<int64_t> accShape{x.shape[0], row.out, col.out, oc};

  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();
  // Bias: int32 [oc], or zeros (16x8: int48).
  auto biasValue = macBias(im, op, 2, *bias, oc, *wide);
  if (!biasValue)
    return biasValue.takeError();
  const bool int64Accum = biasValue->second;
  RankedTensorType filterType =
      depthwise ? RankedTensorType::get({kh, kw, ic, oc / ic}, b.getI8Type())
                : im.tensorType(w);
  Value weights = im.constant(op.loc, filterType, w.data);
  auto quant =
      tosa::ConvOpQuantizationAttr::get(b.getContext(), inQ->second, 0);
  auto accType = RankedTensorType::get(accShape, *wide ? b.getIntegerType(48)
                                                       : b.getI32Type());
  auto pad = b.getDenseI64ArrayAttr(
      {row.padBefore, row.padAfter, col.padBefore, col.padAfter});
  auto stride = b.getDenseI64ArrayAttr({strideH, strideW});
  auto dilation = b.getDenseI64ArrayAttr({dilationH, dilationW});
  Value acc;
  if (depthwise)
    acc = b.create<tosa::DepthwiseConv2DOp>(
        op.loc, accType, *input, weights, biasValue->first, pad, stride,
        dilation, quant, /*local_bound=*/BoolAttr());
  else
    acc =
        b.create<tosa::Conv2DOp>(op.loc, accType, *input, weights,
                                 biasValue->first, pad, stride, dilation, quant,
                                 /*local_bound=*/BoolAttr());
  SmallVector<double> scales;
  for (float s : w.scales)
    scales.push_back(static_cast<double>(inQ->first) * static_cast<double>(s) /
                     static_cast<double>(outQ->first));
  Expected<Value> output =
      *wide ? requantize16x8(im, op, acc, scales, int64Accum, activationCode, y)
            : im.requantize(op, acc, scales, outQ->second, activationCode, y);
  if (!output)
    return output.takeError();
  return im.define(op, *output);
}

} // namespace

Error tflite::emitConv2D(Importer &im, const OpContext &op) {
  return emitConv(im, op, /*depthwise=*/false);
}

Error tflite::emitDepthwiseConv2D(Importer &im, const OpContext &op) {
  return emitConv(im, op, /*depthwise=*/true);
}

/// TRANSPOSE_CONV as TFLite Micro computes it (every input pixel times the
/// filter scattered into an int32 output at in * stride - pad + tap, then
/// the bias and the per-channel requantization of a convolution): a
/// tosa.transpose_conv2d with out_pad = -pad before and what the output
/// size leaves after, which tosa-to-npu rewrites into a stride-1 conv2d
/// (Decompose.cpp). In the 16x8 mode the accumulator is int48 and the
/// bias int64, requantized as the other 16x8 MAC operators.
Error tflite::emitTransposeConv(Importer &im, const OpContext &op) {
  OpBuilder &b = im.getBuilder();
  auto filter = im.operand(op, 1);
  auto in = im.operand(op, 2);
  auto bias = im.operand(op, 3, /*optional=*/true);
  auto out = im.result(op);
  if (!in || !filter || !bias || !out)
    return llvm::joinErrors(
        llvm::joinErrors(in.takeError(), filter.takeError()),
        llvm::joinErrors(bias.takeError(), out.takeError()));
  const auto *o = op.op->options_as_TransposeConvOptions();
  if (!o)
    return im.failOp(op, "missing TransposeConvOptions");
  const int64_t sh = o->stride_h(), sw = o->stride_w();
  if (sh < 1 || sw < 1)
    return im.failOp(op, "strides must be at least 1");
  const TensorInfo &x = **in, &w = **filter, &y = **out;
  Expected<bool> wide = checkMacTypes(im, op, x, w, y);
  if (!wide)
    return wide.takeError();
  if (x.shape.size() != 4 || w.shape.size() != 4 || y.shape.size() != 4)
    return im.failOp(op, "input, filter and output must have rank 4");
  if (w.data.empty())
    return im.failOp(op, "the filter must be a constant");
  // TFLite Micro's int16 kernel reads any bias other than int16 as int64.
  if (*wide && *bias && (*bias)->type != tfl::ElementType_INT64)
    return im.failOp(op, "bias '" + (*bias)->name + "' has type " +
                             typeName((*bias)->type) +
                             "; an int16 TRANSPOSE_CONV takes INT64");
  const int64_t n = x.shape[0], h = x.shape[1], wd = x.shape[2],
                ic = x.shape[3];
  const int64_t oc = w.shape[0], kh = w.shape[1], kw = w.shape[2];
  if (w.shape[3] != ic || y.shape[0] != n || y.shape[3] != oc)
    return im.failOp(op, "filter shape " + shapeText(w.shape) +
                             " does not fit input " + shapeText(x.shape) +
                             " and output " + shapeText(y.shape));
  Expected<SmallVector<int64_t>> outShape = im.constantInts(op, 0);
  if (!outShape)
    return outShape.takeError();
  if (ArrayRef<int64_t>(*outShape) != ArrayRef<int64_t>(y.shape))
    return im.failOp(op, "the output_shape operand does not match the "
                         "output " +
                             shapeText(y.shape));
  auto inQ = im.perTensor(op, x);
  auto outQ = im.perTensor(op, y);
  if (!inQ || !outQ)
    return llvm::joinErrors(inQ.takeError(), outQ.takeError());
  if (Error e = checkFilterQuantization(im, op, w, oc, 0))
    return e;
  // TFLite pads as if the output were the input of a convolution.
  const bool same = o->padding() == tfl::Padding_SAME;
  const Window row = computeWindow(y.shape[1], kh, sh, 1, same);
  const Window col = computeWindow(y.shape[2], kw, sw, 1, same);
  const SmallVector<int64_t> outPad{
      -row.padBefore, y.shape[1] - (h - 1) * sh - kh + row.padBefore,
      -col.padBefore, y.shape[2] - (wd - 1) * sw - kw + col.padBefore};
  Expected<Value> input = im.activation(op, 2);
  if (!input)
    return input.takeError();
  Expected<std::pair<Value, bool>> biasValue =
      macBias(im, op, 3, *bias, oc, *wide);
  if (!biasValue)
    return biasValue.takeError();
  Value acc = b.create<tosa::TransposeConv2DOp>(
      op.loc,
      RankedTensorType::get({n, y.shape[1], y.shape[2], oc},
                            *wide ? b.getIntegerType(48) : b.getI32Type()),
      *input, im.constant(op.loc, im.tensorType(w), w.data), biasValue->first,
      b.getDenseI64ArrayAttr(outPad), b.getDenseI64ArrayAttr({sh, sw}),
      b.getDenseI64ArrayAttr({n, y.shape[1], y.shape[2], oc}),
      tosa::ConvOpQuantizationAttr::get(b.getContext(), inQ->second, 0),
      /*local_bound=*/BoolAttr());
  SmallVector<double> scales;
  for (float s : w.scales)
    scales.push_back(static_cast<double>(inQ->first) * static_cast<double>(s) /
                     static_cast<double>(outQ->first));
  Expected<Value> output =
      *wide ? requantize16x8(im, op, acc, scales, biasValue->second,
                             o->activation(), y)
            : im.requantize(op, acc, scales, outQ->second, o->activation(), y);
  if (!output)
    return output.takeError();
  return im.define(op, *output);
}

/// FULLY_CONNECTED: the input flattened to [batch, IC], the MAC op, then
/// requantization and the output shape.
Error tflite::emitFullyConnected(Importer &im, const OpContext &op) {
  OpBuilder &b = im.getBuilder();
  auto in = im.operand(op, 0);
  auto filter = im.operand(op, 1);
  auto bias = im.operand(op, 2, /*optional=*/true);
  auto out = im.result(op);
  if (!in || !filter || !bias || !out)
    return llvm::joinErrors(
        llvm::joinErrors(in.takeError(), filter.takeError()),
        llvm::joinErrors(bias.takeError(), out.takeError()));
  const auto *o = op.op->options_as_FullyConnectedOptions();
  const int activationCode = o ? o->activation() : 0;
  if (o && o->weights_format() != 0)
    return im.failOp(op, "shuffled weight formats are not supported");
  const TensorInfo &x = **in, &w = **filter, &y = **out;
  Expected<bool> wide = checkMacTypes(im, op, x, w, y);
  if (!wide)
    return wide.takeError();
  if (w.shape.size() != 2 || w.data.empty())
    return im.failOp(op, "the filter must be a constant of rank 2");
  const int64_t oc = w.shape[0], ic = w.shape[1];
  if (x.shape.empty() || x.elements % ic != 0)
    return im.failOp(op, "input shape " + shapeText(x.shape) +
                             " does not fit filter shape " +
                             shapeText(w.shape));
  const int64_t batch = x.elements / ic;
  if (y.elements != batch * oc)
    return im.failOp(op, "output shape " + shapeText(y.shape) +
                             " does not hold " + Twine(batch) + "x" +
                             Twine(oc) + " results");
  auto inQ = im.perTensor(op, x);
  auto outQ = im.perTensor(op, y);
  if (!inQ || !outQ)
    return llvm::joinErrors(inQ.takeError(), outQ.takeError());
  if (Error e = checkFilterQuantization(im, op, w, oc, 0))
    return e;

  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();
  auto biasValue = macBias(im, op, 2, *bias, oc, *wide);
  if (!biasValue)
    return biasValue.takeError();
  const bool int64Accum = biasValue->second;
  Value flat = im.reshape(op.loc, *input, {batch, ic});
  Value weights = im.constant(op.loc, im.tensorType(w), w.data);
  auto quant =
      tosa::ConvOpQuantizationAttr::get(b.getContext(), inQ->second, 0);
  Value acc = b.create<tosa::FullyConnectedOp>(
      op.loc,
      RankedTensorType::get({batch, oc},
                            *wide ? b.getIntegerType(48) : b.getI32Type()),
      flat, weights, biasValue->first, quant);
  // TFLite: per tensor, the input * filter scale product is a float.
  SmallVector<double> scales;
  if (w.scales.size() == 1)
    scales.push_back(static_cast<double>(inQ->first * w.scales[0]) /
                     static_cast<double>(outQ->first));
  else
    for (float s : w.scales)
      scales.push_back(static_cast<double>(inQ->first) *
                       static_cast<double>(s) /
                       static_cast<double>(outQ->first));
  Expected<Value> output =
      *wide ? requantize16x8(im, op, acc, scales, int64Accum, activationCode, y)
            : im.requantize(op, acc, scales, outQ->second, activationCode, y);
  if (!output)
    return output.takeError();
  return im.define(op, im.reshape(op.loc, *output, y.shape));
}

/// BATCH_MATMUL (int8) as TFLite Micro computes it: sum over k of
/// (lhs - zp_lhs)(rhs - zp_rhs) in int32, MultiplyByQuantizedMultiplier by
/// (s_lhs * s_rhs as a float) / s_out, plus zp_out, clamped. In TOSA: the
/// operands transposed for adj_x / adj_y, batch dimensions flattened (a
/// right-hand side without batch folds the left's batch into its rows),
/// tosa.matmul, rescale. The array has no weight offset, so with a non-zero
/// right-hand zero point the product is taken transposed, (rhs^T lhs^T)^T.
Error tflite::emitBatchMatMul(Importer &im, const OpContext &op) {
  OpBuilder &b = im.getBuilder();
  auto lhsT = im.operand(op, 0);
  auto rhsT = im.operand(op, 1);
  auto out = im.result(op);
  if (!lhsT || !rhsT || !out)
    return llvm::joinErrors(
        llvm::joinErrors(lhsT.takeError(), rhsT.takeError()), out.takeError());
  for (auto [t, role] :
       {std::make_pair(*lhsT, "lhs"), std::make_pair(*rhsT, "rhs"),
        std::make_pair(*out, "output")})
    if (Error e = im.requireType(op, *t, tfl::ElementType_INT8, role))
      return e;
  const TensorInfo &l = **lhsT, &r = **rhsT, &y = **out;
  const auto *o = op.op->options_as_BatchMatMulOptions();
  const bool adjX = o && o->adj_x(), adjY = o && o->adj_y();
  const int64_t lr = l.shape.size(), rr = r.shape.size();
  if (lr < 2 || rr < 2 || lr > 5 || rr > 5)
    return im.failOp(op, "operands must have rank 2 to 5");
  const int64_t m = l.shape[lr - (adjX ? 1 : 2)];
  const int64_t k = l.shape[lr - (adjX ? 2 : 1)];
  const int64_t k2 = r.shape[rr - (adjY ? 1 : 2)];
  const int64_t n = r.shape[rr - (adjY ? 2 : 1)];
  int64_t lBatch = 1, rBatch = 1;
  for (int64_t d = 0; d + 2 < lr; ++d)
    lBatch *= l.shape[d];
  for (int64_t d = 0; d + 2 < rr; ++d)
    rBatch *= r.shape[d];
  const bool sameBatch =
      lr == rr &&
      std::equal(l.shape.begin(), l.shape.end() - 2, r.shape.begin());
  const bool foldLhs = rBatch == 1 && !adjX;
  if (k != k2 || (!sameBatch && !foldLhs) || y.elements != lBatch * m * n)
    return im.failOp(op, "shapes " + shapeText(l.shape) + " x " +
                             shapeText(r.shape) + " -> " + shapeText(y.shape) +
                             " are not supported (equal batch dimensions, "
                             "or a right-hand side without batch)");
  auto ql = im.perTensor(op, l);
  auto qr = im.perTensor(op, r);
  auto qo = im.perTensor(op, y);
  if (!ql || !qr || !qo)
    return llvm::joinErrors(llvm::joinErrors(ql.takeError(), qr.takeError()),
                            qo.takeError());
  if (ql->second != 0 && qr->second != 0)
    return im.failOp(op, "both operands have a zero point (" +
                             Twine(ql->second) + ", " + Twine(qr->second) +
                             "); the array has no weight offset, so one of "
                             "them must be 0");
  Expected<Value> lv = im.activation(op, 0);
  Expected<Value> rv = im.activation(op, 1);
  if (!lv || !rv)
    return llvm::joinErrors(lv.takeError(), rv.takeError());
  const Location loc = op.loc;
  // [B, rows, cols] of the last two dimensions, transposed if asked.
  auto asBatched = [&](Value v, const TensorInfo &t, int64_t batch,
                       bool transpose) -> Value {
    const int64_t rank = t.shape.size();
    const int64_t rows = t.shape[rank - 2], cols = t.shape[rank - 1];
    v = im.reshape(loc, v, {batch, rows, cols});
    if (!transpose)
      return v;
    return b
        .create<tosa::TransposeOp>(
            loc, RankedTensorType::get({batch, cols, rows}, b.getI8Type()), v,
            im.constant<int32_t>(loc, {3}, ArrayRef<int32_t>{0, 2, 1}))
        .getResult();
  };
  const int64_t batch = sameBatch ? lBatch : 1;
  Value lhs = foldLhs && !sameBatch
                  ? im.reshape(loc, *lv, {1, lBatch * m, k})
                  : asBatched(*lv, l, batch, adjX); // [batch, M, K]
  const int64_t rows = foldLhs && !sameBatch ? lBatch * m : m;
  Value rhs = asBatched(*rv, r, batch, adjY); // [batch, K, N]
  const bool swap = qr->second != 0;
  auto transposed = [&](Value v, int64_t d1, int64_t d2) -> Value {
    return b
        .create<tosa::TransposeOp>(
            loc, RankedTensorType::get({batch, d2, d1}, b.getI8Type()), v,
            im.constant<int32_t>(loc, {3}, ArrayRef<int32_t>{0, 2, 1}))
        .getResult();
  };
  Value a = swap ? transposed(rhs, k, n) : lhs;
  Value bb = swap ? transposed(lhs, rows, k) : rhs;
  const int64_t aRows = swap ? n : rows, bCols = swap ? rows : n;
  Value acc = b.create<tosa::MatMulOp>(
      loc, RankedTensorType::get({batch, aRows, bCols}, b.getI32Type()), a, bb,
      tosa::MatMulOpQuantizationAttr::get(b.getContext(),
                                          swap ? qr->second : ql->second, 0));
  const double scale = static_cast<double>(ql->first * qr->first) /
                       static_cast<double>(qo->first);
  Expected<Value> result =
      im.requantize(op, acc, {scale}, qo->second, tfl::Activation_NONE, y);
  if (!result)
    return result.takeError();
  Value v = *result;
  if (swap)
    v = b.create<tosa::TransposeOp>(
        loc, RankedTensorType::get({batch, rows, n}, b.getI8Type()), v,
        im.constant<int32_t>(loc, {3}, ArrayRef<int32_t>{0, 2, 1}));
  return im.define(op, im.reshape(loc, v, y.shape));
}
