//===- RequantizeWeights.cpp - Per-layer and WESS weight quantization -----===//
//
// npuc --rescale. A TFLite int8 layer's accumulator c is requantized by
// s_c = multiplier_c * 2^-shift_c (input scale times weight scale c over
// output scale), so w * s_c is weight w's real contribution in output units
// per input unit. This pass re-quantizes those contributions for a cheaper
// PPU:
//
//   per-layer  one scale L = max |w * s_c| / 127 for the whole layer;
//   wess       L / 2^k_c per output channel, k_c in 0..15 the largest shift
//              that keeps the channel's largest weight within 127 (WESS:
//              the per-channel binary shift before layer-wise quantization,
//              folded into the requantization as the PPU's shift table).
//
// The new weights are round(w * s_c / scale_c), the bias round(b * s_c /
// scale_c), and the requantization one multiplier with one shift, or with
// shift base + k_c per channel (npu-fold-rescale then picks the shift-table
// form). k_c is capped so that base + k_c stays within the PPU's shift
// range: a nearly empty channel gets a smaller shift, never an underflowing
// multiplier. npu-acc-bound, which runs after, re-checks the accumulator
// bound of the new weights.
//
//===----------------------------------------------------------------------===//
#include "npu/Dialect/Npu/IR/NpuOps.h"
#include "npu/Dialect/Npu/Transforms/Passes.h"
#include "npu/Golden/Arith.h"
#include "npu/Isa/PpuTable.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

namespace mlir::npu {
#define GEN_PASS_DEF_NPUREQUANTIZEWEIGHTS
#include "npu/Dialect/Npu/Transforms/Passes.h.inc"
} // namespace mlir::npu

using namespace mlir;
using namespace mlir::npu;

namespace {

constexpr int64_t kWeightMax = 127; // symmetric int8 weights

/// Replaces `op`'s use of `old` by a new constant holding `values`.
void replaceConstant(Operation *op, Value old, ArrayRef<APInt> values) {
  auto type = cast<ShapedType>(old.getType());
  OpBuilder builder(op);
  Value fresh = builder.create<arith::ConstantOp>(
      old.getLoc(), DenseIntElementsAttr::get(type, values));
  old.replaceUsesWithIf(fresh,
                        [&](OpOperand &use) { return use.getOwner() == op; });
  if (Operation *def = old.getDefiningOp(); def && def->use_empty())
    def->erase();
}

/// Marks a layer whose weights this pass cannot re-express: it keeps the
/// model's scales (npu-fold-rescale and the quant report say so).
LogicalResult keep(Operation *op) {
  op->setAttr(
      kRescaleAttrName,
      StringAttr::get(op->getContext(), rescaleModeName(RescaleMode::Exact)));
  return success();
}

LogicalResult requantize(MacOpInterface mac, RescaleMode mode) {
  Operation *op = mac.getOperation();
  auto requant = cast<RequantOpInterface>(op);
  Value weightsValue = mac.getMacWeights();
  Value biasValue = mac.getMacBias();
  DenseIntElementsAttr weights, bias;
  // Only constant int8 weights with an int32 bias: the 16x8 layers (int64
  // bias, split int16 input) and matmuls of two activations keep theirs.
  if (!biasValue || !matchPattern(weightsValue, m_Constant(&weights)) ||
      !matchPattern(biasValue, m_Constant(&bias)) ||
      !weights.getElementType().isInteger(8) ||
      !bias.getElementType().isInteger(32))
    return keep(op);
  if (auto conv = dyn_cast<Conv2DOp>(op); conv && conv.getSplitInput())
    return keep(op);

  const MacWeightLayout layout = mac.getMacWeightLayout();
  const int64_t channels = layout.accumulators();
  ArrayRef<int32_t> mult = requant.getMultiplier();
  ArrayRef<int32_t> shift = requant.getShift();
  if (bias.getNumElements() != channels || mult.size() != shift.size() ||
      (mult.size() != 1 && static_cast<int64_t>(mult.size()) != channels))
    return op->emitError("cannot re-quantize: ")
           << mult.size() << " multipliers and " << bias.getNumElements()
           << " biases for " << channels << " channels";

  // s_c and each channel's largest real contribution.
  SmallVector<double> scale(channels), channelMax(channels, 0.0);
  for (int64_t c = 0; c < channels; ++c) {
    const size_t k = mult.size() == 1 ? 0 : c;
    scale[c] = std::ldexp(double(mult[k]), -shift[k]);
  }
  SmallVector<int64_t> w;
  w.reserve(weights.getNumElements());
  for (const APInt &v : weights.getValues<APInt>())
    w.push_back(v.getSExtValue());
  for (size_t i = 0; i < w.size(); ++i) {
    const int64_t c = layout.accumulatorOf(static_cast<int64_t>(i));
    channelMax[c] = std::max(channelMax[c], std::abs(double(w[i])) * scale[c]);
  }
  const double layerMax = *llvm::max_element(channelMax);
  if (!(layerMax > 0.0))
    return keep(op); // all-zero weights: nothing to re-express

  const ::npu::golden::ScaleFactor layer =
      ::npu::golden::quantizeMultiplier(layerMax / kWeightMax);
  if (layer.shift < ::npu::isa::kMinScaleShift ||
      layer.shift > ::npu::isa::kMaxScaleShift)
    return op->emitError("cannot re-quantize: the layer scale ")
           << layerMax / kWeightMax << " is outside the PPU's range";
  const double layerScale = std::ldexp(double(layer.multiplier), -layer.shift);

  // k_c per channel (all 0 per layer).
  const int maxK = std::min<int>(::npu::isa::kMaxKshift,
                                 ::npu::isa::kMaxScaleShift - layer.shift);
  SmallVector<int32_t> k(channels, 0);
  if (mode == RescaleMode::Wess) {
    for (int64_t c = 0; c < channels; ++c) {
      if (channelMax[c] == 0.0)
        continue; // an empty channel keeps the layer scale
      while (k[c] < maxK &&
             std::ldexp(channelMax[c], k[c] + 1) <= layerMax * (1 + 1e-12))
        ++k[c];
    }
  }

  SmallVector<APInt> newWeights, newBias;
  newWeights.reserve(w.size());
  double signal = 0, noise = 0; // of the real weights, for the report
  for (size_t i = 0; i < w.size(); ++i) {
    const int64_t c = layout.accumulatorOf(static_cast<int64_t>(i));
    const double step = std::ldexp(layerScale, -k[c]);
    const double real = double(w[i]) * scale[c];
    const int64_t v = std::clamp<int64_t>(
        static_cast<int64_t>(std::round(real / step)), -kWeightMax, kWeightMax);
    newWeights.push_back(APInt(8, static_cast<uint64_t>(v), /*isSigned=*/true));
    const double error = real - double(v) * step;
    signal += real * real;
    noise += error * error;
  }
  op->setAttr(kRescaleAttrName,
              StringAttr::get(op->getContext(), rescaleModeName(mode)));
  // An exact re-expression (no rounding error) is recorded as +inf.
  op->setAttr(
      kWeightSqnrAttrName,
      FloatAttr::get(Float64Type::get(op->getContext()),
                     noise == 0 ? INFINITY : 10 * std::log10(signal / noise)));
  int64_t c = 0;
  for (const APInt &b : bias.getValues<APInt>()) {
    const double q = std::round(double(b.getSExtValue()) * scale[c] /
                                std::ldexp(layerScale, -k[c]));
    if (!(std::fabs(q) <= double(INT32_MAX)))
      return op->emitError("cannot re-quantize: the bias of channel ")
             << c << " does not fit int32 at the new weight scale";
    newBias.push_back(
        APInt(32, static_cast<uint64_t>(static_cast<int64_t>(q)), true));
    ++c;
  }

  replaceConstant(op, weightsValue, newWeights);
  replaceConstant(op, biasValue, newBias);
  if (mode == RescaleMode::PerLayer) {
    requant.setMultiplier(ArrayRef<int32_t>{layer.multiplier});
    requant.setShift(ArrayRef<int32_t>{layer.shift});
  } else {
    SmallVector<int32_t> mults(channels, layer.multiplier), shifts;
    for (int32_t kc : k)
      shifts.push_back(layer.shift + kc);
    requant.setMultiplier(mults);
    requant.setShift(shifts);
  }
  return success();
}

} // namespace

SmallVector<Operation *> mlir::npu::rescaleLayers(ModuleOp module) {
  SmallVector<Operation *> ops;
  module.walk([&](MacOpInterface op) {
    DenseIntElementsAttr weights;
    if (matchPattern(op.getMacWeights(), m_Constant(&weights)) &&
        weights.getElementType().isInteger(8))
      ops.push_back(op);
  });
  return ops;
}

namespace {

struct RequantizeWeightsPass
    : mlir::npu::impl::NpuRequantizeWeightsBase<RequantizeWeightsPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<Operation *> planned;
    SmallVector<RescaleMode> modes;
    if (!plan.empty()) {
      planned = rescaleLayers(module);
      if (plan.size() != planned.size()) {
        module.emitError("the rescale plan lists ")
            << plan.size() << " modes; the model has " << planned.size()
            << " layers it plans";
        return signalPassFailure();
      }
      for (const std::string &name : plan) {
        std::optional<RescaleMode> m = parseRescaleMode(name);
        if (!m || *m == RescaleMode::Auto) {
          module.emitError("a rescale plan lists exact, per-layer or wess, "
                           "not '")
              << name << "'";
          return signalPassFailure();
        }
        modes.push_back(*m);
      }
    } else if (mode == RescaleMode::Auto) {
      module.emitError("--rescale=auto needs a plan: npuc --precision-plan "
                       "chooses one");
      return signalPassFailure();
    }
    SmallVector<MacOpInterface> ops;
    module.walk([&](MacOpInterface op) { ops.push_back(op); });
    for (MacOpInterface op : ops) {
      RescaleMode layerMode =
          mode == RescaleMode::Auto ? RescaleMode::Exact : mode.getValue();
      if (auto *at = llvm::find(planned, op.getOperation());
          at != planned.end())
        layerMode = modes[static_cast<size_t>(at - planned.begin())];
      if (layerMode != RescaleMode::Exact && failed(requantize(op, layerMode)))
        return signalPassFailure();
    }
  }
};

} // namespace
