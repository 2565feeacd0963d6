//===- Prefetch.cpp - Next layer's constants load during this layer -------===//
//
// The controller fetches instructions in program order and a full queue
// stalls it, so a layer's weight and table loads emitted at the start of
// the layer reach the load queue only when the previous layer's compute
// instructions have almost all been fetched: the array waits for them.
// This pass moves the loads a layer starts with (of DRAM constants, or
// padding-only fills) into the previous layer, after its last load
// that follows a compute instruction (so the previous layer's own tile
// loads are not delayed), or later where an instruction in between touches
// the same scratchpad bytes: the load queue then streams them in while the
// previous layer computes. The lowering places consecutive layers' weights
// and tables in alternate halves of WBUF and PBUF, so usually nothing is in
// the way. npu-schedule then derives the tokens for the new order.
//
// The moved loads form their own npu.layer piece with the id of the layer
// they belong to (the previous layer is split around it), so the program
// still attributes them to their layer.
//
//===----------------------------------------------------------------------===//
#include "npu/Dialect/Npu/IR/NpuOps.h"
#include "npu/Dialect/Npu/Transforms/Passes.h"
#include "npu/Isa/Access.h"

#include "mlir/IR/Builders.h"

#include <optional>

namespace mlir::npu {
#define GEN_PASS_DEF_NPUPREFETCH
#include "npu/Dialect/Npu/Transforms/Passes.h.inc"
} // namespace mlir::npu

using namespace mlir;
using namespace mlir::npu;
namespace npuisa = ::npu::isa;

namespace {

struct Instr {
  InstrOp op;
  npuisa::Instruction decoded;
  npuisa::AccessList accesses;
};

bool conflicts(const npuisa::AccessList &a, const npuisa::AccessList &b) {
  for (const npuisa::Access &x : a)
    for (const npuisa::Access &y : b)
      if (x.space == y.space && (x.write || y.write) && x.lo < y.hi &&
          y.lo < x.hi)
        return true;
  return false;
}

/// A copy of `layer`'s attributes with an empty body, inserted after
/// `after`.
LayerOp pieceOf(OpBuilder &b, LayerOp layer, Operation *after) {
  b.setInsertionPointAfter(after);
  auto piece = cast<LayerOp>(b.clone(*layer.getOperation()));
  piece.getBody().front().clear();
  return piece;
}

class Prefetcher {
public:
  explicit Prefetcher(ProgramOp program) : program(program) {}

  LogicalResult run();

private:
  /// Decodes every instruction with its footprint (a ppu's tables depend
  /// on the ppu.cfg before it).
  LogicalResult decode();
  /// True for a load that reads only constant DRAM (or nothing).
  bool movable(const Instr &i) const;
  void hoist(LayerOp prev, LayerOp layer);

  ProgramOp program;
  llvm::DenseMap<Operation *, Instr> info;
  /// DRAM bytes holding constants.
  std::vector<std::pair<int64_t, int64_t>> constants;
};

LogicalResult Prefetcher::decode() {
  std::optional<npuisa::PpuConfig> ppu;
  WalkResult walk = program.walk([&](InstrOp op) {
    ::npu::Result<npuisa::Instruction> decoded = toInstruction(op);
    if (!decoded) {
      op.emitOpError(decoded.error().getMessage());
      return WalkResult::interrupt();
    }
    if (auto *cfg = std::get_if<npuisa::PpuConfig>(&*decoded))
      ppu = *cfg;
    Instr i{op, *decoded, npuisa::accessesOf(*decoded, ppu ? &*ppu : nullptr)};
    info.try_emplace(op.getOperation(), std::move(i));
    return WalkResult::advance();
  });
  for (SegmentOp seg : program.getOps<SegmentOp>()) {
    const int64_t lo = seg.getAddr();
    constants.emplace_back(
        lo, lo + cast<ShapedType>(seg.getData().getType()).getNumElements());
  }
  return failure(walk.wasInterrupted());
}

bool Prefetcher::movable(const Instr &i) const {
  if (!std::holds_alternative<npuisa::DmaLoad>(i.decoded))
    return false;
  for (const npuisa::Access &a : i.accesses) {
    if (a.space != npuisa::Space::Dram)
      continue;
    bool constant = false;
    for (auto [lo, hi] : constants)
      constant |= lo <= a.lo && a.hi <= hi;
    if (!constant)
      return false;
  }
  return true;
}

void Prefetcher::hoist(LayerOp prev, LayerOp layer) {
  // The loads `layer` starts with.
  SmallVector<Operation *> moved;
  for (Operation &op : layer.getBody().front()) {
    auto it = info.find(&op);
    if (it == info.end() || !movable(it->second))
      break;
    moved.push_back(&op);
  }
  if (moved.empty())
    return;
  // The latest point in `prev` they must stay behind: its first compute
  // instruction, its loads after that, and every instruction touching their
  // bytes.
  SmallVector<Operation *> body;
  for (Operation &op : prev.getBody().front())
    body.push_back(&op);
  int64_t after = -1;
  bool seenCompute = false;
  for (int64_t k = 0; k < static_cast<int64_t>(body.size()); ++k) {
    const Instr &x = info.find(body[k])->second;
    if (npuisa::queueOf(x.decoded) == npuisa::Queue::Compute)
      seenCompute = true;
    else if (seenCompute && npuisa::queueOf(x.decoded) == npuisa::Queue::Load)
      after = k;
    if (after < 0 && seenCompute)
      after = k;
    for (Operation *m : moved)
      if (conflicts(x.accesses, info.find(m)->second.accesses))
        after = std::max(after, k);
  }
  if (after < 0 || after + 1 >= static_cast<int64_t>(body.size()))
    return; // nothing would run meanwhile
  // prev = [0, after] | loads of `layer` | rest of prev.
  OpBuilder b(program.getContext());
  LayerOp loads = pieceOf(b, layer, prev);
  LayerOp rest = pieceOf(b, prev, loads);
  for (int64_t k = after + 1; k < static_cast<int64_t>(body.size()); ++k)
    body[k]->moveBefore(&rest.getBody().front(), rest.getBody().front().end());
  for (Operation *m : moved)
    m->moveBefore(&loads.getBody().front(), loads.getBody().front().end());
}

LogicalResult Prefetcher::run() {
  if (failed(decode()))
    return failure();
  SmallVector<LayerOp> layers(program.getOps<LayerOp>());
  OpBuilder b(program.getContext());
  for (auto [i, layer] : llvm::enumerate(layers))
    if (!layer.getId())
      layer.setIdAttr(b.getI64IntegerAttr(static_cast<int64_t>(i)));
  for (size_t i = 1; i < layers.size(); ++i)
    if (layers[i].getKind() != LayerKind::Control &&
        layers[i - 1].getKind() != LayerKind::Control)
      hoist(layers[i - 1], layers[i]);
  return success();
}

struct PrefetchPass : mlir::npu::impl::NpuPrefetchBase<PrefetchPass> {
  void runOnOperation() override {
    for (ProgramOp program : getOperation().getOps<ProgramOp>())
      if (failed(Prefetcher(program).run()))
        return signalPassFailure();
  }
};

} // namespace
