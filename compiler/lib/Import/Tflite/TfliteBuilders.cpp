//===- TfliteBuilders.cpp - TOSA shared by the TFLite emitters ------------===//
//
// The TOSA building blocks every operator emitter uses: constants from
// TFLite buffers, reshape and cast, RESCALE by TFLite's QuantizeMultiplier
// (the runtime's quantizeMultiplier, within the PPU's shift range), and
// the clamps of fused activations.
//
//===----------------------------------------------------------------------===//
#include "TfliteImporter.h"

#include "npu/Golden/Arith.h"
#include "npu/Isa/PpuTable.h"
#include "npu/Support/TosaBuilders.h"

#include "TfliteMath.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::tflite;
using llvm::Error;
using llvm::Expected;
namespace tflmath = ::npu::tflmath;

Window tflite::computeWindow(int64_t in, int64_t kernel, int64_t stride,
                             int64_t dilation, bool same) {
  Window w;
  const int64_t effective = (kernel - 1) * dilation + 1;
  if (same) {
    w.out = (in + stride - 1) / stride;
    const int64_t total =
        std::max<int64_t>((w.out - 1) * stride + effective - in, 0);
    w.padBefore = total / 2;
    w.padAfter = total - w.padBefore;
  } else {
    w.out = in >= effective ? (in - effective) / stride + 1 : 0;
  }
  return w;
}

Type Importer::elementType(tfl::ElementType type) {
  switch (type) {
  case tfl::ElementType_INT8:
    return builder.getIntegerType(8);
  case tfl::ElementType_INT16:
    return builder.getIntegerType(16);
  case tfl::ElementType_INT32:
    return builder.getIntegerType(32);
  default:
    return nullptr;
  }
}

RankedTensorType Importer::tensorType(const TensorInfo &t) {
  return RankedTensorType::get(t.shape, elementType(t.type));
}

Value Importer::constant(Location loc, RankedTensorType type,
                         ArrayRef<uint8_t> raw) {
  // TFLite buffers are little-endian, as is every host we build on.
  auto value = DenseElementsAttr::getFromRawBuffer(
      type,
      ArrayRef<char>(reinterpret_cast<const char *>(raw.data()), raw.size()));
  return builder.create<tosa::ConstOp>(loc, type, value);
}

template <typename T>
Value Importer::constant(Location loc, ArrayRef<int64_t> shape,
                         ArrayRef<T> values) {
  auto type =
      RankedTensorType::get(shape, builder.getIntegerType(sizeof(T) * 8));
  return builder.create<tosa::ConstOp>(loc, type,
                                       DenseElementsAttr::get(type, values));
}

template Value Importer::constant<int16_t>(Location, ArrayRef<int64_t>,
                                           ArrayRef<int16_t>);
template Value Importer::constant<int32_t>(Location, ArrayRef<int64_t>,
                                           ArrayRef<int32_t>);

Value Importer::splat(Location loc, int64_t rank, int32_t value) {
  SmallVector<int64_t> shape(rank, 1);
  return constant<int32_t>(loc, shape, ArrayRef<int32_t>(value));
}

Value Importer::gatherAxis(Location loc, Value v, int64_t axis,
                           ArrayRef<int64_t> sources) {
  return tosa_build::gatherAxis(builder, loc, v, axis, sources);
}

Value Importer::reshape(Location loc, Value v, ArrayRef<int64_t> shape) {
  return tosa_build::reshape(builder, loc, v, shape);
}

Value Importer::castTo(Location loc, Value v, Type element) {
  auto type = cast<RankedTensorType>(v.getType());
  return builder.create<tosa::CastOp>(
      loc, RankedTensorType::get(type.getShape(), element), v);
}

Expected<Value> Importer::rescale(const OpContext &op, Value input,
                                  Type outElement, ArrayRef<double> scales,
                                  int32_t inputZp, int32_t outputZp,
                                  bool doubleRound) {
  SmallVector<int32_t> multipliers;
  SmallVector<int8_t> shifts;
  for (double scale : scales) {
    if (!(scale >= 0.0) || !std::isfinite(scale))
      return failOp(op, llvm::formatv("requantization scale {0} is not a "
                                      "finite non-negative number",
                                      scale)
                            .str());
    // A zero scale (multiplier 0, shift 31): the result is the zero point.
    const ::npu::golden::ScaleFactor q =
        ::npu::golden::quantizeMultiplier(scale);
    if (q.shift < ::npu::isa::kMinScaleShift ||
        q.shift > ::npu::isa::kMaxScaleShift)
      return failOp(op, llvm::formatv("requantization scale {0} is outside "
                                      "the range a 32-bit multiplier and a "
                                      "shift of {1}..{2} can express",
                                      scale, ::npu::isa::kMinScaleShift,
                                      ::npu::isa::kMaxScaleShift)
                            .str());
    multipliers.push_back(q.multiplier);
    shifts.push_back(static_cast<int8_t>(q.shift));
  }
  auto type = cast<RankedTensorType>(input.getType());
  Value rescaled = builder.create<tosa::RescaleOp>(
      op.loc, RankedTensorType::get(type.getShape(), outElement), input,
      builder.getI32IntegerAttr(inputZp), builder.getI32IntegerAttr(outputZp),
      builder.getDenseI32ArrayAttr(multipliers),
      builder.getDenseI8ArrayAttr(shifts), builder.getBoolAttr(true),
      builder.getBoolAttr(doubleRound), builder.getBoolAttr(scales.size() > 1));
  return rescaled;
}

Value Importer::rescaleExact(Location loc, Value input, Type outElement,
                             int32_t multiplier, int shift, int32_t inputZp,
                             int32_t outputZp) {
  auto type = cast<RankedTensorType>(input.getType());
  return builder.create<tosa::RescaleOp>(
      loc, RankedTensorType::get(type.getShape(), outElement), input,
      builder.getI32IntegerAttr(inputZp), builder.getI32IntegerAttr(outputZp),
      builder.getDenseI32ArrayAttr({multiplier}),
      builder.getDenseI8ArrayAttr({static_cast<int8_t>(shift)}),
      builder.getBoolAttr(true), builder.getBoolAttr(false),
      builder.getBoolAttr(false));
}

Expected<std::pair<int32_t, int32_t>>
Importer::activationBounds(const OpContext &op, int activationCode,
                           const TensorInfo &out) const {
  auto quant = perTensor(op, out);
  if (!quant)
    return quant.takeError();
  const bool wide = out.type == tfl::ElementType_INT16;
  auto range =
      tflmath::activationRange(activationCode, quant->first, quant->second,
                               wide ? INT16_MIN : -128, wide ? INT16_MAX : 127);
  if (!range)
    return failOp(op, "fused activation " +
                          Twine(tfl::EnumNameActivation(
                              static_cast<tfl::Activation>(activationCode))) +
                          " is not supported");
  if (range->first > range->second)
    return failOp(op, "fused activation range [" + Twine(range->first) + ", " +
                          Twine(range->second) + "] is empty");
  return *range;
}

Value Importer::clampInt(Location loc, Value v, int64_t lo, int64_t hi) {
  return builder.create<tosa::ClampOp>(
      loc, v.getType(), v, builder.getI64IntegerAttr(lo),
      builder.getI64IntegerAttr(hi), builder.getF32FloatAttr(0.0f),
      builder.getF32FloatAttr(0.0f));
}

Expected<Value> Importer::clampActivation(const OpContext &op, Value v,
                                          int activationCode,
                                          const TensorInfo &out) {
  auto bounds = activationBounds(op, activationCode, out);
  if (!bounds)
    return bounds.takeError();
  auto [lo, hi] = *bounds;
  const bool wide = out.type == tfl::ElementType_INT16;
  if (lo == (wide ? INT16_MIN : -128) && hi == (wide ? INT16_MAX : 127))
    return v; // the result type already bounds it
  return clampInt(op.loc, v, lo, hi);
}

Expected<Value> Importer::requantize(const OpContext &op, Value acc,
                                     ArrayRef<double> scales, int32_t outputZp,
                                     int activationCode,
                                     const TensorInfo &out) {
  const Type element = out.type == tfl::ElementType_INT16 ? builder.getI16Type()
                                                          : builder.getI8Type();
  Expected<Value> requant =
      rescale(op, acc, element, scales, 0, outputZp, /*doubleRound=*/true);
  if (!requant)
    return requant.takeError();
  return clampActivation(op, *requant, activationCode, out);
}
