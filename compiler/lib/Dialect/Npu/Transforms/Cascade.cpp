//===- Cascade.cpp - Chains of convolutions band by band ------------------===//
//
// A chain of convolutions whose intermediate tensors do not fit on chip
// would write each of them to DRAM and read it back. Cascading runs the
// chain in horizontal bands of its last output instead: for one band, each
// layer computes only the rows the next layer's band needs, so the
// intermediates are a few rows tall and fit in IBUF. Bands overlap where a
// kernel is taller than its stride; those rows are recomputed, so every
// band is an ordinary, independent convolution (no rolling buffers).
//
// The rewrite is at graph level: per band, an `npu.slice` of the chain's
// input rows, a clone of each layer with its row padding adjusted to the
// band (only the first and last bands touch the image's edges), and one
// `npu.concat` along the rows that replaces the chain's result. Row slices
// and row concatenations of an NHWC tensor with one image are contiguous
// byte ranges, so npu-plan-memory places them as views of one DRAM buffer
// and the lowering moves no data for them. Every band computes exactly the
// values the whole layer would (same weights, same requantization per
// channel), so outputs are bit for bit those of the uncascaded program.
//
// Which chains: npu-plan-sram's plan is tried first; a chain is a run of
// convolutions joined by single-use tensors that the plan leaves in DRAM,
// starting at a layer whose input is in DRAM. For each prefix of a chain
// the pass takes the fewest bands that a trial of npu-plan-sram on a copy
// of the function keeps on chip, provided the DRAM bytes they save exceed
// those they add (weights loaded once per band, input rows read twice, a
// last output that leaves the chip) and the recomputed rows stay within
// `max-recompute` of the chain's MACs; the prefix that saves the most wins.
// Recomputation and shorter array passes cost compute cycles, so on a
// compute-bound machine the default limit (10 %) trades a few cycles for
// much less DRAM traffic; `npuc --cascade=false` turns the pass off.
//
//===----------------------------------------------------------------------===//
#include "SramHome.h"

#include "npu/Dialect/Npu/IR/NpuOps.h"
#include "npu/Dialect/Npu/Transforms/Passes.h"
#include "npu/Program/Verify.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OwningOpRef.h"

namespace mlir::npu {
#define GEN_PASS_DEF_NPUCASCADE
#include "npu/Dialect/Npu/Transforms/Passes.h.inc"
} // namespace mlir::npu

using namespace mlir;
using namespace mlir::npu;

namespace {

/// A rows range [lo, hi).
struct Rows {
  int64_t lo = 0, hi = 0;
  int64_t size() const { return hi - lo; }
};

/// The geometry of one convolution of a chain.
struct Layer {
  Operation *op = nullptr;
  int64_t inH = 0, inW = 0, inC = 0;
  int64_t outH = 0, outW = 0, outC = 0;
  int64_t kh = 0, strideH = 1, dilH = 1, padTop = 0;
  int64_t padLeft = 0, padRight = 0;
  int64_t macsPerRow = 0; ///< MACs per output row.
  int64_t weightBytes = 0;
  int64_t elemBytes = 1;
  bool outOnChip = false; ///< Its result is on chip in the uncascaded plan.

  /// Input rows a band of output rows reads, and the row padding it
  /// needs at the image's edges.
  Rows inputRows(Rows out, int64_t &padT, int64_t &padB) const {
    const int64_t lo = out.lo * strideH - padTop;
    const int64_t hi = (out.hi - 1) * strideH - padTop + (kh - 1) * dilH + 1;
    padT = std::max<int64_t>(0, -lo);
    padB = std::max<int64_t>(0, hi - inH);
    return {std::max<int64_t>(lo, 0), std::min(hi, inH)};
  }
  int64_t outRowBytes() const { return outW * outC * elemBytes; }
};

bool isConstant(Value v) { return matchPattern(v, m_Constant()); }

std::optional<Layer> layerOf(Operation *op) {
  if (!isa<Conv2DOp, DepthwiseConv2DOp>(op))
    return std::nullopt;
  auto in = cast<ShapedType>(op->getOperand(0).getType());
  auto w = cast<ShapedType>(op->getOperand(1).getType());
  auto out = cast<ShapedType>(op->getResult(0).getType());
  if (in.getRank() != 4 || out.getRank() != 4 || in.getDimSize(0) != 1 ||
      isConstant(op->getOperand(0)) || !in.hasStaticShape() ||
      !out.hasStaticShape())
    return std::nullopt;
  Layer l;
  l.op = op;
  l.inH = in.getDimSize(1);
  l.inW = in.getDimSize(2);
  l.inC = in.getDimSize(3);
  l.outH = out.getDimSize(1);
  l.outW = out.getDimSize(2);
  l.outC = out.getDimSize(3);
  l.elemBytes = byteSize(out) / std::max<int64_t>(1, out.getNumElements());
  ArrayRef<int64_t> stride, dilation, pad;
  int64_t kw = 0, reduce = 0;
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    stride = conv.getStride();
    dilation = conv.getDilation();
    pad = conv.getPad();
    l.kh = w.getDimSize(1);
    kw = w.getDimSize(2);
    reduce = w.getDimSize(3);
  } else {
    auto dw = cast<DepthwiseConv2DOp>(op);
    stride = dw.getStride();
    dilation = dw.getDilation();
    pad = dw.getPad();
    l.kh = w.getDimSize(0);
    kw = w.getDimSize(1);
    reduce = 1;
  }
  l.strideH = stride[0];
  l.dilH = dilation[0];
  l.padTop = pad[0];
  l.padLeft = pad[2];
  l.padRight = pad[3];
  l.macsPerRow = l.outW * l.outC * l.kh * kw * reduce;
  l.weightBytes = byteSize(w) + byteSize(op->getOperand(2).getType());
  return l;
}

/// One band of a chain: per layer, its output rows and row padding.
struct Band {
  SmallVector<Rows> out;
  SmallVector<std::pair<int64_t, int64_t>> pad; ///< (top, bottom)
  Rows input;
};

/// A chain cut into bands, with what it costs and saves.
struct Plan {
  SmallVector<Band> bands;
  int64_t savedBytes = 0, addedBytes = 0;
  int64_t macs = 0, bandMacs = 0;
  bool fits = false;

  int64_t net() const { return savedBytes - addedBytes; }
};

Plan planBands(ArrayRef<Layer> chain, int64_t bandRows, int64_t budget) {
  Plan plan;
  const Layer &last = chain.back();
  for (int64_t lo = 0; lo < last.outH; lo += bandRows) {
    Band band;
    band.out.resize(chain.size());
    band.pad.resize(chain.size());
    Rows rows{lo, std::min(last.outH, lo + bandRows)};
    for (int64_t i = static_cast<int64_t>(chain.size()) - 1; i >= 0; --i) {
      band.out[i] = rows;
      int64_t t = 0, b = 0;
      rows = chain[i].inputRows(rows, t, b);
      band.pad[i] = {t, b};
    }
    band.input = rows;
    plan.bands.push_back(std::move(band));
  }
  // Band intermediates (output i feeds layer i + 1, which pads it).
  auto bandBytes = [&](const Band &band, size_t i) {
    const Layer &next = chain[i + 1];
    return (band.out[i].size() + band.pad[i + 1].first +
            band.pad[i + 1].second) *
           (chain[i].outW + next.padLeft + next.padRight) * chain[i].outC *
           chain[i].elemBytes;
  };
  plan.fits = true;
  for (const Band &band : plan.bands)
    for (size_t i = 0; i + 1 < chain.size(); ++i) {
      const int64_t pair = bandBytes(band, i) +
                           (i + 2 < chain.size() ? bandBytes(band, i + 1) : 0);
      plan.fits &= alignTo(pair, kSramAlignment) <= budget;
    }
  const int64_t n = static_cast<int64_t>(plan.bands.size());
  const Layer &first = chain.front();
  int64_t inputRows = 0;
  for (const Band &band : plan.bands)
    inputRows += band.input.size();
  for (size_t i = 0; i < chain.size(); ++i) {
    plan.macs += chain[i].macsPerRow * chain[i].outH;
    for (const Band &band : plan.bands)
      plan.bandMacs += chain[i].macsPerRow * band.out[i].size();
    plan.addedBytes += (n - 1) * chain[i].weightBytes;
    if (i + 1 < chain.size() && !chain[i].outOnChip)
      plan.savedBytes += 2 * chain[i].outRowBytes() * chain[i].outH;
  }
  plan.addedBytes += std::max<int64_t>(0, inputRows - first.inH) * first.inW *
                     first.inC * first.elemBytes;
  if (last.outOnChip)
    plan.addedBytes += 2 * last.outRowBytes() * last.outH;
  return plan;
}

/// Band plans of `chain` worth trying, fewest bands first: those whose
/// intermediates fit IBUF by estimate, that save more DRAM bytes than they
/// add and recompute little enough.
SmallVector<Plan> candidatePlans(ArrayRef<Layer> chain, int64_t ibuf,
                                 double maxRecompute) {
  SmallVector<Plan> plans;
  const int64_t height = chain.back().outH;
  int64_t previous = 0;
  for (int64_t count = 2; count <= height; ++count) {
    const int64_t rows = (height + count - 1) / count;
    if (rows == previous)
      continue;
    previous = rows;
    Plan plan = planBands(chain, rows, ibuf);
    // More bands only add recomputation and weight loads.
    if (plan.net() <= 0 ||
        plan.bandMacs >
            plan.macs + static_cast<int64_t>(maxRecompute * plan.macs))
      break;
    if (plan.fits)
      plans.push_back(std::move(plan));
  }
  return plans;
}

/// The location of band `k` of `op`: a name (the report's layer name) with
/// a "/bandK" suffix on the layer's own name (its NameLoc, else its kind
/// and source line, as the emitter names layers), around its location.
Location bandLocation(Operation *op, size_t k) {
  Location loc = op->getLoc();
  Location source = loc;
  if (auto fused = dyn_cast<FusedLoc>(loc))
    source = fused.getLocations().front();
  std::string name = op->getName().stripDialect().str();
  if (auto named = dyn_cast<NameLoc>(source))
    name = named.getName().str();
  else if (auto file = dyn_cast<FileLineColLoc>(source))
    name += "_L" + std::to_string(file.getLine());
  return NameLoc::get(
      StringAttr::get(loc.getContext(), name + "/band" + std::to_string(k)),
      loc);
}

/// Rewrites `chain` into the bands of `plan`; returns the band
/// intermediates (every band's results but the last layer's).
SmallVector<Value> cascade(ArrayRef<Layer> chain, const Plan &plan) {
  SmallVector<Value> inner;
  Operation *last = chain.back().op;
  OpBuilder b(last);
  MLIRContext *ctx = last->getContext();
  Value input = chain.front().op->getOperand(0);
  auto inType = cast<RankedTensorType>(input.getType());
  SmallVector<Value> pieces;
  for (auto [k, band] : llvm::enumerate(plan.bands)) {
    auto sliceType = RankedTensorType::get(
        {1, band.input.size(), inType.getDimSize(2), inType.getDimSize(3)},
        inType.getElementType());
    Value x =
        b.create<SliceOp>(chain.front().op->getLoc(), sliceType, input,
                          b.getDenseI64ArrayAttr({0, band.input.lo, 0, 0}));
    for (auto [i, layer] : llvm::enumerate(chain)) {
      IRMapping map;
      map.map(layer.op->getOperand(0), x);
      Operation *clone = b.clone(*layer.op, map);
      clone->setLoc(bandLocation(layer.op, k));
      auto outType = cast<RankedTensorType>(layer.op->getResult(0).getType());
      clone->getResult(0).setType(RankedTensorType::get(
          {1, band.out[i].size(), outType.getDimSize(2), outType.getDimSize(3)},
          outType.getElementType()));
      SmallVector<int64_t> pad(
          cast<DenseI64ArrayAttr>(layer.op->getAttr("pad")).asArrayRef());
      pad[0] = band.pad[i].first;
      pad[1] = band.pad[i].second;
      clone->setAttr("pad", DenseI64ArrayAttr::get(ctx, pad));
      x = clone->getResult(0);
      if (i + 1 < chain.size())
        inner.push_back(x);
    }
    pieces.push_back(x);
  }
  Value whole = b.create<ConcatOp>(last->getLoc(), last->getResult(0).getType(),
                                   pieces, b.getI64IntegerAttr(1));
  last->getResult(0).replaceAllUsesWith(whole);
  for (const Layer &layer : llvm::reverse(chain))
    layer.op->erase();
  return inner;
}

/// True when npu-plan-sram keeps every band intermediate of `plan` on chip
/// once `chain` (ops of `func`) is cascaded: tried on a copy of `func`.
bool bandsStayOnChip(func::FuncOp func, ArrayRef<Layer> chain, const Plan &plan,
                     const ::npu::ArchConfig &arch) {
  OwningOpRef<func::FuncOp> copy(func.clone());
  // The copy's ops in the same order as the original's.
  llvm::DenseMap<Operation *, Operation *> twin;
  for (auto [a, b] :
       llvm::zip_equal(func.getBody().front(), copy->getBody().front()))
    twin[&a] = &b;
  SmallVector<Layer> copied(chain.begin(), chain.end());
  for (Layer &l : copied)
    l.op = twin.lookup(l.op);
  SmallVector<Value> inner = cascade(copied, plan);
  FailureOr<llvm::DenseSet<Value>> onChip = planOnChipTensors(*copy, arch);
  return succeeded(onChip) &&
         llvm::all_of(inner, [&](Value v) { return onChip->contains(v); });
}

struct CascadePass : mlir::npu::impl::NpuCascadeBase<CascadePass> {
  using NpuCascadeBase::NpuCascadeBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<::npu::ArchConfig> arch = getArchConfig(module);
    FailureOr<func::FuncOp> func = getEntryFunction(module);
    if (failed(arch) || failed(func))
      return signalPassFailure();
    FailureOr<llvm::DenseSet<Value>> onChip = planOnChipTensors(*func, *arch);
    if (failed(onChip))
      return signalPassFailure();
    const int64_t ibuf = ::npu::bufferBytes(*arch, ::npu::isa::Buffer::IBuf);

    // Chains: runs of convolutions joined by single-use tensors, each
    // starting at a layer that reads DRAM.
    SmallVector<SmallVector<Layer>> chains;
    llvm::DenseSet<Operation *> taken;
    for (Operation &op : func->getBody().front()) {
      std::optional<Layer> first = layerOf(&op);
      if (!first || taken.contains(&op) || onChip->contains(op.getOperand(0)))
        continue;
      first->outOnChip = onChip->contains(op.getResult(0));
      SmallVector<Layer> chain{*first};
      while (true) {
        Value out = chain.back().op->getResult(0);
        if (!out.hasOneUse())
          break;
        OpOperand &use = *out.use_begin();
        std::optional<Layer> next = layerOf(use.getOwner());
        if (!next || use.getOperandNumber() != 0)
          break;
        next->outOnChip = onChip->contains(next->op->getResult(0));
        chain.push_back(*next);
      }
      if (chain.size() < 2)
        continue;
      for (const Layer &l : chain)
        taken.insert(l.op);
      chains.push_back(std::move(chain));
    }

    for (ArrayRef<Layer> chain : chains) {
      while (chain.size() >= 2) {
        // Per prefix, the fewest bands that npu-plan-sram keeps on chip;
        // the prefix that saves the most DRAM bytes wins.
        std::optional<Plan> best;
        size_t bestLen = 0;
        for (size_t len = 2; len <= chain.size(); ++len) {
          ArrayRef<Layer> prefix = chain.take_front(len);
          for (Plan &plan : candidatePlans(prefix, ibuf, maxRecompute)) {
            if (best && plan.net() <= best->net())
              break;
            if (bandsStayOnChip(*func, prefix, plan, *arch)) {
              best = std::move(plan);
              bestLen = len;
              break;
            }
          }
        }
        if (best) {
          // The rest reads the concatenation, in DRAM: a chain again.
          cascade(chain.take_front(bestLen), *best);
          chain = chain.drop_front(bestLen);
          continue;
        }
        // Start one layer later, at a layer that reads DRAM.
        chain = chain.drop_front();
        while (!chain.empty() &&
               onChip->contains(chain.front().op->getOperand(0)))
          chain = chain.drop_front();
      }
    }
  }
};

} // namespace
