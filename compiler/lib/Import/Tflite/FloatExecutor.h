//===- FloatExecutor.h - A float32 TFLite model run on the host -*- C++ -*-===//
//
// Runs the operators of a float32 model's main subgraph in float, with the
// semantics of TFLite's float reference kernels, for post-training
// quantization: the calibration observes every tensor it computes
// (Quantize.cpp), and npuc compares a quantized program's outputs with the
// float model's.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_IMPORT_TFLITE_FLOATEXECUTOR_H
#define NPU_IMPORT_TFLITE_FLOATEXECUTOR_H

#include "TfliteImporter.h"

#include "llvm/ADT/STLFunctionalExtras.h"

namespace mlir::npu::tflite {

/// Whether `t` is a constant a float model reads as float values: float32
/// data, or int8 data with a scale (weights kept in int8 by TFLite's
/// dynamic-range form).
bool isFloatConstant(const TensorInfo &t);
/// Its values as float (int8 data dequantized).
std::vector<float> floatConstant(const TensorInfo &t);

/// The builtin operators FloatExecutor runs (ordered by code).
ArrayRef<int32_t> floatOperatorCodes();

class FloatExecutor {
public:
  /// `tensors` is the subgraph's tensor table (Importer::readTensors).
  FloatExecutor(StringRef fileName, const tfl::Model &model,
                const tfl::SubGraph &graph, ArrayRef<TensorInfo> tensors)
      : fileName(fileName.str()), model(model), graph(graph), tensors(tensors) {
  }

  /// Checks that every operator is one FloatExecutor runs on float32
  /// tensors (the first that is not is the error).
  llvm::Error check() const;

  /// Runs the model on `inputs` (one per subgraph input, row-major) and
  /// calls `visit(tensor, values)` for each input and each tensor an
  /// operator computes. Returns the subgraph's outputs.
  llvm::Expected<std::vector<std::vector<float>>>
  run(ArrayRef<std::vector<float>> inputs,
      llvm::function_ref<void(int32_t, ArrayRef<float>)> visit) const;

private:
  llvm::Error fail(unsigned index, const Twine &message) const;

  std::string fileName;
  const tfl::Model &model;
  const tfl::SubGraph &graph;
  ArrayRef<TensorInfo> tensors;
};

} // namespace mlir::npu::tflite

#endif // NPU_IMPORT_TFLITE_FLOATEXECUTOR_H
