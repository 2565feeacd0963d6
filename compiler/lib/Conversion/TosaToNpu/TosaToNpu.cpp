//===- TosaToNpu.cpp - Fuse TOSA int8 graphs into npu ops -----------------===//
//
// The NPU applies requantization, clamping and lookup tables in its
// post-processing unit, so the TOSA op sequences that TFLite's legalization
// produces for one int8 layer (conv2d -> rescale -> clamp, rescale x2 ->
// add -> rescale -> clamp, ...) become one npu op each. Patterns are rooted
// at the op that consumes the MAC result (the rescale) and look forward for
// an optional clamp.
//
//===----------------------------------------------------------------------===//
#include "npu/Conversion/TosaToNpu/TosaToNpu.h"

#include "FusionPatterns.h"

#include "npu/Dialect/Npu/IR/NpuOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::npu {
#define GEN_PASS_DEF_TOSATONPU
#include "npu/Conversion/TosaToNpu/Passes.h.inc"
} // namespace mlir::npu

using namespace mlir;
using namespace mlir::npu;

namespace {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// Range of an integer element type.
std::pair<int64_t, int64_t> intRange(Type type) {
  auto i = cast<IntegerType>(getElementTypeOrSelf(type));
  const unsigned w = i.getWidth();
  if (i.isUnsigned())
    return {0, (int64_t(1) << w) - 1};
  return {-(int64_t(1) << (w - 1)), (int64_t(1) << (w - 1)) - 1};
}

/// The single user of `v` if it has exactly one use.
Operation *singleUser(Value v) {
  return v.hasOneUse() ? *v.getUsers().begin() : nullptr;
}

/// A tosa.clamp on integers that is the only user of `v`, if any.
tosa::ClampOp fusableClamp(Value v) {
  auto clamp = dyn_cast_or_null<tosa::ClampOp>(singleUser(v));
  if (clamp && clamp.getType() == v.getType())
    return clamp;
  return nullptr;
}

/// An int8 tosa.table with a constant table that is the only user of `v`:
/// the PPU applies it as its 256-entry LUT after the clamp.
tosa::TableOp fusableTable(Value v) {
  auto table = dyn_cast_or_null<tosa::TableOp>(singleUser(v));
  if (!table || !isInt(v.getType(), 8) || !isInt(table.getType(), 8) ||
      !matchPattern(table.getTable(), m_Constant()))
    return nullptr;
  return table;
}

/// Requantization attributes of a TOSA rescale feeding a PPU, plus the clamp
/// range (the result type's range, narrowed by `clamp` if present) and the
/// LUT of a following int8 table.
struct Requant {
  SmallVector<int32_t> multiplier, shift;
  int32_t outputZp = 0;
  bool doubleRound = false;
  int32_t clampMin = 0, clampMax = 0;
  SmallVector<int32_t> lut;

  /// Takes the LUT of `table` (assumed fusable).
  void addTable(tosa::TableOp table) {
    DenseIntElementsAttr values;
    matchPattern(table.getTable(), m_Constant(&values));
    for (const APInt &v : values.getValues<APInt>())
      lut.push_back(static_cast<int32_t>(v.getSExtValue()));
  }

  static FailureOr<Requant> from(tosa::RescaleOp rescale, tosa::ClampOp clamp) {
    if (rescale.getInputZp() != 0)
      return failure();
    Requant r;
    llvm::append_range(r.multiplier, rescale.getMultiplier());
    for (int8_t s : rescale.getShift())
      r.shift.push_back(s);
    r.outputZp = static_cast<int32_t>(rescale.getOutputZp());
    r.doubleRound = rescale.getScale32() && rescale.getDoubleRound();
    auto [lo, hi] = intRange(rescale.getType());
    if (clamp) {
      lo = std::max(lo, static_cast<int64_t>(clamp.getMinInt()));
      hi = std::min(hi, static_cast<int64_t>(clamp.getMaxInt()));
      if (lo > hi)
        return failure();
    }
    r.clampMin = static_cast<int32_t>(lo);
    r.clampMax = static_cast<int32_t>(hi);
    return r;
  }

  void addTo(OpBuilder &b, OperationState &state) const {
    state.addAttribute("multiplier", b.getDenseI32ArrayAttr(multiplier));
    state.addAttribute("shift", b.getDenseI32ArrayAttr(shift));
    state.addAttribute("output_zp", b.getI32IntegerAttr(outputZp));
    state.addAttribute("double_round", b.getBoolAttr(doubleRound));
    state.addAttribute("clamp_min", b.getI32IntegerAttr(clampMin));
    state.addAttribute("clamp_max", b.getI32IntegerAttr(clampMax));
    if (!lut.empty())
      state.addAttribute("lut", b.getDenseI32ArrayAttr(lut));
  }
};

} // namespace

void mlir::npu::replaceChain(PatternRewriter &rewriter, Operation *last,
                             OperationState &state,
                             ArrayRef<Operation *> dead) {
  SmallVector<Location> locs;
  for (Operation *op : dead)
    if (op)
      locs.push_back(op->getLoc());
  if (llvm::find(dead, last) == dead.end())
    locs.push_back(last->getLoc());
  state.location = rewriter.getFusedLoc(locs);
  Operation *fused = rewriter.create(state);
  rewriter.replaceOp(last, fused->getResults());
  for (Operation *op : llvm::reverse(dead)) // users before producers
    if (op && op != last && op->use_empty())
      rewriter.eraseOp(op);
}

namespace {

//===----------------------------------------------------------------------===//
// MAC layers: conv2d / depthwise_conv2d / fully_connected / matmul
//===----------------------------------------------------------------------===//

struct FuseMacRescale : OpRewritePattern<tosa::RescaleOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::RescaleOp rescale,
                                PatternRewriter &rewriter) const override {
    Operation *mac = rescale.getInput().getDefiningOp();
    if (!mac || !mac->getResult(0).hasOneUse() ||
        !isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::FullyConnectedOp,
             tosa::MatMulOp>(mac))
      return failure();
    if (!isInt(rescale.getType(), 8) && !isInt(rescale.getType(), 16))
      return rewriter.notifyMatchFailure(rescale, "result is not 8/16-bit");
    // The array and vector unit read int8 (an int16 layer is split into
    // bytes first, SplitInt16.cpp, or refused with its reason).
    if (!isInt(mac->getOperand(0).getType(), 8))
      return rewriter.notifyMatchFailure(mac, "input is not int8");
    tosa::ClampOp clamp = fusableClamp(rescale.getOutput());
    FailureOr<Requant> requant = Requant::from(rescale, clamp);
    if (failed(requant))
      return failure();
    Operation *last = clamp ? clamp.getOperation() : rescale.getOperation();
    if (tosa::TableOp table = fusableTable(last->getResult(0))) {
      requant->addTable(table);
      last = table;
    }

    OperationState state(rescale.getLoc(), StringRef());
    state.addTypes(rescale.getType());
    requant->addTo(rewriter, state);
    auto convAttrs = [&](auto op, int64_t inputZp) {
      state.addOperands({op.getInput(), op.getWeight(), op.getBias()});
      state.addAttribute("stride", op.getStrideAttr());
      state.addAttribute("dilation", op.getDilationAttr());
      state.addAttribute("pad", op.getPadAttr());
      state.addAttribute("input_zp", rewriter.getI32IntegerAttr(
                                         static_cast<int32_t>(inputZp)));
    };
    if (auto conv = dyn_cast<tosa::Conv2DOp>(mac)) {
      auto [inZp, wZp] = quantInfo(conv.getQuantizationInfo());
      if (wZp != 0)
        return rewriter.notifyMatchFailure(mac, "weight zero point");
      state.name = OperationName(Conv2DOp::getOperationName(), getContext());
      convAttrs(conv, inZp);
      if (conv->hasAttr(kSplitInputAttr))
        state.addAttribute("split_input", rewriter.getUnitAttr());
    } else if (auto dw = dyn_cast<tosa::DepthwiseConv2DOp>(mac)) {
      auto [inZp, wZp] = quantInfo(dw.getQuantizationInfo());
      if (wZp != 0)
        return rewriter.notifyMatchFailure(mac, "weight zero point");
      state.name =
          OperationName(DepthwiseConv2DOp::getOperationName(), getContext());
      convAttrs(dw, inZp);
    } else if (auto fc = dyn_cast<tosa::FullyConnectedOp>(mac)) {
      auto [inZp, wZp] = quantInfo(fc.getQuantizationInfo());
      if (wZp != 0)
        return rewriter.notifyMatchFailure(mac, "weight zero point");
      state.name =
          OperationName(FullyConnectedOp::getOperationName(), getContext());
      state.addOperands({fc.getInput(), fc.getWeight(), fc.getBias()});
      state.addAttribute(
          "input_zp", rewriter.getI32IntegerAttr(static_cast<int32_t>(inZp)));
    } else {
      auto mm = cast<tosa::MatMulOp>(mac);
      int64_t aZp = 0, bZp = 0;
      if (auto q = mm.getQuantizationInfo()) {
        aZp = q->getAZp();
        bZp = q->getBZp();
      }
      if (bZp != 0)
        return rewriter.notifyMatchFailure(mac, "b zero point");
      state.name = OperationName(MatMulOp::getOperationName(), getContext());
      state.addOperands({mm.getA(), mm.getB()});
      state.addAttribute("a_zp",
                         rewriter.getI32IntegerAttr(static_cast<int32_t>(aZp)));
    }
    replaceChain(rewriter, last, state,
                 {mac, rescale, clamp ? clamp.getOperation() : nullptr});
    return success();
  }

  static std::pair<int64_t, int64_t>
  quantInfo(std::optional<tosa::ConvOpQuantizationAttr> q) {
    if (!q)
      return {0, 0};
    return {q->getInputZp(), q->getWeightZp()};
  }
};

//===----------------------------------------------------------------------===//
// Element-wise add/sub/mul with rescaled inputs
//===----------------------------------------------------------------------===//

struct FuseEltwiseRescale : OpRewritePattern<tosa::RescaleOp> {
  using OpRewritePattern::OpRewritePattern;

  /// One input of the element-wise op: a per-tensor rescale into int32
  /// used only by it, of a narrow tensor or of an exact left shift of one
  /// (TFLite ADD/SUB's `(x - zp) << left_shift` followed by the input's
  /// multiplier: two TOSA rescales, one vec.ecfg input).
  struct Input {
    Value value;
    int32_t zp = 0, multiplier = 0, shift = 0;
    bool doubleRound = false;
    int32_t leftShift = 0;
    SmallVector<Operation *, 2> ops; // producers first
  };

  static tosa::RescaleOp perTensorToI32(Value v) {
    auto r = v.getDefiningOp<tosa::RescaleOp>();
    if (!r || !r.getOutput().hasOneUse() || !isInt(r.getType(), 32) ||
        r.getMultiplier().size() != 1 || r.getOutputZp() != 0)
      return nullptr;
    return r;
  }

  /// `r` multiplies exactly by 2^L (a power-of-two multiplier with at
  /// least as many bits as the shift drops, so no rounding), and no value
  /// of its narrow input minus its zero point can saturate the int32
  /// result.
  static std::optional<int32_t> exactLeftShift(tosa::RescaleOp r) {
    const int64_t m = r.getMultiplier()[0], s = r.getShift()[0];
    if (m <= 0 || !llvm::isPowerOf2_64(static_cast<uint64_t>(m)))
      return std::nullopt;
    const int64_t l = llvm::Log2_64(static_cast<uint64_t>(m)) - s;
    auto [lo, hi] = intRange(r.getInput().getType());
    const int64_t zp = static_cast<int32_t>(r.getInputZp()); // uint32_t
    const int64_t maxAbs = std::max(std::abs(lo - zp), std::abs(hi - zp));
    if (l < 0 || l > 31 || (maxAbs << l) > INT32_MAX)
      return std::nullopt;
    return static_cast<int32_t>(l);
  }

  static std::optional<Input> input(Value v) {
    tosa::RescaleOp r = perTensorToI32(v);
    if (!r)
      return std::nullopt;
    Input in;
    in.multiplier = r.getMultiplier()[0];
    in.shift = r.getShift()[0];
    in.doubleRound = r.getScale32() && r.getDoubleRound();
    if (!isInt(r.getInput().getType(), 32)) {
      in.value = r.getInput();
      in.zp = r.getInputZp();
      in.ops = {r};
      return in;
    }
    tosa::RescaleOp first = perTensorToI32(r.getInput());
    if (!first || r.getInputZp() != 0 || isInt(first.getInput().getType(), 32))
      return std::nullopt;
    std::optional<int32_t> l = exactLeftShift(first);
    if (!l)
      return std::nullopt;
    in.value = first.getInput();
    in.zp = first.getInputZp();
    in.leftShift = *l;
    in.ops = {first, r};
    return in;
  }

  LogicalResult matchAndRewrite(tosa::RescaleOp rescale,
                                PatternRewriter &rewriter) const override {
    Operation *op = rescale.getInput().getDefiningOp();
    if (!op || !op->getResult(0).hasOneUse() ||
        !isa<tosa::AddOp, tosa::SubOp, tosa::MulOp>(op))
      return failure();
    if (!isInt(rescale.getType(), 8) && !isInt(rescale.getType(), 16))
      return failure();
    if (rescale.getMultiplier().size() != 1)
      return failure();
    std::optional<Input> lhs = input(op->getOperand(0));
    std::optional<Input> rhs = input(op->getOperand(1));
    if (!lhs || !rhs || lhs->ops.back() == rhs->ops.back() ||
        lhs->leftShift != rhs->leftShift)
      return failure();
    tosa::ClampOp clamp = fusableClamp(rescale.getOutput());
    FailureOr<Requant> requant = Requant::from(rescale, clamp);
    if (failed(requant))
      return failure();
    Operation *last = clamp ? clamp.getOperation() : rescale.getOperation();
    if (tosa::TableOp table = fusableTable(last->getResult(0))) {
      requant->addTable(table);
      last = table;
    }

    const EltwiseKind kind = isa<tosa::AddOp>(op)   ? EltwiseKind::Add
                             : isa<tosa::SubOp>(op) ? EltwiseKind::Sub
                                                    : EltwiseKind::Mul;
    int32_t mulShift = 0;
    if (auto mul = dyn_cast<tosa::MulOp>(op))
      mulShift = mul.getShift();
    OperationState state(rescale.getLoc(), EltwiseOp::getOperationName());
    state.addOperands({lhs->value, rhs->value});
    state.addTypes(rescale.getType());
    state.addAttribute("kind",
                       EltwiseKindAttr::get(rewriter.getContext(), kind));
    auto side = [&](StringRef prefix, const Input &in) {
      state.addAttribute((prefix + "_zp").str(),
                         rewriter.getI32IntegerAttr(in.zp));
      state.addAttribute((prefix + "_multiplier").str(),
                         rewriter.getI32IntegerAttr(in.multiplier));
      state.addAttribute((prefix + "_shift").str(),
                         rewriter.getI32IntegerAttr(in.shift));
      state.addAttribute((prefix + "_double_round").str(),
                         rewriter.getBoolAttr(in.doubleRound));
    };
    side("lhs", *lhs);
    side("rhs", *rhs);
    state.addAttribute("left_shift", rewriter.getI32IntegerAttr(lhs->leftShift));
    state.addAttribute("mul_shift", rewriter.getI32IntegerAttr(mulShift));
    requant->addTo(rewriter, state);
    SmallVector<Operation *, 8> dead(lhs->ops.begin(), lhs->ops.end());
    dead.append(rhs->ops.begin(), rhs->ops.end());
    dead.append({op, rescale, clamp ? clamp.getOperation() : nullptr});
    replaceChain(rewriter, last, state, dead);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Pooling (with a following clamp)
//===----------------------------------------------------------------------===//

} // namespace

OperationState mlir::npu::poolState(OpBuilder &b, Location loc, Value input,
                                    Type type, PoolKind kind,
                                    ArrayRef<int64_t> kernel,
                                    ArrayRef<int64_t> stride,
                                    ArrayRef<int64_t> pad, int64_t inZp,
                                    int64_t outZp, int64_t lo, int64_t hi) {
  OperationState state(loc, PoolOp::getOperationName());
  state.addOperands(input);
  state.addTypes(type);
  state.addAttribute("kind", PoolKindAttr::get(b.getContext(), kind));
  state.addAttribute("kernel", b.getDenseI64ArrayAttr(kernel));
  state.addAttribute("stride", b.getDenseI64ArrayAttr(stride));
  state.addAttribute("pad", b.getDenseI64ArrayAttr(pad));
  state.addAttribute("input_zp", b.getI32IntegerAttr(inZp));
  state.addAttribute("output_zp", b.getI32IntegerAttr(outZp));
  state.addAttribute("clamp_min", b.getI32IntegerAttr(lo));
  state.addAttribute("clamp_max", b.getI32IntegerAttr(hi));
  return state;
}

namespace {

template <typename PoolT> struct ConvertPool : OpRewritePattern<PoolT> {
  using OpRewritePattern<PoolT>::OpRewritePattern;

  LogicalResult matchAndRewrite(PoolT pool,
                                PatternRewriter &rewriter) const override {
    if (!isInt(pool.getType(), 8))
      return rewriter.notifyMatchFailure(pool, "only int8 pooling");
    int64_t inZp = 0, outZp = 0;
    PoolKind kind = PoolKind::Max;
    if constexpr (std::is_same_v<PoolT, tosa::AvgPool2dOp>) {
      kind = PoolKind::AvgTosa;
      if (auto q = pool.getQuantizationInfo()) {
        inZp = q->getInputZp();
        outZp = q->getOutputZp();
      }
    }
    tosa::ClampOp clamp = fusableClamp(pool.getOutput());
    auto [lo, hi] = intRange(pool.getType());
    if (clamp) {
      lo = std::max(lo, static_cast<int64_t>(clamp.getMinInt()));
      hi = std::min(hi, static_cast<int64_t>(clamp.getMaxInt()));
      if (lo > hi)
        clamp = nullptr, std::tie(lo, hi) = intRange(pool.getType());
    }
    Operation *last = clamp ? clamp.getOperation() : pool.getOperation();
    OperationState state = poolState(
        rewriter, pool.getLoc(), pool.getInput(), pool.getType(), kind,
        pool.getKernel(), pool.getStride(), pool.getPad(), inZp, outZp, lo, hi);
    replaceChain(rewriter, last, state, {pool.getOperation()});
    return success();
  }
};

//===----------------------------------------------------------------------===//
// One-to-one conversions
//===----------------------------------------------------------------------===//

struct ConvertRescale : OpRewritePattern<tosa::RescaleOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::RescaleOp op,
                                PatternRewriter &rewriter) const override {
    SmallVector<int32_t> shift;
    for (int8_t s : op.getShift())
      shift.push_back(s);
    rewriter.replaceOpWithNewOp<RescaleOp>(
        op, op.getType(), op.getInput(), static_cast<int32_t>(op.getInputZp()),
        op.getMultiplier(), shift, static_cast<int32_t>(op.getOutputZp()),
        op.getScale32() && op.getDoubleRound());
    return success();
  }
};

struct ConvertClamp : OpRewritePattern<tosa::ClampOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::ClampOp op,
                                PatternRewriter &rewriter) const override {
    if (!isa<IntegerType>(getElementTypeOrSelf(op.getType())))
      return failure();
    auto [lo, hi] = intRange(op.getType());
    // TOSA's getters return uint64_t; the bounds are signed.
    const auto min = static_cast<int64_t>(op.getMinInt());
    const auto max = static_cast<int64_t>(op.getMaxInt());
    if (min <= lo && max >= hi) {
      rewriter.replaceOp(op, op.getInput()); // the identity on this type
      return success();
    }
    rewriter.replaceOpWithNewOp<ClampOp>(op, op.getType(), op.getInput(),
                                         std::max(lo, min), std::min(hi, max));
    return success();
  }
};

/// TOSA integer element-wise op -> npu.alu of the given kind.
template <typename SourceOp> struct ConvertToAlu : OpRewritePattern<SourceOp> {
  ConvertToAlu(MLIRContext *ctx, AluKind aluOp)
      : OpRewritePattern<SourceOp>(ctx), aluOp(aluOp) {}

  LogicalResult matchAndRewrite(SourceOp op,
                                PatternRewriter &rewriter) const override {
    for (Value v : op->getOperands())
      if (!isa<IntegerType>(getElementTypeOrSelf(v.getType())))
        return rewriter.notifyMatchFailure(op, "not integer");
    int32_t shift = 0;
    bool round = false;
    if constexpr (std::is_same_v<SourceOp, tosa::MulOp>)
      shift = op.getShift();
    if constexpr (std::is_same_v<SourceOp, tosa::ArithmeticRightShiftOp>)
      round = op.getRound();
    if constexpr (std::is_same_v<SourceOp, tosa::NegateOp>) {
      if (auto q = op.getQuantizationInfo())
        if (q->getInputZp() != 0 || q->getOutputZp() != 0)
          return rewriter.notifyMatchFailure(op, "zero points");
    }
    auto alu = rewriter.create<AluOp>(op.getLoc(), op.getType(),
                                      op->getOperands(), aluOp);
    alu.setShift(shift);
    alu.setRound(round);
    rewriter.replaceOp(op, alu.getResult());
    return success();
  }

  AluKind aluOp;
};

template <typename SourceOp> struct ConvertReduce : OpRewritePattern<SourceOp> {
  ConvertReduce(MLIRContext *ctx, ReduceKind kind)
      : OpRewritePattern<SourceOp>(ctx), kind(kind) {}
  LogicalResult matchAndRewrite(SourceOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<ReduceOp>(op, op.getType(), op.getInput(), kind,
                                          op.getAxis());
    return success();
  }
  ReduceKind kind;
};

struct ConvertTable : OpRewritePattern<tosa::TableOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::TableOp op,
                                PatternRewriter &rewriter) const override {
    if (!matchPattern(op.getTable(), m_Constant()))
      return rewriter.notifyMatchFailure(op, "table not constant");
    rewriter.replaceOpWithNewOp<TableOp>(op, op.getType(), op.getInput(),
                                         op.getTable());
    return success();
  }
};

struct ConvertReshape : OpRewritePattern<tosa::ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    DenseElementsAttr value;
    if (matchPattern(op.getInput1(), m_Constant(&value))) {
      rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, value.reshape(type));
      return success();
    }
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, type, op.getInput1());
    return success();
  }
};

struct ConvertTranspose : OpRewritePattern<tosa::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<SmallVector<int64_t>> perms = constantInts(op.getPerms());
    if (failed(perms))
      return rewriter.notifyMatchFailure(op, "perms not constant");
    rewriter.replaceOpWithNewOp<TransposeOp>(op, op.getType(), op.getInput1(),
                                             *perms);
    return success();
  }
};

struct ConvertConcat : OpRewritePattern<tosa::ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::ConcatOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<ConcatOp>(op, op.getType(), op.getInput1(),
                                          op.getAxis());
    return success();
  }
};

struct ConvertPad : OpRewritePattern<tosa::PadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::PadOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<SmallVector<int64_t>> padding = constantInts(op.getPadding());
    if (failed(padding))
      return rewriter.notifyMatchFailure(op, "padding not constant");
    int64_t value = 0;
    if (Value padConst = op.getPadConst()) {
      FailureOr<SmallVector<int64_t>> v = constantInts(padConst);
      if (failed(v) || v->size() != 1)
        return rewriter.notifyMatchFailure(op, "pad_const not constant");
      value = (*v)[0];
    } else if (auto q = op.getQuantizationInfo()) {
      value = q->getInputZp();
    }
    rewriter.replaceOpWithNewOp<PadOp>(op, op.getType(), op.getInput1(),
                                       *padding, value);
    return success();
  }
};

struct ConvertSlice : OpRewritePattern<tosa::SliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::SliceOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<SliceOp>(op, op.getType(), op.getInput(),
                                         op.getStart());
    return success();
  }
};

struct ConvertConst : OpRewritePattern<tosa::ConstOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::ConstOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, op.getValue());
    return success();
  }
};

struct ConvertIdentity : OpRewritePattern<tosa::IdentityOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::IdentityOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, op.getInput1());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

/// Why an op that survived the patterns cannot run on the NPU.
std::string unsupportedReason(Operation *op) {
  auto weightZp = [](std::optional<tosa::ConvOpQuantizationAttr> q) {
    return q ? q->getWeightZp() : 0;
  };
  if (isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::FullyConnectedOp>(
          op) &&
      isInt(op->getOperand(0).getType(), 16))
    return "an int16 x int8 layer needs constant weights and bias, zero "
           "points 0, W dilation 1 and |bias| + 32896 * sum|w| within int32 "
           "per output channel (the int32 accumulator the split into bytes "
           "uses), then a single tosa.rescale; a depthwise one at most " +
           std::to_string(kMaxBlockDiagonalWeights) +
           " block-diagonal weights (C^2 * KH * KW * M)";
  if (auto c = dyn_cast<tosa::Conv2DOp>(op);
      c && weightZp(c.getQuantizationInfo()))
    return "the weight zero point must be 0 (the array has no weight offset)";
  if (auto c = dyn_cast<tosa::DepthwiseConv2DOp>(op);
      c && weightZp(c.getQuantizationInfo()))
    return "the weight zero point must be 0 (the vector unit has no weight "
           "offset)";
  if (auto c = dyn_cast<tosa::FullyConnectedOp>(op);
      c && weightZp(c.getQuantizationInfo()))
    return "the weight zero point must be 0 (the array has no weight offset)";
  if (auto m = dyn_cast<tosa::MatMulOp>(op);
      m && m.getQuantizationInfo() && m.getQuantizationInfo()->getBZp())
    return "the b zero point must be 0 (the array has no weight offset)";
  if (isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::FullyConnectedOp,
          tosa::MatMulOp>(op))
    return "its int32 result must be requantized by a single tosa.rescale "
           "to 8 or 16 bits (input zero point 0), which the NPU fuses";
  if (isa<tosa::TableOp>(op))
    return "the table must be a constant";
  if (isa<tosa::TransposeOp>(op))
    return "the permutation must be a constant";
  if (isa<tosa::PadOp>(op))
    return "the padding and pad value must be constants";
  if (isa<tosa::NegateOp>(op))
    return "negate with zero points is not supported";
  if (isa<tosa::AvgPool2dOp, tosa::MaxPool2dOp>(op))
    return "only int8 pooling and int16 max pooling with padding below the "
           "kernel are supported";
  if (isa<tosa::GatherOp>(op))
    return "the indices must be constants inside the values' dimension 1";
  if (isa<tosa::ResizeOp>(op))
    return "only int8/int16 NEAREST_NEIGHBOR and int8-to-int32 BILINEAR "
           "resizes are supported (scale numerators up to 2048, every "
           "bilinear sum inside int32)";
  if (isa<tosa::TransposeConv2DOp>(op))
    return "only int8 input and constant int8 filter with weight zero point "
           "0 are supported";
  for (Type t : op->getResultTypes())
    if (!isa<IntegerType>(getElementTypeOrSelf(t)))
      return "the NPU computes on integers only";
  return "no NPU lowering exists for it";
}

struct TosaToNpuPass : mlir::npu::impl::TosaToNpuBase<TosaToNpuPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // Static shapes only: tiling needs them.
    WalkResult shapes = func.walk([&](Operation *op) {
      SmallVector<Type> types(op->getOperandTypes());
      llvm::append_range(types, op->getResultTypes());
      for (Type t : types)
        if (auto shaped = dyn_cast<ShapedType>(t))
          if (!shaped.hasStaticShape()) {
            op->emitError("dynamic shapes are not supported (") << t << ")";
            return WalkResult::interrupt();
          }
      return WalkResult::advance();
    });
    if (shapes.wasInterrupted())
      return signalPassFailure();

    // Operators without an instruction of their own become TOSA ops that
    // have one, before anything matches on those ops.
    RewritePatternSet decompositions(&getContext());
    populateDecomposePatterns(decompositions);
    populateSplitInt16Patterns(decompositions);
    if (failed(applyPatternsAndFoldGreedily(func, std::move(decompositions))))
      return signalPassFailure();
    // Explicit padding next, so the convolutions the fusions see carry it.
    RewritePatternSet folds(&getContext());
    populateFoldPadPatterns(folds);
    if (failed(applyPatternsAndFoldGreedily(func, std::move(folds))))
      return signalPassFailure();
    // Fusions run to completion first, so a clamp or rescale is never
    // converted on its own while a fusion could still absorb it.
    RewritePatternSet fusions(&getContext());
    populateTosaToNpuFusionPatterns(fusions);
    if (failed(applyPatternsAndFoldGreedily(func, std::move(fusions))))
      return signalPassFailure();
    RewritePatternSet conversions(&getContext());
    populateTosaToNpuPatterns(conversions);
    if (failed(applyPatternsAndFoldGreedily(func, std::move(conversions))))
      return signalPassFailure();

    WalkResult left = func.walk([&](Operation *op) {
      if (isa<func::FuncOp, func::ReturnOp, arith::ConstantOp>(op) ||
          isa<NpuDialect>(op->getDialect()))
        return WalkResult::advance();
      op->emitError("unsupported operation '")
          << op->getName() << "': " << unsupportedReason(op);
      return WalkResult::interrupt();
    });
    if (left.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace

void mlir::npu::populateTosaToNpuFusionPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<FuseMacRescale, FuseEltwiseRescale,
               ConvertPool<tosa::AvgPool2dOp>, ConvertPool<tosa::MaxPool2dOp>>(
      ctx);
  populateTfliteSoftmaxFusion(patterns);
  populateTfliteAvgPoolFusion(patterns);
}

void mlir::npu::populateTosaToNpuPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<ConvertRescale, ConvertClamp, ConvertTable, ConvertReshape,
               ConvertTranspose, ConvertConcat, ConvertPad, ConvertSlice,
               ConvertConst, ConvertIdentity>(ctx);
  patterns.add<ConvertToAlu<tosa::AddOp>>(ctx, AluKind::Add);
  patterns.add<ConvertToAlu<tosa::SubOp>>(ctx, AluKind::Sub);
  patterns.add<ConvertToAlu<tosa::MulOp>>(ctx, AluKind::Mul);
  patterns.add<ConvertToAlu<tosa::MaximumOp>>(ctx, AluKind::Max);
  patterns.add<ConvertToAlu<tosa::MinimumOp>>(ctx, AluKind::Min);
  patterns.add<ConvertToAlu<tosa::LogicalLeftShiftOp>>(ctx, AluKind::Shl);
  patterns.add<ConvertToAlu<tosa::ArithmeticRightShiftOp>>(ctx, AluKind::AShr);
  patterns.add<ConvertToAlu<tosa::LogicalRightShiftOp>>(ctx, AluKind::LShr);
  patterns.add<ConvertToAlu<tosa::BitwiseAndOp>>(ctx, AluKind::And);
  patterns.add<ConvertToAlu<tosa::BitwiseOrOp>>(ctx, AluKind::Or);
  patterns.add<ConvertToAlu<tosa::BitwiseXorOp>>(ctx, AluKind::Xor);
  patterns.add<ConvertToAlu<tosa::ClzOp>>(ctx, AluKind::Clz);
  patterns.add<ConvertToAlu<tosa::AbsOp>>(ctx, AluKind::Abs);
  patterns.add<ConvertToAlu<tosa::NegateOp>>(ctx, AluKind::Neg);
  patterns.add<ConvertToAlu<tosa::CastOp>>(ctx, AluKind::Copy);
  patterns.add<ConvertReduce<tosa::ReduceSumOp>>(ctx, ReduceKind::Sum);
  patterns.add<ConvertReduce<tosa::ReduceMaxOp>>(ctx, ReduceKind::Max);
  patterns.add<ConvertReduce<tosa::ReduceMinOp>>(ctx, ReduceKind::Min);
}
