//===- EmitResize.cpp - RESIZE_NEAREST_NEIGHBOR, SPACE/DEPTH_TO_DEPTH/SPACE
//===//
//
// Pure data movement with the quantization unchanged. RESIZE_NEAREST_NEIGHBOR
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

/// `v` with dimension `axis` rebuilt from `sources`: output index i takes
/// input index sources[i].
Value gatherAxis(Importer &im, const OpContext &op, Value v, int64_t axis,
                 ArrayRef<int64_t> sources) {
  OpBuilder &b = im.getBuilder();
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> sizes(type.getShape());
  sizes[axis] = 1;
  SmallVector<Value> pieces;
  for (int64_t src : sources) {
    SmallVector<int64_t> start(type.getRank(), 0);
    start[axis] = src;
    pieces.push_back(b.create<tosa::SliceOp>(
        op.loc, RankedTensorType::get(sizes, type.getElementType()), v,
        b.getDenseI64ArrayAttr(start), b.getDenseI64ArrayAttr(sizes)));
  }
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] = static_cast<int64_t>(sources.size());
  return b.create<tosa::ConcatOp>(
      op.loc, RankedTensorType::get(shape, type.getElementType()), pieces,
      b.getI32IntegerAttr(static_cast<int32_t>(axis)));
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

} // namespace

Error tflite::emitResizeNearestNeighbor(Importer &im, const OpContext &op) {
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
    v = gatherAxis(im, op, v, axis, sources);
  }
  return im.define(op, v);
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
  return im.define(
      op,
      im.reshape(op.loc, gatherAxis(im, op, *input, axis, *indices), y.shape));
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
