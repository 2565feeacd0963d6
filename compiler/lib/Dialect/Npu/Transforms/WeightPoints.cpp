//===- WeightPoints.cpp - Multi-point weights for a low-bit array ---------===//
//
// npuc --weight-points. A 4-bit (2-bit) array runs an int8 weight w as
// points: its 2 (4) base-16 (base-4) digits (npu/Isa/Isa.h weightDigit),
// the leading one signed, each in a pass whose sums are shifted to the
// digit's place. All the points are exact. n points keep the n leading
// digits, rounded: w' = s * clamp(round(w / s), -128 / s, 128 / s - 1) with
// s = 2^pointShift(bits, n - 1), and the lowering skips every pass whose
// digits are all zero, so a channel with fewer points costs fewer passes
// once every channel of its pass (a group of array.cols channels) has them.
//
// `auto` is the greedy of multi-point quantization at the granularity the
// hardware prices: all groups start with one point, and the group whose
// next point removes the most error (weights in real units, w * s_c with
// s_c the channel's requantization scale, so channels compare in output
// units) gets it, until the layer's weight SQNR reaches the budget.
//
// The SQNR recorded (npu.weight_sqnr_db) is against the model's real
// weights: npu-requantize-weights' error, when it ran, adds to this pass's
// (the two are independent roundings, so their noise energies add).
//
//===----------------------------------------------------------------------===//
#include "Common.h"

#include "npu/Dialect/Npu/IR/NpuOps.h"
#include "npu/Dialect/Npu/Transforms/Passes.h"
#include "npu/Isa/Isa.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

namespace mlir::npu {
#define GEN_PASS_DEF_NPUWEIGHTPOINTS
#include "npu/Dialect/Npu/Transforms/Passes.h.inc"
} // namespace mlir::npu

using namespace mlir;
using namespace mlir::npu;

SmallVector<Operation *> mlir::npu::pointLayers(ModuleOp module) {
  SmallVector<Operation *> ops;
  module.walk([&](MacOpInterface op) {
    DenseIntElementsAttr weights;
    // Weights that are not constants (a matmul of two activations) cannot
    // be split at compile time; the lowering refuses them on a 4-bit array.
    if (!isa<DepthwiseConv2DOp>(op.getOperation()) &&
        matchPattern(op.getMacWeights(), m_Constant(&weights)) &&
        weights.getElementType().isInteger(8))
      ops.push_back(op);
  });
  return ops;
}

std::vector<std::string> mlir::npu::layerNames(ArrayRef<Operation *> ops) {
  std::vector<std::string> names;
  for (Operation *op : ops)
    names.push_back(sourceName(op).value_or(
        (op->getName().stripDialect() + "_" + Twine(names.size())).str()));
  return names;
}

std::vector<std::string> mlir::npu::pointLayerNames(ModuleOp module) {
  return layerNames(pointLayers(module));
}

/// The pass groups (array.cols output channels, one pass) of `op`.
static int64_t groupCount(Operation *op, int64_t cols) {
  const int64_t channels =
      cast<MacOpInterface>(op).getMacWeightLayout().accumulators();
  return (channels + cols - 1) / std::max<int64_t>(cols, 1);
}

std::vector<std::string> mlir::npu::pointGroupNames(ModuleOp module) {
  std::vector<std::string> names;
  FailureOr<::npu::ArchConfig> config = getArchConfig(module);
  if (failed(config))
    return names;
  const std::vector<std::string> layers = pointLayerNames(module);
  for (auto [op, layer] : llvm::zip(pointLayers(module), layers))
    for (int64_t g = 0; g < groupCount(op, config->array.cols); ++g)
      names.push_back(layer + "/g" + std::to_string(g));
  return names;
}

namespace {

/// The value of int8 weight w kept by its n leading points on an array of
/// `bits` per weight.
int64_t roundToPoints(int64_t w, unsigned bits, unsigned n) {
  const int64_t step = int64_t(1) << ::npu::isa::pointShift(bits, n - 1);
  const double q = std::round(double(w) / double(step));
  return step * std::clamp<int64_t>(static_cast<int64_t>(q), -128 / step,
                                    128 / step - 1);
}

double sqnrDb(double signal, double noise) {
  return noise == 0 ? INFINITY : 10 * std::log10(signal / noise);
}

/// The real-unit scale of output channel `c`'s weights (the layer's
/// multiplier and shift; 1 without one).
double channelScale(MacOpInterface mac, int64_t c) {
  auto requant = cast<RequantOpInterface>(mac.getOperation());
  ArrayRef<int32_t> mult = requant.getMultiplier();
  ArrayRef<int32_t> shift = requant.getShift();
  const size_t k = mult.size() == 1 ? 0 : static_cast<size_t>(c);
  return k < mult.size() ? std::ldexp(double(mult[k]), -shift[k]) : 1.0;
}

/// A layer's int8 weights, the error energy n points leave in each pass
/// group (array.cols channels) in real units (noise[n - 1][group], n up to
/// the array's maximum, where it is 0), and the weights' energy.
struct PointError {
  SmallVector<int64_t> weights;
  SmallVector<SmallVector<double>> noise;
  double signal = 0;
};

PointError pointError(MacOpInterface mac, unsigned bits, int64_t cols) {
  PointError r;
  DenseIntElementsAttr weights;
  matchPattern(mac.getMacWeights(), m_Constant(&weights));
  for (const APInt &v : weights.getValues<APInt>())
    r.weights.push_back(v.getSExtValue());
  const MacWeightLayout layout = mac.getMacWeightLayout();
  const int64_t channels = layout.accumulators();
  const unsigned maxPoints = ::npu::isa::maxWeightPoints(bits);
  r.noise.assign(maxPoints,
                 SmallVector<double>((channels + cols - 1) / cols, 0.0));
  for (size_t i = 0; i < r.weights.size(); ++i) {
    const int64_t c = layout.accumulatorOf(static_cast<int64_t>(i));
    const double s = channelScale(mac, c);
    const double w = double(r.weights[i]);
    r.signal += w * s * w * s;
    for (unsigned n = 1; n < maxPoints; ++n) {
      const double e = (w - double(roundToPoints(r.weights[i], bits, n))) * s;
      r.noise[n - 1][c / cols] += e * e;
    }
  }
  return r;
}

struct WeightPointsPass
    : mlir::npu::impl::NpuWeightPointsBase<WeightPointsPass> {
  using Base::Base;

  void runOnOperation() override {
    FailureOr<::npu::ArchConfig> config = getArchConfig(getOperation());
    if (failed(config))
      return signalPassFailure();
    if (config->array.weightBits == 8) {
      if (points == WeightPoints::Exact)
        return;
      getOperation().emitError("--weight-points needs a low-bit array "
                               "(array.weight_bits=4 or 2)");
      return signalPassFailure();
    }
    bits = static_cast<unsigned>(config->array.weightBits);
    maxPoints = static_cast<int>(::npu::isa::maxWeightPoints(bits));
    if (std::optional<int> n = fixedWeightPoints(points); n && *n > maxPoints) {
      getOperation().emitError("--weight-points=")
          << *n << ": a " << bits << "-bit array takes 1 to " << maxPoints
          << " points";
      return signalPassFailure();
    }
    cols = config->array.cols;
    SmallVector<Operation *> ops = pointLayers(getOperation());
    // A plan gives one entry per layer or one per pass group (the two are
    // the same list when every layer is one group).
    int64_t totalGroups = 0;
    for (Operation *op : ops)
      totalGroups += groupCount(op, cols);
    const bool perLayer = plan.size() == ops.size();
    if (!plan.empty() && !perLayer &&
        static_cast<int64_t>(plan.size()) != totalGroups) {
      getOperation().emitError("the weight-point plan lists ")
          << plan.size() << " entries; the model has " << ops.size()
          << " layers with " << bits << "-bit points (" << totalGroups
          << " pass groups)";
      return signalPassFailure();
    }
    size_t next = 0;
    for (Operation *op : ops) {
      const int64_t groups = groupCount(op, cols);
      std::optional<SmallVector<int>> planned;
      if (!plan.empty()) {
        planned.emplace();
        for (int64_t g = 0; g < groups; ++g)
          planned->push_back(perLayer ? plan[next] : plan[next + g]);
        next += perLayer ? 1 : groups;
        if (llvm::any_of(*planned,
                         [&](int p) { return p < 1 || p > maxPoints; })) {
          op->emitError("a planned layer takes 1 to ")
              << maxPoints << " points per group";
          return signalPassFailure();
        }
      }
      if (failed(decompose(cast<MacOpInterface>(op), planned)))
        return signalPassFailure();
    }
  }

  LogicalResult decompose(MacOpInterface mac,
                          const std::optional<SmallVector<int>> &planned) {
    Operation *op = mac.getOperation();
    Value weightsValue = mac.getMacWeights();
    const MacWeightLayout layout = mac.getMacWeightLayout();
    const int64_t channels = layout.accumulators();
    const PointError error = pointError(mac, bits, cols);
    const SmallVector<int64_t> &w = error.weights;
    const double signal = error.signal;
    const int64_t groups = static_cast<int64_t>(error.noise[0].size());
    auto scaleOf = [&](int64_t c) { return channelScale(mac, c); };
    // Group g's error energy at n points.
    auto noiseAt = [&](int64_t g, int n) { return error.noise[n - 1][g]; };

    // Points of each group.
    SmallVector<int> count(groups,
                           fixedWeightPoints(points).value_or(maxPoints));
    if (planned)
      count.assign(planned->begin(), planned->end());
    if (!planned && points == WeightPoints::Auto) {
      std::fill(count.begin(), count.end(), 1);
      double noise = 0;
      for (int64_t g = 0; g < groups; ++g)
        noise += noiseAt(g, 1);
      const double priorNoise = requantizeNoise(op, signal);
      // The greedy: the next point that removes the most error (ties: the
      // first group).
      while (sqnrDb(signal, priorNoise + noise) < budget) {
        std::optional<int64_t> best;
        double bestGain = -1;
        for (int64_t g = 0; g < groups; ++g) {
          if (count[g] == maxPoints)
            continue;
          const double gain = noiseAt(g, count[g]) - noiseAt(g, count[g] + 1);
          if (gain > bestGain) {
            bestGain = gain;
            best = g;
          }
        }
        if (!best)
          break;
        noise -= bestGain;
        ++count[*best];
      }
    }

    SmallVector<APInt> fresh;
    fresh.reserve(w.size());
    double noise = 0;
    for (size_t i = 0; i < w.size(); ++i) {
      const int64_t c = layout.accumulatorOf(static_cast<int64_t>(i));
      const int64_t v =
          roundToPoints(w[i], bits, static_cast<unsigned>(count[c / cols]));
      const double e = double(w[i] - v) * scaleOf(c);
      noise += e * e;
      fresh.push_back(APInt(8, static_cast<uint64_t>(v), /*isSigned=*/true));
    }
    SmallVector<int32_t> perChannel;
    for (int64_t c = 0; c < channels; ++c)
      perChannel.push_back(count[c / cols]);
    op->setAttr(kWeightPointsAttrName,
                DenseI32ArrayAttr::get(op->getContext(), perChannel));
    if (noise == 0)
      return success(); // the weights and their SQNR are unchanged
    op->setAttr(
        kWeightSqnrAttrName,
        FloatAttr::get(Float64Type::get(op->getContext()),
                       sqnrDb(signal, requantizeNoise(op, signal) + noise)));
    OpBuilder builder(op);
    Value replacement = builder.create<arith::ConstantOp>(
        weightsValue.getLoc(),
        DenseIntElementsAttr::get(cast<ShapedType>(weightsValue.getType()),
                                  fresh));
    weightsValue.replaceUsesWithIf(
        replacement, [&](OpOperand &use) { return use.getOwner() == op; });
    if (Operation *def = weightsValue.getDefiningOp(); def && def->use_empty())
      def->erase();
    return success();
  }

  /// The error energy npu-requantize-weights left (from its SQNR), at
  /// `signal`; 0 when the model's own weights are kept.
  static double requantizeNoise(Operation *op, double signal) {
    auto sqnr = op->getAttrOfType<FloatAttr>(kWeightSqnrAttrName);
    if (!sqnr || std::isinf(sqnr.getValueAsDouble()))
      return 0;
    return signal / std::pow(10.0, sqnr.getValueAsDouble() / 10);
  }

  int64_t cols = 1;
  unsigned bits = 4;
  int maxPoints = 2;
};

} // namespace

std::vector<PointGroup> mlir::npu::pointGroups(ModuleOp module) {
  std::vector<PointGroup> groups;
  FailureOr<::npu::ArchConfig> config = getArchConfig(module);
  if (failed(config))
    return groups;
  for (auto [index, op] : llvm::enumerate(pointLayers(module))) {
    const PointError error = pointError(
        cast<MacOpInterface>(op),
        static_cast<unsigned>(config->array.weightBits), config->array.cols);
    const SmallVector<double> &oneNoise = error.noise[0];
    double total = 0;
    for (double n : oneNoise)
      total += n;
    const double count = double(oneNoise.size());
    for (double n : oneNoise)
      groups.push_back(
          {index, total > 0 ? n / total : 1.0 / count, 1.0 / count});
  }
  return groups;
}
