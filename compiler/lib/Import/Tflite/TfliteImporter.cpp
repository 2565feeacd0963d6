//===- TfliteImporter.cpp - TFLite FlatBuffer to TOSA ---------------------===//
//
// Reads the model with the FlatBuffers reader generated from tflite.fbs (our
// own declaration of the format), checks everything the importer relies on
// (the FlatBuffer verifier, then indices, shapes, buffer sizes and
// quantization parameters), and emits TOSA following TFLite's int8
// reference kernels:
//
//   CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED: the MAC op with the input
//     zero point, then RESCALE by QuantizeMultiplier(input_scale *
//     filter_scale[c] / output_scale) with double rounding, then CLAMP to
//     the fused activation's range;
//   ADD, SUB: each input (x - zp) << 20, RESCALEd like TFLite's
//     MultiplyByQuantizedMultiplierSmallerThanOneExp, added, rescaled out;
//   AVERAGE_POOL_2D (global): the raw int8 sum divided by the count with
//     rounding half away from zero, as exact integer TOSA ops;
//   SOFTMAX: gemmlowp's fixed-point exp as four byte tables, the sum, a
//     Newton-Raphson reciprocal and the final shift, bit for bit;
//   MAX_POOL_2D, RESHAPE, SQUEEZE.
//
//===----------------------------------------------------------------------===//
#include "npu/Import/Tflite.h"

#include "npu/Golden/Arith.h"
#include "npu/Isa/PpuTable.h"

#include "TfliteMath.h"
#include "tflite_generated.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using llvm::Error;
using llvm::Expected;
namespace tfl = ::npu::tfl;
namespace tflmath = ::npu::tflmath;

namespace {

constexpr int64_t kMaxRank = 6;
constexpr int64_t kMaxElements = int64_t(1) << 31;

/// What the importer knows about one tensor of the main subgraph.
struct TensorInfo {
  std::string name;
  tfl::ElementType type = tfl::ElementType_FLOAT32;
  SmallVector<int64_t> shape;
  int64_t elements = 1;
  SmallVector<float> scales;
  SmallVector<int64_t> zeroPoints;
  int64_t quantDim = 0;
  ArrayRef<uint8_t> data; // constant contents, empty if none
};

/// The operator being imported.
struct OpContext {
  unsigned index = 0;
  std::string kind; // e.g. CONV_2D, or CUSTOM 'name'
  const tfl::Operator *op = nullptr;
  SmallVector<int32_t> inputs, outputs;
  Location loc;
};

int64_t elementBytes(tfl::ElementType type) {
  switch (type) {
  case tfl::ElementType_INT8:
  case tfl::ElementType_UINT8:
  case tfl::ElementType_BOOL:
    return 1;
  case tfl::ElementType_INT16:
  case tfl::ElementType_FLOAT16:
  case tfl::ElementType_UINT16:
    return 2;
  case tfl::ElementType_INT32:
  case tfl::ElementType_FLOAT32:
  case tfl::ElementType_UINT32:
    return 4;
  case tfl::ElementType_INT64:
  case tfl::ElementType_FLOAT64:
  case tfl::ElementType_UINT64:
  case tfl::ElementType_COMPLEX64:
    return 8;
  case tfl::ElementType_COMPLEX128:
    return 16;
  default:
    return 0; // strings, resources, int4: not fixed-size bytes here
  }
}

std::string typeName(tfl::ElementType type) {
  const char *name = tfl::EnumNameElementType(type);
  return name && *name ? name : "type " + std::to_string(int(type));
}

std::string shapeText(ArrayRef<int64_t> shape) {
  return "[" +
         llvm::join(llvm::map_range(
                        shape, [](int64_t d) { return std::to_string(d); }),
                    ", ") +
         "]";
}

/// Output size and padding (before, after) of one spatial dimension under
/// TFLite's SAME / VALID rules.
struct Window {
  int64_t out = 0, padBefore = 0, padAfter = 0;
};
Window computeWindow(int64_t in, int64_t kernel, int64_t stride,
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

bool isSupported(int32_t code);

class Importer {
public:
  Importer(MLIRContext &context, StringRef fileName, const tfl::Model &model)
      : context(context), builder(&context), fileName(fileName.str()),
        model(model) {}

  Expected<OwningOpRef<ModuleOp>> run();

private:
  // Diagnostics ----------------------------------------------------------
  Error fail(const Twine &message) const {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   (fileName + ": " + message).str());
  }
  Error failOp(const OpContext &op, const Twine &message) const {
    return fail("operator " + Twine(op.index) + " (" + op.kind +
                "): " + message);
  }

  // Model checks ----------------------------------------------------------
  Error readTensors();
  std::string opKind(uint32_t opcodeIndex) const;
  int32_t builtinCode(uint32_t opcodeIndex) const;

  // Helpers --------------------------------------------------------------
  Type elementType(tfl::ElementType type);
  RankedTensorType tensorType(const TensorInfo &t);
  Expected<const TensorInfo *> operand(const OpContext &op, unsigned k,
                                       bool optional = false) const;
  Expected<const TensorInfo *> result(const OpContext &op) const;
  Expected<Value> activation(const OpContext &op, unsigned k);
  Expected<std::pair<float, int32_t>> perTensor(const OpContext &op,
                                                const TensorInfo &t) const;
  Error requireType(const OpContext &op, const TensorInfo &t,
                    tfl::ElementType type, StringRef role) const;
  Value constant(Location loc, RankedTensorType type, ArrayRef<uint8_t> raw);
  template <typename T>
  Value constant(Location loc, ArrayRef<int64_t> shape, ArrayRef<T> values);
  Value splat(Location loc, int64_t rank, int32_t value);
  Expected<Value> rescale(const OpContext &op, Value input, Type outElement,
                          ArrayRef<double> scales, int32_t inputZp,
                          int32_t outputZp, bool doubleRound);
  Value rescaleExact(Location loc, Value input, Type outElement,
                     int32_t multiplier, int shift, int32_t inputZp,
                     int32_t outputZp);
  Expected<std::pair<int32_t, int32_t>>
  activationBounds(const OpContext &op, int activationCode,
                   const TensorInfo &out) const;
  Value clampInt(Location loc, Value v, int64_t lo, int64_t hi);
  Expected<Value> clampActivation(const OpContext &op, Value v,
                                  int activationCode, const TensorInfo &out);
  Expected<Value> requantize(const OpContext &op, Value acc,
                             ArrayRef<double> scales, int32_t outputZp,
                             int activationCode, const TensorInfo &out);
  Value reshape(Location loc, Value v, ArrayRef<int64_t> shape);
  Expected<Value> biasConstant(const OpContext &op, const TensorInfo *bias,
                               int64_t channels);
  Error checkFilterQuantization(const OpContext &op, const TensorInfo &filter,
                                int64_t channels, int64_t channelDim) const;
  Value castTo(Location loc, Value v, Type element);

  // Operators ------------------------------------------------------------
  Error importOperator(OpContext &op);
  Error importConv(OpContext &op, bool depthwise);
  Error importFullyConnected(OpContext &op);
  Error importAddSub(OpContext &op, bool isSub);
  Error importAveragePool(OpContext &op);
  Error importMaxPool(OpContext &op);
  struct PoolOperands {
    const TensorInfo *input, *output;
    const tfl::Pool2DOptions *options;
    Window row, col;
  };
  Expected<PoolOperands> poolOperands(const OpContext &op) const;
  Error importReshape(OpContext &op);
  Error importSoftmax(OpContext &op);
  Error define(const OpContext &op, Value v);

  MLIRContext &context;
  OpBuilder builder;
  std::string fileName;
  const tfl::Model &model;
  const tfl::SubGraph *graph = nullptr;
  std::vector<TensorInfo> tensors;
  std::vector<Value> values;
};

//===----------------------------------------------------------------------===//
// Model checks
//===----------------------------------------------------------------------===//

int32_t Importer::builtinCode(uint32_t opcodeIndex) const {
  const tfl::OperatorCode *code = model.operator_codes()->Get(opcodeIndex);
  // Older files keep the code in the byte field; newer ones in both.
  return std::max<int32_t>(code->deprecated_code(),
                           static_cast<int32_t>(code->code()));
}

std::string Importer::opKind(uint32_t opcodeIndex) const {
  const int32_t code = builtinCode(opcodeIndex);
  if (code == tfl::OpCode_CUSTOM) {
    const flatbuffers::String *custom =
        model.operator_codes()->Get(opcodeIndex)->custom_code();
    return custom ? "CUSTOM '" + custom->str() + "'" : "CUSTOM";
  }
  const char *name = tfl::EnumNameOpCode(static_cast<tfl::OpCode>(code));
  return name && *name ? name : "builtin operator " + std::to_string(code);
}

Error Importer::readTensors() {
  const auto *buffers = model.buffers();
  const auto *list = graph->tensors();
  if (!list)
    return fail("the main subgraph has no tensors");
  tensors.resize(list->size());
  for (auto [i, t] : llvm::enumerate(*list)) {
    TensorInfo &info = tensors[i];
    info.name = t->name() ? t->name()->str() : "";
    const std::string what =
        "tensor " + std::to_string(i) + " ('" + info.name + "')";
    info.type = t->type();
    if (t->sparsity())
      return fail(what + " is sparse; sparse tensors are not supported");
    if (t->shape()) {
      if (t->shape()->size() > kMaxRank)
        return fail(what + " has rank " + Twine(t->shape()->size()) +
                    "; at most " + Twine(kMaxRank) + " is supported");
      for (int32_t d : *t->shape()) {
        if (d < 1)
          return fail(what + " has dimension " + Twine(d) +
                      "; dimensions must be at least 1");
        info.shape.push_back(d);
        info.elements *= d;
        if (info.elements > kMaxElements)
          return fail(what + " has more than 2^31 elements");
      }
    }
    if (t->buffer() != 0) {
      if (!buffers || t->buffer() >= buffers->size())
        return fail(what + " refers to buffer " + Twine(t->buffer()) +
                    " but the model has " +
                    Twine(buffers ? buffers->size() : 0) + " buffers");
      const tfl::Buffer *buffer = buffers->Get(t->buffer());
      if (buffer->offset() > 1)
        return fail(what + " keeps its data outside the FlatBuffer (models "
                           "over 2 GB are not supported)");
      if (const auto *data = buffer->data(); data && data->size() > 0) {
        const int64_t bytes = elementBytes(info.type);
        if (bytes == 0)
          return fail(what + " has constant data of unsupported type " +
                      typeName(info.type));
        if (static_cast<int64_t>(data->size()) != info.elements * bytes)
          return fail(what + " has " + Twine(data->size()) +
                      " bytes of data but shape " + shapeText(info.shape) +
                      " of " + typeName(info.type) + " needs " +
                      Twine(info.elements * bytes));
        info.data = ArrayRef<uint8_t>(data->data(), data->size());
      }
    }
    if (const tfl::Quantization *q = t->quantization()) {
      if (q->scheme_type() != tfl::QuantizationScheme_NONE)
        return fail(what + " uses a custom quantization scheme");
      if (q->scale())
        info.scales.assign(q->scale()->begin(), q->scale()->end());
      if (q->zero_point())
        info.zeroPoints.assign(q->zero_point()->begin(),
                               q->zero_point()->end());
      info.quantDim = q->quantized_dimension();
      if (info.scales.size() != info.zeroPoints.size())
        return fail(what + " has " + Twine(info.scales.size()) +
                    " quantization scales but " +
                    Twine(info.zeroPoints.size()) + " zero points");
      for (float s : info.scales)
        if (!(s >= 0.0f) || !std::isfinite(s))
          return fail(what + " has quantization scale " +
                      llvm::formatv("{0}", s).str() +
                      "; scales must be finite and not negative");
      if (info.scales.size() > 1 && info.shape.size() > 1) {
        if (info.quantDim < 0 ||
            info.quantDim >= static_cast<int64_t>(info.shape.size()))
          return fail(what + " has quantized_dimension " +
                      Twine(info.quantDim) + " outside its rank " +
                      Twine(info.shape.size()));
        if (static_cast<int64_t>(info.scales.size()) !=
            info.shape[info.quantDim])
          return fail(what + " has " + Twine(info.scales.size()) +
                      " quantization scales for a dimension of size " +
                      Twine(info.shape[info.quantDim]));
      }
      // A 1-D tensor (a bias) has only one dimension to be quantized along,
      // whatever its quantized_dimension says.
      if (info.scales.size() > 1 && info.shape.size() == 1 &&
          static_cast<int64_t>(info.scales.size()) != info.shape[0])
        return fail(what + " has " + Twine(info.scales.size()) +
                    " quantization scales for " + Twine(info.shape[0]) +
                    " values");
    }
  }
  return Error::success();
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

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

Expected<const TensorInfo *> Importer::operand(const OpContext &op, unsigned k,
                                               bool optional) const {
  if (k >= op.inputs.size() || op.inputs[k] < 0) {
    if (optional)
      return nullptr;
    return failOp(op, "input " + Twine(k) + " is missing");
  }
  return &tensors[op.inputs[k]];
}

Expected<const TensorInfo *> Importer::result(const OpContext &op) const {
  if (op.outputs.size() != 1 || op.outputs[0] < 0)
    return failOp(op, "expected exactly one output, found " +
                          Twine(op.outputs.size()));
  return &tensors[op.outputs[0]];
}

Expected<Value> Importer::activation(const OpContext &op, unsigned k) {
  Expected<const TensorInfo *> t = operand(op, k);
  if (!t)
    return t.takeError();
  const int32_t index = op.inputs[k];
  if (values[index])
    return values[index];
  if (!(*t)->data.empty()) {
    if (!elementType((*t)->type))
      return failOp(op, "input " + Twine(k) + " has unsupported type " +
                            typeName((*t)->type));
    values[index] = constant(op.loc, tensorType(**t), (*t)->data);
    return values[index];
  }
  return failOp(op, "input " + Twine(k) + " (tensor " + Twine(index) + " '" +
                        (*t)->name +
                        "') is neither a model input, a constant, nor "
                        "produced by an earlier operator");
}

Expected<std::pair<float, int32_t>>
Importer::perTensor(const OpContext &op, const TensorInfo &t) const {
  if (t.scales.size() != 1)
    return failOp(op, "tensor '" + t.name +
                          "' needs one quantization scale and zero point, "
                          "found " +
                          Twine(t.scales.size()));
  if (!(t.scales[0] > 0.0f))
    return failOp(op, "tensor '" + t.name +
                          "' has quantization scale 0; activations need a "
                          "positive scale");
  if (t.zeroPoints[0] < -128 || t.zeroPoints[0] > 127)
    return failOp(op, "tensor '" + t.name + "' has zero point " +
                          Twine(t.zeroPoints[0]) + " outside int8");
  return std::make_pair(t.scales[0], static_cast<int32_t>(t.zeroPoints[0]));
}

Error Importer::requireType(const OpContext &op, const TensorInfo &t,
                            tfl::ElementType type, StringRef role) const {
  if (t.type == type)
    return Error::success();
  return failOp(op, role + " '" + t.name + "' has type " + typeName(t.type) +
                        "; expected " + typeName(type));
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

Value Importer::splat(Location loc, int64_t rank, int32_t value) {
  SmallVector<int64_t> shape(rank, 1);
  return constant<int32_t>(loc, shape, ArrayRef<int32_t>(value));
}

Value Importer::reshape(Location loc, Value v, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getShape() == shape)
    return v;
  return builder.create<tosa::ReshapeOp>(
      loc, RankedTensorType::get(shape, type.getElementType()), v,
      builder.getDenseI64ArrayAttr(shape));
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
  return builder
      .create<tosa::RescaleOp>(
          op.loc, RankedTensorType::get(type.getShape(), outElement), input,
          builder.getI32IntegerAttr(inputZp),
          builder.getI32IntegerAttr(outputZp),
          builder.getDenseI32ArrayAttr(multipliers),
          builder.getDenseI8ArrayAttr(shifts), builder.getBoolAttr(true),
          builder.getBoolAttr(doubleRound),
          builder.getBoolAttr(scales.size() > 1))
      .getResult();
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
  auto range =
      tflmath::activationRange(activationCode, quant->first, quant->second);
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
  if (lo == -128 && hi == 127)
    return v; // the int8 result type already bounds it
  return clampInt(op.loc, v, lo, hi);
}

/// The int8 output of a MAC or element-wise operator: `acc` requantized
/// with TFLite's double rounding and clamped to the fused activation.
Expected<Value> Importer::requantize(const OpContext &op, Value acc,
                                     ArrayRef<double> scales, int32_t outputZp,
                                     int activationCode,
                                     const TensorInfo &out) {
  Expected<Value> requant = rescale(op, acc, builder.getI8Type(), scales, 0,
                                    outputZp, /*doubleRound=*/true);
  if (!requant)
    return requant.takeError();
  return clampActivation(op, *requant, activationCode, out);
}

Error Importer::define(const OpContext &op, Value v) {
  const int32_t index = op.outputs[0];
  if (values[index] || !tensors[index].data.empty())
    return failOp(op, "output tensor " + Twine(index) + " ('" +
                          tensors[index].name + "') is defined twice");
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getShape() != ArrayRef<int64_t>(tensors[index].shape))
    return failOp(op, "output '" + tensors[index].name + "' has shape " +
                          shapeText(tensors[index].shape) +
                          " but the operator computes " +
                          shapeText(type.getShape()));
  values[index] = v;
  return Error::success();
}

/// The int32 bias of a MAC operator, or zeros when it has none.
Expected<Value> Importer::biasConstant(const OpContext &op,
                                       const TensorInfo *bias,
                                       int64_t channels) {
  if (!bias) {
    SmallVector<int32_t> zeros(channels, 0);
    return constant<int32_t>(op.loc, {channels}, zeros);
  }
  if (Error e = requireType(op, *bias, tfl::ElementType_INT32, "bias"))
    return e;
  if (bias->data.empty() || bias->elements != channels)
    return failOp(op, "the bias must be a constant of " + Twine(channels) +
                          " int32 values");
  return constant(op.loc,
                  RankedTensorType::get({channels}, builder.getI32Type()),
                  bias->data);
}

/// Symmetric int8 filters, quantized per tensor or per output channel
/// (along `channelDim`).
Error Importer::checkFilterQuantization(const OpContext &op,
                                        const TensorInfo &filter,
                                        int64_t channels,
                                        int64_t channelDim) const {
  if (filter.scales.empty())
    return failOp(op, "the filter is not quantized");
  if (llvm::any_of(filter.zeroPoints, [](int64_t z) { return z != 0; }))
    return failOp(op, "filter zero points must be 0 (symmetric int8)");
  if (filter.scales.size() > 1 &&
      (static_cast<int64_t>(filter.scales.size()) != channels ||
       filter.quantDim != channelDim))
    return failOp(op, "filter quantization is neither per tensor nor per "
                      "output channel");
  return Error::success();
}

//===----------------------------------------------------------------------===//
// Operators
//===----------------------------------------------------------------------===//

Error Importer::importConv(OpContext &op, bool depthwise) {
  auto in = operand(op, 0);
  auto filter = operand(op, 1);
  auto bias = operand(op, 2, /*optional=*/true);
  auto out = result(op);
  if (!in || !filter || !bias || !out)
    return llvm::joinErrors(
        llvm::joinErrors(in.takeError(), filter.takeError()),
        llvm::joinErrors(bias.takeError(), out.takeError()));
  int32_t strideH, strideW, dilationH, dilationW, activationCode;
  bool same;
  if (depthwise) {
    const auto *o = op.op->options_as_DepthwiseConv2DOptions();
    if (!o)
      return failOp(op, "missing DepthwiseConv2DOptions");
    strideH = o->stride_h(), strideW = o->stride_w();
    dilationH = o->dilation_h(), dilationW = o->dilation_w();
    activationCode = o->activation(), same = o->padding() == tfl::Padding_SAME;
  } else {
    const auto *o = op.op->options_as_Conv2DOptions();
    if (!o)
      return failOp(op, "missing Conv2DOptions");
    strideH = o->stride_h(), strideW = o->stride_w();
    dilationH = o->dilation_h(), dilationW = o->dilation_w();
    activationCode = o->activation(), same = o->padding() == tfl::Padding_SAME;
  }
  if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1)
    return failOp(op, "strides and dilations must be at least 1");
  for (auto [t, role] :
       {std::make_pair(*in, "input"), std::make_pair(*filter, "filter"),
        std::make_pair(*out, "output")})
    if (Error e = requireType(op, *t, tfl::ElementType_INT8, role))
      return e;
  const TensorInfo &x = **in, &w = **filter, &y = **out;
  if (x.shape.size() != 4 || w.shape.size() != 4 || y.shape.size() != 4)
    return failOp(op, "input, filter and output must have rank 4");
  if (w.data.empty())
    return failOp(op, "the filter must be a constant");
  const int64_t ic = x.shape[3], kh = w.shape[1], kw = w.shape[2];
  const int64_t oc = depthwise ? w.shape[3] : w.shape[0];
  if (depthwise ? (w.shape[0] != 1 || oc % ic != 0) : w.shape[3] != ic)
    return failOp(op, "filter shape " + shapeText(w.shape) +
                          " does not fit input shape " + shapeText(x.shape));
  auto inQ = perTensor(op, x);
  auto outQ = perTensor(op, y);
  if (!inQ || !outQ)
    return llvm::joinErrors(inQ.takeError(), outQ.takeError());
  if (Error e = checkFilterQuantization(op, w, oc, depthwise ? 3 : 0))
    return e;

  const Window row = computeWindow(x.shape[1], kh, strideH, dilationH, same);
  const Window col = computeWindow(x.shape[2], kw, strideW, dilationW, same);
  SmallVector<int64_t> accShape{x.shape[0], row.out, col.out, oc};

  Expected<Value> input = activation(op, 0);
  if (!input)
    return input.takeError();
  // Bias: int32 [oc], or zeros.
  Expected<Value> biasValue = biasConstant(op, *bias, oc);
  if (!biasValue)
    return biasValue.takeError();
  RankedTensorType filterType =
      depthwise
          ? RankedTensorType::get({kh, kw, ic, oc / ic}, builder.getI8Type())
          : tensorType(w);
  Value weights = constant(op.loc, filterType, w.data);
  auto quant = tosa::ConvOpQuantizationAttr::get(&context, inQ->second, 0);
  auto accType = RankedTensorType::get(accShape, builder.getI32Type());
  auto pad = builder.getDenseI64ArrayAttr(
      {row.padBefore, row.padAfter, col.padBefore, col.padAfter});
  auto stride = builder.getDenseI64ArrayAttr({strideH, strideW});
  auto dilation = builder.getDenseI64ArrayAttr({dilationH, dilationW});
  Value acc =
      depthwise ? builder
                      .create<tosa::DepthwiseConv2DOp>(
                          op.loc, accType, *input, weights, *biasValue, pad,
                          stride, dilation, quant, /*local_bound=*/BoolAttr())
                      .getResult()
                : builder
                      .create<tosa::Conv2DOp>(op.loc, accType, *input, weights,
                                              *biasValue, pad, stride, dilation,
                                              quant, /*local_bound=*/BoolAttr())
                      .getResult();
  SmallVector<double> scales;
  for (float s : w.scales)
    scales.push_back(static_cast<double>(inQ->first) * static_cast<double>(s) /
                     static_cast<double>(outQ->first));
  Expected<Value> output =
      requantize(op, acc, scales, outQ->second, activationCode, y);
  if (!output)
    return output.takeError();
  return define(op, *output);
}

Error Importer::importFullyConnected(OpContext &op) {
  auto in = operand(op, 0);
  auto filter = operand(op, 1);
  auto bias = operand(op, 2, /*optional=*/true);
  auto out = result(op);
  if (!in || !filter || !bias || !out)
    return llvm::joinErrors(
        llvm::joinErrors(in.takeError(), filter.takeError()),
        llvm::joinErrors(bias.takeError(), out.takeError()));
  const auto *o = op.op->options_as_FullyConnectedOptions();
  const int activationCode = o ? o->activation() : 0;
  if (o && o->weights_format() != 0)
    return failOp(op, "shuffled weight formats are not supported");
  for (auto [t, role] :
       {std::make_pair(*in, "input"), std::make_pair(*filter, "filter"),
        std::make_pair(*out, "output")})
    if (Error e = requireType(op, *t, tfl::ElementType_INT8, role))
      return e;
  const TensorInfo &x = **in, &w = **filter, &y = **out;
  if (w.shape.size() != 2 || w.data.empty())
    return failOp(op, "the filter must be a constant of rank 2");
  const int64_t oc = w.shape[0], ic = w.shape[1];
  if (x.shape.empty() || x.elements % ic != 0)
    return failOp(op, "input shape " + shapeText(x.shape) +
                          " does not fit filter shape " + shapeText(w.shape));
  const int64_t batch = x.elements / ic;
  if (y.elements != batch * oc)
    return failOp(op, "output shape " + shapeText(y.shape) + " does not hold " +
                          Twine(batch) + "x" + Twine(oc) + " results");
  auto inQ = perTensor(op, x);
  auto outQ = perTensor(op, y);
  if (!inQ || !outQ)
    return llvm::joinErrors(inQ.takeError(), outQ.takeError());
  if (Error e = checkFilterQuantization(op, w, oc, 0))
    return e;

  Expected<Value> input = activation(op, 0);
  if (!input)
    return input.takeError();
  Expected<Value> biasValue = biasConstant(op, *bias, oc);
  if (!biasValue)
    return biasValue.takeError();
  Value flat = reshape(op.loc, *input, {batch, ic});
  Value weights = constant(op.loc, tensorType(w), w.data);
  auto quant = tosa::ConvOpQuantizationAttr::get(&context, inQ->second, 0);
  Value acc = builder.create<tosa::FullyConnectedOp>(
      op.loc, RankedTensorType::get({batch, oc}, builder.getI32Type()), flat,
      weights, *biasValue, quant);
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
      requantize(op, acc, scales, outQ->second, activationCode, y);
  if (!output)
    return output.takeError();
  return define(op, reshape(op.loc, *output, y.shape));
}

Error Importer::importAddSub(OpContext &op, bool isSub) {
  auto a = operand(op, 0);
  auto b = operand(op, 1);
  auto out = result(op);
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
    if (Error e = requireType(op, *t, tfl::ElementType_INT8, role))
      return e;
  const TensorInfo &y = **out;
  auto aQ = perTensor(op, **a);
  auto bQ = perTensor(op, **b);
  auto outQ = perTensor(op, y);
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
      return failOp(op, "output shape " + shapeText(y.shape) +
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
      return failOp(op, "input shape " + shapeText(t->shape) +
                            " has a higher rank than the output");
    SmallVector<int64_t> shape(rank - t->shape.size(), 1);
    llvm::append_range(shape, t->shape);
    for (int64_t d = 0; d < rank; ++d)
      if (shape[d] != y.shape[d] && shape[d] != 1)
        return failOp(op, "input shape " + shapeText(t->shape) +
                              " does not broadcast to the output shape " +
                              shapeText(y.shape));
    Expected<Value> v = activation(op, k);
    if (!v)
      return v.takeError();
    // (x - zp) << 20, exactly, then TFLite's input multiplier.
    Value shifted =
        rescaleExact(op.loc, reshape(op.loc, *v, shape), builder.getI32Type(),
                     1 << 30, 10, q.second, 0);
    Expected<Value> r =
        rescale(op, shifted, builder.getI32Type(),
                {static_cast<double>(q.first) / twiceMax}, 0, 0, true);
    if (!r)
      return r.takeError();
    scaled.push_back(*r);
  }
  auto sumType = RankedTensorType::get(y.shape, builder.getI32Type());
  Value sum =
      isSub ? builder.create<tosa::SubOp>(op.loc, sumType, scaled[0], scaled[1])
                  .getResult()
            : builder.create<tosa::AddOp>(op.loc, sumType, scaled[0], scaled[1])
                  .getResult();
  Expected<Value> output = requantize(
      op, sum,
      {twiceMax / ((1 << leftShift) * static_cast<double>(outQ->first))},
      outQ->second, activationCode, y);
  if (!output)
    return output.takeError();
  return define(op, *output);
}

/// Operands, options and windows of AVERAGE_POOL_2D and MAX_POOL_2D: int8
/// NHWC input and output, TFLite padding.
Expected<Importer::PoolOperands>
Importer::poolOperands(const OpContext &op) const {
  auto in = operand(op, 0);
  auto out = result(op);
  if (!in || !out)
    return llvm::joinErrors(in.takeError(), out.takeError());
  const auto *o = op.op->options_as_Pool2DOptions();
  if (!o)
    return failOp(op, "missing Pool2DOptions");
  for (auto [t, role] :
       {std::make_pair(*in, "input"), std::make_pair(*out, "output")})
    if (Error e = requireType(op, *t, tfl::ElementType_INT8, role))
      return e;
  const TensorInfo &x = **in, &y = **out;
  if (x.shape.size() != 4 || y.shape.size() != 4)
    return failOp(op, "input and output must have rank 4");
  if (o->stride_h() < 1 || o->stride_w() < 1 || o->filter_h() < 1 ||
      o->filter_w() < 1)
    return failOp(op, "filter sizes and strides must be at least 1");
  const bool same = o->padding() == tfl::Padding_SAME;
  return PoolOperands{
      &x, &y, o,
      computeWindow(x.shape[1], o->filter_h(), o->stride_h(), 1, same),
      computeWindow(x.shape[2], o->filter_w(), o->stride_w(), 1, same)};
}

Error Importer::importAveragePool(OpContext &op) {
  Expected<PoolOperands> pool = poolOperands(op);
  if (!pool)
    return pool.takeError();
  const TensorInfo &x = *pool->input, &y = *pool->output;
  const tfl::Pool2DOptions *o = pool->options;
  const Window &row = pool->row, &col = pool->col;
  // TFLite divides by the number of in-image taps. The TOSA form below
  // covers the global average (one window over the whole image), which is
  // what the shared models use.
  if (row.out != 1 || col.out != 1 || o->filter_h() != x.shape[1] ||
      o->filter_w() != x.shape[2] || row.padBefore + row.padAfter != 0 ||
      col.padBefore + col.padAfter != 0)
    return failOp(op, "only global average pooling (a " + Twine(x.shape[1]) +
                          "x" + Twine(x.shape[2]) +
                          " window without padding) is supported, not a " +
                          Twine(o->filter_h()) + "x" + Twine(o->filter_w()) +
                          " window with stride " + Twine(o->stride_h()) + "x" +
                          Twine(o->stride_w()));
  Expected<Value> input = activation(op, 0);
  if (!input)
    return input.takeError();
  const int64_t n = x.shape[1] * x.shape[2];
  auto divider = tflmath::halfUpDivider(n, 2 * 128 * n + 1);
  if (!divider)
    return failOp(op, "no exact 32-bit division by " + Twine(n) + " found");
  Location loc = op.loc;
  const Type i32 = builder.getI32Type();
  // acc = sum of the raw int8 values (zero points included, as in TFLite).
  Value acc = castTo(loc, *input, i32);
  SmallVector<int64_t> shape(x.shape.begin(), x.shape.end());
  shape[1] = 1;
  acc =
      builder.create<tosa::ReduceSumOp>(loc, RankedTensorType::get(shape, i32),
                                        acc, builder.getI32IntegerAttr(1));
  shape[2] = 1;
  acc =
      builder.create<tosa::ReduceSumOp>(loc, RankedTensorType::get(shape, i32),
                                        acc, builder.getI32IntegerAttr(2));
  auto type = RankedTensorType::get(shape, i32);
  // out = sign(acc) * floor((|acc| + n/2) / n): round half away from zero.
  Value sign = clampInt(loc, acc, -1, 1);
  Value magnitude = builder.create<tosa::AbsOp>(loc, type, acc);
  // z = 2 * (|acc| + n / 2) - n + 1, and floor((z + n) / 2n) by a rounding
  // multiply.
  Value z = builder.create<tosa::MulOp>(loc, type, magnitude, splat(loc, 4, 2),
                                        builder.getI8IntegerAttr(0));
  if (const int32_t offset = 2 * static_cast<int32_t>(n / 2) - n + 1)
    z = builder.create<tosa::AddOp>(loc, type, z, splat(loc, 4, offset));
  Value quotient =
      rescaleExact(loc, z, i32, divider->first, divider->second, 0, 0);
  Value avg = builder.create<tosa::MulOp>(loc, type, quotient, sign,
                                          builder.getI8IntegerAttr(0));
  // Always clamped: the int32 result is narrowed by a (wrapping) cast.
  auto bounds = activationBounds(op, o->activation(), y);
  if (!bounds)
    return bounds.takeError();
  avg = clampInt(loc, avg, bounds->first, bounds->second);
  return define(op, castTo(loc, avg, builder.getI8Type()));
}

Error Importer::importMaxPool(OpContext &op) {
  Expected<PoolOperands> pool = poolOperands(op);
  if (!pool)
    return pool.takeError();
  const TensorInfo &x = *pool->input, &y = *pool->output;
  const tfl::Pool2DOptions *o = pool->options;
  const Window &row = pool->row, &col = pool->col;
  Expected<Value> input = activation(op, 0);
  if (!input)
    return input.takeError();
  Value pooled = builder.create<tosa::MaxPool2dOp>(
      op.loc,
      RankedTensorType::get({x.shape[0], row.out, col.out, x.shape[3]},
                            builder.getI8Type()),
      *input,
      builder.getDenseI64ArrayAttr(
          {int64_t(o->filter_h()), int64_t(o->filter_w())}),
      builder.getDenseI64ArrayAttr(
          {int64_t(o->stride_h()), int64_t(o->stride_w())}),
      builder.getDenseI64ArrayAttr(
          {row.padBefore, row.padAfter, col.padBefore, col.padAfter}));
  Expected<Value> clamped = clampActivation(op, pooled, o->activation(), y);
  if (!clamped)
    return clamped.takeError();
  return define(op, *clamped);
}

Error Importer::importReshape(OpContext &op) {
  auto in = operand(op, 0);
  auto out = result(op);
  if (!in || !out)
    return llvm::joinErrors(in.takeError(), out.takeError());
  const TensorInfo &x = **in, &y = **out;
  if (x.type != y.type || !elementType(x.type))
    return failOp(op, "input and output types must be equal integers, found " +
                          typeName(x.type) + " and " + typeName(y.type));
  if (x.elements != y.elements)
    return failOp(op, "input shape " + shapeText(x.shape) +
                          " and output shape " + shapeText(y.shape) +
                          " have different element counts");
  Expected<Value> input = activation(op, 0);
  if (!input)
    return input.takeError();
  return define(op, reshape(op.loc, *input, y.shape));
}

Error Importer::importSoftmax(OpContext &op) {
  auto in = operand(op, 0);
  auto out = result(op);
  if (!in || !out)
    return llvm::joinErrors(in.takeError(), out.takeError());
  for (auto [t, role] :
       {std::make_pair(*in, "input"), std::make_pair(*out, "output")})
    if (Error e = requireType(op, *t, tfl::ElementType_INT8, role))
      return e;
  const TensorInfo &x = **in, &y = **out;
  auto inQ = perTensor(op, x);
  auto outQ = perTensor(op, y);
  if (!inQ || !outQ)
    return llvm::joinErrors(inQ.takeError(), outQ.takeError());
  if (outQ->second != -128 || outQ->first != 1.0f / 256)
    return failOp(op, "the int8 output must have scale 1/256 and zero point "
                      "-128, as TFLite requires");
  if (x.shape != y.shape || x.shape.empty())
    return failOp(op, "input and output shapes must be equal");
  const int64_t depth = x.shape.back();
  // The sum of up to `depth` exponentials (each < 2^19 after the >> 12) must
  // leave the final shift 35 - clz(sum) below 32.
  if (depth > 256)
    return failOp(op, "softmax over " + Twine(depth) +
                          " classes; at most 256 are supported");
  const auto *o = op.op->options_as_SoftmaxOptions();
  const float beta = o ? o->beta() : 1.0f;
  if (!(beta > 0.0f) || !std::isfinite(beta))
    return failOp(op, "beta must be positive");
  const tflmath::SoftmaxParams params =
      tflmath::softmaxParams(inQ->first, beta);
  if (params.inputLeftShift < 0 || params.inputLeftShift > 31)
    return failOp(op, "input scale * beta is too small for TFLite's int8 "
                      "softmax");
  Expected<Value> input = activation(op, 0);
  if (!input)
    return input.takeError();

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
  auto c = [&](int32_t v) { return splat(loc, rank, v); };
  // One op per statement where two operands create ops: the order of the
  // ops (and constants) in the output does not depend on the compiler's
  // order of evaluating arguments.

  // diff = x - max(x) over the last axis, in [-255, 0].
  Value x32 = castTo(loc, *input, i32);
  Value rowMax = builder.create<tosa::ReduceMaxOp>(
      loc, row, x32, builder.getI32IntegerAttr(axis));
  Value diff = sub(x32, rowMax);
  // As int16 diff * 128: each table lookup then lands exactly on an entry
  // and returns entry << 7.
  Value index =
      rescaleExact(loc, diff, builder.getIntegerType(16), 1 << 30, 23, 0, 0);
  auto tables = tflmath::softmaxExpTables(params);
  SmallVector<Value, 4> bytes;
  for (const std::vector<int16_t> &table : tables) {
    Value t = constant<int16_t>(loc, {513}, table);
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
  // out = exp * (2r) >> 31, rounded >> (12 - clz + 23), minus 128.
  Value scaled = mul(e, r, 30);
  Value shifted = roundingShiftRight(scaled, sub(c(35), clz));
  Value result =
      rescaleExact(loc, shifted, builder.getI8Type(), 1 << 30, 30, 0, -128);
  return define(op, result);
}

Error Importer::importOperator(OpContext &op) {
  switch (builtinCode(op.op->opcode_index())) {
  case tfl::OpCode_CONV_2D:
    return importConv(op, /*depthwise=*/false);
  case tfl::OpCode_DEPTHWISE_CONV_2D:
    return importConv(op, /*depthwise=*/true);
  case tfl::OpCode_FULLY_CONNECTED:
    return importFullyConnected(op);
  case tfl::OpCode_ADD:
    return importAddSub(op, /*isSub=*/false);
  case tfl::OpCode_SUB:
    return importAddSub(op, /*isSub=*/true);
  case tfl::OpCode_AVERAGE_POOL_2D:
    return importAveragePool(op);
  case tfl::OpCode_MAX_POOL_2D:
    return importMaxPool(op);
  case tfl::OpCode_RESHAPE:
  case tfl::OpCode_SQUEEZE:
    return importReshape(op);
  case tfl::OpCode_SOFTMAX:
    return importSoftmax(op);
  default:
    return failOp(op, "operator is not supported by the importer");
  }
}

bool isSupported(int32_t code) {
  switch (code) {
  case tfl::OpCode_CONV_2D:
  case tfl::OpCode_DEPTHWISE_CONV_2D:
  case tfl::OpCode_FULLY_CONNECTED:
  case tfl::OpCode_ADD:
  case tfl::OpCode_SUB:
  case tfl::OpCode_AVERAGE_POOL_2D:
  case tfl::OpCode_MAX_POOL_2D:
  case tfl::OpCode_RESHAPE:
  case tfl::OpCode_SQUEEZE:
  case tfl::OpCode_SOFTMAX:
    return true;
  default:
    return false;
  }
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

Expected<OwningOpRef<ModuleOp>> Importer::run() {
  if (!model.subgraphs() || model.subgraphs()->size() == 0)
    return fail("the model has no subgraph");
  if (model.version() != 3)
    return fail("schema version " + Twine(model.version()) +
                "; only version 3 is supported");
  graph = model.subgraphs()->Get(0);
  if (Error e = readTensors())
    return e;
  values.assign(tensors.size(), Value());
  const auto *codes = model.operator_codes();
  const uint32_t codeCount = codes ? codes->size() : 0;

  auto checkIndices = [&](const flatbuffers::Vector<int32_t> *list,
                          StringRef what) -> Error {
    if (!list)
      return Error::success();
    for (int32_t t : *list)
      if (t < -1 || t >= static_cast<int32_t>(tensors.size()))
        return fail(what + " refers to tensor " + Twine(t) +
                    " but the subgraph has " + Twine(tensors.size()));
    return Error::success();
  };
  if (Error e = checkIndices(graph->inputs(), "the subgraph's input list"))
    return e;
  if (Error e = checkIndices(graph->outputs(), "the subgraph's output list"))
    return e;
  if (!graph->inputs() || !graph->outputs() || graph->outputs()->size() == 0)
    return fail("the main subgraph declares no inputs or no outputs");
  // Unsupported operators first: they are the most useful thing to report.
  if (graph->operators())
    for (auto [index, tflOp] : llvm::enumerate(*graph->operators())) {
      if (tflOp->opcode_index() >= codeCount)
        return fail("operator " + Twine(index) + " has opcode index " +
                    Twine(tflOp->opcode_index()) + " but the model has " +
                    Twine(codeCount) + " operator codes");
      if (!isSupported(builtinCode(tflOp->opcode_index())))
        return fail("operator " + Twine(index) + " (" +
                    opKind(tflOp->opcode_index()) +
                    "): operator is not supported by the importer");
    }

  // The function signature.
  auto tensorAttrs = [&](const TensorInfo &t) {
    SmallVector<NamedAttribute> attrs{
        builder.getNamedAttr("npu.name", builder.getStringAttr(t.name))};
    if (t.scales.size() == 1) {
      attrs.push_back(builder.getNamedAttr(
          "npu.scale", builder.getF64FloatAttr(t.scales[0])));
      attrs.push_back(builder.getNamedAttr(
          "npu.zero_point",
          builder.getI32IntegerAttr(static_cast<int32_t>(t.zeroPoints[0]))));
    }
    return builder.getDictionaryAttr(attrs);
  };
  SmallVector<Type> argTypes, resultTypes;
  SmallVector<Attribute> argAttrs, resultAttrs;
  for (int32_t t : *graph->inputs()) {
    if (t < 0)
      return fail("the subgraph's input list has an absent tensor (-1)");
    if (tensors[t].type != tfl::ElementType_INT8)
      return fail("input '" + tensors[t].name + "' has type " +
                  typeName(tensors[t].type) +
                  "; only int8 inputs are supported");
    argTypes.push_back(tensorType(tensors[t]));
    argAttrs.push_back(tensorAttrs(tensors[t]));
  }
  for (int32_t t : *graph->outputs()) {
    if (t < 0)
      return fail("the subgraph's output list has an absent tensor (-1)");
    if (tensors[t].type != tfl::ElementType_INT8)
      return fail("output '" + tensors[t].name + "' has type " +
                  typeName(tensors[t].type) +
                  "; only int8 outputs are supported");
    resultTypes.push_back(tensorType(tensors[t]));
    resultAttrs.push_back(tensorAttrs(tensors[t]));
  }

  Location fileLoc = FileLineColLoc::get(&context, fileName, 0, 0);
  OwningOpRef<ModuleOp> module(ModuleOp::create(fileLoc));
  (*module)->setAttr(
      "npu.source",
      builder.getStringAttr("tflite:" + llvm::sys::path::filename(fileName)));
  builder.setInsertionPointToEnd(module->getBody());
  auto func = builder.create<func::FuncOp>(
      fileLoc, "main", builder.getFunctionType(argTypes, resultTypes));
  func.setAllArgAttrs(argAttrs);
  func.setAllResultAttrs(resultAttrs);
  Block *body = func.addEntryBlock();
  builder.setInsertionPointToEnd(body);
  for (auto [i, t] : llvm::enumerate(*graph->inputs())) {
    if (values[t])
      return fail("tensor " + Twine(t) + " is listed twice as an input");
    values[t] = body->getArgument(i);
  }

  if (graph->operators())
    for (auto [index, tflOp] : llvm::enumerate(*graph->operators())) {
      if (tflOp->opcode_index() >= codeCount)
        return fail("operator " + Twine(index) + " has opcode index " +
                    Twine(tflOp->opcode_index()) + " but the model has " +
                    Twine(codeCount) + " operator codes");
      OpContext op{static_cast<unsigned>(index),
                   opKind(tflOp->opcode_index()),
                   tflOp,
                   {},
                   {},
                   fileLoc};
      const std::string where = fileName + ": operator " +
                                std::to_string(index) + " (" + op.kind + ")";
      const std::string name =
          "operator " + std::to_string(index) + " (" + op.kind + ")";
      if (Error e = checkIndices(tflOp->inputs(), name + " input"))
        return e;
      if (Error e = checkIndices(tflOp->outputs(), name + " output"))
        return e;
      if (tflOp->inputs())
        op.inputs.assign(tflOp->inputs()->begin(), tflOp->inputs()->end());
      if (tflOp->outputs())
        op.outputs.assign(tflOp->outputs()->begin(), tflOp->outputs()->end());
      op.loc = NameLoc::get(
          builder.getStringAttr(op.kind + "_" + std::to_string(index)),
          NameLoc::get(builder.getStringAttr(where)));
      if (Error e = importOperator(op))
        return e;
    }

  SmallVector<Value> results;
  for (int32_t t : *graph->outputs()) {
    if (!values[t])
      return fail("output '" + tensors[t].name +
                  "' is not produced by any operator");
    results.push_back(values[t]);
  }
  builder.create<func::ReturnOp>(fileLoc, results);
  if (failed(mlir::verify(*module)))
    return fail("the imported TOSA does not verify (an importer bug)");
  return module;
}

} // namespace

bool mlir::npu::isTfliteBuffer(StringRef bytes) {
  return bytes.size() >= 8 && tfl::ModelBufferHasIdentifier(bytes.data());
}

Expected<OwningOpRef<ModuleOp>> mlir::npu::importTflite(StringRef bytes,
                                                        StringRef fileName,
                                                        MLIRContext &context) {
  auto fail = [&](const Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   (fileName + ": " + message).str());
  };
  if (bytes.size() < 8)
    return fail("file of " + Twine(bytes.size()) +
                " bytes is too short for a TFLite model");
  if (!isTfliteBuffer(bytes))
    return fail("not a TFLite model (no 'TFL3' file identifier)");
  // FlatBuffers are read in place; the verifier needs the start aligned.
  std::vector<uint8_t> aligned(bytes.begin(), bytes.end());
  flatbuffers::Verifier verifier(aligned.data(), aligned.size(),
                                 /*max_depth=*/64, /*max_tables=*/10000000);
  if (!tfl::VerifyModelBuffer(verifier))
    return fail("malformed TFLite FlatBuffer (truncated or corrupt: the "
                "FlatBuffers verifier rejects it)");
  context.loadDialect<tosa::TosaDialect, func::FuncDialect>();
  Importer importer(context, fileName, *tfl::GetModel(aligned.data()));
  return importer.run();
}
