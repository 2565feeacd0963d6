//===- DramViews.h - Slices and concatenations as DRAM views ----*- C++ -*-===//
//
// Private to the npu transforms. A slice that cuts one dimension of a
// tensor whose leading dimensions are all 1 (and keeps every later one
// whole) is one contiguous byte range of its input; so is each part of a
// concatenation along such a dimension within its result. npu-plan-memory
// places those as views of one buffer; the lowering copies only what the
// plan did not make a view.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_LIB_DIALECT_NPU_TRANSFORMS_DRAMVIEWS_H
#define NPU_LIB_DIALECT_NPU_TRANSFORMS_DRAMVIEWS_H

#include "npu/Dialect/Npu/IR/NpuOps.h"

#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace mlir::npu {

/// Byte offset of `slice`'s result in its input, when it is contiguous.
std::optional<int64_t> contiguousSliceOffset(SliceOp slice);

/// Byte offset of each part of `concat` in its result; -1 for every part
/// when they are not contiguous.
SmallVector<int64_t> contiguousConcatOffsets(ConcatOp concat);

/// True when `part` may be computed straight into `concat`'s result: it is
/// the result of a computing op (not a view or a constant) used only there.
bool ownedPart(Value part, ConcatOp concat);

} // namespace mlir::npu

#endif // NPU_LIB_DIALECT_NPU_TRANSFORMS_DRAMVIEWS_H
