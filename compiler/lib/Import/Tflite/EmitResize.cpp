//===- EmitResize.cpp - RESIZE_*, GATHER, SPACE/DEPTH_TO_DEPTH/SPACE ------===//
//
// RESIZE_BILINEAR: TFLite Micro's integer interpolation (see
// emitResizeBilinear). The rest is pure data movement with the
// quantization unchanged. RESIZE_NEAREST_NEIGHBOR
// picks, per output row and column, the input row and column TFLite's
// GetNearestNeighbor computes (scale in float, floor -- or round with
// align_corners --, the half-pixel offset, clamped), as row slices
// concatenated along H, then column slices along W. GATHER with constant
// indices is the same along its axis. SPACE_TO_DEPTH and
// DEPTH_TO_SPACE (NHWC, TFLite's element order) are a reshape to six
// dimensions, a transpose and a reshape.
//
//===----------------------------------------------------------------------===//
#include "TfliteImporter.h"

#include "npu/Support/TosaBuilders.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::tflite;
using llvm::Error;
using llvm::Expected;

namespace {

/// TFLite's GetNearestNeighbor.
int64_t nearest(int64_t out, int64_t inSize, int64_t outSize, bool alignCorners,
                bool halfPixel) {
  const float scale =
      (alignCorners && outSize > 1)
          ? static_cast<float>(inSize - 1) / static_cast<float>(outSize - 1)
          : static_cast<float>(inSize) / static_cast<float>(outSize);
  const float offset = halfPixel ? 0.5f : 0.0f;
  const float at = (static_cast<float>(out) + offset) * scale;
  int64_t v =
      std::min<int64_t>(alignCorners ? static_cast<int64_t>(std::round(at))
                                     : static_cast<int64_t>(std::floor(at)),
                        inSize - 1);
  if (halfPixel)
    v = std::max<int64_t>(0, v);
  return v;
}

/// The input and output of a 4-D data-movement operator, checked.
Expected<std::pair<const TensorInfo *, const TensorInfo *>>
nhwcOperands(Importer &im, const OpContext &op) {
  auto io = im.movedOperands(op);
  if (!io)
    return io.takeError();
  if (io->first->shape.size() != 4 || io->second->shape.size() != 4)
    return im.failOp(op, "input and output must be 4-D (NHWC)");
  return *io;
}

/// The input and output of a RESIZE_* operator, checked against its
/// constant size operand (input 1).
Expected<std::pair<const TensorInfo *, const TensorInfo *>>
resizeOperands(Importer &im, const OpContext &op) {
  auto io = nhwcOperands(im, op);
  if (!io)
    return io.takeError();
  const TensorInfo &x = *io->first, &y = *io->second;
  Expected<SmallVector<int64_t>> size = im.constantInts(op, 1);
  if (!size)
    return size.takeError();
  if (size->size() != 2 || (*size)[0] != y.shape[1] ||
      (*size)[1] != y.shape[2] || y.shape[0] != x.shape[0] ||
      y.shape[3] != x.shape[3])
    return im.failOp(op, "output shape " + shapeText(y.shape) +
                             " does not match the size operand and input " +
                             shapeText(x.shape));
  return *io;
}

/// Reshape to `six`, transpose by `perm`, reshape to the output.
Error shuffle(Importer &im, const OpContext &op, const TensorInfo &y,
              ArrayRef<int64_t> six, ArrayRef<int32_t> perm) {
  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();
  OpBuilder &b = im.getBuilder();
  Value r = im.reshape(op.loc, *input, six);
  SmallVector<int64_t> permuted;
  for (int32_t p : perm)
    permuted.push_back(six[p]);
  Value perms = im.constant<int32_t>(op.loc, {6}, perm);
  Value t = b.create<tosa::TransposeOp>(
      op.loc,
      RankedTensorType::get(permuted, im.tensorType(y).getElementType()), r,
      perms);
  return im.define(op, im.reshape(op.loc, t, y.shape));
}

/// TFLite's integer bilinear interpolation along one dimension: for each
/// output index, the two input indices and their weights in 1/1024 (the
/// kernel's ComputeInterpolationValuesInteger and its scale_10).
struct Interpolation {
  SmallVector<int64_t> lower, upper;
  SmallVector<int32_t> lowerWeight, upperWeight;
};

Interpolation interpolation(int32_t inSize, int32_t outSize, bool align,
                            bool halfPixel) {
  int32_t scale10 = ((1 << 10) * inSize + outSize / 2) / outSize;
  if (align && outSize > 1)
    scale10 = ((1 << 10) * (inSize - 1) + (outSize - 1) / 2) / (outSize - 1);
  Interpolation r;
  for (int32_t i = 0; i < outSize; ++i) {
    const int32_t scaled =
        halfPixel ? i * scale10 + scale10 / 2 - (1 << 9) : i * scale10;
    const int32_t lo = std::max(scaled / (1 << 10), 0);
    const int32_t hi =
        std::min((scaled + (1 << 10) - 1) / (1 << 10), inSize - 1);
    r.lower.push_back(lo);
    r.upper.push_back(hi);
    r.lowerWeight.push_back((1 << 10) - (scaled - (1 << 10) * lo));
    r.upperWeight.push_back(scaled - (1 << 10) * lo);
  }
  return r;
}

} // namespace

Error tflite::emitResizeNearestNeighbor(Importer &im, const OpContext &op) {
  auto io = resizeOperands(im, op);
  if (!io)
    return io.takeError();
  const TensorInfo &x = *io->first, &y = *io->second;
  const auto *o = op.op->options_as_ResizeNearestNeighborOptions();
  const bool align = o && o->align_corners();
  const bool half = o && o->half_pixel_centers();
  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();
  Value v = *input;
  for (int64_t axis : {1, 2}) {
    SmallVector<int64_t> sources;
    for (int64_t i = 0; i < y.shape[axis]; ++i)
      sources.push_back(nearest(i, x.shape[axis], y.shape[axis], align, half));
    v = im.gatherAxis(op.loc, v, axis, sources);
  }
  return im.define(op, v);
}

/// TFLite Micro's int8 RESIZE_BILINEAR (ResizeBilinearInteger): the raw int8
/// values weighted in 1/1024 per axis, summed in 1/2^20 and rounded half
/// away from zero. In TOSA, separably: the two input rows of every output
/// row gathered (slices, concat), widened, weighted by [1, OH, 1, 1]
/// constants and added; the same along W with [1, 1, OW, 1] weights; then
/// sign(v) * floor((|v| + 2^19) / 2^20) by an exact rescale.
Error tflite::emitResizeBilinear(Importer &im, const OpContext &op) {
  auto io = resizeOperands(im, op);
  if (!io)
    return io.takeError();
  const TensorInfo &x = *io->first, &y = *io->second;
  if (Error e = im.requireType(op, x, tfl::ElementType_INT8, "input"))
    return e;
  // 2^10 * size must fit the kernel's int32 arithmetic.
  for (int64_t d : {x.shape[1], x.shape[2], y.shape[1], y.shape[2]})
    if (d < 1 || d > (1 << 16))
      return im.failOp(op, "spatial sizes must be 1.." + Twine(1 << 16));
  const auto *o = op.op->options_as_ResizeBilinearOptions();
  const bool align = o && o->align_corners();
  const bool half = o && o->half_pixel_centers();
  if (align && half)
    return im.failOp(op, "align_corners and half_pixel_centers are both set");
  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();
  OpBuilder &b = im.getBuilder();
  const Type i32 = b.getI32Type();
  Value v = *input;
  for (int64_t axis : {1, 2}) {
    const Interpolation w =
        interpolation(static_cast<int32_t>(x.shape[axis]),
                      static_cast<int32_t>(y.shape[axis]), align, half);
    v = tosa_build::interpolateAxis(b, op.loc, v, axis, w.lower, w.lowerWeight,
                                    w.upper, w.upperWeight);
  }
  auto type = cast<RankedTensorType>(v.getType());
  Value sign = im.clampInt(op.loc, v, -1, 1);
  Value magnitude = b.create<tosa::AbsOp>(op.loc, type, v);
  // floor((|v| + 2^19) / 2^20) = (|v| * 2^30 + 2^49) >> 50.
  Value rounded = im.rescaleExact(op.loc, magnitude, i32, 1 << 30, 50, 0, 0);
  Value out =
      b.create<tosa::MulOp>(op.loc, type, rounded, sign, b.getI8IntegerAttr(0));
  // The kernel narrows with a cast; every value is already in int8.
  return im.define(op, im.castTo(op.loc, out, b.getI8Type()));
}

Error tflite::emitGather(Importer &im, const OpContext &op) {
  auto io = im.movedOperands(op);
  if (!io)
    return io.takeError();
  const TensorInfo &x = *io->first, &y = *io->second;
  const auto *o = op.op->options_as_GatherOptions();
  if (o && o->batch_dims() != 0)
    return im.failOp(op, "batch_dims other than 0 is not supported");
  const int64_t rank = x.shape.size();
  int64_t axis = o ? o->axis() : 0;
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return im.failOp(op, "axis is outside the input's rank");
  Expected<SmallVector<int64_t>> indices = im.constantInts(op, 1);
  if (!indices)
    return indices.takeError();
  for (int64_t i : *indices)
    if (i < 0 || i >= x.shape[axis])
      return im.failOp(op, "index " + Twine(i) + " is outside dimension " +
                               Twine(axis) + " of size " +
                               Twine(x.shape[axis]));
  int64_t elements = static_cast<int64_t>(indices->size());
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis)
      elements *= x.shape[d];
  if (indices->empty() || elements != y.elements)
    return im.failOp(op, "output shape " + shapeText(y.shape) +
                             " does not match the gathered elements");
  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();
  return im.define(op, im.reshape(op.loc,
                                  im.gatherAxis(op.loc, *input, axis, *indices),
                                  y.shape));
}

Error tflite::emitSpaceToDepth(Importer &im, const OpContext &op) {
  auto io = nhwcOperands(im, op);
  if (!io)
    return io.takeError();
  const TensorInfo &x = *io->first, &y = *io->second;
  const auto *o = op.op->options_as_SpaceToDepthOptions();
  const int64_t bs = o ? o->block_size() : 0;
  if (bs < 1 || x.shape[1] % bs || x.shape[2] % bs ||
      y.shape[1] != x.shape[1] / bs || y.shape[2] != x.shape[2] / bs ||
      y.shape[3] != x.shape[3] * bs * bs)
    return im.failOp(op, "block size " + Twine(bs) + " does not take " +
                             shapeText(x.shape) + " to " + shapeText(y.shape));
  // [N, H/b, b, W/b, b, C] -> [N, H/b, W/b, b, b, C]
  return shuffle(
      im, op, y,
      {x.shape[0], x.shape[1] / bs, bs, x.shape[2] / bs, bs, x.shape[3]},
      {0, 1, 3, 2, 4, 5});
}

Error tflite::emitDepthToSpace(Importer &im, const OpContext &op) {
  auto io = nhwcOperands(im, op);
  if (!io)
    return io.takeError();
  const TensorInfo &x = *io->first, &y = *io->second;
  const auto *o = op.op->options_as_DepthToSpaceOptions();
  const int64_t bs = o ? o->block_size() : 0;
  if (bs < 1 || x.shape[3] % (bs * bs) || y.shape[1] != x.shape[1] * bs ||
      y.shape[2] != x.shape[2] * bs || y.shape[3] != x.shape[3] / (bs * bs))
    return im.failOp(op, "block size " + Twine(bs) + " does not take " +
                             shapeText(x.shape) + " to " + shapeText(y.shape));
  // [N, H, W, b, b, C'] -> [N, H, b, W, b, C']
  return shuffle(
      im, op, y,
      {x.shape[0], x.shape[1], x.shape[2], bs, bs, x.shape[3] / (bs * bs)},
      {0, 1, 3, 2, 4, 5});
}
