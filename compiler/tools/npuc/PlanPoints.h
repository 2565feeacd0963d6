//===- PlanPoints.h - npuc --precision-plan on an imported model -*- C++
//-*-===//
//
// Runs the precision planner (PrecisionPlan.h) on an imported model: the
// units are the layers npu-weight-points counts (or, for
// --weight-points=auto with an error budget, their pass groups), each
// candidate is compiled from a clone of the import with the pipeline's
// weight-point plan and (--rescale=auto) rescale plan, and the reference is
// the exact program.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_TOOLS_NPUC_PLANPOINTS_H
#define NPU_TOOLS_NPUC_PLANPOINTS_H

#include "PrecisionPlan.h"

#include "npu/Pipeline/CompilePipeline.h"

#include "mlir/IR/BuiltinOps.h"

#include <functional>
#include <string>
#include <vector>

namespace npuc {

/// What the command line asks of the planner.
struct PlanRequest {
  PlanObjective objective = PlanObjective::Cycles;
  double budgetDb = 0, marginDb = 1;
  /// --calib: a .npy file or a directory of them.
  std::string calib;
};

/// Compiles `m` in place with `options`, after adding the command line's
/// target (arch, overrides, cascade); false on an error.
using ClonePipeline = std::function<bool(
    mlir::ModuleOp m, mlir::npu::NpuCompilePipelineOptions &options)>;

/// The spellings of a plan's rescale modes (the pipeline's rescale-plan).
std::vector<std::string> rescaleNames(const std::vector<PlanChoice> &plan);

/// Plans `module` (the import, left unchanged) with `base`'s --rescale and
/// --weight-points.
::npu::Result<PlanResult>
planPoints(mlir::ModuleOp module,
           const mlir::npu::NpuCompilePipelineOptions &base,
           const PlanRequest &request, const ClonePipeline &compile);

} // namespace npuc

#endif // NPU_TOOLS_NPUC_PLANPOINTS_H
