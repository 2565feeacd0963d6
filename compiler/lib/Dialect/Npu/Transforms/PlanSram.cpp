//===- PlanSram.cpp - On-chip homes for activations -----------------------===//
//
// Keeps every intermediate tensor in a scratchpad for its whole live range
// when it fits, so that layers pass activations to each other on chip and
// DRAM carries only what must be there (weights, the program's inputs and
// outputs, and what does not fit).
//
// Candidates are the results of graph ops that all their users can read on
// chip; function arguments and returned values stay in DRAM. A tensor read
// by the array, the depthwise or the pooling unit must live in IBUF (the
// unit reads only there); other tensors prefer OBUF and fall back to IBUF.
// A tensor read by a convolution keeps a halo as wide as the convolution's
// padding, filled with its zero point, so windows at the edges read padding.
// Reshapes of dense tensors alias their input.
//
// Placement is first fit in (start time, size) order over the two arenas,
// with time = op index: two tensors may share bytes when their live ranges
// do not overlap. An op that still reads an operand from DRAM or writes its
// result to DRAM reserves a working area for tiles for its own duration.
// When something does not fit, the tensor moves to its next arena or, last,
// to DRAM (a working area that does not fit first evicts the largest tensor
// live at that time), and placement starts again; every step makes a
// decision final, so this ends.
//
//===----------------------------------------------------------------------===//
#include "Lowering.h"
#include "SramHome.h"

#include "npu/Dialect/Npu/IR/NpuOps.h"
#include "npu/Dialect/Npu/Transforms/Passes.h"
#include "npu/Program/Verify.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
#include <map>

namespace mlir::npu {
#define GEN_PASS_DEF_NPUPLANSRAM
#include "npu/Dialect/Npu/Transforms/Passes.h.inc"
} // namespace mlir::npu

using namespace mlir;
using namespace mlir::npu;
using ::npu::isa::Buffer;

namespace {

/// How an op reads one of its operands.
struct OperandUse {
  bool onChip = false; ///< May read it from a scratchpad.
  bool needsIbuf = false;
  Halo halo;
};

Halo padHalo(ArrayRef<int64_t> pad) { return {pad[0], pad[1], pad[2], pad[3]}; }

bool isConstant(Value v) { return matchPattern(v, m_Constant()); }

/// What `user` needs of its operand number `index`.
OperandUse operandUse(Operation *user, unsigned index) {
  return llvm::TypeSwitch<Operation *, OperandUse>(user)
      .Case([&](Conv2DOp op) {
        return index == 0 ? OperandUse{true, true, padHalo(op.getPad())}
                          : OperandUse{};
      })
      .Case([&](DepthwiseConv2DOp op) {
        return index == 0 ? OperandUse{true, true, padHalo(op.getPad())}
                          : OperandUse{};
      })
      .Case([&](FullyConnectedOp) {
        return index == 0 ? OperandUse{true, true, {}} : OperandUse{};
      })
      .Case([&](MatMulOp) {
        // b is streamed into WBUF from DRAM.
        return index == 0 ? OperandUse{true, true, {}} : OperandUse{};
      })
      .Case([&](PoolOp) {
        return OperandUse{true, true, {}};
      })
      .Case<EltwiseOp, AluOp, RescaleOp, ClampOp, TableOp, ReduceOp, SoftmaxOp>(
          [&](Operation *op) {
            // A table op's table is a constant loaded into PBUF.
            if (isa<TableOp>(op) && index == 1)
              return OperandUse{};
            return OperandUse{true, false, {}};
          })
      .Case([&](ReshapeOp) {
        return OperandUse{true, false, {}};
      })
      .Default([](Operation *) { return OperandUse{}; });
}

/// True for ops whose result may have an on-chip home.
bool producesOnChip(Operation *op) {
  return isa<Conv2DOp, DepthwiseConv2DOp, FullyConnectedOp, MatMulOp, PoolOp,
             EltwiseOp, AluOp, RescaleOp, ClampOp, TableOp, ReduceOp, SoftmaxOp,
             ReshapeOp>(op);
}

/// One tensor (or reshape alias class) that may live on chip.
struct Item {
  Value value; ///< The leader (first value of the class).
  SmallVector<Value> aliases;
  int64_t start = 0, end = 0;
  bool needsIbuf = false;
  Halo halo;
  bool spilled = false;
  unsigned choice = 0; ///< Index into arenas().
  int64_t bytes = 0;
  int64_t addr = -1;

  SmallVector<Buffer, 2> arenas() const {
    if (needsIbuf)
      return {Buffer::IBuf};
    return {Buffer::OBuf, Buffer::IBuf};
  }
  Buffer arena() const { return arenas()[choice]; }
};

/// A working area of one op in one arena.
struct Work {
  int64_t time = 0;
  Buffer buf = Buffer::IBuf;
  int64_t want = 0, min = 0, size = 0;
  int64_t addr = -1;
};

int64_t alignUp(int64_t v) { return alignTo(v, kSramAlignment); }

struct Planner {
  Planner(func::FuncOp func, const ::npu::ArchConfig &arch)
      : func(func), arch(arch) {}

  /// Plans homes and working areas; with `apply`, records them on the ops.
  LogicalResult run(bool apply);
  /// After run(): the values that got an on-chip home.
  llvm::DenseSet<Value> onChipValues() const;

private:
  void collect();
  /// Working areas every op needs with the current homes.
  std::vector<Work> workAreas();
  /// One placement attempt; true when everything fit.
  bool place(std::vector<Work> &work);
  void record(const std::vector<Work> &work);
  /// Element-wise ops run on chip only when their DRAM operands fit their
  /// working area whole (and their DRAM result its staging area); one that
  /// cannot must read and write DRAM only. Spills the on-chip tensors of
  /// such ops; true when nothing changed.
  bool settleElementwise(const std::vector<Work> &work);

  bool onChip(Value v) const {
    auto it = itemOf.find(v);
    return it != itemOf.end() && !items[it->second].spilled;
  }

  func::FuncOp func;
  const ::npu::ArchConfig &arch;
  std::vector<Operation *> ops;
  llvm::DenseMap<Operation *, int64_t> timeOf;
  std::vector<Item> items;
  llvm::DenseMap<Value, size_t> itemOf;
};

void Planner::collect() {
  for (Operation &op : func.getBody().front()) {
    if (isa<arith::ConstantOp, func::ReturnOp>(op))
      continue;
    timeOf[&op] = static_cast<int64_t>(ops.size());
    ops.push_back(&op);
  }
  for (Operation *op : ops) {
    if (!producesOnChip(op) || op->getNumResults() != 1)
      continue;
    Value v = op->getResult(0);
    // Every user must read it on chip; returned values go to DRAM.
    bool ok = true;
    OperandUse need;
    int64_t end = timeOf[op];
    for (OpOperand &use : v.getUses()) {
      Operation *user = use.getOwner();
      if (isa<func::ReturnOp>(user)) {
        ok = false;
        break;
      }
      OperandUse u = operandUse(user, use.getOperandNumber());
      if (!u.onChip) {
        ok = false;
        break;
      }
      need.needsIbuf |= u.needsIbuf;
      need.halo = need.halo.max(u.halo);
      end = std::max(end, timeOf[user]);
    }
    if (!ok)
      continue;
    // A reshape of a dense on-chip tensor aliases it.
    if (auto reshape = dyn_cast<ReshapeOp>(op)) {
      auto it = itemOf.find(reshape.getInput());
      if (it != itemOf.end() && items[it->second].halo.empty() &&
          need.halo.empty()) {
        Item &item = items[it->second];
        item.aliases.push_back(v);
        item.end = std::max(item.end, end);
        item.needsIbuf |= need.needsIbuf;
        itemOf[v] = it->second;
        continue;
      }
    }
    Item item;
    item.value = v;
    item.aliases.push_back(v);
    item.start = timeOf[op];
    item.end = end;
    item.needsIbuf = need.needsIbuf;
    item.halo = need.halo;
    item.bytes =
        alignUp(SramHome::bytesFor(cast<ShapedType>(v.getType()), need.halo));
    itemOf[v] = items.size();
    items.push_back(std::move(item));
  }
  // An aliased reshape must stay with its class: if the class needs IBUF
  // because of a later user, so be it (already merged above). A tensor
  // larger than both arenas never fits.
  for (Item &item : items)
    if (item.bytes > ::npu::bufferBytes(arch, Buffer::IBuf) &&
        (item.needsIbuf || item.bytes > ::npu::bufferBytes(arch, Buffer::OBuf)))
      item.spilled = true;
}

std::vector<Work> Planner::workAreas() {
  std::vector<Work> work;
  const int64_t ibuf = ::npu::bufferBytes(arch, Buffer::IBuf);
  const int64_t obuf = ::npu::bufferBytes(arch, Buffer::OBuf);
  for (Operation *op : ops) {
    const int64_t t = timeOf[op];
    // Reshapes alias or copy through DRAM-sized tiles of their own.
    if (isa<ReshapeOp>(op) && op->getNumResults() == 1 &&
        onChip(op->getResult(0)) == onChip(op->getOperand(0)))
      continue;
    int64_t dramIn = 0;
    for (OpOperand &use : op->getOpOperands()) {
      Value v = use.get();
      const OperandUse u = operandUse(op, use.getOperandNumber());
      if (!u.onChip || onChip(v))
        continue;
      auto type = dyn_cast<ShapedType>(v.getType());
      if (!type)
        continue;
      dramIn += SramHome::bytesFor(type, u.halo);
    }
    // Data movement ops and the ones that take no on-chip operands move
    // everything through IBUF tiles.
    const bool allDram = !producesOnChip(op);
    if (allDram)
      for (Value v : op->getOperands())
        if (auto type = dyn_cast<ShapedType>(v.getType()))
          dramIn += SramHome::bytesFor(type, {});
    // A convolution's im2col rows, or its streamed weight chunks when it
    // runs activation stationary, go at the end of its working area.
    const int64_t tail = alignUp(lowering::im2colBytes(arch, op)) +
                         alignUp(lowering::transposedWeightBytes(arch, op));
    if (dramIn > 0 || tail > 0) {
      Work w;
      w.time = t;
      w.buf = Buffer::IBuf;
      w.want = dramIn > 0 ? alignUp(std::min(
                                ibuf / 2, std::max<int64_t>(2 * dramIn, 128)))
                          : kSramAlignment;
      w.min = std::min(w.want, alignUp(std::max<int64_t>(w.want / 8, 64)));
      w.want += tail;
      w.min += tail;
      w.size = w.want;
      work.push_back(w);
    }
    if (op->getNumResults() == 1 && !allDram && !onChip(op->getResult(0))) {
      auto type = cast<ShapedType>(op->getResult(0).getType());
      Work w;
      w.time = t;
      w.buf = Buffer::OBuf;
      w.want = alignUp(std::min(
          obuf / 2, std::max<int64_t>(2 * SramHome::bytesFor(type, {}), 128)));
      w.min = std::min(w.want, alignUp(std::max<int64_t>(w.want / 8, 64)));
      w.size = w.want;
      work.push_back(w);
    }
  }
  return work;
}

bool Planner::place(std::vector<Work> &work) {
  struct Block {
    int64_t start, end, size;
    Buffer buf;
    Item *item = nullptr;
    Work *work = nullptr;
  };
  std::vector<Block> blocks;
  for (Item &item : items)
    if (!item.spilled)
      blocks.push_back(
          {item.start, item.end, item.bytes, item.arena(), &item, nullptr});
  for (Work &w : work)
    blocks.push_back({w.time, w.time, w.size, w.buf, nullptr, &w});
  // Working areas first at equal start: they are short and must exist.
  std::stable_sort(blocks.begin(), blocks.end(),
                   [](const Block &a, const Block &b) {
                     if (a.start != b.start)
                       return a.start < b.start;
                     if ((a.work != nullptr) != (b.work != nullptr))
                       return a.work != nullptr;
                     return a.size > b.size;
                   });
  std::map<Buffer, std::vector<std::tuple<int64_t, int64_t, int64_t, int64_t>>>
      placed; // buf -> (start, end, lo, hi)
  for (Block &b : blocks) {
    const int64_t capacity = ::npu::bufferBytes(arch, b.buf);
    std::vector<std::pair<int64_t, int64_t>> used;
    for (auto [s, e, lo, hi] : placed[b.buf])
      if (s <= b.end && b.start <= e)
        used.emplace_back(lo, hi);
    std::sort(used.begin(), used.end());
    int64_t addr = 0;
    for (auto [lo, hi] : used) {
      if (addr + b.size <= lo)
        break;
      addr = std::max(addr, hi);
    }
    if (addr + b.size <= capacity) {
      placed[b.buf].emplace_back(b.start, b.end, addr, addr + b.size);
      if (b.item)
        b.item->addr = addr;
      else
        b.work->addr = addr;
      continue;
    }
    // Does not fit: make one decision and start again.
    if (b.item) {
      Item &item = *b.item;
      if (item.choice + 1 < item.arenas().size())
        ++item.choice;
      else
        item.spilled = true;
      return false;
    }
    Work &w = *b.work;
    // Evict the largest tensor live at this time in this arena, else
    // shrink the working area.
    Item *largest = nullptr;
    for (Item &item : items)
      if (!item.spilled && item.arena() == w.buf && item.start <= w.time &&
          w.time <= item.end && (!largest || item.bytes > largest->bytes))
        largest = &item;
    if (w.size > w.min) {
      w.size = alignUp(std::max(w.min, w.size / 2));
      return false;
    }
    if (largest) {
      if (largest->choice + 1 < largest->arenas().size())
        ++largest->choice;
      else
        largest->spilled = true;
      return false;
    }
    // Nothing left to move: the lowering will report what does not fit.
    w.size = 0;
  }
  return true;
}

void Planner::record(const std::vector<Work> &work) {
  for (Item &item : items) {
    if (item.spilled)
      continue;
    for (Value v : item.aliases) {
      SramHome home;
      home.buf = item.arena();
      home.base = item.addr;
      home.halo = item.halo;
      setSramHome(v.getDefiningOp(), home);
    }
  }
  for (Operation *op : ops) {
    WorkAreas areas;
    for (const Work &w : work) {
      if (w.time != timeOf[op] || w.size == 0 || w.addr < 0)
        continue;
      if (w.buf == Buffer::IBuf) {
        areas.ibufBase = w.addr;
        areas.ibufSize = w.size;
      } else {
        areas.obufBase = w.addr;
        areas.obufSize = w.size;
      }
    }
    if (areas.ibufSize || areas.obufSize)
      setWorkAreas(op, areas);
  }
}

bool Planner::settleElementwise(const std::vector<Work> &work) {
  bool settled = true;
  for (Operation *op : ops) {
    if (!isa<EltwiseOp, AluOp, RescaleOp, ClampOp, TableOp, ReduceOp,
             SoftmaxOp>(op))
      continue;
    int64_t ibuf = 0, obuf = 0;
    for (const Work &w : work)
      if (w.time == timeOf[op] && w.addr >= 0)
        (w.buf == Buffer::IBuf ? ibuf : obuf) = w.size;
    int64_t dramIn = 0;
    for (OpOperand &use : op->getOpOperands()) {
      if (!operandUse(op, use.getOperandNumber()).onChip || onChip(use.get()))
        continue;
      auto type = cast<ShapedType>(use.get().getType());
      dramIn += alignUp(SramHome::bytesFor(type, {}));
    }
    Value result = op->getResult(0);
    const bool fits =
        dramIn <= ibuf &&
        (onChip(result) ||
         SramHome::bytesFor(cast<ShapedType>(result.getType()), {}) <= obuf);
    if (fits)
      continue;
    for (Value v : op->getOperands())
      if (onChip(v)) {
        items[itemOf[v]].spilled = true;
        settled = false;
      }
    if (onChip(result)) {
      items[itemOf[result]].spilled = true;
      settled = false;
    }
  }
  return settled;
}

LogicalResult Planner::run(bool apply) {
  collect();
  // Spilling a tensor adds working areas for its producer and users, so the
  // areas are recomputed each round; sizes already shrunk are kept.
  std::map<std::pair<int64_t, Buffer>, int64_t> shrunk;
  for (size_t round = 0; round < 10 * (items.size() + ops.size()) + 10;
       ++round) {
    std::vector<Work> work = workAreas();
    for (Work &w : work)
      if (auto it = shrunk.find({w.time, w.buf}); it != shrunk.end())
        w.size = std::min(w.size, it->second);
    const bool done = place(work);
    for (const Work &w : work)
      if (w.size < w.want)
        shrunk[{w.time, w.buf}] = w.size;
    if (done && settleElementwise(work)) {
      if (apply)
        record(work);
      return success();
    }
  }
  return func.emitError("npu-plan-sram did not converge");
}

llvm::DenseSet<Value> Planner::onChipValues() const {
  llvm::DenseSet<Value> values;
  for (const Item &item : items)
    if (!item.spilled)
      values.insert(item.aliases.begin(), item.aliases.end());
  return values;
}

struct PlanSramPass : mlir::npu::impl::NpuPlanSramBase<PlanSramPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<::npu::ArchConfig> arch = getArchConfig(module);
    FailureOr<func::FuncOp> func = getEntryFunction(module);
    if (failed(arch) || failed(func))
      return signalPassFailure();
    Planner planner(*func, *arch);
    if (failed(planner.run(/*apply=*/true)))
      return signalPassFailure();
  }
};

} // namespace

FailureOr<llvm::DenseSet<Value>>
mlir::npu::planOnChipTensors(func::FuncOp func, const ::npu::ArchConfig &arch) {
  Planner planner(func, arch);
  if (failed(planner.run(/*apply=*/false)))
    return failure();
  return planner.onChipValues();
}
