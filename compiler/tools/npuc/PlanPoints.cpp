//===- PlanPoints.cpp - npuc --precision-plan on an imported model --------===//
#include "PlanPoints.h"

#include "Calibration.h"

#include "npu/Dialect/Npu/IR/NpuOps.h"
#include "npu/Target/EmitProgram.h"

using namespace mlir;

namespace npuc {

std::vector<std::string> rescaleNames(const std::vector<PlanChoice> &plan) {
  std::vector<std::string> names;
  for (const PlanChoice &c : plan)
    names.push_back(mlir::npu::rescaleModeName(c.rescale).str());
  return names;
}

::npu::Result<PlanResult>
planPoints(ModuleOp module, const mlir::npu::NpuCompilePipelineOptions &base,
           const PlanRequest &request, const ClonePipeline &compile) {
  const mlir::npu::RescaleMode rescale = base.rescale.getValue();
  const bool planRescale = rescale == mlir::npu::RescaleMode::Auto;
  // With --rescale=auto the units are rescaleLayers (depthwise ones
  // included, modes only); hasPoints marks those that are pointLayers.
  std::vector<bool> hasPoints;
  auto compileClone = [&](ModuleOp m, const std::vector<PlanChoice> *plan,
                          bool graphOnly, mlir::npu::RescaleMode mode) {
    mlir::npu::NpuCompilePipelineOptions options;
    options.rescale = mode == mlir::npu::RescaleMode::Auto && !plan
                          ? mlir::npu::RescaleMode::Exact
                          : mode;
    options.graphOnly = graphOnly;
    std::vector<int> points;
    std::vector<std::string> modes;
    if (plan) {
      for (size_t u = 0; u < plan->size(); ++u)
        if (hasPoints.empty() || hasPoints[u])
          points.push_back((*plan)[u].points);
      options.weightPointPlan = ArrayRef<int>(points);
      if (mode == mlir::npu::RescaleMode::Auto) {
        modes = rescaleNames(*plan);
        options.rescalePlan = ArrayRef<std::string>(modes);
      }
    }
    return compile(m, options);
  };
  OwningOpRef<ModuleOp> graph = module.clone();
  if (!compileClone(*graph, nullptr, /*graphOnly=*/true, rescale))
    return ::npu::makeError("--precision-plan: the model does not compile");
  FailureOr<::npu::ArchConfig> arch = mlir::npu::getArchConfig(*graph);
  if (failed(arch))
    return ::npu::makeError("--precision-plan: no target configuration");
  if (arch->array.weightBits == 8 && !planRescale)
    return ::npu::makeError("--precision-plan chooses low-bit points: compile "
                            "for a 4-bit or 2-bit array (--set "
                            "array.weight_bits=4), or give --rescale=auto");
  // --weight-points=auto with an error budget plans pass groups, else
  // --precision-plan plans layers.
  const bool groups =
      base.weightPoints.getValue() == mlir::npu::WeightPoints::Auto;
  std::vector<std::string> names;
  if (groups) {
    names = mlir::npu::pointGroupNames(*graph);
  } else if (planRescale) {
    SmallVector<Operation *> units = mlir::npu::rescaleLayers(*graph);
    SmallVector<Operation *> pointOps = mlir::npu::pointLayers(*graph);
    names = mlir::npu::layerNames(units);
    for (Operation *op : units)
      hasPoints.push_back(llvm::is_contained(pointOps, op));
  } else {
    names = mlir::npu::pointLayerNames(*graph);
  }
  auto compileWith =
      [&](const std::vector<PlanChoice> *plan,
          mlir::npu::RescaleMode mode) -> ::npu::Result<::npu::Program> {
    OwningOpRef<ModuleOp> m = module.clone();
    if (!compileClone(*m, plan, /*graphOnly=*/false, mode))
      return ::npu::makeError("--precision-plan: a planned program does not "
                              "compile");
    FailureOr<::npu::Program> program = mlir::npu::buildModuleProgram(*m);
    if (failed(program))
      return ::npu::makeError("--precision-plan: no program");
    return std::move(*program);
  };
  PlanCompiler planCompile = [&](const std::vector<PlanChoice> &plan) {
    return compileWith(&plan, rescale);
  };
  // The reference: the model's own weights and scales, all points.
  ::npu::Result<::npu::Program> exact =
      compileWith(nullptr, mlir::npu::RescaleMode::Exact);
  if (!exact)
    return exact.error();
  ::npu::Result<std::vector<Sample>> samples =
      loadCalibration(*exact, request.calib);
  if (!samples)
    return samples.error();
  std::vector<UnitShare> shares;
  if (groups)
    for (const mlir::npu::PointGroup &g : mlir::npu::pointGroups(*graph))
      shares.push_back({g.layer, g.errorShare, g.passShare});
  return planPrecision(planCompile, names, *arch, request.objective,
                       request.budgetDb, request.marginDb, *samples, *exact,
                       planRescale, hasPoints.empty() ? nullptr : &hasPoints,
                       groups ? &shares : nullptr);
}

} // namespace npuc
