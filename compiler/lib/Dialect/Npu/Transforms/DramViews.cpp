//===- DramViews.cpp - Slices and concatenations as DRAM views ------------===//
#include "DramViews.h"

#include "Common.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::npu;

namespace {

/// Bytes of one step along dimension `d` of a dense row-major `type`.
int64_t pitch(ShapedType type, int64_t d) {
  int64_t n = byteSize(type) / std::max<int64_t>(1, type.getNumElements());
  for (int64_t i = d + 1; i < type.getRank(); ++i)
    n *= type.getDimSize(i);
  return n;
}

} // namespace

std::optional<int64_t> mlir::npu::contiguousSliceOffset(SliceOp slice) {
  auto in = cast<ShapedType>(slice.getInput().getType());
  auto out = cast<ShapedType>(slice.getOutput().getType());
  ArrayRef<int64_t> start = slice.getStart();
  // The first dimension the slice cuts; before it only 1s, after it
  // everything whole.
  int64_t cut = 0;
  while (cut < in.getRank() && in.getDimSize(cut) == 1)
    ++cut;
  if (cut == in.getRank())
    return 0;
  for (int64_t d = cut + 1; d < in.getRank(); ++d)
    if (start[d] != 0 || out.getDimSize(d) != in.getDimSize(d))
      return std::nullopt;
  return start[cut] * pitch(in, cut);
}

SmallVector<int64_t> mlir::npu::contiguousConcatOffsets(ConcatOp concat) {
  auto out = cast<ShapedType>(concat.getOutput().getType());
  const int64_t axis = concat.getAxis();
  SmallVector<int64_t> offsets(concat.getInputs().size(), -1);
  for (int64_t d = 0; d < axis; ++d)
    if (out.getDimSize(d) != 1)
      return offsets;
  int64_t at = 0;
  for (auto [i, part] : llvm::enumerate(concat.getInputs())) {
    offsets[i] = at * pitch(out, axis);
    at += cast<ShapedType>(part.getType()).getDimSize(axis);
  }
  return offsets;
}

bool mlir::npu::ownedPart(Value part, ConcatOp concat) {
  Operation *def = part.getDefiningOp();
  return def && part.hasOneUse() && *part.getUsers().begin() == concat &&
         !isa<arith::ConstantOp, ReshapeOp, SliceOp, ConcatOp>(def);
}
