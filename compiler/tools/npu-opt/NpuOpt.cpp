//===- NpuOpt.cpp - mlir-opt with the npu dialect and passes --------------===//
#include "npu/Conversion/TosaToNpu/TosaToNpu.h"
#include "npu/Dialect/Npu/IR/NpuDialect.h"
#include "npu/Dialect/Npu/IR/NpuOps.h"
#include "npu/Dialect/Npu/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<mlir::npu::NpuDialect, mlir::tosa::TosaDialect,
                  mlir::func::FuncDialect, mlir::arith::ArithDialect,
                  mlir::tensor::TensorDialect>();
  mlir::registerTransformsPasses();
  mlir::npu::registerConversionPasses();
  mlir::npu::registerNpuPasses();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "npu-opt: the npu dialect's optimizer\n", registry));
}
