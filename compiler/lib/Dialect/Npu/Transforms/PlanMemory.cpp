//===- PlanMemory.cpp - DRAM placement of activations ---------------------===//
//
// Every tensor the program computes lives in DRAM between layers. Buffers
// are placed first-fit in an arena in order of definition; a buffer's space
// is free again after its last use, so tensors whose live ranges do not
// overlap share bytes. Views share their tensor's buffer: reshapes alias
// their input (same bytes, new shape), contiguous slices are a byte range
// of their input, and the parts of a contiguous concatenation that nothing
// else reads are computed straight into their range of the result (see
// DramViews.h). Function inputs and outputs are live for the whole program.
//
//===----------------------------------------------------------------------===//
#include "Common.h"
#include "DramViews.h"
#include "SramHome.h"

#include "npu/Dialect/Npu/IR/NpuOps.h"
#include "npu/Dialect/Npu/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/SmallPtrSet.h"
#include <functional>

namespace mlir::npu {
#define GEN_PASS_DEF_NPUPLANMEMORY
#include "npu/Dialect/Npu/Transforms/Passes.h.inc"
} // namespace mlir::npu

using namespace mlir;
using namespace mlir::npu;

namespace {

struct Buffer {
  int64_t size = 0;
  int64_t start = 0; // index of the defining op (-1: function argument)
  int64_t end = 0;   // index of the last use (INT64_MAX: pinned)
  int64_t offset = -1;
};

struct PlanMemoryPass : mlir::npu::impl::NpuPlanMemoryBase<PlanMemoryPass> {
  void runOnOperation() override {
    FailureOr<func::FuncOp> entry = getEntryFunction(getOperation());
    if (failed(entry))
      return signalPassFailure();
    func::FuncOp func = *entry;
    Block &body = func.getBody().front();

    // Number the ops; alias reshape results with their inputs.
    llvm::DenseMap<Operation *, int64_t> index;
    int64_t n = 0;
    for (Operation &op : body)
      index[&op] = n++;
    // Union-find over values with byte offsets: a view's bytes are those of
    // another value at an offset (addr(v) = addr(parent) + offset).
    struct Link {
      Value parent;
      int64_t offset = 0;
    };
    llvm::DenseMap<Value, Link> links;
    std::function<std::pair<Value, int64_t>(Value)> find =
        [&](Value v) -> std::pair<Value, int64_t> {
      auto it = links.find(v);
      if (it == links.end())
        return {v, 0};
      auto [root, offset] = find(it->second.parent);
      it = links.find(v); // find() inserts nothing, but stay safe
      it->second = {root, it->second.offset + offset};
      return {root, it->second.offset};
    };
    auto unite = [&](Value v, Value target, int64_t offset) {
      auto [rv, ov] = find(v);
      auto [rt, ot] = find(target);
      if (rv != rt)
        links[rv] = {rt, ot + offset - ov};
    };
    SmallVector<Value> values(func.getArguments().begin(),
                              func.getArguments().end());
    for (Operation &op : body) {
      if (isa<arith::ConstantOp, func::ReturnOp>(op))
        continue;
      // Tensors with an on-chip home need no DRAM.
      if (op.hasAttr(kSramAttrName))
        continue;
      llvm::append_range(values, op.getResults());
      auto inDram = [](Value v) {
        return !v.getDefiningOp<arith::ConstantOp>() && !getSramHome(v);
      };
      if (auto reshape = dyn_cast<ReshapeOp>(op)) {
        if (inDram(reshape.getInput()))
          unite(reshape.getResult(), reshape.getInput(), 0);
      } else if (auto slice = dyn_cast<SliceOp>(op)) {
        if (std::optional<int64_t> at = contiguousSliceOffset(slice);
            at && inDram(slice.getInput()))
          unite(slice.getResult(), slice.getInput(), *at);
      } else if (auto concat = dyn_cast<ConcatOp>(op)) {
        for (auto [part, at] : llvm::zip_equal(concat.getInputs(),
                                               contiguousConcatOffsets(concat)))
          if (at >= 0 && ownedPart(part, concat))
            unite(part, concat.getResult(), at);
      }
    }

    // One buffer per alias class, covering every member's bytes.
    llvm::DenseMap<Value, Buffer> buffers;
    llvm::DenseMap<Value, int64_t> lowest; // least member offset per class
    constexpr int64_t kPinned = std::numeric_limits<int64_t>::max();
    for (Value v : values) {
      auto [root, offset] = find(v);
      auto [it, fresh] = lowest.try_emplace(root, offset);
      if (!fresh)
        it->second = std::min(it->second, offset);
    }
    for (Value v : values) {
      auto [root, offset] = find(v);
      Buffer &b = buffers[root];
      b.size = std::max(b.size, offset - lowest[root] + byteSize(v.getType()));
      const int64_t def = isa<BlockArgument>(v) ? -1 : index[v.getDefiningOp()];
      if (b.end == 0 && b.start == 0)
        b.start = def;
      b.start = std::min(b.start, def);
      b.end = std::max(b.end, def);
      for (Operation *user : v.getUsers())
        b.end =
            std::max(b.end, isa<func::ReturnOp>(user) ? kPinned : index[user]);
      if (isa<BlockArgument>(v))
        b.end = kPinned; // inputs stay intact for the whole run
    }
    auto addressOf = [&](Value v) {
      auto [root, offset] = find(v);
      return buffers[root].offset + offset - lowest[root];
    };

    // First fit in order of definition (arguments in their order: the
    // order of `values`, not the map's, which depends on addresses).
    std::vector<Buffer *> order;
    llvm::SmallPtrSet<Buffer *, 16> seen;
    for (Value v : values)
      if (Buffer *b = &buffers[find(v).first]; seen.insert(b).second)
        order.push_back(b);
    std::stable_sort(
        order.begin(), order.end(),
        [](const Buffer *a, const Buffer *b) { return a->start < b->start; });
    std::vector<Buffer *> live;
    int64_t arena = 0;
    for (Buffer *b : order) {
      llvm::erase_if(live, [&](Buffer *o) { return o->end < b->start; });
      std::vector<std::pair<int64_t, int64_t>> used;
      for (Buffer *o : live)
        used.emplace_back(o->offset,
                          o->offset + alignTo(o->size, kDramAlignment));
      std::sort(used.begin(), used.end());
      int64_t candidate = 0;
      const int64_t need =
          alignTo(std::max<int64_t>(b->size, 1), kDramAlignment);
      for (auto [lo, hi] : used) {
        if (candidate + need <= lo)
          break;
        candidate = std::max(candidate, hi);
      }
      b->offset = candidate;
      arena = std::max(arena, candidate + need);
      live.push_back(b);
    }

    Builder builder(&getContext());
    for (BlockArgument arg : func.getArguments())
      func.setArgAttr(arg.getArgNumber(), kDramAttrName,
                      builder.getI64IntegerAttr(addressOf(arg)));
    for (Operation &op : body) {
      if (isa<arith::ConstantOp, func::ReturnOp>(op) ||
          op.getNumResults() != 1 || op.hasAttr(kSramAttrName))
        continue;
      op.setAttr(kDramAttrName,
                 builder.getI64IntegerAttr(addressOf(op.getResult(0))));
    }
    getOperation()->setAttr(kArenaAttrName, builder.getI64IntegerAttr(arena));
  }
};

} // namespace
