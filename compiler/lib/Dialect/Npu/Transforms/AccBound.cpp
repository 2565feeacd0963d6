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

#include "npu/Isa/Isa.h"

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
  else if (auto r = dyn_cast<RequantOpInterface>(def))
    narrow(r.getClampMin(), r.getClampMax());
  return {lo, hi};
}

/// Sum of magnitude(w) per accumulator of a constant weight tensor, each
/// weight times its pass's 2^acc_shift (`shiftOf(index)`); nullopt when the
/// weights are not constant.
std::optional<SmallVector<int64_t>>
accumulatorAbsSums(Value weights, MacWeightLayout layout,
                   llvm::function_ref<int64_t(int64_t)> shiftOf,
                   llvm::function_ref<int64_t(int64_t)> magnitude) {
  DenseIntElementsAttr attr;
  if (!matchPattern(weights, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<int64_t> sums(layout.accumulators(), 0);
  int64_t index = 0;
  for (const APInt &w : attr.getValues<APInt>()) {
    sums[layout.accumulatorOf(index)] += magnitude(w.getSExtValue())
                                         << shiftOf(index);
    ++index;
  }
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
    const int64_t accWeightBits = config->array.weightBits;
    const char *policy = config->array.overflow == ::npu::OverflowPolicy::Wrap
                             ? "wrap"
                             : "saturate";

    getOperation().walk([&](MacOpInterface op) {
      auto [lo, hi] = inputRange(op.getMacInput());
      const int64_t zp = op.getMacInputZp();
      const int64_t maxIn = std::max(std::abs(lo - zp), std::abs(hi - zp));
      const MacWeightLayout layout = op.getMacWeightLayout();
      // |w| <= 128 when the weights are not constant.
      int64_t maxSum = 128 * layout.reduction;
      // A split int16 convolution's even (high-byte) kernel columns count
      // 256 times (conv2d's split_input); OHWI weights, column index
      // (index / IC) % KW.
      auto conv = dyn_cast<Conv2DOp>(op.getOperation());
      const bool split = conv && conv.getSplitInput();
      int64_t ic = 1, kw = 1;
      if (split) {
        auto w = cast<ShapedType>(conv.getWeights().getType());
        kw = w.getDimSize(2);
        ic = w.getDimSize(3);
      }
      auto shiftOf = [&](int64_t index) -> int64_t {
        return split && (index / ic) % kw % 2 == 0 ? 8 : 0;
      };
      auto abs = [](int64_t w) { return std::abs(w); };
      if (auto sums =
              accumulatorAbsSums(op.getMacWeights(), layout, shiftOf, abs))
        maxSum = *llvm::max_element(*sums);
      else if (split)
        maxSum *= 256;
      // On a low-bit array the points' passes (npu-weight-points) run
      // leading digit first: a partial sum after p points can exceed the
      // final one (w = -1 is -16 + 15 on a 4-bit array). A single later
      // pass never does: its digit is below the leading point's step.
      const auto wbits = static_cast<unsigned>(accWeightBits);
      if (wbits < 8 && !isa<DepthwiseConv2DOp>(op.getOperation()))
        for (unsigned p = 0; p + 1 < ::npu::isa::maxWeightPoints(wbits); ++p) {
          auto prefix = [&](int64_t w) {
            int64_t v = 0;
            for (unsigned q = 0; q <= p; ++q)
              v += int64_t(
                       ::npu::isa::weightDigit(static_cast<int>(w), wbits, q))
                   << ::npu::isa::pointShift(wbits, q);
            return std::abs(v);
          };
          if (auto sums = accumulatorAbsSums(op.getMacWeights(), layout,
                                             shiftOf, prefix))
            maxSum = std::max(maxSum, *llvm::max_element(*sums));
        }
      const int64_t bound = maxIn * maxSum;
      const int64_t bits = bitsFor(bound);
      auto requant = cast<RequantOpInterface>(op.getOperation());
      requant.setAccBound(bound);
      requant.setAccBits(static_cast<int32_t>(bits));
      if (bits > accBits)
        op->emitWarning("accumulator may overflow: worst case |acc| = ")
            << bound << " needs " << bits << " bits, array.acc_bits is "
            << accBits << " (policy " << policy << ")";
    });
  }
};

} // namespace
