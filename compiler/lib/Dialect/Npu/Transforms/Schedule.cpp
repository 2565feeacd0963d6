//===- Schedule.cpp - Dependency tokens from memory hazards ---------------===//
//
// The load, compute and store queues run concurrently; only tokens order
// them. This pass walks the program in order and, for each instruction j,
// finds the latest instruction i of every other queue that j conflicts with
// (same memory, overlapping bytes, at least one write) and that j is not
// already known to wait for. Knowledge is tracked with vector clocks: j
// inherits what the previous instruction of its queue knew (queues are in
// order), plus, for every token it pops, what the pushing instruction knew.
//
// Load/compute and compute/store share token FIFOs, so j pops and i pushes.
// Load and store have none: the dependency is relayed by a `token`
// instruction inserted on the compute queue just before j, which pops the
// token from i and pushes one to j. Pushes are only ever created together
// with their pop, in program order, so every FIFO pairs them correctly and
// every pop follows its push in program order (the ISA's rule).
//
//===----------------------------------------------------------------------===//
#include "npu/Dialect/Npu/IR/NpuOps.h"
#include "npu/Dialect/Npu/Transforms/Passes.h"
#include "npu/Isa/Access.h"

#include "mlir/IR/Builders.h"

#include <array>
#include <deque>

namespace mlir::npu {
#define GEN_PASS_DEF_NPUSCHEDULE
#include "npu/Dialect/Npu/Transforms/Passes.h.inc"
} // namespace mlir::npu

using namespace mlir;
using namespace mlir::npu;
namespace npuisa = ::npu::isa;

namespace {

constexpr int kLoad = 0, kCompute = 1, kStore = 2;

struct Node {
  InstrOp op;
  int queue = kCompute;
  int64_t index = 0; ///< Position within its queue.
  npuisa::AccessList accesses;
  /// vc[p]: instructions 0 .. vc[p]-1 of queue p are complete before this
  /// one starts.
  std::array<int64_t, 3> vc{0, 0, 0};
  int32_t deps = 0;
};

bool conflicts(const Node &a, const Node &b) {
  for (const npuisa::Access &x : a.accesses)
    for (const npuisa::Access &y : b.accesses)
      if (x.space == y.space && (x.write || y.write) && x.lo < y.hi &&
          y.lo < x.hi)
        return true;
  return false;
}

/// Token flag that `from` sets to send to queue `to`, and the flag `to`
/// sets to receive it (queues must be adjacent).
std::pair<int32_t, int32_t> channelFlags(int from, int to) {
  return from < to ? std::pair{int32_t(kPushNext), int32_t(kPopPrev)}
                   : std::pair{int32_t(kPushPrev), int32_t(kPopNext)};
}

class Scheduler {
public:
  explicit Scheduler(ProgramOp program) : program(program) {}

  LogicalResult run() {
    SmallVector<InstrOp> order;
    program.walk([&](InstrOp op) { order.push_back(op); });
    std::optional<npuisa::PpuConfig> ppu;
    for (InstrOp op : order) {
      ::npu::Result<npuisa::Instruction> instr = toInstruction(op);
      if (!instr)
        return op.emitOpError(instr.error().getMessage());
      if (auto *cfg = std::get_if<npuisa::PpuConfig>(&*instr))
        ppu = *cfg;
      if (std::holds_alternative<npuisa::Halt>(*instr))
        continue;
      Node &node = append(op, static_cast<int>(npuisa::queueOf(*instr)));
      node.accesses = npuisa::accessesOf(*instr, ppu ? &*ppu : nullptr);
      schedule(node);
    }
    for (Node &node : nodes)
      node.op.setDeps(node.deps);
    return success();
  }

private:
  Node &append(InstrOp op, int queue) {
    nodes.emplace_back();
    Node &node = nodes.back();
    node.op = op;
    node.queue = queue;
    node.index = static_cast<int64_t>(queues[queue].size());
    if (!queues[queue].empty())
      node.vc = queues[queue].back()->vc;
    node.vc[queue] = node.index;
    queues[queue].push_back(&node);
    return node;
  }

  /// Latest instruction of queue `p` that `j` conflicts with and that is
  /// not known (by `vc`) to be complete, or nullptr.
  Node *latestConflict(const Node &j, int p, const std::array<int64_t, 3> &vc) {
    auto &q = queues[p];
    for (int64_t i = static_cast<int64_t>(q.size()) - 1; i >= vc[p]; --i)
      if (conflicts(*q[i], j))
        return q[i];
    return nullptr;
  }

  static std::array<int64_t, 3> merged(std::array<int64_t, 3> vc,
                                       const Node &i) {
    for (int p = 0; p < 3; ++p)
      vc[p] = std::max(vc[p], i.vc[p]);
    vc[i.queue] = std::max(vc[i.queue], i.index + 1);
    return vc;
  }

  /// Makes `j` wait for `i` (adjacent queues) through their token FIFO.
  void waitFor(Node &j, Node &i) {
    auto [push, pop] = channelFlags(i.queue, j.queue);
    assert(!(j.deps & pop) && "one pop per channel and instruction");
    i.deps |= push;
    j.deps |= pop;
    j.vc = merged(j.vc, i);
  }

  void schedule(Node &j) {
    if (j.queue == kCompute) {
      for (int p : {kLoad, kStore})
        if (Node *i = latestConflict(j, p, j.vc))
          waitFor(j, *i);
      return;
    }
    const int other = j.queue == kLoad ? kStore : kLoad;
    Node *c = latestConflict(j, kCompute, j.vc);
    Node *far = latestConflict(j, other, c ? merged(j.vc, *c) : j.vc);
    if (!far) {
      if (c)
        waitFor(j, *c);
      return;
    }
    // Relay through a token on the compute queue, placed just before j in
    // program order. Being the newest compute instruction, it also covers
    // `c`, so j pops the compute FIFO only once. It knows what the compute
    // queue knows, so it pops from the other queue only if that is still
    // not enough (popping for an instruction the compute queue already
    // waited for would take a token meant for a later pop).
    OpBuilder builder(j.op);
    npuisa::Token token;
    token.queue = npuisa::Queue::Compute;
    InstrOp tokenOp = createInstr(builder, j.op.getLoc(), token);
    Node &relay = append(tokenOp, kCompute);
    std::array<int64_t, 3> known = relay.vc;
    for (int p = 0; p < 3; ++p)
      known[p] = std::max(known[p], j.vc[p]);
    if (Node *stillOpen = latestConflict(j, other, known))
      waitFor(relay, *stillOpen);
    waitFor(j, relay);
  }

  ProgramOp program;
  std::deque<Node> nodes; // stable addresses
  std::array<std::vector<Node *>, 3> queues;
};

struct SchedulePass : mlir::npu::impl::NpuScheduleBase<SchedulePass> {
  void runOnOperation() override {
    for (ProgramOp program : getOperation().getOps<ProgramOp>())
      if (failed(Scheduler(program).run()))
        return signalPassFailure();
  }
};

} // namespace
