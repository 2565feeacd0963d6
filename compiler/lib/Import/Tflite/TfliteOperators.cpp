//===- TfliteOperators.cpp - Supported TFLite operators -------------------===//
//
// The one list of builtin operators the importer supports. The driver
// rejects every other operator before importing anything and dispatches
// through this table; supportedTfliteOperators() lists it for tools and
// documentation.
//
//===----------------------------------------------------------------------===//
#include "TfliteImporter.h"

#include "llvm/ADT/STLExtras.h"

#include <iterator>

using namespace mlir;
using namespace mlir::npu::tflite;

namespace {

// The name is the schema's: the OpCode enumerator's identifier.
#define TFLITE_OPERATOR(NAME, EMIT)                                            \
  OperatorEmitter { {tfl::OpCode_##NAME, #NAME}, EMIT }

constexpr OperatorEmitter kOperators[] = {
    TFLITE_OPERATOR(ADD, emitAdd),
    TFLITE_OPERATOR(AVERAGE_POOL_2D, emitAveragePool2D),
    TFLITE_OPERATOR(CONCATENATION, emitConcatenation),
    TFLITE_OPERATOR(CONV_2D, emitConv2D),
    TFLITE_OPERATOR(DEPTHWISE_CONV_2D, emitDepthwiseConv2D),
    TFLITE_OPERATOR(DEPTH_TO_SPACE, emitDepthToSpace),
    TFLITE_OPERATOR(FULLY_CONNECTED, emitFullyConnected),
    TFLITE_OPERATOR(LOGISTIC, emitLogistic),
    TFLITE_OPERATOR(MAX_POOL_2D, emitMaxPool2D),
    TFLITE_OPERATOR(MUL, emitMul),
    TFLITE_OPERATOR(RELU, emitRelu),
    TFLITE_OPERATOR(RELU_N1_TO_1, emitReluN1To1),
    TFLITE_OPERATOR(RELU6, emitRelu6),
    TFLITE_OPERATOR(RESHAPE, emitReshape),
    TFLITE_OPERATOR(RESIZE_BILINEAR, emitResizeBilinear),
    TFLITE_OPERATOR(SOFTMAX, emitSoftmax),
    TFLITE_OPERATOR(SPACE_TO_DEPTH, emitSpaceToDepth),
    TFLITE_OPERATOR(TANH, emitTanh),
    TFLITE_OPERATOR(PAD, emitPad),
    TFLITE_OPERATOR(GATHER, emitGather),
    TFLITE_OPERATOR(TRANSPOSE, emitTranspose),
    TFLITE_OPERATOR(MEAN, emitMean),
    TFLITE_OPERATOR(SUB, emitSub),
    TFLITE_OPERATOR(SQUEEZE, emitReshape),
    TFLITE_OPERATOR(STRIDED_SLICE, emitStridedSlice),
    TFLITE_OPERATOR(SPLIT, emitSplit),
    TFLITE_OPERATOR(PRELU, emitPrelu),
    TFLITE_OPERATOR(MAXIMUM, emitMaximum),
    TFLITE_OPERATOR(MINIMUM, emitMinimum),
    TFLITE_OPERATOR(PADV2, emitPadV2),
    TFLITE_OPERATOR(SLICE, emitSlice),
    TFLITE_OPERATOR(TRANSPOSE_CONV, emitTransposeConv),
    TFLITE_OPERATOR(EXPAND_DIMS, emitReshape),
    TFLITE_OPERATOR(SUM, emitSum),
    TFLITE_OPERATOR(REDUCE_MAX, emitReduceMax),
    TFLITE_OPERATOR(PACK, emitPack),
    TFLITE_OPERATOR(UNPACK, emitUnpack),
    TFLITE_OPERATOR(REDUCE_MIN, emitReduceMin),
    TFLITE_OPERATOR(RESIZE_NEAREST_NEIGHBOR, emitResizeNearestNeighbor),
    TFLITE_OPERATOR(LEAKY_RELU, emitLeakyRelu),
    TFLITE_OPERATOR(SQUARED_DIFFERENCE, emitSquaredDifference),
    TFLITE_OPERATOR(SPLIT_V, emitSplitV),
    TFLITE_OPERATOR(ELU, emitElu),
    TFLITE_OPERATOR(QUANTIZE, emitQuantize),
    TFLITE_OPERATOR(HARD_SWISH, emitHardSwish),
    TFLITE_OPERATOR(BATCH_MATMUL, emitBatchMatMul),
};

#undef TFLITE_OPERATOR

constexpr bool orderedByCode() {
  for (size_t i = 1; i < std::size(kOperators); ++i)
    if (kOperators[i - 1].op.code >= kOperators[i].op.code)
      return false;
  return true;
}
static_assert(orderedByCode(), "one entry per operator, ordered by code");

} // namespace

const OperatorEmitter *mlir::npu::tflite::findOperator(int32_t code) {
  const auto *it = llvm::find_if(
      kOperators, [&](const OperatorEmitter &e) { return e.op.code == code; });
  return it == std::end(kOperators) ? nullptr : it;
}

std::vector<mlir::npu::TfliteOperator> mlir::npu::supportedTfliteOperators() {
  std::vector<TfliteOperator> list;
  for (const OperatorEmitter &e : kOperators)
    list.push_back(e.op);
  return list;
}
