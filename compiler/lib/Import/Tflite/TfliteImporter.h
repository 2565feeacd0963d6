//===- TfliteImporter.h - TFLite importer internals -------------*- C++ -*-===//
//
// What the parts of the TFLite importer share:
//
//   TfliteImporter.cpp  reading and validation: the model, its buffers,
//                       tensors and quantization parameters, operator
//                       operands, the order operators define values in,
//                       and the driver that builds func.func @main;
//   TfliteEntry.cpp     the public entry points (npu/Import/Tflite.h);
//   FloatExecutor.cpp   a float32 model run on the host;
//   Quantize.cpp        post-training quantization of a float32 model;
//   TfliteBuilders.cpp  the TOSA every operator needs: constants, reshape,
//                       cast, rescale, requantize, activation clamps;
//   TfliteOperators.cpp the table of supported operators;
//   Emit*.cpp           one emitter per operator family.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_IMPORT_TFLITE_TFLITEIMPORTER_H
#define NPU_IMPORT_TFLITE_TFLITEIMPORTER_H

#include "npu/Import/Tflite.h"

#include "tflite_generated.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace mlir::npu::tflite {

namespace tfl = ::npu::tfl;

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

/// The schema's name of an element type ("INT8"), or "type N".
std::string typeName(tfl::ElementType type);
/// A shape as "[1, 2, 3]".
std::string shapeText(ArrayRef<int64_t> shape);

/// The builtin code of operator code `opcodeIndex` (which must be valid).
int32_t builtinCodeOf(const tfl::Model &model, uint32_t opcodeIndex);
/// Its schema name ("CONV_2D"), "CUSTOM 'name'", or "builtin operator N".
std::string opKindOf(const tfl::Model &model, uint32_t opcodeIndex);

/// Whether an operator other than an edge QUANTIZE or DEQUANTIZE makes a
/// float32 tensor (the model needs post-training quantization).
bool computesInFloat(const tfl::Model &model, const tfl::SubGraph &graph,
                     ArrayRef<TensorInfo> tensors);
/// Post-training quantization (Quantize.cpp): rewrites the float32 tensors
/// of `tensors` as TFLite's int8 quantizer would, from the ranges the
/// calibration inputs reach; quantized constants are kept in `storage`.
llvm::Error quantizeFloatModel(StringRef fileName, const tfl::Model &model,
                               const tfl::SubGraph &graph,
                               std::vector<TensorInfo> &tensors,
                               std::vector<std::vector<uint8_t>> &storage,
                               const TfliteCalibration &calibration);

/// Output size and padding (before, after) of one spatial dimension under
/// TFLite's SAME / VALID rules.
struct Window {
  int64_t out = 0, padBefore = 0, padAfter = 0;
};
Window computeWindow(int64_t in, int64_t kernel, int64_t stride,
                     int64_t dilation, bool same);

/// Imports one model. The emitters reach the model's tensors and the values
/// defined so far only through the operand and result accessors below.
class Importer {
public:
  Importer(MLIRContext &context, StringRef fileName, const tfl::Model &model,
           const TfliteCalibration *calibration)
      : context(context), builder(&context), fileName(fileName.str()),
        model(model), calibration(calibration) {}

  llvm::Expected<OwningOpRef<ModuleOp>> run();

  // Diagnostics: "FILE: what" and "FILE: operator N (KIND): what".
  llvm::Error fail(const Twine &message) const;
  llvm::Error failOp(const OpContext &op, const Twine &message) const;

  // Operands and results (TfliteImporter.cpp) ----------------------------
  /// Input `k` of `op`; nullptr if it is absent and `optional`.
  llvm::Expected<const TensorInfo *> operand(const OpContext &op, unsigned k,
                                             bool optional = false) const;
  /// The only output of `op`.
  llvm::Expected<const TensorInfo *> result(const OpContext &op) const;
  /// Output `k` of an operator with several outputs.
  llvm::Expected<const TensorInfo *> resultAt(const OpContext &op,
                                              unsigned k) const;
  /// The value of input `k`: a function argument, an earlier operator's
  /// result, or the tensor's constant data.
  llvm::Expected<Value> activation(const OpContext &op, unsigned k);
  /// Binds `v` to output `k` of `op`, which must not be defined yet and
  /// must have `v`'s shape.
  llvm::Error define(const OpContext &op, Value v, unsigned k = 0);
  /// The scale and zero point of a per-tensor quantized int8 activation.
  llvm::Expected<std::pair<float, int32_t>>
  perTensor(const OpContext &op, const TensorInfo &t) const;
  llvm::Error requireType(const OpContext &op, const TensorInfo &t,
                          tfl::ElementType type, StringRef role) const;
  /// The output `y` of an element-wise operator has its input `x`'s shape.
  llvm::Error requireSameShape(const OpContext &op, const TensorInfo &x,
                               const TensorInfo &y) const;
  /// `t` has `ref`'s integer element type and, for int8, exactly its scale
  /// and zero point (`role` names `t` in the error).
  llvm::Error requireSameQuantization(const OpContext &op, const TensorInfo &t,
                                      const TensorInfo &ref,
                                      StringRef role) const;
  /// Input 0 and the output of an operator that takes and gives one int8
  /// tensor (or, where `allow16`, one int16 tensor with zero point 0:
  /// TFLite's 16x8 mode), checked, with their scales and zero points.
  struct Unary {
    const TensorInfo *in, *out;
    std::pair<float, int32_t> qIn, qOut;
    bool wide = false; ///< int16
  };
  llvm::Expected<Unary> unaryOperands(const OpContext &op,
                                      bool allow16 = false) const;
  /// Input 0 and the output of a data-movement operator, whose output must
  /// keep the input's type and quantization.
  llvm::Expected<std::pair<const TensorInfo *, const TensorInfo *>>
  movedOperands(const OpContext &op) const;
  /// The values of input `k`, which must be a constant INT32 or INT64
  /// tensor (a permutation, paddings, a pad value).
  llvm::Expected<SmallVector<int64_t>> constantInts(const OpContext &op,
                                                    unsigned k) const;

  // TOSA building (TfliteBuilders.cpp) -----------------------------------
  OpBuilder &getBuilder() { return builder; }
  /// The MLIR element type of an integer tensor type; null for others.
  Type elementType(tfl::ElementType type);
  RankedTensorType tensorType(const TensorInfo &t);
  /// A tosa.const of `type` from little-endian bytes.
  Value constant(Location loc, RankedTensorType type, ArrayRef<uint8_t> raw);
  /// A tosa.const of int16 or int32 values.
  template <typename T>
  Value constant(Location loc, ArrayRef<int64_t> shape, ArrayRef<T> values);
  /// An int32 constant of `rank` dimensions of size 1.
  Value splat(Location loc, int64_t rank, int32_t value);
  /// `v` with dimension `axis` rebuilt from `sources`: output index i takes
  /// input index sources[i] (slices and a concat).
  Value gatherAxis(Location loc, Value v, int64_t axis,
                   ArrayRef<int64_t> sources);
  /// `v` reshaped, or `v` itself if it has that shape.
  Value reshape(Location loc, Value v, ArrayRef<int64_t> shape);
  Value castTo(Location loc, Value v, Type element);
  /// A tosa.rescale by QuantizeMultiplier(scale), per channel if there is
  /// more than one scale.
  llvm::Expected<Value> rescale(const OpContext &op, Value input,
                                Type outElement, ArrayRef<double> scales,
                                int32_t inputZp, int32_t outputZp,
                                bool doubleRound);
  /// A tosa.rescale by a given multiplier and shift (single rounding).
  Value rescaleExact(Location loc, Value input, Type outElement,
                     int32_t multiplier, int shift, int32_t inputZp,
                     int32_t outputZp);
  /// The int8 (int16 for an int16 `out`) output of a MAC or element-wise
  /// operator: `acc` requantized with TFLite's double rounding and clamped
  /// to the fused activation.
  llvm::Expected<Value> requantize(const OpContext &op, Value acc,
                                   ArrayRef<double> scales, int32_t outputZp,
                                   int activationCode, const TensorInfo &out);
  /// The range of a fused activation for the output's quantization (int8,
  /// or int16 for an int16 output).
  llvm::Expected<std::pair<int32_t, int32_t>>
  activationBounds(const OpContext &op, int activationCode,
                   const TensorInfo &out) const;
  Value clampInt(Location loc, Value v, int64_t lo, int64_t hi);
  /// `v` clamped to the fused activation's range, if that is narrower than
  /// the output's type.
  llvm::Expected<Value> clampActivation(const OpContext &op, Value v,
                                        int activationCode,
                                        const TensorInfo &out);

private:
  /// TFLite's float conversions at the model's edge: float32 inputs read
  /// only by QUANTIZE (input tensor -> the quantized tensor) and float32
  /// outputs made by DEQUANTIZE (output -> the int8/int16 tensor it reads),
  /// and those operators, which the host performs instead (the program's
  /// float interface).
  struct EdgeConversions {
    std::map<int32_t, int32_t> inputs, outputs;
    std::set<unsigned> ops;
  };
  llvm::Expected<EdgeConversions> findEdgeConversions() const;
  int32_t builtinCode(uint32_t opcodeIndex) const {
    return builtinCodeOf(model, opcodeIndex);
  }
  std::string opKind(uint32_t opcodeIndex) const {
    return opKindOf(model, opcodeIndex);
  }
  /// A float32 model's post-training quantization, when it is one.
  llvm::Error quantizeIfFloat();
  llvm::Error importOperator(const OpContext &op);

  MLIRContext &context;
  OpBuilder builder;
  std::string fileName;
  const tfl::Model &model;
  const TfliteCalibration *calibration;
  const tfl::SubGraph *graph = nullptr;
  std::vector<TensorInfo> tensors;
  std::vector<Value> values;
  /// A quantized float32 model: its inputs and outputs, int8 now, which
  /// keep a float interface; and the quantized constants.
  std::set<int32_t> floatEdges;
  std::vector<std::vector<uint8_t>> quantizedData;
};

/// Checks that every operator's opcode index and operands are in range and
/// that it has outputs (what the float executor relies on).
llvm::Error checkOperands(StringRef fileName, const tfl::Model &model,
                          const tfl::SubGraph &graph,
                          ArrayRef<TensorInfo> tensors);

/// Reads and verifies the main subgraph's tensor table (shared by the
/// importer and readTfliteSignature).
llvm::Error readTensorTable(StringRef fileName, const tfl::Model &model,
                            const tfl::SubGraph &graph,
                            std::vector<TensorInfo> &tensors);

//===----------------------------------------------------------------------===//
// Supported operators (TfliteOperators.cpp)
//===----------------------------------------------------------------------===//

/// Builds the TOSA of one operator: checks its operands and options, then
/// defines its output.
using EmitFn = llvm::Error (*)(Importer &im, const OpContext &op);

struct OperatorEmitter {
  TfliteOperator op;
  EmitFn emit;
};

/// The entry of a builtin code in the table of supported operators
/// (TfliteOperators.cpp); nullptr if the code is not supported.
const OperatorEmitter *findOperator(int32_t code);

// EmitConv.cpp
llvm::Error emitBatchMatMul(Importer &im, const OpContext &op);
llvm::Error emitConv2D(Importer &im, const OpContext &op);
llvm::Error emitDepthwiseConv2D(Importer &im, const OpContext &op);
llvm::Error emitFullyConnected(Importer &im, const OpContext &op);
llvm::Error emitTransposeConv(Importer &im, const OpContext &op);
// EmitActivation16.cpp (the 16x8 mode's int16 LOGISTIC, TANH, LEAKY_RELU;
// EmitTable.cpp's emitters pass int16 operators on to them)
llvm::Error emitLeakyRelu16(Importer &im, const OpContext &op, float alpha);
llvm::Error emitLogistic16(Importer &im, const OpContext &op);
llvm::Error emitTanh16(Importer &im, const OpContext &op);
// EmitActivation.cpp
llvm::Error emitPrelu(Importer &im, const OpContext &op);
llvm::Error emitQuantize(Importer &im, const OpContext &op);
llvm::Error emitRelu(Importer &im, const OpContext &op);
llvm::Error emitRelu6(Importer &im, const OpContext &op);
llvm::Error emitReluN1To1(Importer &im, const OpContext &op);
// EmitElementwise.cpp
llvm::Error emitAdd(Importer &im, const OpContext &op);
llvm::Error emitMaximum(Importer &im, const OpContext &op);
llvm::Error emitMinimum(Importer &im, const OpContext &op);
llvm::Error emitMul(Importer &im, const OpContext &op);
llvm::Error emitSquaredDifference(Importer &im, const OpContext &op);
llvm::Error emitSub(Importer &im, const OpContext &op);
// EmitLayout.cpp
llvm::Error emitConcatenation(Importer &im, const OpContext &op);
llvm::Error emitPad(Importer &im, const OpContext &op);
llvm::Error emitPadV2(Importer &im, const OpContext &op);
llvm::Error emitTranspose(Importer &im, const OpContext &op);
// EmitPool.cpp
llvm::Error emitAveragePool2D(Importer &im, const OpContext &op);
llvm::Error emitMaxPool2D(Importer &im, const OpContext &op);
// EmitReduce.cpp
llvm::Error emitMean(Importer &im, const OpContext &op);
llvm::Error emitReduceMax(Importer &im, const OpContext &op);
llvm::Error emitReduceMin(Importer &im, const OpContext &op);
llvm::Error emitSum(Importer &im, const OpContext &op);
// EmitReshape.cpp (RESHAPE, SQUEEZE and EXPAND_DIMS)
llvm::Error emitReshape(Importer &im, const OpContext &op);
// EmitTable.cpp (int8 -> int8 functions as 256-entry tables)
llvm::Error emitElu(Importer &im, const OpContext &op);
llvm::Error emitHardSwish(Importer &im, const OpContext &op);
llvm::Error emitLeakyRelu(Importer &im, const OpContext &op);
llvm::Error emitLogistic(Importer &im, const OpContext &op);
llvm::Error emitTanh(Importer &im, const OpContext &op);
// EmitResize.cpp
llvm::Error emitDepthToSpace(Importer &im, const OpContext &op);
llvm::Error emitGather(Importer &im, const OpContext &op);
llvm::Error emitResizeBilinear(Importer &im, const OpContext &op);
llvm::Error emitResizeNearestNeighbor(Importer &im, const OpContext &op);
llvm::Error emitSpaceToDepth(Importer &im, const OpContext &op);
// EmitSlice.cpp
llvm::Error emitPack(Importer &im, const OpContext &op);
llvm::Error emitSlice(Importer &im, const OpContext &op);
llvm::Error emitSplit(Importer &im, const OpContext &op);
llvm::Error emitSplitV(Importer &im, const OpContext &op);
llvm::Error emitStridedSlice(Importer &im, const OpContext &op);
llvm::Error emitUnpack(Importer &im, const OpContext &op);
// EmitSoftmax.cpp
llvm::Error emitSoftmax(Importer &im, const OpContext &op);

} // namespace mlir::npu::tflite

#endif // NPU_IMPORT_TFLITE_TFLITEIMPORTER_H
