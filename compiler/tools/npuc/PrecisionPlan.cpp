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

/// The dual variable of candidate `c` of `layer`: the price of noise at
/// which the layer gives up the rest of its precision for it, saving /
/// (noise / allowed); +inf for a candidate that adds no noise.
double dualOf(const PlanLayer &layer, size_t c, double allowed) {
  const double noise = layer.noiseAt[c];
  return noise > 0 ? layer.savingAt[c] / (noise / allowed)
                   : std::numeric_limits<double>::infinity();
}

/// The dual variable of the unit's current choice (nullopt: the baseline,
/// all points and exact, whose dual is 0).
double dualOfChoice(const PlanLayer &layer, std::optional<size_t> choice,
                    double allowed) {
  return choice ? dualOf(layer, *choice, allowed) : 0.0;
}

/// One candidate per unit (one point or two on a 4-bit array): the
/// Lagrangian's plans are the units above a price, so take them by falling
/// dual variable while the noise fits, then any later one that still fits.
/// A unit that saves nothing keeps the baseline.
std::vector<std::optional<size_t>>
fillByDual(const std::vector<PlanLayer> &layers,
           const std::vector<size_t> &order, double allowed) {
  std::vector<std::optional<size_t>> plan(layers.size());
  double noise = 0;
  for (size_t l : order) {
    const PlanLayer &layer = layers[l];
    if (layer.savingAt[0] <= 0 || noise + layer.noiseAt[0] > allowed)
      continue;
    plan[l] = 0;
    noise += layer.noiseAt[0];
  }
  return plan;
}

/// Several candidates per unit: at a price lambda each unit independently
/// takes the candidate maximising saving - lambda * noise / allowed (the
/// baseline saves and costs nothing). The candidate prices are the units'
/// dual variables; the plan is the cheapest whose summed noise fits,
/// filled up like fillByDual.
std::vector<std::optional<size_t>>
lagrangianPlan(const std::vector<PlanLayer> &layers, double allowed) {
  std::vector<double> prices{std::numeric_limits<double>::infinity()};
  for (const PlanLayer &layer : layers)
    for (size_t c = 0; c < layer.candidates.size(); ++c)
      if (std::isfinite(dualOf(layer, c, allowed)))
        prices.push_back(dualOf(layer, c, allowed));
  std::vector<std::optional<size_t>> best(layers.size());
  double bestSaving = 0;
  for (double lambda : prices) {
    std::vector<std::optional<size_t>> plan(layers.size());
    double saving = 0, noise = 0;
    for (size_t l = 0; l < layers.size(); ++l) {
      const PlanLayer &layer = layers[l];
      double value = 0; // the baseline
      for (size_t c = 0; c < layer.candidates.size(); ++c) {
        const double s = layer.savingAt[c], e = layer.noiseAt[c];
        if (s <= 0)
          continue;
        const double v = std::isinf(lambda) ? (e > 0 ? -INFINITY : s)
                                            : s - lambda * e / allowed;
        // Ties keep the earlier candidate (more points, exact first).
        if (v > value) {
          value = v;
          plan[l] = c;
        }
      }
      if (plan[l]) {
        saving += layer.savingAt[*plan[l]];
        noise += layer.noiseAt[*plan[l]];
      }
    }
    if (noise <= allowed && saving > bestSaving) {
      bestSaving = saving;
      best = plan;
    }
  }
  // The relaxation can leave budget unspent (two units above a price may
  // not fit together): fill it up by falling dual variable with any
  // candidate that saves more than the unit's choice and still fits.
  double noise = 0;
  for (size_t l = 0; l < layers.size(); ++l)
    if (best[l])
      noise += layers[l].noiseAt[*best[l]];
  std::vector<std::pair<size_t, size_t>> pairs;
  for (size_t l = 0; l < layers.size(); ++l)
    for (size_t c = 0; c < layers[l].candidates.size(); ++c)
      if (layers[l].savingAt[c] > 0)
        pairs.emplace_back(l, c);
  std::stable_sort(pairs.begin(), pairs.end(), [&](auto a, auto b) {
    return dualOf(layers[a.first], a.second, allowed) >
           dualOf(layers[b.first], b.second, allowed);
  });
  for (auto [l, c] : pairs) {
    const PlanLayer &layer = layers[l];
    const double saving = best[l] ? layer.savingAt[*best[l]] : 0;
    const double was = best[l] ? layer.noiseAt[*best[l]] : 0;
    if (layer.savingAt[c] > saving &&
        noise - was + layer.noiseAt[c] <= allowed) {
      noise += layer.noiseAt[c] - was;
      best[l] = c;
    }
  }
  return best;
}

/// The candidates of a unit: every (points, mode) but the baseline (all
/// points, exact), most points first; modes other than exact only when the
/// planner chooses them.
std::vector<PlanChoice> candidatesOf(int maxPoints, bool planRescale) {
  std::vector<mlir::npu::RescaleMode> modes{mlir::npu::RescaleMode::Exact};
  if (planRescale)
    modes.insert(modes.end(), {mlir::npu::RescaleMode::Wess,
                               mlir::npu::RescaleMode::PerLayer});
  std::vector<PlanChoice> out;
  for (int k = maxPoints; k >= 1; --k)
    for (mlir::npu::RescaleMode mode : modes)
      if (k != maxPoints || mode != mlir::npu::RescaleMode::Exact)
        out.push_back({k, mode});
  return out;
}

} // namespace

Result<PlanResult> planPrecision(
    const PlanCompiler &compile, const std::vector<std::string> &names,
    const npu::ArchConfig &arch, PlanObjective objective, double budgetDb,
    double marginDb, const std::vector<Sample> &calib,
    const npu::Program &reference, bool planRescale,
    const std::vector<bool> *hasPoints, const std::vector<UnitShare> *shares) {
  const size_t n = names.size();
  if (shares && shares->size() != n)
    return makeError("--precision-plan: ", shares->size(), " shares for ", n,
                     " units");
  if (shares && planRescale)
    return makeError("--rescale=auto plans layers: use --precision-plan, "
                     "not --weight-points=auto");
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
  auto measure = [&](const std::vector<PlanChoice> &plan)
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
  // one, one on an 8-bit one) and, when the planner chooses modes, exact:
  // the cost baseline, whose noise (a lossy --rescale's) is spent before
  // any layer's.
  const int maxPoints = static_cast<int>(
      npu::isa::maxWeightPoints(static_cast<unsigned>(arch.array.weightBits)));
  // A unit's candidates: its points only where it has points (with
  // --rescale=auto depthwise layers are units with modes alone).
  auto unitCandidates = [&](size_t l) {
    return candidatesOf(!hasPoints || (*hasPoints)[l] ? maxPoints : 1,
                        planRescale);
  };
  if (unitCandidates(0).empty())
    return makeError("--precision-plan: nothing to choose on an 8-bit array "
                     "without --rescale=auto");
  const std::vector<PlanChoice> exactPlan(n, PlanChoice{maxPoints});
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

  // Each unit alone at each candidate: its saving and its noise (with
  // shares, each layer's, split among its groups).
  std::vector<std::vector<std::optional<std::pair<double, NoiseEnergy>>>>
      layerAlone(unitCandidates(0).size());
  for (size_t l = 0; l < n; ++l) {
    PlanLayer layer;
    layer.name = names[l];
    layer.candidates = unitCandidates(l);
    layer.hasPoints = !hasPoints || (*hasPoints)[l];
    const std::vector<PlanChoice> &candidates = layer.candidates;
    for (size_t c = 0; c < candidates.size(); ++c) {
      std::vector<PlanChoice> plan = exactPlan;
      double savingShare = 1, noiseShare = 1;
      std::pair<double, NoiseEnergy> alone;
      if (shares) {
        const UnitShare &share = (*shares)[l];
        savingShare = share.savingShare;
        noiseShare = share.noiseShare;
        auto &cache = layerAlone[c];
        if (share.layer >= cache.size())
          cache.resize(share.layer + 1);
        if (!cache[share.layer]) {
          for (size_t u = 0; u < n; ++u)
            if ((*shares)[u].layer == share.layer)
              plan[u] = candidates[c];
          Result<std::pair<double, NoiseEnergy>> m = measure(plan);
          if (!m)
            return m.error();
          cache[share.layer] = *m;
        }
        alone = *cache[share.layer];
      } else {
        plan[l] = candidates[c];
        Result<std::pair<double, NoiseEnergy>> m = measure(plan);
        if (!m)
          return m.error();
        alone = *m;
      }
      layer.savingAt.push_back((result.exactCost - alone.first) * savingShare);
      layer.noiseAt.push_back(std::max(0.0, alone.second.noise - base.noise) *
                              noiseShare);
      layer.sqnrAt.push_back(alone.second.sqnrDb());
    }
    // The figures reported: the cheapest candidate's (with one point and
    // exact modes, the one-point setting).
    size_t cheapest = 0;
    for (size_t c = 1; c < candidates.size(); ++c)
      if (layer.savingAt[c] > layer.savingAt[cheapest] ||
          (layer.savingAt[c] == layer.savingAt[cheapest] &&
           layer.noiseAt[c] < layer.noiseAt[cheapest]))
        cheapest = c;
    layer.saving = layer.savingAt[cheapest];
    layer.noise = layer.noiseAt[cheapest];
    layer.dual = dualOf(layer, cheapest, allowed);
    // With shares the brute-force figure is the whole layer's, not the
    // group's: left out.
    if (!shares)
      layer.aloneSqnrDb = layer.sqnrAt[cheapest];
    result.layers.push_back(layer);
  }

  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return result.layers[a].dual > result.layers[b].dual;
  });
  const bool binary = llvm::all_of(result.layers, [](const PlanLayer &l) {
    return l.candidates.size() == 1;
  });
  std::vector<std::optional<size_t>> plan =
      binary ? fillByDual(result.layers, order, allowed)
             : lagrangianPlan(result.layers, allowed);
  auto choices = [&] {
    std::vector<PlanChoice> out = exactPlan;
    for (size_t l = 0; l < n; ++l)
      if (plan[l])
        out[l] = result.layers[l].candidates[*plan[l]];
    return out;
  };

  // Measured: give precision back (to the unit whose choice has the lowest
  // dual variable: its cheapest less noisy candidate, else the baseline)
  // until the plan meets the budget on the calibration inputs.
  for (;;) {
    Result<std::pair<double, NoiseEnergy>> m = measure(choices());
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
      if (plan[l] &&
          (!worst ||
           dualOfChoice(result.layers[l], plan[l], allowed) <=
               dualOfChoice(result.layers[*worst], plan[*worst], allowed)))
        worst = l; // ties: the later one in falling-dual order
    if (!worst)
      return makeError("--precision-plan: the exact program misses its own "
                       "budget"); // cannot happen: exact has no noise
    const PlanLayer &layer = result.layers[*worst];
    const double noise = layer.noiseAt[*plan[*worst]];
    std::optional<size_t> next;
    for (size_t c = 0; c < layer.candidates.size(); ++c)
      if (layer.noiseAt[c] < noise && layer.savingAt[c] > 0 &&
          (!next || layer.savingAt[c] > layer.savingAt[*next]))
        next = c;
    plan[*worst] = next;
    ++result.refinements;
  }

  std::vector<PlanChoice> cheapestPlan(n, PlanChoice{1});
  if (planRescale)
    for (PlanChoice &c : cheapestPlan)
      c.rescale = mlir::npu::RescaleMode::PerLayer;
  Result<npu::Program> cheapest = compile(cheapestPlan);
  if (!cheapest)
    return cheapest.error();
  result.onePointCost = costOf(*cheapest, arch, objective);
  result.choices = choices();
  for (size_t l = 0; l < n; ++l) {
    PlanLayer &layer = result.layers[l];
    layer.choice = result.choices[l];
    if (!hasPoints || (*hasPoints)[l])
      result.points.push_back(layer.choice.points);
    const double dual = dualOfChoice(layer, plan[l], allowed);
    if (plan[l] && std::isfinite(dual))
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
