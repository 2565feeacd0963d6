//===- FoldRescale.cpp - Choose the PPU form of requantizations -----------===//
//
// TOSA gives a multiplier and a shift per output channel. The PPU can apply
// them as per-layer registers, as one multiplier with a base shift plus a
// 4-bit shift per channel (the WESS form), or as full per-channel tables.
// The first two are cheaper in hardware (no multiplier table); this pass
// picks the cheapest form that computes exactly the same bits, and refuses
// a layer whose form the target's PPU lacks (ArchConfig ppu.rescale), when
// the module names its target.
//
//===----------------------------------------------------------------------===//
#include "npu/Dialect/Npu/IR/NpuOps.h"
#include "npu/Dialect/Npu/Transforms/Passes.h"
#include "npu/Isa/PpuTable.h"

#include "llvm/ADT/STLExtras.h"

namespace mlir::npu {
#define GEN_PASS_DEF_NPUFOLDRESCALE
#include "npu/Dialect/Npu/Transforms/Passes.h.inc"
} // namespace mlir::npu

using namespace mlir;
using namespace mlir::npu;

namespace {

void foldRequant(RequantOpInterface op) {
  // Copies: the setters below replace the attributes these point into.
  SmallVector<int32_t> mult(op.getMultiplier()), shift(op.getShift());
  const bool sameMult = llvm::all_equal(mult);
  const bool sameShift = llvm::all_equal(shift);
  if (sameMult && sameShift) {
    op.setPpuForm(PpuForm::PerLayer);
    op.setMultiplier(ArrayRef(mult).take_front(1));
    op.setShift(ArrayRef(shift).take_front(1));
    op.setKshift(std::nullopt);
    return;
  }
  const int32_t base = *llvm::min_element(shift);
  const int32_t top = *llvm::max_element(shift);
  if (sameMult && top - base <= ::npu::isa::kMaxKshift) {
    SmallVector<int32_t> k;
    for (int32_t s : shift)
      k.push_back(s - base);
    op.setPpuForm(PpuForm::ShiftTable);
    op.setKshift(ArrayRef<int32_t>(k));
    op.setMultiplier(ArrayRef(mult).take_front(1));
    op.setShift(ArrayRef<int32_t>{base});
    return;
  }
  op.setPpuForm(PpuForm::PerChannel);
  op.setKshift(std::nullopt);
}

/// The npuc --rescale mode that brings a layer within `rescale`.
const char *suggestedMode(::npu::PpuRescale rescale) {
  return rescale == ::npu::PpuRescale::ShiftTable ? "wess or per-layer"
                                                  : "per-layer";
}

struct FoldRescalePass : mlir::npu::impl::NpuFoldRescaleBase<FoldRescalePass> {
  void runOnOperation() override {
    std::optional<::npu::PpuRescale> rescale;
    auto module = getOperation()->getParentOfType<ModuleOp>();
    if (module && module->hasAttr(kArchAttrName)) {
      FailureOr<::npu::ArchConfig> config = getArchConfig(module);
      if (failed(config))
        return signalPassFailure();
      rescale = config->ppu.rescale;
    }
    WalkResult result = getOperation().walk([&](RequantOpInterface op) {
      foldRequant(op);
      const ::npu::isa::PpuForm form = toRuntime(*op.getPpuForm());
      if (rescale && !::npu::isa::ppuSupports(*rescale, form)) {
        InFlightDiagnostic error = op->emitError("needs the ");
        error << ::npu::isa::ppuFormName(form)
              << " requantization form, beyond this PPU (ppu.rescale "
              << ::npu::ppuRescaleName(*rescale) << "); ";
        // npu-requantize-weights ran and had to keep this layer's scales.
        if (op->hasAttr(kRescaleAttrName))
          error << "its weights cannot be re-quantized (TFLite's 16x8 mode "
                   "or weights that are not constant)";
        else
          error << "compile with --rescale=" << suggestedMode(*rescale);
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
