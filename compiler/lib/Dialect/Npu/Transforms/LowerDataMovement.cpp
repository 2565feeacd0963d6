//===- LowerDataMovement.cpp - Layout ops as DMA copies -------------------===//
//
// reshape, slice and concat (where the memory plan did not make them views
// of one buffer), transpose and pad copy strided DRAM views through IBUF;
// pad first fills the output with DMA padding.
//
//===----------------------------------------------------------------------===//
#include "DramViews.h"
#include "Lowering.h"

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::lowering;

namespace {

/// Copies each view pair through IBUF in tiles.
LogicalResult copyViews(ProgramEmitter &e, Operation *src, LayerKind kind,
                        ArrayRef<std::pair<DramView, DramView>> copies) {
  e.beginLayer(src, kind, 0);
  const int64_t hi = e.half(Buffer::IBuf);
  int64_t tiles = 0;
  for (const auto &[from, to] : copies) {
    const int64_t n = std::max<int64_t>(1, hi / from.elem);
    for (const Box &box : tileBoxes(from.shape, n)) {
      const int64_t ib = e.slot(Buffer::IBuf, tiles++);
      if (failed(e.gather(from.box(box.start, box.sizes), Buffer::IBuf, ib)) ||
          failed(e.scatter(Buffer::IBuf, ib, to.box(box.start, box.sizes))))
        return failure();
    }
  }
  return success();
}

} // namespace

/// A reshape with an on-chip side: the elements keep their row-major order,
/// so the copy walks the shape of the dense side (or the DRAM side, loaded
/// or staged whole) and addresses the other side with the strides of its
/// layout.
static LogicalResult reshapeOnChip(ProgramEmitter &e, ReshapeOp op) {
  std::optional<SramHome> in = getSramHome(op.getInput());
  std::optional<SramHome> out = getSramHome(op.getOutput());
  if (in && out && in->base == out->base && in->buf == out->buf &&
      in->dense() && out->dense())
    return success(); // aliased by the plan: no data moves
  if (!canRunOnChip(e, op))
    return op.emitError("reshape between a scratchpad and DRAM does not fit "
                        "its working area");
  e.beginLayer(op, LayerKind::Reshape, 0);
  // Walk the output's shape when the input is dense, else the input's.
  const bool walkOutput = !in || in->dense();
  Value walked = walkOutput ? op.getOutput() : op.getInput();
  Value other = walkOutput ? op.getInput() : op.getOutput();
  ArrayRef<int64_t> shape = shapeOf(walked);
  std::optional<SramHome> otherHome = getSramHome(other);
  if (otherHome && !otherHome->dense())
    return op.emitError("reshape between two padded on-chip layouts");
  int64_t cursor = e.currentWorkAreas().ibufBase;
  OnChipTensor src, dst;
  if (walkOutput) {
    // The input (dense) seen in the output's shape.
    FailureOr<OnChipTensor> d = onChipResult(e, op.getOutput());
    FailureOr<OnChipTensor> s =
        onChipOperand(e, op.getInput(), shapeOf(op.getInput()), cursor);
    if (failed(d) || failed(s))
      return failure();
    dst = *d;
    src = *s;
    src.strides.assign(shape.size(), 0);
    int64_t stride = 1;
    for (int64_t i = static_cast<int64_t>(shape.size()) - 1; i >= 0; --i) {
      src.strides[i] = stride;
      stride *= shape[i];
    }
  } else {
    // The output (dense or staged) seen in the input's shape.
    FailureOr<OnChipTensor> s = onChipOperand(e, op.getInput(), shape, cursor);
    FailureOr<OnChipTensor> d = onChipResult(e, op.getOutput());
    if (failed(d) || failed(s))
      return failure();
    src = *s;
    dst = *d;
    dst.strides.assign(shape.size(), 0);
    int64_t stride = 1;
    for (int64_t i = static_cast<int64_t>(shape.size()) - 1; i >= 0; --i) {
      dst.strides[i] = stride;
      stride *= shape[i];
    }
  }
  LogicalResult status = forEachPiece(
      e, shape, {&src, &dst}, npuisa::fieldMax<npuisa::Alu>("n_outer"),
      npuisa::fieldMax<npuisa::Alu>("n_inner"), INT64_MAX,
      [&](ArrayRef<npuisa::Operand> o, int64_t no, int64_t ni) {
        npuisa::Alu a;
        a.op = npuisa::AluOp::Copy;
        a.src1 = a.src2 = o[0];
        a.dst = o[1];
        a.nOuter = static_cast<uint32_t>(no);
        a.nInner = static_cast<uint32_t>(ni);
        e.emit(a);
      });
  if (failed(status))
    return failure();
  return storeResult(e, op.getOutput(), dst);
}

LogicalResult lowering::lowerOp(ProgramEmitter &e, ReshapeOp op) {
  if (getSramHome(op.getInput()) || getSramHome(op.getOutput()))
    return reshapeOnChip(e, op);
  // Aliased by the memory plan: no data moves, unless the input is a
  // constant or lives elsewhere.
  FailureOr<int64_t> from = e.dramAddr(op.getInput()),
                     to = e.dramAddr(op.getOutput());
  if (failed(from) || failed(to))
    return failure();
  if (*from == *to)
    return success();
  FailureOr<DramView> in = e.denseView(op.getInput()),
                      out = e.denseView(op.getOutput());
  DramView flatIn = *in, flatOut = *out;
  flatIn.shape = {in->numElements()};
  flatIn.strides = {in->elem};
  flatOut.shape = flatIn.shape;
  flatOut.strides = flatIn.strides;
  return copyViews(e, op, LayerKind::Reshape, {{flatIn, flatOut}});
}

LogicalResult lowering::lowerOp(ProgramEmitter &e, TransposeOp op) {
  FailureOr<DramView> in = e.denseView(op.getInput()),
                      out = e.denseView(op.getOutput());
  if (failed(in) || failed(out))
    return failure();
  DramView from = *in;
  from.shape = out->shape;
  for (size_t d = 0; d < out->shape.size(); ++d)
    from.strides[d] = in->strides[op.getPerms()[d]];
  return copyViews(e, op, LayerKind::Transpose, {{from, *out}});
}

LogicalResult lowering::lowerOp(ProgramEmitter &e, SliceOp op) {
  FailureOr<DramView> in = e.denseView(op.getInput()),
                      out = e.denseView(op.getOutput());
  if (failed(in) || failed(out))
    return failure();
  // A view placed by the memory plan: no data moves.
  if (std::optional<int64_t> at = contiguousSliceOffset(op);
      at && out->base == in->base + *at)
    return success();
  return copyViews(e, op, LayerKind::Slice,
                   {{in->box(op.getStart(), out->shape), *out}});
}

LogicalResult lowering::lowerOp(ProgramEmitter &e, ConcatOp op) {
  FailureOr<DramView> out = e.denseView(op.getOutput());
  if (failed(out))
    return failure();
  SmallVector<std::pair<DramView, DramView>, 4> copies;
  SmallVector<int64_t> start(out->shape.size(), 0);
  for (auto [v, at] :
       llvm::zip_equal(op.getInputs(), contiguousConcatOffsets(op))) {
    FailureOr<DramView> in = e.denseView(v);
    if (failed(in))
      return failure();
    // Parts the memory plan computed in place need no copy.
    if (at < 0 || in->base != out->base + at)
      copies.push_back({*in, out->box(start, in->shape)});
    start[op.getAxis()] += in->shape[op.getAxis()];
  }
  if (copies.empty())
    return success();
  return copyViews(e, op, LayerKind::Concat, copies);
}

LogicalResult lowering::lowerOp(ProgramEmitter &e, PadOp op) {
  FailureOr<DramView> in = e.denseView(op.getInput());
  FailureOr<DramView> out = e.denseView(op.getOutput());
  if (failed(in) || failed(out))
    return failure();
  const int64_t elem = out->elem;
  // The pad value as bytes; DMA padding repeats one byte.
  const int64_t value = op.getPadValue();
  const uint8_t byte = static_cast<uint8_t>(value);
  for (int64_t b = 1; b < elem; ++b)
    if (static_cast<uint8_t>(value >> (8 * b)) != byte)
      return op.emitError("pad value ")
             << value << " is not one repeated byte for this element type";
  e.beginLayer(op, LayerKind::Pad, 0);
  // Fill slot 0 of the working area with the pad value (a DMA that writes
  // only padding: pad_top rows of pad_left elements, each at most
  // kMaxDmaPad), store it over the whole output, then copy the input into
  // the interior through the other slots. Nothing outside the working area
  // is touched: tensors live across the pad keep their homes.
  const int64_t hi = e.half(Buffer::IBuf);
  const int64_t fillBase = e.slot(Buffer::IBuf, 0);
  const int64_t fillElems = std::min<int64_t>(
      {hi / elem, out->numElements(), kMaxDmaPad * kMaxDmaPad});
  const int64_t perRow = std::min<int64_t>(kMaxDmaPad, fillElems);
  const int64_t fullRows = fillElems / perRow;
  npuisa::DmaLoad fillRows;
  fillRows.buf = Buffer::IBuf;
  fillRows.elemBytes = static_cast<uint32_t>(elem);
  fillRows.padValue = static_cast<int8_t>(byte);
  fillRows.padTop = static_cast<uint32_t>(fullRows);
  fillRows.padLeft = static_cast<uint32_t>(perRow);
  fillRows.sramAddr = static_cast<uint32_t>(fillBase);
  fillRows.sramRowStride = static_cast<uint32_t>(perRow * elem);
  e.emit(fillRows);
  if (fullRows * perRow < fillElems) {
    npuisa::DmaLoad rest = fillRows;
    rest.sramAddr = static_cast<uint32_t>(fillBase + fullRows * perRow * elem);
    rest.padTop = 1;
    rest.padLeft = static_cast<uint32_t>(fillElems - fullRows * perRow);
    e.emit(rest);
  }
  for (const Box &box : tileBoxes(out->shape, fillElems))
    if (failed(
            e.scatter(Buffer::IBuf, fillBase, out->box(box.start, box.sizes))))
      return failure();
  // Interior.
  ArrayRef<int64_t> padding = op.getPadding();
  SmallVector<int64_t> start;
  for (size_t d = 0; d < in->shape.size(); ++d)
    start.push_back(padding[2 * d]);
  DramView interior = out->box(start, in->shape);
  const int64_t slotElems = std::max<int64_t>(1, hi / elem);
  int64_t tiles = 1; // slot 0 holds the fill pattern
  for (const Box &box : tileBoxes(in->shape, slotElems)) {
    const int64_t ib = e.slot(Buffer::IBuf, tiles++);
    if (failed(e.gather(in->box(box.start, box.sizes), Buffer::IBuf, ib)) ||
        failed(e.scatter(Buffer::IBuf, ib, interior.box(box.start, box.sizes))))
      return failure();
  }
  return success();
}
