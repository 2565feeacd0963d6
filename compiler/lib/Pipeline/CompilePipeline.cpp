//===- CompilePipeline.cpp - The npu compilation pipeline -----------------===//
#include "npu/Pipeline/CompilePipeline.h"

#include "npu/Conversion/TosaToNpu/TosaToNpu.h"
#include "npu/Dialect/Npu/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

void mlir::npu::buildNpuCompilePipeline(
    OpPassManager &pm, const NpuCompilePipelineOptions &options) {
  const SmallVector<std::string> overrides(options.overrides.begin(),
                                           options.overrides.end());
  NpuSetArchOptions archOptions;
  archOptions.arch = options.arch;
  archOptions.overrides = overrides;
  pm.addPass(createNpuSetArch(archOptions));
  pm.addNestedPass<func::FuncOp>(createTosaToNpu());
  // The options hold an ArrayRef: the lists live until the passes copy
  // them.
  const SmallVector<std::string> rescalePlan(options.rescalePlan.begin(),
                                             options.rescalePlan.end());
  if (options.rescale != RescaleMode::Exact || !rescalePlan.empty()) {
    NpuRequantizeWeightsOptions requantOptions;
    requantOptions.mode = options.rescale;
    requantOptions.plan = rescalePlan;
    pm.addPass(createNpuRequantizeWeights(requantOptions));
  }
  pm.addNestedPass<func::FuncOp>(createNpuFoldRescale());
  NpuWeightPointsOptions pointsOptions;
  pointsOptions.points = options.weightPoints;
  pointsOptions.budget = options.weightPointBudget;
  const SmallVector<int> plan(options.weightPointPlan.begin(),
                              options.weightPointPlan.end());
  pointsOptions.plan = plan;
  pm.addPass(createNpuWeightPoints(pointsOptions));
  pm.addPass(createNpuAccBound());
  if (!options.quantReport.empty() || options.quantTable) {
    NpuQuantReportOptions reportOptions;
    reportOptions.file = options.quantReport;
    reportOptions.table = options.quantTable;
    pm.addPass(createNpuQuantReport(reportOptions));
  }
  if (options.graphOnly)
    return;
  if (options.cascade)
    pm.addPass(createNpuCascade());
  pm.addPass(createNpuPlanSram());
  pm.addPass(createNpuPlanMemory());
  pm.addPass(createNpuLowerToInstructions());
  pm.addPass(createNpuPrefetch());
  pm.addPass(createNpuSchedule());
}

void mlir::npu::registerNpuCompilePipeline() {
  PassPipelineRegistration<NpuCompilePipelineOptions>(
      "npu-compile-pipeline",
      "Compile a TOSA int8 module for the NPU: graph-level npu ops, then "
      "(unless graph-only) an npu.program with its dependency tokens",
      buildNpuCompilePipeline);
}
