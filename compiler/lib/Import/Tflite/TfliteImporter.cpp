//===- TfliteImporter.cpp - TFLite FlatBuffer to TOSA ---------------------===//
//
// Reads the model with the FlatBuffers reader generated from tflite.fbs (our
// own declaration of the format), checks everything the importer relies on
// (the FlatBuffer verifier, then indices, shapes, buffer sizes and
// quantization parameters), rejects operators missing from the table in
// TfliteOperators.cpp, and builds func.func @main operator by operator
// through that table's emitters (Emit*.cpp), which follow TFLite's int8
// reference kernels. The operands an emitter reads are checked here: they
// exist, and every input is a model input, a constant or the result of an
// earlier operator; every output is defined once, with its declared shape.
//
//===----------------------------------------------------------------------===//
#include "TfliteImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include "llvm/Support/Path.h"
#include <cstdio>

#include <cmath>

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::tflite;
using llvm::Error;
using llvm::Expected;

namespace {

constexpr int64_t kMaxRank = 6;
constexpr int64_t kMaxElements = int64_t(1) << 31;

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

} // namespace

std::string tflite::typeName(tfl::ElementType type) {
  const char *name = tfl::EnumNameElementType(type);
  return name && *name ? name : "type " + std::to_string(int(type));
}

std::string tflite::shapeText(ArrayRef<int64_t> shape) {
  return "[" +
         llvm::join(llvm::map_range(
                        shape, [](int64_t d) { return std::to_string(d); }),
                    ", ") +
         "]";
}

Error Importer::fail(const Twine &message) const {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 (fileName + ": " + message).str());
}

Error Importer::failOp(const OpContext &op, const Twine &message) const {
  return fail("operator " + Twine(op.index) + " (" + op.kind + "): " + message);
}

//===----------------------------------------------------------------------===//
// Model checks
//===----------------------------------------------------------------------===//

int32_t tflite::builtinCodeOf(const tfl::Model &model, uint32_t opcodeIndex) {
  const tfl::OperatorCode *code = model.operator_codes()->Get(opcodeIndex);
  // Older files keep the code in the byte field; newer ones in both.
  return std::max<int32_t>(code->deprecated_code(),
                           static_cast<int32_t>(code->code()));
}

std::string tflite::opKindOf(const tfl::Model &model, uint32_t opcodeIndex) {
  const int32_t code = builtinCodeOf(model, opcodeIndex);
  if (code == tfl::OpCode_CUSTOM) {
    const flatbuffers::String *custom =
        model.operator_codes()->Get(opcodeIndex)->custom_code();
    return custom ? "CUSTOM '" + custom->str() + "'" : "CUSTOM";
  }
  const char *name = tfl::EnumNameOpCode(static_cast<tfl::OpCode>(code));
  return name && *name ? name : "builtin operator " + std::to_string(code);
}

Error tflite::readTensorTable(StringRef fileName, const tfl::Model &model,
                              const tfl::SubGraph &graph,
                              std::vector<TensorInfo> &tensors) {
  auto fail = [&](const Twine &message) -> Error {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   (fileName + ": " + message).str());
  };
  const auto *buffers = model.buffers();
  const auto *list = graph.tensors();
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
// Operands and results
//===----------------------------------------------------------------------===//

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

Expected<const TensorInfo *> Importer::resultAt(const OpContext &op,
                                                unsigned k) const {
  if (k >= op.outputs.size() || op.outputs[k] < 0)
    return failOp(op, "output " + Twine(k) + " is missing");
  return &tensors[op.outputs[k]];
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

Error Importer::requireSameShape(const OpContext &op, const TensorInfo &x,
                                 const TensorInfo &y) const {
  if (x.shape == y.shape)
    return Error::success();
  return failOp(op, "input shape " + shapeText(x.shape) +
                        " differs from the output shape " + shapeText(y.shape));
}

Error Importer::requireSameQuantization(const OpContext &op,
                                        const TensorInfo &t,
                                        const TensorInfo &ref,
                                        StringRef role) const {
  if (t.type != ref.type ||
      !(t.type == tfl::ElementType_INT8 || t.type == tfl::ElementType_INT16 ||
        t.type == tfl::ElementType_INT32))
    return failOp(op, role + " '" + t.name + "' has type " + typeName(t.type) +
                          "; expected " + typeName(ref.type));
  if (t.type != tfl::ElementType_INT8)
    return Error::success();
  auto q = perTensor(op, t);
  auto qr = perTensor(op, ref);
  if (!q || !qr)
    return llvm::joinErrors(q.takeError(), qr.takeError());
  if (*q != *qr) {
    // Shortest text that reads back as the same float.
    char a[32], b[32];
    std::snprintf(a, sizeof(a), "%.9g", static_cast<double>(q->first));
    std::snprintf(b, sizeof(b), "%.9g", static_cast<double>(qr->first));
    return failOp(op, role + " '" + t.name + "' has scale " + a +
                          " and zero point " + Twine(q->second) + ", not " + b +
                          " and " + Twine(qr->second) + " like '" + ref.name +
                          "'");
  }
  return Error::success();
}

Expected<Importer::Unary> Importer::unaryOperands(const OpContext &op,
                                                  bool allow16) const {
  auto in = operand(op, 0);
  auto out = result(op);
  if (!in || !out)
    return llvm::joinErrors(in.takeError(), out.takeError());
  const TensorInfo &x = **in, &y = **out;
  const bool wide = allow16 && x.type == tfl::ElementType_INT16;
  const auto type = wide ? tfl::ElementType_INT16 : tfl::ElementType_INT8;
  if (Error e = requireType(op, x, type, "input"))
    return std::move(e);
  if (Error e = requireType(op, y, type, "output"))
    return std::move(e);
  auto q = perTensor(op, x);
  auto qo = perTensor(op, y);
  if (!q || !qo)
    return llvm::joinErrors(q.takeError(), qo.takeError());
  if (wide && (q->second != 0 || qo->second != 0))
    return failOp(op, "int16 (16x8) input and output need zero point 0");
  return Unary{&x, &y, *q, *qo, wide};
}

Expected<std::pair<const TensorInfo *, const TensorInfo *>>
Importer::movedOperands(const OpContext &op) const {
  auto in = operand(op, 0);
  auto out = result(op);
  if (!in || !out)
    return llvm::joinErrors(in.takeError(), out.takeError());
  if (Error e = requireSameQuantization(op, **out, **in, "output"))
    return std::move(e);
  return std::make_pair(*in, *out);
}

Expected<SmallVector<int64_t>> Importer::constantInts(const OpContext &op,
                                                      unsigned k) const {
  Expected<const TensorInfo *> t = operand(op, k);
  if (!t)
    return t.takeError();
  const TensorInfo &c = **t;
  const size_t width = c.type == tfl::ElementType_INT32   ? 4
                       : c.type == tfl::ElementType_INT64 ? 8
                       : c.type == tfl::ElementType_INT8  ? 1
                                                          : 0;
  if (c.data.empty() || width == 0)
    return failOp(op, "input " + Twine(k) + " ('" + c.name +
                          "') must be a constant INT32, INT64 or INT8 tensor");
  SmallVector<int64_t> values;
  for (size_t i = 0; i + width <= c.data.size(); i += width) {
    uint64_t raw = 0;
    for (size_t byte = 0; byte < width; ++byte)
      raw |= static_cast<uint64_t>(c.data[i + byte]) << (8 * byte);
    // Sign-extend from the element's width.
    const unsigned shift = 64 - 8 * width;
    values.push_back(static_cast<int64_t>(raw << shift) >> shift);
  }
  return values;
}

Error Importer::define(const OpContext &op, Value v, unsigned k) {
  const int32_t index = op.outputs[k];
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

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

Error Importer::importOperator(const OpContext &op) {
  const OperatorEmitter *entry =
      findOperator(builtinCode(op.op->opcode_index()));
  if (!entry)
    return failOp(op, "operator is not supported by the importer");
  return entry->emit(*this, op);
}

Expected<Importer::EdgeConversions> Importer::findEdgeConversions() const {
  EdgeConversions edges;
  if (!graph->operators())
    return edges;
  const auto *ops = graph->operators();
  const uint32_t codeCount =
      model.operator_codes() ? model.operator_codes()->size() : 0;
  auto code = [&](const tfl::Operator *op) {
    return op->opcode_index() < codeCount ? builtinCode(op->opcode_index())
                                          : -1;
  };
  auto single = [](const flatbuffers::Vector<int32_t> *list) {
    return list && list->size() == 1 ? list->Get(0) : -1;
  };
  auto quantizedPerTensor = [&](int32_t t) {
    return t >= 0 &&
           (tensors[t].type == tfl::ElementType_INT8 ||
            tensors[t].type == tfl::ElementType_INT16) &&
           tensors[t].scales.size() == 1 && tensors[t].scales[0] > 0;
  };
  for (int32_t in : *graph->inputs()) {
    if (in < 0 || tensors[in].type != tfl::ElementType_FLOAT32)
      continue;
    // Every reader must be a QUANTIZE to one and the same quantization.
    int32_t quantized = -1;
    SmallVector<unsigned> readers;
    for (auto [index, op] : llvm::enumerate(*ops)) {
      if (!op->inputs() || !llvm::is_contained(*op->inputs(), in))
        continue;
      const int32_t out = single(op->outputs());
      if (code(op) != tfl::OpCode_QUANTIZE || single(op->inputs()) != in ||
          !quantizedPerTensor(out))
        return fail("float32 input '" + tensors[in].name +
                    "' is read by "
                    "operator " +
                    Twine(index) +
                    ", which is not a QUANTIZE "
                    "to a per-tensor int8 or int16 tensor (only that "
                    "conversion runs at the edge)");
      if (quantized >= 0 &&
          (tensors[out].type != tensors[quantized].type ||
           tensors[out].scales != tensors[quantized].scales ||
           tensors[out].zeroPoints != tensors[quantized].zeroPoints))
        return fail("float32 input '" + tensors[in].name +
                    "' is quantized twice with different parameters");
      quantized = out;
      readers.push_back(index);
    }
    if (quantized < 0)
      continue; // reported as an unsupported input type
    edges.inputs[in] = quantized;
    edges.ops.insert(readers.begin(), readers.end());
  }
  for (int32_t out : *graph->outputs()) {
    if (out < 0 || tensors[out].type != tfl::ElementType_FLOAT32)
      continue;
    for (auto [index, op] : llvm::enumerate(*ops)) {
      if (single(op->outputs()) != out || code(op) != tfl::OpCode_DEQUANTIZE)
        continue;
      const int32_t from = single(op->inputs());
      if (!quantizedPerTensor(from))
        return fail("operator " + Twine(index) +
                    " (DEQUANTIZE): the "
                    "input of float32 output '" +
                    tensors[out].name +
                    "' must be a per-tensor int8 or int16 tensor");
      for (const auto *reader : *ops)
        if (reader->inputs() && llvm::is_contained(*reader->inputs(), out))
          return fail("float32 output '" + tensors[out].name +
                      "' is also read inside the model; only a model "
                      "output can be dequantized at the edge");
      edges.outputs[out] = from;
      edges.ops.insert(index);
    }
  }
  return edges;
}

Error Importer::quantizeIfFloat() {
  if (!computesInFloat(model, *graph, tensors))
    return Error::success();
  if (!calibration)
    return fail("the model computes in float32: npuc quantizes it from "
                "calibration inputs; give --calib=FILE.npy|DIR");
  if (!graph->inputs() || !graph->outputs())
    return fail("the main subgraph declares no inputs or no outputs");
  for (const auto *list : {graph->inputs(), graph->outputs()})
    for (int32_t t : *list) {
      if (t < 0 || t >= static_cast<int32_t>(tensors.size()))
        return fail("the subgraph's input or output list refers to tensor " +
                    Twine(t));
      if (tensors[t].type != tfl::ElementType_FLOAT32)
        return fail("input or output '" + tensors[t].name + "' has type " +
                    typeName(tensors[t].type) +
                    "; a float32 model needs float32 inputs and outputs");
      floatEdges.insert(t);
    }
  if (Error e = checkOperands(fileName, model, *graph, tensors))
    return e;
  return quantizeFloatModel(fileName, model, *graph, tensors, quantizedData,
                            *calibration);
}

Expected<OwningOpRef<ModuleOp>> Importer::run() {
  if (!model.subgraphs() || model.subgraphs()->size() == 0)
    return fail("the model has no subgraph");
  if (model.version() != 3)
    return fail("schema version " + Twine(model.version()) +
                "; only version 3 is supported");
  graph = model.subgraphs()->Get(0);
  if (Error e = readTensorTable(fileName, model, *graph, tensors))
    return e;
  if (Error e = quantizeIfFloat())
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
  // Float inputs and outputs: converted on the host at the edge.
  Expected<EdgeConversions> edges = findEdgeConversions();
  if (!edges)
    return edges.takeError();
  // Unsupported operators first: they are the most useful thing to report.
  if (graph->operators())
    for (auto [index, tflOp] : llvm::enumerate(*graph->operators())) {
      if (tflOp->opcode_index() >= codeCount)
        return fail("operator " + Twine(index) + " has opcode index " +
                    Twine(tflOp->opcode_index()) + " but the model has " +
                    Twine(codeCount) + " operator codes");
      if (edges->ops.count(index))
        continue;
      if (builtinCode(tflOp->opcode_index()) == tfl::OpCode_DEQUANTIZE)
        return fail("operator " + Twine(index) +
                    " (DEQUANTIZE): supported only from an int8 tensor to a "
                    "float32 model output that nothing else reads");
      if (!findOperator(builtinCode(tflOp->opcode_index()))) {
        // Where it is: its first output tensor, when that index is valid.
        std::string output;
        if (tflOp->outputs() && tflOp->outputs()->size() > 0) {
          const int32_t t = tflOp->outputs()->Get(0);
          if (t >= 0 && t < static_cast<int32_t>(tensors.size()))
            output = ", output '" + tensors[t].name + "'";
        }
        return fail("operator " + Twine(index) + " (" +
                    opKind(tflOp->opcode_index()) + output +
                    "): operator is not supported by the importer");
      }
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
  // A float interface tensor: the quantized tensor's type and quantization
  // under the float tensor's name, marked npu.float_interface.
  auto edgeAttrs = [&](const TensorInfo &floatTensor,
                       const TensorInfo &quantized) {
    NamedAttrList attrs(tensorAttrs(quantized));
    attrs.set("npu.name", builder.getStringAttr(floatTensor.name));
    attrs.set("npu.float_interface", builder.getUnitAttr());
    return attrs.getDictionary(&context);
  };
  SmallVector<Type> argTypes, resultTypes;
  SmallVector<Attribute> argAttrs, resultAttrs;
  for (int32_t t : *graph->inputs()) {
    if (t < 0)
      return fail("the subgraph's input list has an absent tensor (-1)");
    if (floatEdges.count(t)) {
      argTypes.push_back(tensorType(tensors[t]));
      argAttrs.push_back(edgeAttrs(tensors[t], tensors[t]));
      continue;
    }
    if (auto it = edges->inputs.find(t); it != edges->inputs.end()) {
      argTypes.push_back(tensorType(tensors[it->second]));
      argAttrs.push_back(edgeAttrs(tensors[t], tensors[it->second]));
      continue;
    }
    if (tensors[t].type != tfl::ElementType_INT8 &&
        tensors[t].type != tfl::ElementType_INT16)
      return fail("input '" + tensors[t].name + "' has type " +
                  typeName(tensors[t].type) +
                  "; only int8 and int16 inputs (or float32 ones that only "
                  "QUANTIZE to int8 reads) are supported");
    argTypes.push_back(tensorType(tensors[t]));
    argAttrs.push_back(tensorAttrs(tensors[t]));
  }
  for (int32_t t : *graph->outputs()) {
    if (t < 0)
      return fail("the subgraph's output list has an absent tensor (-1)");
    if (floatEdges.count(t)) {
      resultTypes.push_back(tensorType(tensors[t]));
      resultAttrs.push_back(edgeAttrs(tensors[t], tensors[t]));
      continue;
    }
    if (auto it = edges->outputs.find(t); it != edges->outputs.end()) {
      resultTypes.push_back(tensorType(tensors[it->second]));
      resultAttrs.push_back(edgeAttrs(tensors[t], tensors[it->second]));
      continue;
    }
    if (tensors[t].type != tfl::ElementType_INT8 &&
        tensors[t].type != tfl::ElementType_INT16)
      return fail("output '" + tensors[t].name + "' has type " +
                  typeName(tensors[t].type) +
                  "; only int8 and int16 outputs (or float32 ones a "
                  "DEQUANTIZE of an int8 tensor makes) are supported");
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
    // The edge QUANTIZEs' outputs are the (already quantized) argument.
    if (edges->inputs.count(t))
      for (const auto *op : *graph->operators())
        if (op->inputs() && op->inputs()->size() > 0 &&
            op->inputs()->Get(0) == t && op->outputs() &&
            op->outputs()->size() == 1)
          values[op->outputs()->Get(0)] = body->getArgument(i);
  }

  if (graph->operators())
    for (auto [index, tflOp] : llvm::enumerate(*graph->operators())) {
      if (tflOp->opcode_index() >= codeCount)
        return fail("operator " + Twine(index) + " has opcode index " +
                    Twine(tflOp->opcode_index()) + " but the model has " +
                    Twine(codeCount) + " operator codes");
      if (edges->ops.count(index))
        continue;
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
    if (auto it = edges->outputs.find(t); it != edges->outputs.end())
      t = it->second; // the int8 tensor the edge DEQUANTIZE reads
    if (!values[t])
      return fail("output '" + tensors[t].name +
                  "' is not produced by any operator");
    results.push_back(values[t]);
  }
  builder.create<func::ReturnOp>(fileLoc, results);
  if (!floatEdges.empty() && graph->operators()) {
    // A quantized float model: each operator's output quantization, by
    // layer name, for comparisons with the float model (npuc's per-layer
    // SQNR).
    SmallVector<NamedAttribute> layers;
    for (auto [index, tflOp] : llvm::enumerate(*graph->operators())) {
      if (!tflOp->outputs() || tflOp->outputs()->size() == 0)
        continue;
      const TensorInfo &t = tensors[tflOp->outputs()->Get(0)];
      if (t.scales.size() != 1)
        continue;
      layers.push_back(builder.getNamedAttr(
          opKind(tflOp->opcode_index()) + "_" + std::to_string(index),
          builder.getF64ArrayAttr(
              {double(t.scales[0]), double(t.zeroPoints[0])})));
    }
    (*module)->setAttr("npu.layer_outputs", builder.getDictionaryAttr(layers));
  }
  if (failed(mlir::verify(*module)))
    return fail("the imported TOSA does not verify (an importer bug)");
  return module;
}
