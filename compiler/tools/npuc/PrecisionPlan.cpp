//===- PrecisionPlan.cpp - Points per layer under an error budget ---------===//
#include "PrecisionPlan.h"

#include "QuantEval.h"

#include "npu/Isa/Isa.h"
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
/// the array's MACs (npu::macEnergyPj: the array's weight width prices them)
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
  return double(arch.tech.nodeNm) / 45.0 * macs * npu::macEnergyPj(arch) +
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

/// The dual variable of `layer` at k points: the price of noise at which
/// it gives up the rest of its points, saving / (noise / allowed); +inf
/// for a setting that adds no noise, 0 at all points.
double dualOf(const PlanLayer &layer, int k, double allowed) {
  if (k < 1 || static_cast<size_t>(k) > layer.savingAt.size())
    return 0;
  const double noise = layer.noiseAt[static_cast<size_t>(k - 1)];
  return noise > 0
             ? layer.savingAt[static_cast<size_t>(k - 1)] / (noise / allowed)
             : std::numeric_limits<double>::infinity();
}

/// One or two points per unit: the Lagrangian's plans are the units above
/// a price, so take them by falling dual variable while the noise fits,
/// then any later one that still fits. A unit that saves nothing keeps two
/// points.
std::vector<int> fillByDual(const std::vector<PlanLayer> &layers,
                            const std::vector<size_t> &order, double allowed) {
  std::vector<int> plan(layers.size(), 2);
  double noise = 0;
  for (size_t l : order) {
    const PlanLayer &layer = layers[l];
    if (layer.saving <= 0 || noise + layer.noise > allowed)
      continue;
    plan[l] = 1;
    noise += layer.noise;
  }
  return plan;
}

/// Up to `maxPoints` per unit: at a price lambda each unit independently
/// takes the k maximising saving_k - lambda * noise_k / allowed (all points
/// save and cost nothing). The candidate prices are the units' dual
/// variables; the plan is the cheapest whose summed noise fits.
std::vector<int> lagrangianPlan(const std::vector<PlanLayer> &layers,
                                int maxPoints, double allowed) {
  std::vector<double> prices{std::numeric_limits<double>::infinity()};
  for (const PlanLayer &layer : layers)
    for (int k = 1; k < maxPoints; ++k)
      if (std::isfinite(dualOf(layer, k, allowed)))
        prices.push_back(dualOf(layer, k, allowed));
  std::vector<int> best(layers.size(), maxPoints);
  double bestSaving = 0;
  for (double lambda : prices) {
    std::vector<int> plan(layers.size(), maxPoints);
    double saving = 0, noise = 0;
    for (size_t l = 0; l < layers.size(); ++l) {
      double value = 0; // all points
      for (int k = maxPoints - 1; k >= 1; --k) {
        const double s = layers[l].savingAt[static_cast<size_t>(k - 1)];
        const double e = layers[l].noiseAt[static_cast<size_t>(k - 1)];
        if (s <= 0)
          continue;
        const double v = std::isinf(lambda) ? (e > 0 ? -INFINITY : s)
                                            : s - lambda * e / allowed;
        if (v > value) {
          value = v;
          plan[l] = k;
        }
      }
      if (plan[l] < maxPoints) {
        saving += layers[l].savingAt[static_cast<size_t>(plan[l] - 1)];
        noise += layers[l].noiseAt[static_cast<size_t>(plan[l] - 1)];
      }
    }
    if (noise <= allowed && saving > bestSaving) {
      bestSaving = saving;
      best = plan;
    }
  }
  return best;
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
  // Every layer at all its points (two on a 4-bit array, four on a 2-bit
  // one): the cost baseline, whose noise (a lossy --rescale's) is spent
  // before any layer's.
  const int maxPoints = static_cast<int>(
      npu::isa::maxWeightPoints(static_cast<unsigned>(arch.array.weightBits)));
  const std::vector<int> exactPlan(n, maxPoints);
  Result<std::pair<double, NoiseEnergy>> baseline = measure(exactPlan);
  if (!baseline)
    return baseline.error();
  result.exactCost = baseline->first;
  const NoiseEnergy base = baseline->second;
  const double signal = base.signal;
  const double allowed = signal / std::pow(10.0, targetDb / 10) - base.noise;
  if (allowed < 0)
    return makeError("--precision-plan: with all points everywhere the "
                     "outputs' SQNR is ",
                     base.sqnrDb().value_or(0.0),
                     " dB, below the budget and its margin (the --rescale "
                     "mode spends it)");

  // Each unit alone at k < maxPoints points: its saving and its noise (with
  // shares, each layer's, split among its groups).
  std::vector<std::vector<std::optional<std::pair<double, NoiseEnergy>>>>
      layerAlone(static_cast<size_t>(maxPoints));
  for (size_t l = 0; l < n; ++l) {
    PlanLayer layer;
    layer.name = names[l];
    for (int k = 1; k < maxPoints; ++k) {
      std::vector<int> plan = exactPlan;
      double savingShare = 1, noiseShare = 1;
      std::pair<double, NoiseEnergy> alone;
      if (shares) {
        const UnitShare &share = (*shares)[l];
        savingShare = share.savingShare;
        noiseShare = share.noiseShare;
        auto &cache = layerAlone[static_cast<size_t>(k)];
        if (share.layer >= cache.size())
          cache.resize(share.layer + 1);
        if (!cache[share.layer]) {
          for (size_t u = 0; u < n; ++u)
            if ((*shares)[u].layer == share.layer)
              plan[u] = k;
          Result<std::pair<double, NoiseEnergy>> m = measure(plan);
          if (!m)
            return m.error();
          cache[share.layer] = *m;
        }
        alone = *cache[share.layer];
      } else {
        plan[l] = k;
        Result<std::pair<double, NoiseEnergy>> m = measure(plan);
        if (!m)
          return m.error();
        alone = *m;
      }
      layer.savingAt.push_back((result.exactCost - alone.first) * savingShare);
      layer.noiseAt.push_back(std::max(0.0, alone.second.noise - base.noise) *
                              noiseShare);
      // With shares the brute-force figure is the whole layer's, not the
      // group's: left out.
      if (k == 1 && !shares)
        layer.aloneSqnrDb = alone.second.sqnrDb();
    }
    layer.saving = layer.savingAt[0];
    layer.noise = layer.noiseAt[0];
    layer.dual = dualOf(layer, 1, allowed);
    result.layers.push_back(layer);
  }

  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return result.layers[a].dual > result.layers[b].dual;
  });
  std::vector<int> plan =
      maxPoints == 2 ? fillByDual(result.layers, order, allowed)
                     : lagrangianPlan(result.layers, maxPoints, allowed);

  // Measured: give points back (to the unit whose setting has the lowest
  // dual variable) until the plan meets the budget on the calibration
  // inputs.
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
      if (plan[l] < maxPoints &&
          (!worst || dualOf(result.layers[l], plan[l], allowed) <=
                         dualOf(result.layers[*worst], plan[*worst], allowed)))
        worst = l; // ties: the later one in falling-dual order
    if (!worst)
      return makeError("--precision-plan: the exact program misses its own "
                       "budget"); // cannot happen: exact has no noise
    ++plan[*worst];
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
    const double dual = dualOf(result.layers[l], plan[l], allowed);
    if (plan[l] < maxPoints && std::isfinite(dual))
      result.lambda = std::min(result.lambda.value_or(dual), dual);
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
