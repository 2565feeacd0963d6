//===- NpuOpt.cpp - mlir-opt with the npu dialect and passes --------------===//
//
// --help lists MLIR's opt options, the passes and the pipelines
// (npu-compile-pipeline among them); the options LLVM's libraries register
// on their own (code generators, ...) stay accepted but hidden.
//
//===----------------------------------------------------------------------===//
#include "npu/Conversion/TosaToNpu/TosaToNpu.h"
#include "npu/Dialect/Npu/IR/NpuDialect.h"
#include "npu/Dialect/Npu/IR/NpuOps.h"
#include "npu/Dialect/Npu/Transforms/Passes.h"
#include "npu/Pipeline/CompilePipeline.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"

/// Hides every option registered so far: before MlirOptMain registers its
/// own, those are the static options of the LLVM libraries. The generic
/// options (--help, --version) stay visible.
static void hideLibraryOptions() {
  static llvm::cl::OptionCategory noLibraryOptions("npu-opt");
  llvm::cl::HideUnrelatedOptions(noLibraryOptions);
}

int main(int argc, char **argv) {
  hideLibraryOptions();
  mlir::DialectRegistry registry;
  registry.insert<mlir::npu::NpuDialect, mlir::tosa::TosaDialect,
                  mlir::func::FuncDialect, mlir::arith::ArithDialect,
                  mlir::tensor::TensorDialect>();
  mlir::registerTransformsPasses();
  mlir::npu::registerConversionPasses();
  mlir::npu::registerNpuPasses();
  mlir::npu::registerNpuCompilePipeline();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "npu-opt: the npu dialect's optimizer\n", registry));
}
