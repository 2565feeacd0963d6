//===- PrecisionPlan.cpp - Points per layer under an error budget ---------===//
#include "PrecisionPlan.h"

#include "QuantEval.h"

#include "npu/Program/Estimate.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <variant>

using npu::makeError;
using npu::Result;

namespace npuc {

namespace {

/// The objective's cost of a program: the cost model's cycles
/// (npu/Program/Estimate.h), or the energy of the two things points change,
/// the array's MACs (energy.mac4_pj on a 4-bit array, energy.mac_pj else)
/// and the DRAM traffic (energy.dram_pj_per_64b), at the configured node.
double costOf(const npu::Program &program, const npu::ArchConfig &arch,
              PlanObjective objective) {
  const npu::ProgramEstimate estimate = npu::estimateProgram(program, arch);
  if (objective == PlanObjective::Cycles)
    return double(estimate.cycles);
  double macs = 0;
  for (const npu::isa::Instruction &instr : program.instructions)
    if (const auto *g = std::get_if<npu::isa::Gemm>(&instr))
      macs += double(g->outH) * g->outW * g->k * g->cols;
  const double macPj =
      arch.array.weightBits == 4 ? arch.energy.mac4Pj : arch.energy.macPj;
  return double(arch.tech.nodeNm) / 45.0 * macs * macPj +
         double(estimate.dramBytes) / 8.0 * arch.energy.dramPjPer64b;
}

/// Average ranks (ties share the mean of their positions).
std::vector<double> ranks(const std::vector<double> &v) {
  std::vector<size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]])
      ++j;
    for (size_t k = i; k <= j; ++k)
      r[order[k]] = (double(i) + double(j)) / 2;
    i = j + 1;
  }
  return r;
}

/// Spearman's rank correlation (Pearson's of the ranks).
double spearman(const std::vector<double> &a, const std::vector<double> &b) {
  const std::vector<double> ra = ranks(a), rb = ranks(b);
  const double n = double(a.size());
  const double ma = std::accumulate(ra.begin(), ra.end(), 0.0) / n;
  const double mb = std::accumulate(rb.begin(), rb.end(), 0.0) / n;
  double cov = 0, va = 0, vb = 0;
  for (size_t i = 0; i < ra.size(); ++i) {
    cov += (ra[i] - ma) * (rb[i] - mb);
    va += (ra[i] - ma) * (ra[i] - ma);
    vb += (rb[i] - mb) * (rb[i] - mb);
  }
  return va > 0 && vb > 0 ? cov / std::sqrt(va * vb) : 0.0;
}

} // namespace

Result<PlanResult> planPrecision(
    const PlanCompiler &compile, const std::vector<std::string> &names,
    const npu::ArchConfig &arch, PlanObjective objective, double budgetDb,
    double marginDb, const std::vector<Sample> &calib,
    const npu::Program &reference, const std::vector<UnitShare> *shares) {
  const size_t n = names.size();
  if (shares && shares->size() != n)
    return makeError("--precision-plan: ", shares->size(), " shares for ", n,
                     " units");
  if (n == 0)
    return makeError("--precision-plan: the model has no layer with "
                     "constant weights on the array to plan");
  PlanResult result;
  result.perGroup = shares != nullptr;
  result.budgetDb = budgetDb;
  result.marginDb = marginDb;
  // The calibration inputs must reach the budget plus the margin, so that
  // inputs they do not cover keep the budget.
  const double targetDb = budgetDb + marginDb;
  // The reference outputs (the exact model).
  Result<std::vector<std::vector<npu::Tensor>>> want =
      runSamples(reference, calib);
  if (!want)
    return want.error();
  // A plan's cost and its outputs' noise against the reference.
  auto measure = [&](const std::vector<int> &plan)
      -> Result<std::pair<double, NoiseEnergy>> {
    Result<npu::Program> program = compile(plan);
    if (!program)
      return program.error();
    Result<std::vector<std::vector<npu::Tensor>>> got =
        runSamples(*program, calib);
    if (!got)
      return got.error();
    return std::make_pair(costOf(*program, arch, objective),
                          noiseEnergy(*program, *want, *got));
  };
  // Every layer at two points: the cost baseline, whose noise (a lossy
  // --rescale's) is spent before any layer's.
  const std::vector<int> exactPlan(n, 2);
  Result<std::pair<double, NoiseEnergy>> baseline = measure(exactPlan);
  if (!baseline)
    return baseline.error();
  result.exactCost = baseline->first;
  const NoiseEnergy base = baseline->second;
  const double signal = base.signal;
  const double allowed = signal / std::pow(10.0, targetDb / 10) - base.noise;
  if (allowed < 0)
    return makeError("--precision-plan: with two points everywhere the "
                     "outputs' SQNR is ",
                     base.sqnrDb().value_or(0.0),
                     " dB, below the budget and its margin (the --rescale "
                     "mode spends it)");

  // Each unit alone at one point: its saving and its noise (with shares,
  // each layer's, split among its groups).
  std::vector<std::optional<std::pair<double, NoiseEnergy>>> layerAlone;
  for (size_t l = 0; l < n; ++l) {
    std::vector<int> plan = exactPlan;
    double savingShare = 1, noiseShare = 1;
    std::optional<std::pair<double, NoiseEnergy>> alone;
    if (shares) {
      const UnitShare &share = (*shares)[l];
      savingShare = share.savingShare;
      noiseShare = share.noiseShare;
      if (share.layer >= layerAlone.size())
        layerAlone.resize(share.layer + 1);
      if (!layerAlone[share.layer]) {
        for (size_t k = 0; k < n; ++k)
          if ((*shares)[k].layer == share.layer)
            plan[k] = 1;
        Result<std::pair<double, NoiseEnergy>> m = measure(plan);
        if (!m)
          return m.error();
        layerAlone[share.layer] = *m;
      }
      alone = layerAlone[share.layer];
    } else {
      plan[l] = 1;
      Result<std::pair<double, NoiseEnergy>> m = measure(plan);
      if (!m)
        return m.error();
      alone = *m;
    }
    PlanLayer layer;
    layer.name = names[l];
    layer.saving = (result.exactCost - alone->first) * savingShare;
    layer.noise = std::max(0.0, alone->second.noise - base.noise) * noiseShare;
    // With shares the brute-force figure is the whole layer's, not the
    // group's: left out.
    if (!shares)
      layer.aloneSqnrDb = alone->second.sqnrDb();
    layer.dual = layer.noise > 0 ? layer.saving / (layer.noise / allowed)
                                 : std::numeric_limits<double>::infinity();
    result.layers.push_back(layer);
  }

  // The Lagrangian's plans are the layers above a price: take them by
  // falling dual variable while the noise fits, then any later one that
  // still fits. A layer that saves nothing keeps two points.
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return result.layers[a].dual > result.layers[b].dual;
  });
  std::vector<int> plan = exactPlan;
  double noise = 0;
  for (size_t l : order) {
    const PlanLayer &layer = result.layers[l];
    if (layer.saving <= 0 || noise + layer.noise > allowed)
      continue;
    plan[l] = 1;
    noise += layer.noise;
  }

  // Measured: give second points back (lowest dual first) until the plan
  // meets the budget on the calibration inputs.
  for (;;) {
    Result<std::pair<double, NoiseEnergy>> m = measure(plan);
    if (!m)
      return m.error();
    const std::optional<double> sqnr = m->second.sqnrDb();
    if (!sqnr || *sqnr >= targetDb) {
      result.cost = m->first;
      result.sqnrDb = sqnr;
      break;
    }
    std::optional<size_t> worst;
    for (size_t l : order)
      if (plan[l] == 1)
        worst = l; // the last one at one point has the lowest dual
    if (!worst)
      return makeError("--precision-plan: the exact program misses its own "
                       "budget"); // cannot happen: exact has no noise
    plan[*worst] = 2;
    ++result.refinements;
  }

  std::vector<int> allOne(n, 1);
  Result<npu::Program> cheapest = compile(allOne);
  if (!cheapest)
    return cheapest.error();
  result.onePointCost = costOf(*cheapest, arch, objective);
  result.points = plan;
  for (size_t l = 0; l < n; ++l) {
    result.layers[l].points = plan[l];
    if (plan[l] == 1 && std::isfinite(result.layers[l].dual))
      result.lambda = std::min(result.lambda.value_or(result.layers[l].dual),
                               result.layers[l].dual);
  }
  // Dual variables against the brute-force sensitivities (a layer whose
  // SQNR alone is lower is more sensitive, and has a lower dual).
  std::vector<double> duals, alone;
  for (const PlanLayer &layer : result.layers)
    if (layer.aloneSqnrDb) {
      duals.push_back(layer.dual);
      alone.push_back(*layer.aloneSqnrDb);
    }
  if (duals.size() >= 3)
    result.rankCorrelation = spearman(duals, alone);
  return result;
}

} // namespace npuc
