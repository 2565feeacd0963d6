//===- FuseSoftmax.cpp - TFLite's integer softmax into npu.softmax --------===//
//
// The TFLite importer writes SOFTMAX as integer TOSA (EmitSoftmax.cpp) and
// marks its final rescale with npu.tflite_softmax. From that rescale the
// pattern walks back through the parts npu.softmax recomputes - the
// exponential's four byte tables and how they combine, the index
// (x - max(x)) * 128, the rounded >> 12 sum, clz and the final rounding
// shift - checking each op and constant, and rebuilds the exponential as
// one 256-entry int32 table over d = max(x) - x. The reciprocal between the
// sum and the product (gemmlowp's Newton-Raphson steps) is what the marker
// vouches for: npu.softmax computes it with vec.alu recip.
//
//===----------------------------------------------------------------------===//
#include "FusionPatterns.h"

#include "npu/Dialect/Npu/IR/NpuOps.h"
#include "npu/Golden/Arith.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::npu;

namespace {

/// One term of the exponential's sum: a table lookup shifted into place.
struct ExpTerm {
  std::vector<int64_t> table; // 513 int16 entries
  bool left = true;           // logical << shift, else rounding >> shift
  int64_t shift = 0;
};

using ::npu::golden::wrap32;

bool isRoundingShiftBy(tosa::ArithmeticRightShiftOp op, int64_t amount) {
  return op && op.getRound() && splatValue(op.getInput2()) == amount;
}

bool isIdentityRescale(tosa::RescaleOp op, int64_t multiplier, int64_t shift,
                       int64_t outputZp) {
  return op.getMultiplier().size() == 1 &&
         op.getMultiplier()[0] == multiplier && op.getShift().size() == 1 &&
         op.getShift()[0] == shift &&
         static_cast<int32_t>(op.getInputZp()) == 0 &&
         static_cast<int32_t>(op.getOutputZp()) == outputZp &&
         !op.getDoubleRound() && !op.getPerChannel();
}

/// The terms of e = t0 << a + t1 << b + ... (tosa.add tree), all tables
/// indexed by `index`; false when the tree has another form.
bool collectTerms(Value v, Value &index, SmallVectorImpl<ExpTerm> &terms) {
  if (auto add = v.getDefiningOp<tosa::AddOp>())
    return collectTerms(add.getInput1(), index, terms) &&
           collectTerms(add.getInput2(), index, terms);
  ExpTerm term;
  Value looked;
  if (auto shl = v.getDefiningOp<tosa::LogicalLeftShiftOp>()) {
    std::optional<int64_t> s = splatValue(shl.getInput2());
    if (!s || *s < 0 || *s > 31)
      return false;
    term.shift = *s;
    looked = shl.getInput1();
  } else if (auto shr = v.getDefiningOp<tosa::ArithmeticRightShiftOp>()) {
    std::optional<int64_t> s = splatValue(shr.getInput2());
    if (!s || *s < 1 || *s > 31 || !shr.getRound())
      return false;
    term.left = false;
    term.shift = *s;
    looked = shr.getInput1();
  } else {
    return false;
  }
  auto table = looked.getDefiningOp<tosa::TableOp>();
  DenseIntElementsAttr values;
  if (!table || !matchPattern(table.getTable(), m_Constant(&values)) ||
      values.getNumElements() != 513 || !isInt(table.getInput().getType(), 16))
    return false;
  if (index && table.getInput() != index)
    return false;
  index = table.getInput();
  for (const APInt &x : values.getValues<APInt>())
    term.table.push_back(x.getSExtValue());
  terms.push_back(std::move(term));
  return true;
}

struct FuseTfliteSoftmax : OpRewritePattern<tosa::RescaleOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::RescaleOp root,
                                PatternRewriter &rewriter) const override {
    if (!root->hasAttr(kTfliteSoftmaxAttr))
      return failure();
    // y = rescale(q) with an identity scale and output zero point -128.
    if (!isInt(root.getType(), 8) || !isInt(root.getInput().getType(), 32) ||
        !isIdentityRescale(root, int64_t(1) << 30, 30, -128))
      return rewriter.notifyMatchFailure(root, "not the final rescale");
    // q = ((e * S) >> 31 rounded) >> (35 - clz(sum)) rounded.
    auto shifted =
        root.getInput().getDefiningOp<tosa::ArithmeticRightShiftOp>();
    if (!shifted || !shifted.getRound())
      return rewriter.notifyMatchFailure(root, "no rounding shift");
    auto scaled = shifted.getInput1().getDefiningOp<tosa::MulOp>();
    auto amount = shifted.getInput2().getDefiningOp<tosa::SubOp>();
    if (!scaled || scaled.getShift() != 31 || !amount ||
        splatValue(amount.getInput1()) != 35)
      return rewriter.notifyMatchFailure(root, "no product or shift amount");
    auto clz = amount.getInput2().getDefiningOp<tosa::ClzOp>();
    auto sum =
        clz ? clz.getInput1().getDefiningOp<tosa::ReduceSumOp>() : nullptr;
    Value e = scaled.getInput1();
    auto part =
        sum ? sum.getInput().getDefiningOp<tosa::ArithmeticRightShiftOp>()
            : nullptr;
    if (!sum || !isRoundingShiftBy(part, 12) || part.getInput1() != e)
      return rewriter.notifyMatchFailure(root, "no sum of e >> 12");
    // e: the byte tables at index = (x - max(x)) * 128.
    Value index;
    SmallVector<ExpTerm, 4> terms;
    if (!collectTerms(e, index, terms))
      return rewriter.notifyMatchFailure(root, "no exponential tables");
    auto times128 = index.getDefiningOp<tosa::RescaleOp>();
    auto diff =
        times128 ? times128.getInput().getDefiningOp<tosa::SubOp>() : nullptr;
    if (!times128 || !isIdentityRescale(times128, int64_t(1) << 30, 23, 0) ||
        !diff)
      return rewriter.notifyMatchFailure(root, "no index (x - max) * 128");
    auto max = diff.getInput2().getDefiningOp<tosa::ReduceMaxOp>();
    auto widen = diff.getInput1().getDefiningOp<tosa::CastOp>();
    if (!max || !widen || max.getInput() != diff.getInput1() ||
        !isInt(widen.getInput().getType(), 8))
      return rewriter.notifyMatchFailure(root, "no x - max(x)");
    Value x = widen.getInput();
    auto xType = cast<RankedTensorType>(x.getType());
    const int64_t axis = xType.getRank() - 1;
    if (max.getAxis() != axis || sum.getAxis() != axis ||
        xType != root.getType() || xType.getShape().back() > kMaxSoftmaxDepth)
      return rewriter.notifyMatchFailure(root, "not over the last axis");

    // exp_table[d] for d = max - x: each table entry 256 - d (index -128 d
    // lands on an entry, fraction 0: the lookup is entry << 7).
    SmallVector<int32_t> expTable(256);
    for (int64_t d = 0; d < 256; ++d) {
      int64_t acc = 0;
      for (const ExpTerm &t : terms) {
        const int32_t looked = wrap32(t.table[256 - d] * 128);
        const int32_t v =
            t.left ? wrap32(int64_t(uint32_t(looked) << t.shift))
                   : (looked >> t.shift) + ((looked >> (t.shift - 1)) & 1);
        acc = wrap32(acc + v);
      }
      if (acc < 0)
        return rewriter.notifyMatchFailure(root, "negative exponential");
      expTable[d] = static_cast<int32_t>(acc);
    }
    rewriter.replaceOpWithNewOp<SoftmaxOp>(
        root, root.getType(), x, rewriter.getDenseI32ArrayAttr(expTable));
    return success();
  }
};

} // namespace

void mlir::npu::populateTfliteSoftmaxFusion(RewritePatternSet &patterns) {
  patterns.add<FuseTfliteSoftmax>(patterns.getContext());
}
