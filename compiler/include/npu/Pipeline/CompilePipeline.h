//===- CompilePipeline.h - The npu compilation pipeline ---------*- C++ -*-===//
//
// One definition of the pass sequence that compiles a TOSA module for the
// NPU, used by npuc and registered for npu-opt as --npu-compile-pipeline.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_PIPELINE_COMPILEPIPELINE_H
#define NPU_PIPELINE_COMPILEPIPELINE_H

#include "npu/Dialect/Npu/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir::npu {

struct NpuCompilePipelineOptions
    : public PassPipelineOptions<NpuCompilePipelineOptions> {
  Option<std::string> arch{*this, "arch",
                           llvm::cl::desc("Target: preset name or YAML file"),
                           llvm::cl::init("npu-base")};
  ListOption<std::string> overrides{
      *this, "set", llvm::cl::desc("key=value ArchConfig overrides")};
  Option<bool> graphOnly{
      *this, "graph-only",
      llvm::cl::desc("Stop at the graph-level npu dialect (no memory plan, "
                     "no program)"),
      llvm::cl::init(false)};
  Option<RescaleMode> rescale{
      *this, "rescale",
      llvm::cl::desc("Weight quantization: exact (the model's own), "
                     "per-layer or wess (npu-requantize-weights)"),
      llvm::cl::init(RescaleMode::Exact), rescaleModeValues()};
  Option<WeightPoints> weightPoints{
      *this, "weight-points",
      llvm::cl::desc("Points per int8 weight on a 4-bit array "
                     "(npu-weight-points)"),
      llvm::cl::init(WeightPoints::Exact), weightPointsValues()};
  Option<double> weightPointBudget{
      *this, "weight-point-budget",
      llvm::cl::desc("weight-points=auto: weight SQNR (dB) per layer"),
      llvm::cl::init(30.0)};
  ListOption<std::string> rescalePlan{
      *this, "rescale-plan",
      llvm::cl::desc("Rescale mode (exact, per-layer or wess) per planned "
                     "layer, overriding rescale (npuc --precision-plan with "
                     "--rescale=auto)")};
  ListOption<int> weightPointPlan{
      *this, "weight-point-plan",
      llvm::cl::desc("Points (1 or 2) per layer, overriding weight-points "
                     "(npuc --precision-plan)")};
  Option<std::string> quantReport{
      *this, "quant-report",
      llvm::cl::desc("Write the per-layer quantization report (JSON) here"),
      llvm::cl::init("")};
  Option<bool> quantTable{
      *this, "quant-table",
      llvm::cl::desc("Print the per-layer quantization table on stderr"),
      llvm::cl::init(false)};
  Option<bool> cascade{
      *this, "cascade",
      llvm::cl::desc("Run chains of convolutions whose intermediates do not "
                     "fit on chip band by band (npu-cascade)"),
      llvm::cl::init(true)};
};

/// npu-set-arch, then on each function tosa-to-npu, npu-requantize-weights
/// (unless `rescale` is exact and there is no `rescalePlan`) and
/// npu-fold-rescale, then npu-weight-points,
/// npu-acc-bound and (with `quantReport` or `quantTable`)
/// npu-quant-report; unless
/// `graphOnly`, npu-cascade (if `cascade`), npu-plan-sram, npu-plan-memory,
/// npu-lower-to-instructions and npu-schedule, which leave an npu.program.
void buildNpuCompilePipeline(OpPassManager &pm,
                             const NpuCompilePipelineOptions &options);

/// Registers the pipeline as "npu-compile-pipeline".
void registerNpuCompilePipeline();

} // namespace mlir::npu

#endif // NPU_PIPELINE_COMPILEPIPELINE_H
