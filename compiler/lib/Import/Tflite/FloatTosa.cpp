//===- FloatTosa.cpp - A float32 TOSA model as a float32 TFLite model -----===//
//
// npuc quantizes float32 TFLite models (Quantize.cpp). A float32 TOSA
// model takes the same road: its @main is rewritten, op for op, into the
// float32 TFLite model that computes the same function, and the float
// executor, the calibration and the int8 importer take it from there.
//
//   tosa.const                          a constant buffer
//   tosa.conv2d (OHWI weights)          CONV_2D
//   tosa.depthwise_conv2d (HWCM)        DEPTHWISE_CONV_2D (weights 1HW(CM))
//   tosa.fully_connected (OI)           FULLY_CONNECTED
//   tosa.avg_pool2d / max_pool2d        AVERAGE_POOL_2D / MAX_POOL_2D
//   tosa.add / sub / mul (shift 0)      ADD / SUB / MUL
//   tosa.clamp [0, inf) [0, 6] [-1, 1]  the producer's fused activation
//                                       when it is the only user of a
//                                       conv, fully connected, pool or
//                                       add, else RELU / RELU6 /
//                                       RELU_N1_TO_1
//   tosa.reshape                        RESHAPE
//   tosa.sigmoid / tanh                 LOGISTIC / TANH
//
// Padding: TFLite knows SAME and VALID only, so a window op's explicit
// padding must be one of the two for its shapes; anything else, and any
// other op or type, is an error on the op (one line with its location).
//
//===----------------------------------------------------------------------===//
#include "npu/Import/Tflite.h"

#include "tflite_generated.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseMap.h"

#include <cstring>
#include <limits>

using namespace mlir;
namespace tfl = ::npu::tfl;

namespace {

using Fbb = flatbuffers::FlatBufferBuilder;

class Converter {
public:
  FailureOr<std::string> run(ModuleOp module);

private:
  /// Reports on `op` (one line with its location) and fails.
  LogicalResult fail(Operation *op, const Twine &message) {
    return op->emitError("'") << op->getName() << "' in a float32 TOSA "
                              << "model: " << message;
  }

  /// The tensor of `v` (a new one the first time).
  int tensorOf(Value v);
  /// A constant tensor holding `values` with `shape`.
  int constTensor(ArrayRef<float> values, ArrayRef<int64_t> shape);
  int opcodeIndex(tfl::OpCode code);
  void addOp(tfl::OpCode code, std::vector<int> inputs, Value result,
             tfl::Options type, flatbuffers::Offset<void> options);
  FailureOr<tfl::Padding> padding(Operation *op, ArrayRef<int64_t> pad,
                                  ArrayRef<int64_t> stride,
                                  ArrayRef<int64_t> dilation,
                                  ArrayRef<int64_t> kernel, Value input,
                                  Value output);
  /// The fused activation of `op`'s only user when it is a clamp TFLite
  /// can fuse (the clamp's result then maps to `op`'s output tensor).
  tfl::Activation fuseActivation(Operation *op);
  LogicalResult convert(Operation *op);

  Fbb fbb;
  std::vector<flatbuffers::Offset<tfl::Tensor>> tensors;
  std::vector<flatbuffers::Offset<tfl::Buffer>> buffers;
  std::vector<flatbuffers::Offset<tfl::Operator>> operators;
  std::vector<tfl::OpCode> opcodes;
  llvm::DenseMap<Value, int> tensorIndex;
  llvm::DenseMap<Value, Value> aliasOf; // a fused clamp's result -> input
};

/// The activation a clamp of [lo, hi] is, if any.
std::optional<tfl::Activation> clampActivation(tosa::ClampOp clamp) {
  const double lo = clamp.getMinFp().convertToDouble();
  const double hi = clamp.getMaxFp().convertToDouble();
  if (lo == 0 && hi >= std::numeric_limits<float>::max())
    return tfl::Activation_RELU;
  if (lo == 0 && hi == 6)
    return tfl::Activation_RELU6;
  if (lo == -1 && hi == 1)
    return tfl::Activation_RELU_N1_TO_1;
  return std::nullopt;
}

std::vector<float> floatsOf(DenseElementsAttr attr) {
  std::vector<float> out;
  for (const APFloat &v : attr.getValues<APFloat>())
    out.push_back(v.convertToFloat());
  return out;
}

int Converter::tensorOf(Value v) {
  if (auto alias = aliasOf.find(v); alias != aliasOf.end())
    v = alias->second;
  if (auto it = tensorIndex.find(v); it != tensorIndex.end())
    return it->second;
  auto type = cast<RankedTensorType>(v.getType());
  if (auto cst = v.getDefiningOp<tosa::ConstOp>()) {
    std::vector<float> values =
        floatsOf(cast<DenseElementsAttr>(cst.getValue()));
    if (values.size() == 1 && type.getNumElements() > 1)
      values.assign(static_cast<size_t>(type.getNumElements()), values[0]);
    return tensorIndex[v] = constTensor(values, type.getShape());
  }
  std::vector<int> shape(type.getShape().begin(), type.getShape().end());
  const int index = static_cast<int>(tensors.size());
  // Buffer 0 is the empty one of every computed tensor.
  tensors.push_back(
      tfl::CreateTensor(fbb, fbb.CreateVector(shape), tfl::ElementType_FLOAT32,
                        0, fbb.CreateString("t" + std::to_string(index))));
  return tensorIndex[v] = index;
}

int Converter::constTensor(ArrayRef<float> values, ArrayRef<int64_t> shape) {
  const auto *bytes = reinterpret_cast<const uint8_t *>(values.data());
  fbb.ForceVectorAlignment(values.size() * sizeof(float), 1, 16);
  buffers.push_back(tfl::CreateBuffer(
      fbb, fbb.CreateVector(bytes, values.size() * sizeof(float))));
  std::vector<int> dims(shape.begin(), shape.end());
  const int index = static_cast<int>(tensors.size());
  tensors.push_back(
      tfl::CreateTensor(fbb, fbb.CreateVector(dims), tfl::ElementType_FLOAT32,
                        static_cast<uint32_t>(buffers.size() - 1),
                        fbb.CreateString("t" + std::to_string(index))));
  return index;
}

int Converter::opcodeIndex(tfl::OpCode code) {
  for (size_t i = 0; i < opcodes.size(); ++i)
    if (opcodes[i] == code)
      return static_cast<int>(i);
  opcodes.push_back(code);
  return static_cast<int>(opcodes.size() - 1);
}

void Converter::addOp(tfl::OpCode code, std::vector<int> inputs, Value result,
                      tfl::Options type, flatbuffers::Offset<void> options) {
  const int out = tensorOf(result);
  operators.push_back(tfl::CreateOperator(
      fbb, static_cast<uint32_t>(opcodeIndex(code)), fbb.CreateVector(inputs),
      fbb.CreateVector(std::vector<int>{out}), type, options));
}

FailureOr<tfl::Padding> Converter::padding(Operation *op, ArrayRef<int64_t> pad,
                                           ArrayRef<int64_t> stride,
                                           ArrayRef<int64_t> dilation,
                                           ArrayRef<int64_t> kernel,
                                           Value input, Value output) {
  auto in = cast<RankedTensorType>(input.getType()).getShape();
  auto out = cast<RankedTensorType>(output.getType()).getShape();
  if (llvm::all_of(pad, [](int64_t p) { return p == 0; }))
    return tfl::Padding_VALID;
  // TFLite's SAME: out = ceil(in / stride), the total padding split with
  // the smaller half first.
  for (int d = 0; d < 2; ++d) {
    const int64_t extent = (kernel[d] - 1) * dilation[d] + 1;
    const int64_t total =
        std::max<int64_t>((out[1 + d] - 1) * stride[d] + extent - in[1 + d], 0);
    if (out[1 + d] != (in[1 + d] + stride[d] - 1) / stride[d] ||
        pad[2 * d] != total / 2 || pad[2 * d + 1] != total - total / 2) {
      (void)fail(op, "padding other than SAME or VALID has no TFLite form");
      return failure();
    }
  }
  return tfl::Padding_SAME;
}

tfl::Activation Converter::fuseActivation(Operation *op) {
  Value result = op->getResult(0);
  if (!result.hasOneUse())
    return tfl::Activation_NONE;
  auto clamp = dyn_cast<tosa::ClampOp>(*result.getUsers().begin());
  if (!clamp)
    return tfl::Activation_NONE;
  std::optional<tfl::Activation> act = clampActivation(clamp);
  if (!act)
    return tfl::Activation_NONE;
  aliasOf[clamp.getResult()] = result;
  return *act;
}

LogicalResult Converter::convert(Operation *op) {
  if (isa<tosa::ConstOp, func::ReturnOp>(op))
    return success();
  for (Type t : op->getResultTypes())
    if (!cast<ShapedType>(t).getElementType().isF32())
      return fail(op, "computes in f32 only");
  if (auto clamp = dyn_cast<tosa::ClampOp>(op)) {
    if (aliasOf.count(clamp.getResult()))
      return success(); // fused into its producer
    std::optional<tfl::Activation> act = clampActivation(clamp);
    if (!act)
      return fail(op, "a clamp other than [0, inf), [0, 6] or [-1, 1] has "
                      "no TFLite form");
    const tfl::OpCode code = *act == tfl::Activation_RELU ? tfl::OpCode_RELU
                             : *act == tfl::Activation_RELU6
                                 ? tfl::OpCode_RELU6
                                 : tfl::OpCode_RELU_N1_TO_1;
    addOp(code, {tensorOf(clamp.getInput())}, clamp.getResult(),
          tfl::Options_NONE, 0);
    return success();
  }
  if (auto conv = dyn_cast<tosa::Conv2DOp>(op)) {
    auto w = cast<RankedTensorType>(conv.getWeight().getType()).getShape();
    auto pad = padding(op, conv.getPad(), conv.getStride(), conv.getDilation(),
                       {w[1], w[2]}, conv.getInput(), conv.getResult());
    if (failed(pad))
      return failure();
    const std::vector<int> inputs{tensorOf(conv.getInput()),
                                  tensorOf(conv.getWeight()),
                                  tensorOf(conv.getBias())};
    const tfl::Activation act = fuseActivation(op);
    addOp(tfl::OpCode_CONV_2D, inputs, conv.getResult(),
          tfl::Options_Conv2DOptions,
          tfl::CreateConv2DOptions(
              fbb, *pad, int(conv.getStride()[1]), int(conv.getStride()[0]),
              act, int(conv.getDilation()[1]), int(conv.getDilation()[0]))
              .Union());
    return success();
  }
  if (auto conv = dyn_cast<tosa::DepthwiseConv2DOp>(op)) {
    auto wType = cast<RankedTensorType>(conv.getWeight().getType());
    auto w = wType.getShape(); // KH, KW, C, M
    auto pad = padding(op, conv.getPad(), conv.getStride(), conv.getDilation(),
                       {w[0], w[1]}, conv.getInput(), conv.getResult());
    if (failed(pad))
      return failure();
    auto cst = conv.getWeight().getDefiningOp<tosa::ConstOp>();
    if (!cst)
      return fail(op, "depthwise weights must be constant");
    // HWCM is 1HW(CM) in memory: the same values, another shape.
    const std::vector<float> values =
        floatsOf(cast<DenseElementsAttr>(cst.getValue()));
    const int weights = constTensor(values, {1, w[0], w[1], w[2] * w[3]});
    const std::vector<int> inputs{tensorOf(conv.getInput()), weights,
                                  tensorOf(conv.getBias())};
    const tfl::Activation act = fuseActivation(op);
    addOp(tfl::OpCode_DEPTHWISE_CONV_2D, inputs, conv.getResult(),
          tfl::Options_DepthwiseConv2DOptions,
          tfl::CreateDepthwiseConv2DOptions(fbb, *pad, int(conv.getStride()[1]),
                                            int(conv.getStride()[0]), int(w[3]),
                                            act, int(conv.getDilation()[1]),
                                            int(conv.getDilation()[0]))
              .Union());
    return success();
  }
  if (auto fc = dyn_cast<tosa::FullyConnectedOp>(op)) {
    const std::vector<int> inputs{tensorOf(fc.getInput()),
                                  tensorOf(fc.getWeight()),
                                  tensorOf(fc.getBias())};
    const tfl::Activation act = fuseActivation(op);
    addOp(tfl::OpCode_FULLY_CONNECTED, inputs, fc.getResult(),
          tfl::Options_FullyConnectedOptions,
          tfl::CreateFullyConnectedOptions(fbb, act).Union());
    return success();
  }
  auto pool = [&](auto p, tfl::OpCode code) -> LogicalResult {
    auto pad = padding(op, p.getPad(), p.getStride(), {1, 1}, p.getKernel(),
                       p.getInput(), p.getResult());
    if (failed(pad))
      return failure();
    const tfl::Activation act = fuseActivation(op);
    addOp(code, {tensorOf(p.getInput())}, p.getResult(),
          tfl::Options_Pool2DOptions,
          tfl::CreatePool2DOptions(fbb, *pad, int(p.getStride()[1]),
                                   int(p.getStride()[0]), int(p.getKernel()[1]),
                                   int(p.getKernel()[0]), act)
              .Union());
    return success();
  };
  if (auto p = dyn_cast<tosa::AvgPool2dOp>(op))
    return pool(p, tfl::OpCode_AVERAGE_POOL_2D);
  if (auto p = dyn_cast<tosa::MaxPool2dOp>(op))
    return pool(p, tfl::OpCode_MAX_POOL_2D);
  if (isa<tosa::AddOp, tosa::SubOp>(op)) {
    const std::vector<int> inputs{tensorOf(op->getOperand(0)),
                                  tensorOf(op->getOperand(1))};
    const tfl::Activation act = fuseActivation(op);
    if (isa<tosa::AddOp>(op))
      addOp(tfl::OpCode_ADD, inputs, op->getResult(0), tfl::Options_AddOptions,
            tfl::CreateAddOptions(fbb, act).Union());
    else
      addOp(tfl::OpCode_SUB, inputs, op->getResult(0), tfl::Options_SubOptions,
            tfl::CreateSubOptions(fbb, act).Union());
    return success();
  }
  if (auto mul = dyn_cast<tosa::MulOp>(op)) {
    if (mul.getShift() != 0)
      return fail(op, "a float multiply has no shift");
    addOp(tfl::OpCode_MUL,
          {tensorOf(mul.getInput1()), tensorOf(mul.getInput2())},
          mul.getResult(), tfl::Options_NONE, 0);
    return success();
  }
  if (auto reshape = dyn_cast<tosa::ReshapeOp>(op)) {
    std::vector<int> shape;
    for (int64_t d :
         cast<RankedTensorType>(reshape.getResult().getType()).getShape())
      shape.push_back(static_cast<int>(d));
    addOp(tfl::OpCode_RESHAPE, {tensorOf(reshape.getInput1())},
          reshape.getResult(), tfl::Options_ReshapeOptions,
          tfl::CreateReshapeOptions(fbb, fbb.CreateVector(shape)).Union());
    return success();
  }
  if (isa<tosa::SigmoidOp, tosa::TanhOp>(op)) {
    addOp(isa<tosa::SigmoidOp>(op) ? tfl::OpCode_LOGISTIC : tfl::OpCode_TANH,
          {tensorOf(op->getOperand(0))}, op->getResult(0), tfl::Options_NONE,
          0);
    return success();
  }
  return fail(op, "no TFLite form (the float TOSA import takes conv2d, "
                  "depthwise_conv2d, fully_connected, pools, add, sub, mul, "
                  "clamp, reshape, sigmoid, tanh)");
}

FailureOr<std::string> Converter::run(ModuleOp module) {
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main || main.getBody().getBlocks().size() != 1) {
    module.emitError("a float32 TOSA model needs a single-block @main");
    return failure();
  }
  // Buffer 0 is the empty buffer of every computed tensor.
  buffers.push_back(tfl::CreateBuffer(fbb));
  std::vector<int> inputs, outputs;
  for (BlockArgument arg : main.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type || !type.getElementType().isF32() || !type.hasStaticShape()) {
      main.emitError("a float32 TOSA model's inputs are static f32 tensors");
      return failure();
    }
    inputs.push_back(tensorOf(arg));
  }
  for (Operation &op : main.getBody().front())
    if (failed(convert(&op)))
      return failure();
  auto ret = cast<func::ReturnOp>(main.getBody().front().getTerminator());
  for (Value v : ret.getOperands())
    outputs.push_back(tensorOf(v));
  std::vector<flatbuffers::Offset<tfl::OperatorCode>> codes;
  for (tfl::OpCode code : opcodes)
    codes.push_back(tfl::CreateOperatorCode(
        fbb, static_cast<int8_t>(std::min<int>(code, 127)), 0, 1, code));
  auto graph = tfl::CreateSubGraph(
      fbb, fbb.CreateVector(tensors), fbb.CreateVector(inputs),
      fbb.CreateVector(outputs), fbb.CreateVector(operators),
      fbb.CreateString("main"));
  auto model = tfl::CreateModel(
      fbb, 3, fbb.CreateVector(codes), fbb.CreateVector(std::vector{graph}),
      fbb.CreateString("float TOSA"), fbb.CreateVector(buffers));
  tfl::FinishModelBuffer(fbb, model);
  return std::string(reinterpret_cast<const char *>(fbb.GetBufferPointer()),
                     fbb.GetSize());
}

} // namespace

bool mlir::npu::isFloatTosa(ModuleOp module) {
  auto main = module.lookupSymbol<func::FuncOp>("main");
  return main && llvm::any_of(main.getArgumentTypes(), [](Type t) {
           auto shaped = dyn_cast<ShapedType>(t);
           return shaped && shaped.getElementType().isF32();
         });
}

FailureOr<std::string> mlir::npu::floatTosaToTflite(ModuleOp module) {
  return Converter().run(module);
}
