//===- PrecisionPlan.h - Points per layer under an error budget -*- C++ -*-===//
//
// npuc --precision-plan=cycles|energy --error-budget=DB (with --calib) on a
// low-bit array: each layer npu-weight-points decomposes takes 1 to P
// points (P = 2 on a 4-bit array, 4 on a 2-bit one; fewer is cheaper and
// lossy). The planner measures, on the calibration inputs, every layer's
// cost saving at each k < P points (the compiler's cost model on the
// compiled program) and the output noise it adds alone (the golden
// executor, against the exact program), then solves
//
//   minimise sum_l cost_l(p_l)  subject to  sum_l noise_l(p_l) <= N,
//
// N the noise the budget allows, by its Lagrangian: for a price lambda of
// noise each layer independently takes the k whose saving minus lambda
// times its noise is largest. A layer's dual variable lambda_l = saving_l /
// (noise_l / N) at one point is the price at which it gives up its other
// points (a layer that adds little noise for a large saving has a high
// one). With P = 2 the plan is the largest feasible set of layers by
// falling lambda_l, filled up with any later layer that still fits; with
// P > 2 it is the cheapest feasible plan over the candidate prices (every
// layer's dual variable at every k). The plan is then compiled and
// measured; while it misses the budget (the noises need not add) the layer
// whose setting has the lowest dual variable takes one more point. The
// calibration inputs must meet the budget plus a margin (npuc
// --plan-margin, default 1 dB), so that inputs they do not cover keep it.
// With --rescale=auto every MAC layer with constant weights is a unit and
// its rescale mode (exact, wess, per-layer) is part of each candidate
// (depthwise layers choose a mode alone); the multi-choice Lagrangian
// above picks them, and its relaxation's best plan is filled up by
// falling dual variable with any candidate that still fits.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_TOOLS_NPUC_PRECISIONPLAN_H
#define NPU_TOOLS_NPUC_PRECISIONPLAN_H

#include "QuantEval.h"

#include "npu/Arch/ArchConfig.h"
#include "npu/Dialect/Npu/Transforms/Passes.h"
#include "npu/Program/Program.h"
#include "npu/Support/Result.h"
#include "npu/Tensor/Tensor.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace npuc {

enum class PlanObjective { Cycles, Energy };

/// One unit's setting: its points and (when the planner chooses modes,
/// npuc --rescale=auto) its rescale mode.
struct PlanChoice {
  int points = 2;
  mlir::npu::RescaleMode rescale = mlir::npu::RescaleMode::Exact;
};

struct PlanLayer {
  std::string name;
  /// Cost of the exact program minus the cost with this layer alone at its
  /// cheapest candidate (one point, per-layer when modes are planned;
  /// cycles or pJ).
  double saving = 0;
  /// Output noise energy (squared int8 steps over every calibration output)
  /// that this layer alone at its cheapest candidate adds to the exact
  /// program's.
  double noise = 0;
  /// The brute-force sensitivity: output SQNR (dB) with this layer alone at
  /// its cheapest candidate; nullopt when its outputs are exact.
  std::optional<double> aloneSqnrDb;
  /// saving / (noise / allowed noise); +inf for a layer that adds no noise.
  double dual = 0;
  /// The plan's choice for this unit; its points only where `hasPoints`
  /// (a depthwise layer under --rescale=auto chooses a mode alone).
  PlanChoice choice;
  bool hasPoints = true;
  /// Every candidate but the baseline (all points, exact) and its saving,
  /// noise and output SQNR alone (the figures above are the cheapest's).
  std::vector<PlanChoice> candidates;
  std::vector<double> savingAt, noiseAt;
  std::vector<std::optional<double>> sqnrAt;
};

struct PlanResult {
  /// The units planned: layers, or pass groups (whose saving and noise are
  /// their layer's, shared out; no brute-force figure per group).
  std::vector<PlanLayer> layers;
  bool perGroup = false;
  /// Points per unit that has them, in npu-weight-points' order
  /// (pointLayers), and each unit's whole choice.
  std::vector<int> points;
  std::vector<PlanChoice> choices;
  double budgetDb = 0;
  /// The calibration inputs had to reach budgetDb + marginDb.
  double marginDb = 0;
  /// The noise price of the plan: the lowest dual variable among the
  /// layers at one point that add noise (nullopt when none does).
  std::optional<double> lambda;
  double cost = 0, exactCost = 0, onePointCost = 0;
  /// Output SQNR (dB) of the plan on the calibration inputs, measured;
  /// nullopt when exact.
  std::optional<double> sqnrDb;
  /// Layers given their second point back after the measurement.
  int refinements = 0;
  /// Spearman rank correlation between the dual variables and the
  /// brute-force sensitivities (layers with noise only); nullopt below
  /// three such layers.
  std::optional<double> rankCorrelation;
};

/// Compiles the model with `plan` (a choice per unit) and returns the
/// program, or an error.
using PlanCompiler = std::function<npu::Result<npu::Program>(
    const std::vector<PlanChoice> &plan)>;

/// Planning pass groups instead of layers: unit k belongs to layer
/// `layer` and takes `noiseShare` of the output noise and `savingShare` of
/// the saving measured with that whole layer at one point (one compile per
/// layer, not per group).
struct UnitShare {
  size_t layer = 0;
  double noiseShare = 1, savingShare = 1;
};

/// Plans `names.size()` units (layers, or with `shares` pass groups, in
/// npu-weight-points' order) for `arch`, so that the calibration outputs
/// reach `budgetDb` + `marginDb`; noise is measured against `reference`'s
/// outputs (the exact model: --rescale exact, all points). With
/// `planRescale` each layer's rescale mode (exact, wess, per-layer) is a
/// candidate too; `hasPoints` (nullptr: every unit) says which units also
/// choose points (PlanResult::points lists only theirs).
npu::Result<PlanResult>
planPrecision(const PlanCompiler &compile,
              const std::vector<std::string> &names,
              const npu::ArchConfig &arch, PlanObjective objective,
              double budgetDb, double marginDb,
              const std::vector<Sample> &calib, const npu::Program &reference,
              bool planRescale, const std::vector<bool> *hasPoints = nullptr,
              const std::vector<UnitShare> *shares = nullptr);

} // namespace npuc

#endif // NPU_TOOLS_NPUC_PRECISIONPLAN_H
