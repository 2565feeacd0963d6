//===- Tflite.h - TFLite FlatBuffer to TOSA importer ------------*- C++ -*-===//
//
// Reads an int8 TensorFlow Lite model (.tflite) and builds a module with one
// func.func @main in TOSA whose integer semantics are those of TFLite's
// int8 reference kernels (see docs/compiler.md, "TFLite importer").
//
//===----------------------------------------------------------------------===//
#ifndef NPU_IMPORT_TFLITE_H
#define NPU_IMPORT_TFLITE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::npu {

/// True if `bytes` carries the TFLite FlatBuffer file identifier ("TFL3").
bool isTfliteBuffer(llvm::StringRef bytes);

/// How a float32 model is quantized after training (docs/quantization.md,
/// "Float models").
struct TfliteCalibration {
  /// Per sample, one float32 vector per model input (in the model's input
  /// order, row-major, the input's element count).
  std::vector<std::vector<std::vector<float>>> samples;
  /// The range of each activation: the smallest and largest value over
  /// every sample, or the `percentile`th and (100 - `percentile`)th
  /// percentiles of its values (outliers clipped).
  enum class Range { MinMax, Percentile };
  Range range = Range::MinMax;
  double percentile = 99.99;
};

/// A model input or output as the file declares it.
struct TfliteInput {
  std::string name;
  std::vector<int64_t> shape;
};

/// What a caller needs before importing: the inputs, and whether the model
/// computes in float32 (then importTflite needs a calibration).
struct TfliteSignature {
  std::vector<TfliteInput> inputs, outputs;
  bool computesInFloat = false;
};
llvm::Expected<TfliteSignature> readTfliteSignature(llvm::StringRef bytes,
                                                    llvm::StringRef fileName);

/// Imports the model in `bytes`. `fileName` names the model in locations
/// and messages. Every failure is one line: "FILE: operator N (NAME): what"
/// or "FILE: what" for problems outside an operator. A float32 model is
/// quantized first from `calibration` (required for one); its program
/// keeps a float32 interface (quantized inputs, dequantized outputs), and
/// the module records each operator's output quantization as
/// `npu.layer_outputs` (a dictionary from "KIND_index", the operator's
/// layer name, to [scale, zero point]).
llvm::Expected<OwningOpRef<ModuleOp>>
importTflite(llvm::StringRef bytes, llvm::StringRef fileName,
             MLIRContext &context,
             const TfliteCalibration *calibration = nullptr);

/// Runs a float32 model on the host in float (TFLite's float reference
/// semantics) on `inputs` (one per model input, row-major) and returns its
/// outputs.
llvm::Expected<std::vector<std::vector<float>>>
runTfliteFloat(llvm::StringRef bytes, llvm::StringRef fileName,
               const std::vector<std::vector<float>> &inputs);

/// The same run, returning instead the first output of each operator in
/// `operators` (indices into the main subgraph's operator list).
llvm::Expected<std::vector<std::vector<float>>>
runTfliteFloatOperators(llvm::StringRef bytes, llvm::StringRef fileName,
                        const std::vector<std::vector<float>> &inputs,
                        const std::vector<unsigned> &operators);

/// True when `module`'s @main takes float32 tensors: a float TOSA model,
/// which npuc quantizes like a float32 TFLite one.
bool isFloatTosa(ModuleOp module);

/// The float32 TFLite model (FlatBuffer bytes) that computes what a float32
/// TOSA model's @main computes (FloatTosa.cpp lists the ops); fails with an
/// error on the first op it cannot express.
FailureOr<std::string> floatTosaToTflite(ModuleOp module);

/// A TFLite builtin operator the importer supports: its BuiltinOperator
/// code and its name in the TFLite schema ("CONV_2D").
struct TfliteOperator {
  int32_t code;
  llvm::StringRef name;
};

/// Every builtin operator the importer supports, ordered by code.
std::vector<TfliteOperator> supportedTfliteOperators();

} // namespace mlir::npu

#endif // NPU_IMPORT_TFLITE_H
