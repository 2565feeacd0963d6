//===- Decompose.cpp - TOSA ops the NPU runs as other TOSA ops ------------===//
//
// Three TOSA operators have no NPU instruction of their own; in TOSA MLIR
// input they are rewritten, before the fusions, into TOSA ops that do:
//
// - tosa.gather with constant indices: per batch, one slice of `values` per
//   index, concatenated along the gathered axis.
// - tosa.resize (int8 and int16 NEAREST_NEIGHBOR, int8 BILINEAR): the
//   integer index arithmetic evaluated here, per axis. NEAREST picks one
//   input row (then column) per output row (column); BILINEAR is
//   separable, so its int32 sum
//     v00 (n_y - dy)(n_x - dx) + v01 (n_y - dy) dx + v10 dy (n_x - dx)
//     + v11 dy dx
//   is built as the two source rows widened to int32, weighted by per-row
//   constants and added, then the same along W. The index is y / n_y
//   truncated toward zero, as MLIR's own lowering (and TFLite's kernel)
//   computes it; TOSA 0.80's text says floor. The two differ only for a
//   negative offset at the first rows, where truncation gives index 0 with
//   a negative dy (the kernel extrapolates) instead of index -1 clamped.
//   NEAREST is the same under both.
// - tosa.transpose_conv2d (int8, or int16 with an int48 accumulator, whose
//   conv2d SplitInt16.cpp then splits; weight zero point 0): a stride-1 conv2d
//   over the input with stride - 1 zero-point rows and columns inserted
//   after each row and column, the filter flipped in both spatial axes,
//   and KH - 1 + out_pad rows of padding (negative: cropped) on each side.
//
// - tosa.max_pool2d on int16 (the vector unit pools int8): the maximum of
//   the kernel's strided windows of the input with its edges replicated
//   (the DMA's pad value is one repeated byte, so INT16_MIN cannot pad).
//
// The TFLite importer writes its RESIZE, GATHER and TRANSPOSE_CONV in the
// same decomposed form, so both inputs reach the same lowering.
//
//===----------------------------------------------------------------------===//
#include "FusionPatterns.h"

#include "npu/Support/TosaBuilders.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::npu;

namespace {

using tosa_build::gatherAxis;
using tosa_build::reshape;
using tosa_build::slice;

Value constI32(PatternRewriter &rewriter, Location loc, ArrayRef<int64_t> shape,
               ArrayRef<int32_t> values) {
  auto type = RankedTensorType::get(shape, rewriter.getI32Type());
  return rewriter.create<tosa::ConstOp>(loc, type,
                                        DenseElementsAttr::get(type, values));
}

struct DecomposeGather : OpRewritePattern<tosa::GatherOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::GatherOp op,
                                PatternRewriter &rewriter) const override {
    auto values = cast<RankedTensorType>(op.getValues().getType());
    FailureOr<SmallVector<int64_t>> indices = constantInts(op.getIndices());
    if (failed(indices) || !values.hasStaticShape())
      return failure();
    const int64_t n = values.getDimSize(0), k = values.getDimSize(1),
                  c = values.getDimSize(2);
    const int64_t w = n ? static_cast<int64_t>(indices->size()) / n : 0;
    if (w < 1 ||
        llvm::any_of(*indices, [&](int64_t i) { return i < 0 || i >= k; }))
      return failure();
    const Location loc = op.getLoc();
    ArrayRef<int64_t> all(*indices);
    bool sameRows = true;
    for (int64_t b = 1; b < n; ++b)
      sameRows &= all.slice(b * w, w) == all.take_front(w);
    Value result;
    if (sameRows) {
      result = gatherAxis(rewriter, loc, op.getValues(), 1, all.take_front(w));
    } else {
      SmallVector<Value> batches;
      for (int64_t b = 0; b < n; ++b)
        batches.push_back(gatherAxis(
            rewriter, loc,
            slice(rewriter, loc, op.getValues(), {b, 0, 0}, {1, k, c}), 1,
            all.slice(b * w, w)));
      result = rewriter.create<tosa::ConcatOp>(loc, op.getType(), batches,
                                               rewriter.getI32IntegerAttr(0));
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// The index arithmetic for one axis of a resize (see the file comment).
struct ResizeAxis {
  SmallVector<int64_t> lower, upper, nearest;
  SmallVector<int32_t> lowerWeight, upperWeight;
  int64_t maxWeightSum = 0; ///< Largest |lower weight| + |upper weight|.
};

ResizeAxis resizeAxis(int64_t inSize, int64_t outSize, int64_t scaleN,
                      int64_t scaleD, int64_t offset) {
  ResizeAxis r;
  for (int64_t o = 0; o < outSize; ++o) {
    const int64_t pos = o * scaleD + offset;
    const int64_t i = pos / scaleN; // truncated, as MLIR and TFLite
    const int64_t rem = pos - i * scaleN;
    const int64_t i0 = std::clamp<int64_t>(i, 0, inSize - 1);
    const int64_t i1 = std::clamp<int64_t>(i + 1, 0, inSize - 1);
    r.lower.push_back(i0);
    r.upper.push_back(i1);
    r.nearest.push_back(2 * rem >= scaleN ? i1 : i0);
    r.lowerWeight.push_back(static_cast<int32_t>(scaleN - rem));
    r.upperWeight.push_back(static_cast<int32_t>(rem));
    r.maxWeightSum =
        std::max(r.maxWeightSum, std::abs(scaleN - rem) + std::abs(rem));
  }
  return r;
}

struct DecomposeResize : OpRewritePattern<tosa::ResizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::ResizeOp op,
                                PatternRewriter &rewriter) const override {
    auto in = cast<RankedTensorType>(op.getInput().getType());
    auto out = cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> scale = op.getScale(), offset = op.getOffset();
    const bool bilinear = op.getMode() == "BILINEAR";
    if (!in.hasStaticShape() || !out.hasStaticShape() ||
        (op.getMode() != "NEAREST_NEIGHBOR" && !bilinear))
      return failure();
    if (bilinear ? !(isInt(in, 8) && isInt(out, 32))
                 : !((isInt(in, 8) || isInt(in, 16)) &&
                     in.getElementType() == out.getElementType()))
      return failure();
    // The specification's bounds.
    if (scale[0] < 1 || scale[1] < 1 || scale[2] < 1 || scale[3] < 1 ||
        scale[0] > 2048 || scale[2] > 2048)
      return failure();
    ResizeAxis axes[2];
    for (int64_t axis : {1, 2})
      axes[axis - 1] = resizeAxis(in.getDimSize(axis), out.getDimSize(axis),
                                  scale[2 * axis - 2], scale[2 * axis - 1],
                                  offset[axis - 1]);
    // Every bilinear sum of int8 values must fit in int32 (it does for
    // the scales real models use; the bound is exact, not an estimate).
    if (bilinear &&
        128 * axes[0].maxWeightSum * axes[1].maxWeightSum > INT32_MAX)
      return failure();
    const Location loc = op.getLoc();
    Value v = op.getInput();
    for (int64_t axis : {1, 2}) {
      const ResizeAxis &r = axes[axis - 1];
      if (!bilinear) {
        v = gatherAxis(rewriter, loc, v, axis, r.nearest);
        continue;
      }
      v = tosa_build::interpolateAxis(rewriter, loc, v, axis, r.lower,
                                      r.lowerWeight, r.upper, r.upperWeight);
    }
    rewriter.replaceOp(op, v);
    return success();
  }
};

struct DecomposeTransposeConv : OpRewritePattern<tosa::TransposeConv2DOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::TransposeConv2DOp op,
                                PatternRewriter &rewriter) const override {
    auto in = cast<RankedTensorType>(op.getInput().getType());
    auto filterType = cast<RankedTensorType>(op.getFilter().getType());
    auto out = cast<RankedTensorType>(op.getType());
    DenseIntElementsAttr filter;
    if (!(isInt(in, 8) || isInt(in, 16)) || !isInt(filterType, 8) ||
        !out.hasStaticShape() || !in.hasStaticShape() ||
        !matchPattern(op.getFilter(), m_Constant(&filter)))
      return failure();
    int64_t inputZp = 0;
    if (auto q = op.getQuantizationInfo()) {
      if (q->getWeightZp() != 0)
        return failure();
      inputZp = q->getInputZp();
    }
    const int64_t n = in.getDimSize(0), ih = in.getDimSize(1),
                  iw = in.getDimSize(2), ic = in.getDimSize(3);
    const int64_t oc = filterType.getDimSize(0), kh = filterType.getDimSize(1),
                  kw = filterType.getDimSize(2);
    ArrayRef<int64_t> stride = op.getStride(), outPad = op.getOutPad();
    const int64_t sh = stride[0], sw = stride[1];
    if (sh < 1 || sw < 1 || filterType.getDimSize(3) != ic ||
        out.getDimSize(1) != (ih - 1) * sh + outPad[0] + outPad[1] + kh ||
        out.getDimSize(2) != (iw - 1) * sw + outPad[2] + outPad[3] + kw)
      return failure();
    const Location loc = op.getLoc();

    // The input with stride - 1 zero points after every row and column:
    // [n, ih * sh, iw * sw, ic] (the last sh - 1 rows, sw - 1 columns extra).
    Value v = op.getInput();
    if (sh > 1 || sw > 1) {
      v = reshape(rewriter, loc, v, {n, ih, 1, iw, 1, ic});
      v = tosa_build::pad(rewriter, loc, v,
                          {0, 0, 0, 0, 0, sh - 1, 0, 0, 0, sw - 1, 0, 0},
                          inputZp);
      v = reshape(rewriter, loc, v, {n, ih * sh, iw * sw, ic});
    }
    // Padding before (top, left) and after (bottom, right) the dilated
    // input, relative to the ih * sh rows built above.
    const int64_t before[2] = {kh - 1 + outPad[0], kw - 1 + outPad[2]};
    const int64_t after[2] = {kh - 1 + outPad[1] - (sh - 1),
                              kw - 1 + outPad[3] - (sw - 1)};
    // Negative padding crops.
    const int64_t rows = ih * sh, cols = iw * sw;
    const int64_t cropTop = std::max<int64_t>(0, -before[0]);
    const int64_t cropLeft = std::max<int64_t>(0, -before[1]);
    const int64_t keepRows = rows - cropTop - std::max<int64_t>(0, -after[0]);
    const int64_t keepCols = cols - cropLeft - std::max<int64_t>(0, -after[1]);
    if (keepRows < 1 || keepCols < 1)
      return failure();
    v = slice(rewriter, loc, v, {0, cropTop, cropLeft, 0},
              {n, keepRows, keepCols, ic});
    // Positive padding: up to the kernel size - 1 on the convolution, the
    // rest as an explicit pad by the zero point.
    int64_t pad[4] = {
        std::max<int64_t>(0, before[0]), std::max<int64_t>(0, after[0]),
        std::max<int64_t>(0, before[1]), std::max<int64_t>(0, after[1])};
    const int64_t limit[4] = {kh - 1, kh - 1, kw - 1, kw - 1};
    int64_t excess[4];
    for (int i = 0; i < 4; ++i) {
      excess[i] = std::max<int64_t>(0, pad[i] - limit[i]);
      pad[i] -= excess[i];
    }
    if (excess[0] || excess[1] || excess[2] || excess[3])
      v = tosa_build::pad(
          rewriter, loc, v,
          {0, 0, excess[0], excess[1], excess[2], excess[3], 0, 0}, inputZp);
    // The filter flipped in both spatial axes.
    SmallVector<APInt> raw(filter.getValues<APInt>());
    SmallVector<APInt> flipped;
    flipped.reserve(raw.size());
    for (int64_t c = 0; c < oc; ++c)
      for (int64_t i = 0; i < kh; ++i)
        for (int64_t j = 0; j < kw; ++j)
          for (int64_t k = 0; k < ic; ++k)
            flipped.push_back(
                raw[((c * kh + (kh - 1 - i)) * kw + (kw - 1 - j)) * ic + k]);
    Value weights = rewriter.create<tosa::ConstOp>(
        loc, filterType, DenseElementsAttr::get(filterType, flipped));
    auto conv = rewriter.create<tosa::Conv2DOp>(
        loc, out, v, weights, op.getBias(),
        rewriter.getDenseI64ArrayAttr({pad[0], pad[1], pad[2], pad[3]}),
        rewriter.getDenseI64ArrayAttr({1, 1}),
        rewriter.getDenseI64ArrayAttr({1, 1}),
        tosa::ConvOpQuantizationAttr::get(getContext(), inputZp, 0),
        op.getLocalBoundAttr());
    rewriter.replaceOp(op, conv.getResult());
    return success();
  }
};

/// `v` with `before` copies of its first and `after` copies of its last
/// index along `axis` added (edge replication).
Value replicateEdges(PatternRewriter &rewriter, Location loc, Value v,
                     int64_t axis, int64_t before, int64_t after) {
  if (!before && !after)
    return v;
  const int64_t size = cast<RankedTensorType>(v.getType()).getDimSize(axis);
  // [first x before, v, last x after].
  SmallVector<Value> pieces;
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> one(type.getShape());
  one[axis] = 1;
  SmallVector<int64_t> start(type.getRank(), 0);
  Value first = slice(rewriter, loc, v, start, one);
  start[axis] = size - 1;
  Value last = slice(rewriter, loc, v, start, one);
  pieces.append(before, first);
  pieces.push_back(v);
  pieces.append(after, last);
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] = size + before + after;
  return rewriter.create<tosa::ConcatOp>(
      loc, RankedTensorType::get(shape, type.getElementType()), pieces,
      rewriter.getI32IntegerAttr(static_cast<int32_t>(axis)));
}

/// An int16 tosa.max_pool2d (the vector unit pools int8): the maximum of
/// the kernel's KH x KW strided windows of the input with its edges
/// replicated. Each window with padding also holds the edge row (column)
/// it replicates -- TOSA's padding is smaller than the kernel -- so the
/// copies never change a maximum, as the -infinity padding would not.
struct DecomposeMaxPool16 : OpRewritePattern<tosa::MaxPool2dOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::MaxPool2dOp op,
                                PatternRewriter &rewriter) const override {
    auto in = cast<RankedTensorType>(op.getInput().getType());
    auto out = cast<RankedTensorType>(op.getType());
    if (!isInt(in, 16) || !in.hasStaticShape() || !out.hasStaticShape())
      return failure();
    ArrayRef<int64_t> k = op.getKernel(), st = op.getStride(), p = op.getPad();
    if (p[0] >= k[0] || p[1] >= k[0] || p[2] >= k[1] || p[3] >= k[1])
      return failure();
    const int64_t h = in.getDimSize(1), w = in.getDimSize(2);
    const int64_t oh = out.getDimSize(1), ow = out.getDimSize(2);
    // Rows and columns the strided windows step over (the rows past the
    // padded input's end are only skipped, never read as a maximum).
    const int64_t rows = std::max(h + p[0] + p[1], k[0] - 1 + oh * st[0]);
    const int64_t cols = std::max(w + p[2] + p[3], k[1] - 1 + ow * st[1]);
    const Location loc = op.getLoc();
    Value v =
        replicateEdges(rewriter, loc, op.getInput(), 1, p[0], rows - h - p[0]);
    v = replicateEdges(rewriter, loc, v, 2, p[2], cols - w - p[2]);
    Value result;
    for (int64_t ky = 0; ky < k[0]; ++ky)
      for (int64_t kx = 0; kx < k[1]; ++kx) {
        Value window = tosa_build::stridedWindow(rewriter, loc, v, ky, kx, oh,
                                                 ow, st[0], st[1]);
        result =
            result ? rewriter.create<tosa::MaximumOp>(loc, out, result, window)
                         .getResult()
                   : window;
      }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::npu::populateDecomposePatterns(RewritePatternSet &patterns) {
  patterns.add<DecomposeGather, DecomposeResize, DecomposeTransposeConv,
               DecomposeMaxPool16>(patterns.getContext());
}
