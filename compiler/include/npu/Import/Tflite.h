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
#include <vector>

namespace mlir::npu {

/// True if `bytes` carries the TFLite FlatBuffer file identifier ("TFL3").
bool isTfliteBuffer(llvm::StringRef bytes);

/// Imports the model in `bytes`. `fileName` names the model in locations
/// and messages. Every failure is one line: "FILE: operator N (NAME): what"
/// or "FILE: what" for problems outside an operator.
llvm::Expected<OwningOpRef<ModuleOp>> importTflite(llvm::StringRef bytes,
                                                   llvm::StringRef fileName,
                                                   MLIRContext &context);

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
