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
  SmallVector<int64_t> start, sizes;
  for (int64_t d = 0; d < rank; ++d) {
    if ((*strides)[d] != 1)
      return im.failOp(op, "stride " + Twine((*strides)[d]) + " in dimension " +
                               Twine(d) + " is not supported (only 1)");
    const int64_t dim = x.shape[d];
    auto clampIndex = [&](int64_t i) {
      return std::clamp<int64_t>(i < 0 ? i + dim : i, 0, dim);
    };
    int64_t b = (beginMask >> d) & 1 ? 0 : clampIndex((*begin)[d]);
    int64_t e = offset               ? b + (*end)[d]
                : (endMask >> d) & 1 ? dim
                                     : clampIndex((*end)[d]);
    if ((shrinkMask >> d) & 1) {
      b = (*begin)[d] < 0 ? (*begin)[d] + dim : (*begin)[d];
      e = b + 1;
    }
    e = std::clamp<int64_t>(e, b, dim);
    if (b < 0 || b >= dim)
      return im.failOp(op, "begin " + Twine((*begin)[d]) +
                               " is outside dimension " + Twine(d));
    start.push_back(b);
    sizes.push_back(e - b);
  }
  int64_t elements = 1;
  for (int64_t n : sizes)
    elements *= n;
  if (elements != y.elements)
    return im.failOp(op, "the slice has " + Twine(elements) +
                             " elements but the output shape " +
                             shapeText(y.shape) + " has " + Twine(y.elements));
  Expected<Value> input = im.activation(op, 0);
  if (!input)
    return input.takeError();
  return im.define(op, sliceTo(im, op, *input, start, sizes, y.shape));
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
