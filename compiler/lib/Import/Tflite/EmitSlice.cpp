//===- EmitSlice.cpp - SLICE, STRIDED_SLICE, SPLIT, SPLIT_V, PACK, UNPACK -===//
//
// Slicing and stacking with the quantization unchanged (every output has
// its input's scale and zero point, as TFLite Micro's kernels assume):
// SLICE and STRIDED_SLICE (unit strides; begin/end masks, negative
// indices, shrink_axis_mask and offset as TFLite resolves them) are a TOSA
// slice and a reshape; SPLIT and SPLIT_V one slice per output; PACK a
// concatenation of the inputs with a new axis, UNPACK a slice per output
// without it.
//
//===----------------------------------------------------------------------===//
#include "TfliteImporter.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::tflite;
using llvm::Error;
using llvm::Expected;

namespace {

/// tosa.slice of `v` at `start` with `sizes`, reshaped to `shape`.
Value sliceTo(Importer &im, const OpContext &op, Value v,
              ArrayRef<int64_t> start, ArrayRef<int64_t> sizes,
              ArrayRef<int64_t> shape) {
  OpBuilder &b = im.getBuilder();
  auto type = cast<RankedTensorType>(v.getType());
  Value s = b.create<tosa::SliceOp>(
      op.loc, RankedTensorType::get(sizes, type.getElementType()), v,
      b.getDenseI64ArrayAttr(start), b.getDenseI64ArrayAttr(sizes));
  return im.reshape(op.loc, s, shape);
}

/// An axis operand or option, negative counted from the end.
Expected<int64_t> resolveAxis(Importer &im, const OpContext &op, int64_t axis,
                              int64_t rank) {
  const int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank)
    return im.failOp(op,
                     "axis " + Twine(axis) + " is outside rank " + Twine(rank));
  return a;
}

/// Splits input `inIndex` along `axis` into the operator's outputs, with
/// the given sizes.
Error splitInto(Importer &im, const OpContext &op, unsigned inIndex,
                int64_t axis, ArrayRef<int64_t> sizes) {
  auto in = im.operand(op, inIndex);
  if (!in)
    return in.takeError();
  const TensorInfo &x = **in;
  if (sizes.size() != op.outputs.size())
    return im.failOp(op, Twine(sizes.size()) + " pieces but " +
                             Twine(op.outputs.size()) + " outputs");
  Expected<Value> input = im.activation(op, inIndex);
  if (!input)
    return input.takeError();
  SmallVector<int64_t> start(x.shape.size(), 0);
  for (auto [k, size] : llvm::enumerate(sizes)) {
    auto out = im.resultAt(op, k);
    if (!out)
      return out.takeError();
    if (Error e = im.requireSameQuantization(op, **out, x, "output"))
      return e;
    SmallVector<int64_t> piece(x.shape.begin(), x.shape.end());
    piece[axis] = size;
    if (Error e = im.define(
            op, sliceTo(im, op, *input, start, piece, (*out)->shape), k))
      return e;
    start[axis] += size;
  }
  return Error::success();
}

} // namespace

Error tflite::emitSlice(Importer &im, const OpContext &op) {
  auto io = im.movedOperands(op);
  if (!io)
    return io.takeError();
  const TensorInfo &x = *io->first, &y = *io->second;
  Expected<SmallVector<int64_t>> begin = im.constantInts(op, 1);
  Expected<SmallVector<int64_t>> size = im.constantInts(op, 2);
  if (!begin || !size)
    return llvm::joinErrors(begin.takeError(), size.takeError());
  const size_t rank = x.shape.size();
  if (begin->size() != rank || size->size() != rank)
    return im.failOp(op, "begin and size need " + Twine(rank) + " values");
  SmallVector<int64_t> sizes;
  for (size_t d = 0; d < rank; ++d) {
    const int64_t b = (*begin)[d];
    const int64_t n = (*size)[d] == -1 ? x.shape[d] - b : (*size)[d];
    if (b < 0 || n < 0 || b + n > x.shape[d])
      return im.failOp(op, "slice [" + Twine(b) + ", " + Twine(b + n) +
                               ") is outside dimension " + Twine(d) +
                               " of size " + Twine(x.shape[d]));
    sizes.push_back(n);
  }
  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();
  return im.define(op, sliceTo(im, op, *input, *begin, sizes, y.shape));
}

Error tflite::emitStridedSlice(Importer &im, const OpContext &op) {
  auto io = im.movedOperands(op);
  if (!io)
    return io.takeError();
  const TensorInfo &x = *io->first, &y = *io->second;
  Expected<SmallVector<int64_t>> begin = im.constantInts(op, 1);
  Expected<SmallVector<int64_t>> end = im.constantInts(op, 2);
  Expected<SmallVector<int64_t>> strides = im.constantInts(op, 3);
  if (!begin || !end || !strides)
    return llvm::joinErrors(
        llvm::joinErrors(begin.takeError(), end.takeError()),
        strides.takeError());
  const auto *o = op.op->options_as_StridedSliceOptions();
  const int32_t beginMask = o ? o->begin_mask() : 0;
  const int32_t endMask = o ? o->end_mask() : 0;
  const int32_t shrinkMask = o ? o->shrink_axis_mask() : 0;
  if (o && (o->ellipsis_mask() || o->new_axis_mask()))
    return im.failOp(op, "ellipsis and new-axis masks are not supported");
  const bool offset = o && o->offset();
  const int64_t rank = x.shape.size();
  if (static_cast<int64_t>(begin->size()) != rank ||
      static_cast<int64_t>(end->size()) != rank ||
      static_cast<int64_t>(strides->size()) != rank)
    return im.failOp(op,
                     "begin, end and strides need " + Twine(rank) + " values");
  // Per axis, the input indices TFLite's StartForAxis / StopForAxis and
  // the stride select, in output order.
  SmallVector<SmallVector<int64_t>> picked;
  int64_t elements = 1;
  for (int64_t d = 0; d < rank; ++d) {
    const int64_t stride = (*strides)[d], dim = x.shape[d];
    const bool shrink = (shrinkMask >> d) & 1;
    if (stride == 0)
      return im.failOp(op, "stride 0 in dimension " + Twine(d));
    if (stride != 1 && (offset || shrink))
      return im.failOp(op, "stride " + Twine(stride) + " in dimension " +
                               Twine(d) + " with " +
                               (offset ? "offset" : "shrink_axis_mask") +
                               " is not supported");
    auto bounded = [&](int64_t i) {
      if (i < 0)
        i += dim;
      return stride > 0 ? std::clamp<int64_t>(i, 0, dim)
                        : std::clamp<int64_t>(i, -1, dim - 1);
    };
    int64_t start = (beginMask >> d) & 1 ? (stride > 0 ? 0 : dim - 1)
                                         : bounded((*begin)[d]);
    int64_t stop =
        (endMask >> d) & 1 ? (stride > 0 ? dim : -1) : bounded((*end)[d]);
    if (offset)
      stop = std::clamp<int64_t>(start + (*end)[d], start, dim);
    if (shrink) {
      start = (*begin)[d] < 0 ? (*begin)[d] + dim : (*begin)[d];
      if (start < 0 || start >= dim)
        return im.failOp(op, "begin " + Twine((*begin)[d]) +
                                 " is outside dimension " + Twine(d));
      stop = start + 1;
    }
    SmallVector<int64_t> indices;
    for (int64_t i = start; stride > 0 ? i < stop : i > stop; i += stride)
      indices.push_back(i);
    elements *= static_cast<int64_t>(indices.size());
    picked.push_back(std::move(indices));
  }
  if (elements != y.elements || elements == 0)
    return im.failOp(op, "the slice has " + Twine(elements) +
                             " elements but the output shape " +
                             shapeText(y.shape) + " has " + Twine(y.elements));
  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();
  // The bounding box by one slice, then each axis whose indices are not
  // consecutive and ascending gathered.
  SmallVector<int64_t> start, sizes;
  for (const SmallVector<int64_t> &indices : picked) {
    const auto [lo, hi] = std::minmax_element(indices.begin(), indices.end());
    start.push_back(*lo);
    sizes.push_back(*hi - *lo + 1);
  }
  Value v = sliceTo(im, op, *input, start, sizes, sizes);
  for (int64_t d = 0; d < rank; ++d) {
    if (static_cast<int64_t>(picked[d].size()) == sizes[d] &&
        picked[d].front() == start[d])
      continue; // consecutive, ascending
    SmallVector<int64_t> sources;
    for (int64_t i : picked[d])
      sources.push_back(i - start[d]);
    v = im.gatherAxis(op.loc, v, d, sources);
  }
  return im.define(op, im.reshape(op.loc, v, y.shape));
}

Error tflite::emitSplit(Importer &im, const OpContext &op) {
  // Inputs: the axis (a constant), then the tensor.
  auto in = im.operand(op, 1);
  if (!in)
    return in.takeError();
  Expected<SmallVector<int64_t>> axisValues = im.constantInts(op, 0);
  if (!axisValues)
    return axisValues.takeError();
  if (axisValues->size() != 1)
    return im.failOp(op, "the axis must be one value");
  const int64_t rank = (*in)->shape.size();
  Expected<int64_t> axis = resolveAxis(im, op, (*axisValues)[0], rank);
  if (!axis)
    return axis.takeError();
  const int64_t n = static_cast<int64_t>(op.outputs.size());
  const int64_t dim = (*in)->shape[*axis];
  if (n == 0 || dim % n != 0)
    return im.failOp(op, "dimension " + Twine(dim) + " does not split into " +
                             Twine(n) + " equal pieces");
  return splitInto(im, op, 1, *axis, SmallVector<int64_t>(n, dim / n));
}

Error tflite::emitSplitV(Importer &im, const OpContext &op) {
  // Inputs: the tensor, the sizes (one may be -1), the axis.
  auto in = im.operand(op, 0);
  if (!in)
    return in.takeError();
  Expected<SmallVector<int64_t>> sizes = im.constantInts(op, 1);
  Expected<SmallVector<int64_t>> axisValues = im.constantInts(op, 2);
  if (!sizes || !axisValues)
    return llvm::joinErrors(sizes.takeError(), axisValues.takeError());
  if (axisValues->size() != 1)
    return im.failOp(op, "the axis must be one value");
  const int64_t rank = (*in)->shape.size();
  Expected<int64_t> axis = resolveAxis(im, op, (*axisValues)[0], rank);
  if (!axis)
    return axis.takeError();
  const int64_t dim = (*in)->shape[*axis];
  int64_t known = 0, unknown = -1;
  for (auto [i, s] : llvm::enumerate(*sizes)) {
    if (s == -1 && unknown < 0)
      unknown = static_cast<int64_t>(i);
    else if (s < 0)
      return im.failOp(op, "size " + Twine(s) + " is not allowed");
    else
      known += s;
  }
  if (unknown >= 0)
    (*sizes)[unknown] = dim - known;
  if (known > dim || (unknown < 0 && known != dim))
    return im.failOp(op, "sizes do not add up to dimension " + Twine(dim));
  return splitInto(im, op, 0, *axis, *sizes);
}

Error tflite::emitPack(Importer &im, const OpContext &op) {
  auto out = im.result(op);
  if (!out)
    return out.takeError();
  const TensorInfo &y = **out;
  const auto *o = op.op->options_as_PackOptions();
  Expected<int64_t> axis = resolveAxis(im, op, o ? o->axis() : 0,
                                       static_cast<int64_t>(y.shape.size()));
  if (!axis)
    return axis.takeError();
  if (op.inputs.empty() ||
      y.shape[*axis] != static_cast<int64_t>(op.inputs.size()))
    return im.failOp(op, "output dimension " + Twine(*axis) + " is not the " +
                             Twine(op.inputs.size()) + " inputs");
  SmallVector<int64_t> pieceShape(y.shape.begin(), y.shape.end());
  pieceShape[*axis] = 1;
  SmallVector<Value> pieces;
  for (unsigned k = 0; k < op.inputs.size(); ++k) {
    auto in = im.operand(op, k);
    if (!in)
      return in.takeError();
    if (Error e = im.requireSameQuantization(op, **in, y, "input"))
      return e;
    if ((*in)->elements * static_cast<int64_t>(op.inputs.size()) != y.elements)
      return im.failOp(op, "input '" + (*in)->name + "' has shape " +
                               shapeText((*in)->shape) +
                               ", which does not stack into " +
                               shapeText(y.shape));
    Expected<Value> v = im.activation(op, k);
    if (!v)
      return v.takeError();
    pieces.push_back(im.reshape(op.loc, *v, pieceShape));
  }
  Value joined = im.getBuilder().create<tosa::ConcatOp>(
      op.loc, im.tensorType(y), pieces,
      im.getBuilder().getI32IntegerAttr(static_cast<int32_t>(*axis)));
  return im.define(op, joined);
}

Error tflite::emitUnpack(Importer &im, const OpContext &op) {
  auto in = im.operand(op, 0);
  if (!in)
    return in.takeError();
  const auto *o = op.op->options_as_UnpackOptions();
  Expected<int64_t> axis = resolveAxis(
      im, op, o ? o->axis() : 0, static_cast<int64_t>((*in)->shape.size()));
  if (!axis)
    return axis.takeError();
  if ((*in)->shape[*axis] != static_cast<int64_t>(op.outputs.size()))
    return im.failOp(op, "dimension " + Twine(*axis) + " has " +
                             Twine((*in)->shape[*axis]) +
                             " entries but the "
                             "operator has " +
                             Twine(op.outputs.size()) + " outputs");
  return splitInto(im, op, 0, *axis,
                   SmallVector<int64_t>(op.outputs.size(), 1));
}
