//===- AccBound.cpp - Static worst-case accumulator bounds ----------------===//
//
// For each MAC layer the accumulator of output channel c holds a partial sum
// of (x - zp) * w over the reduction. Its magnitude is at most
//   max|x - zp| * sum |w_c|,
// where x's range is the int8 range narrowed by the producer's clamp (ReLU
// outputs are never below their zero point, which halves many bounds). The
// array's partial sums and the accumulator adder are array.acc_bits wide;
// a layer whose bound needs more bits may overflow and gets a warning. The
// bound and its bit count are recorded on the op and reach the program's
// LAYERS section, where the simulator shows them next to the counted
// overflow events.
//
//===----------------------------------------------------------------------===//
#include "npu/Dialect/Npu/IR/NpuOps.h"
#include "npu/Dialect/Npu/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"

namespace mlir::npu {
#define GEN_PASS_DEF_NPUACCBOUND
#include "npu/Dialect/Npu/Transforms/Passes.h.inc"
} // namespace mlir::npu

using namespace mlir;
using namespace mlir::npu;

namespace {

/// Value range of an int8 activation, narrowed by the clamp of the npu op
/// that produced it (looking through reshapes).
std::pair<int64_t, int64_t> inputRange(Value v) {
  int64_t lo = -128, hi = 127;
  Operation *def = v.getDefiningOp();
  while (auto reshape = dyn_cast_or_null<ReshapeOp>(def))
    def = reshape.getInput().getDefiningOp();
  if (!def)
    return {lo, hi};
  auto narrow = [&](int64_t a, int64_t b) {
    lo = std::max(lo, a);
    hi = std::min(hi, b);
  };
  if (auto c = dyn_cast<ClampOp>(def))
    narrow(c.getMin(), c.getMax());
  else if (auto p = dyn_cast<PoolOp>(def))
    narrow(p.getClampMin(), p.getClampMax());
  else if (def->hasAttr("clamp_min") && def->hasAttr("clamp_max"))
    narrow(cast<IntegerAttr>(def->getAttr("clamp_min")).getInt(),
           cast<IntegerAttr>(def->getAttr("clamp_max")).getInt());
  return {lo, hi};
}

/// Sum of |w| per group of a constant weight tensor, where `groupOf` maps
/// a flat element index to its group (an output channel, or a batch and
/// column); nullopt when the weights are not constant.
std::optional<SmallVector<int64_t>>
groupAbsSums(Value weights, int64_t groups,
             llvm::function_ref<int64_t(int64_t)> groupOf) {
  DenseIntElementsAttr attr;
  if (!matchPattern(weights, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<int64_t> sums(groups, 0);
  int64_t index = 0;
  for (const APInt &w : attr.getValues<APInt>())
    sums[groupOf(index++)] += std::abs(w.getSExtValue());
  return sums;
}

int64_t bitsFor(int64_t bound) {
  int64_t bits = 1; // sign
  while (bound > 0) {
    ++bits;
    bound >>= 1;
  }
  return bits;
}

struct AccBoundPass : mlir::npu::impl::NpuAccBoundBase<AccBoundPass> {
  void runOnOperation() override {
    FailureOr<::npu::ArchConfig> config = getArchConfig(getOperation());
    if (failed(config))
      return signalPassFailure();
    const int64_t accBits = config->array.accBits;
    const char *policy = config->array.overflow == ::npu::OverflowPolicy::Wrap
                             ? "wrap"
                             : "saturate";

    auto record = [&](Operation *op, Value input, int64_t zp,
                      std::optional<SmallVector<int64_t>> sums,
                      int64_t fallbackTerms) {
      auto [lo, hi] = inputRange(input);
      const int64_t maxIn = std::max(std::abs(lo - zp), std::abs(hi - zp));
      int64_t maxSum = 128 * fallbackTerms; // |w| <= 128 when not constant
      if (sums)
        maxSum = *llvm::max_element(*sums);
      const int64_t bound = maxIn * maxSum;
      const int64_t bits = bitsFor(bound);
      Builder b(op->getContext());
      op->setAttr("acc_bound", b.getI64IntegerAttr(bound));
      op->setAttr("acc_bits", b.getI32IntegerAttr(static_cast<int32_t>(bits)));
      if (bits > accBits)
        op->emitWarning("accumulator may overflow: worst case |acc| = ")
            << bound << " needs " << bits << " bits, array.acc_bits is "
            << accBits << " (policy " << policy << ")";
    };

    getOperation().walk([&](Operation *op) {
      if (auto c = dyn_cast<Conv2DOp>(op)) {
        // OHWI: channel = index / (KH * KW * IC).
        auto w = cast<ShapedType>(c.getWeights().getType());
        const int64_t perChannel = w.getNumElements() / w.getDimSize(0);
        record(op, c.getInput(), c.getInputZp(),
               groupAbsSums(c.getWeights(), w.getDimSize(0),
                            [&](int64_t i) { return i / perChannel; }),
               perChannel);
      } else if (auto d = dyn_cast<DepthwiseConv2DOp>(op)) {
        // [KH, KW, C, M]: channel c * M + m = index % (C * M).
        auto w = cast<ShapedType>(d.getWeights().getType());
        const int64_t channels = w.getDimSize(2) * w.getDimSize(3);
        record(op, d.getInput(), d.getInputZp(),
               groupAbsSums(d.getWeights(), channels,
                            [&](int64_t i) { return i % channels; }),
               w.getDimSize(0) * w.getDimSize(1));
      } else if (auto f = dyn_cast<FullyConnectedOp>(op)) {
        // [OC, IC]: channel = index / IC.
        auto w = cast<ShapedType>(f.getWeights().getType());
        const int64_t ic = w.getDimSize(1);
        record(op, f.getInput(), f.getInputZp(),
               groupAbsSums(f.getWeights(), w.getDimSize(0),
                            [&](int64_t i) { return i / ic; }),
               ic);
      } else if (auto m = dyn_cast<MatMulOp>(op)) {
        // [N, C, W]: group (n, w) = (index / (C * W)) * W + index % W.
        auto b = cast<ShapedType>(m.getB().getType());
        const int64_t c = b.getDimSize(1), w = b.getDimSize(2);
        record(
            op, m.getA(), m.getAZp(),
            groupAbsSums(m.getB(), b.getDimSize(0) * w,
                         [&](int64_t i) { return (i / (c * w)) * w + i % w; }),
            c);
      }
    });
  }
};

} // namespace
