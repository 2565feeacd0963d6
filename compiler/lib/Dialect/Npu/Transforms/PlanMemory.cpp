//===- PlanMemory.cpp - DRAM placement of activations ---------------------===//
//
// Every tensor the program computes lives in DRAM between layers. Buffers
// are placed first-fit in an arena in order of definition; a buffer's space
// is free again after its last use, so tensors whose live ranges do not
// overlap share bytes. Reshapes alias their input (same bytes, new shape).
// Function inputs and outputs are live for the whole program.
//
//===----------------------------------------------------------------------===//
#include "Common.h"
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
    // Union-find over values: a reshape's result aliases its input.
    llvm::DenseMap<Value, Value> parent;
    std::function<Value(Value)> leader = [&](Value v) -> Value {
      Value p = parent.lookup(v);
      if (!p || p == v)
        return v;
      Value root = leader(p);
      parent[v] = root;
      return root;
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
      if (auto reshape = dyn_cast<ReshapeOp>(op))
        if (!reshape.getInput().getDefiningOp<arith::ConstantOp>() &&
            !getSramHome(reshape.getInput()))
          parent[reshape.getResult()] = leader(reshape.getInput());
    }

    // One buffer per alias class.
    llvm::DenseMap<Value, Buffer> buffers;
    constexpr int64_t kPinned = std::numeric_limits<int64_t>::max();
    for (Value v : values) {
      Buffer &b = buffers[leader(v)];
      b.size = std::max(b.size, byteSize(v.getType()));
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

    // First fit in order of definition (arguments in their order: the
    // order of `values`, not the map's, which depends on addresses).
    std::vector<Buffer *> order;
    llvm::SmallPtrSet<Buffer *, 16> seen;
    for (Value v : values)
      if (Buffer *b = &buffers[leader(v)]; seen.insert(b).second)
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
                      builder.getI64IntegerAttr(buffers[leader(arg)].offset));
    for (Operation &op : body) {
      if (isa<arith::ConstantOp, func::ReturnOp>(op) ||
          op.getNumResults() != 1 || op.hasAttr(kSramAttrName))
        continue;
      op.setAttr(kDramAttrName, builder.getI64IntegerAttr(
                                    buffers[leader(op.getResult(0))].offset));
    }
    getOperation()->setAttr(kArenaAttrName, builder.getI64IntegerAttr(arena));
  }
};

} // namespace
