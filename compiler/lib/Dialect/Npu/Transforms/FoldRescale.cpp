//===- FoldRescale.cpp - Choose the PPU form of requantizations -----------===//
//
// TOSA gives a multiplier and a shift per output channel. The PPU can apply
// them as per-layer registers, as one multiplier with a base shift plus a
// 4-bit shift per channel (the WESS form), or as full per-channel tables.
// The first two are cheaper in hardware (no multiplier table); this pass
// picks the cheapest form that computes exactly the same bits.
//
//===----------------------------------------------------------------------===//
#include "npu/Dialect/Npu/IR/NpuOps.h"
#include "npu/Dialect/Npu/Transforms/Passes.h"

#include "llvm/ADT/STLExtras.h"

namespace mlir::npu {
#define GEN_PASS_DEF_NPUFOLDRESCALE
#include "npu/Dialect/Npu/Transforms/Passes.h.inc"
} // namespace mlir::npu

using namespace mlir;
using namespace mlir::npu;

namespace {

template <typename OpT> void foldRequant(OpT op) {
  ArrayRef<int32_t> mult = op.getMultiplier(), shift = op.getShift();
  Builder b(op.getContext());
  const bool sameMult = llvm::all_equal(mult);
  const bool sameShift = llvm::all_equal(shift);
  if (sameMult && sameShift) {
    op.setPpuForm("per_layer");
    op.setMultiplier(mult.take_front(1));
    op.setShift(shift.take_front(1));
    op.removeKshiftAttr();
    return;
  }
  const int32_t base = *llvm::min_element(shift);
  const int32_t top = *llvm::max_element(shift);
  if (sameMult && top - base <= 15) {
    SmallVector<int32_t> k;
    for (int32_t s : shift)
      k.push_back(s - base);
    op.setPpuForm("shift_table");
    op.setKshift(k);
    op.setMultiplier(mult.take_front(1));
    op.setShift(ArrayRef<int32_t>{base});
    return;
  }
  op.setPpuForm("per_channel");
  op.removeKshiftAttr();
}

struct FoldRescalePass : mlir::npu::impl::NpuFoldRescaleBase<FoldRescalePass> {
  void runOnOperation() override {
    getOperation().walk([](Operation *op) {
      if (auto c = dyn_cast<Conv2DOp>(op))
        foldRequant(c);
      else if (auto d = dyn_cast<DepthwiseConv2DOp>(op))
        foldRequant(d);
      else if (auto f = dyn_cast<FullyConnectedOp>(op))
        foldRequant(f);
      else if (auto m = dyn_cast<MatMulOp>(op))
        foldRequant(m);
      else if (auto e = dyn_cast<EltwiseOp>(op))
        foldRequant(e);
    });
  }
};

} // namespace
