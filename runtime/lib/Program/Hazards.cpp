//===- Hazards.cpp - Are a program's queues ordered by its tokens? --------===//
#include "npu/Program/Hazards.h"

#include "npu/Isa/Access.h"
#include "npu/Isa/Encoding.h"

#include <array>
#include <optional>

namespace npu {

using namespace isa;

namespace {

struct Entry {
  size_t instr; ///< Program index.
  int queue;
  int64_t index; ///< Position in its queue.
  /// Its accesses: [firstAccess, firstAccess + numAccesses) of the shared
  /// list (programs have millions of instructions; keep entries small).
  size_t firstAccess;
  size_t numAccesses;
  std::array<int64_t, 3> vc{0, 0, 0};
};

bool overlapWithWrite(const Access &a, const Access &b) {
  return a.space == b.space && (a.write || b.write) && a.lo < b.hi &&
         b.lo < a.hi;
}

} // namespace

Status checkHazards(const Program &program) {
  std::vector<Entry> entries;
  std::vector<Access> accesses;
  entries.reserve(program.instructions.size());
  std::array<std::vector<size_t>, 3> queues; // entry indices per queue
  // FIFOs: pushes not yet popped, as entry indices, per (from, to).
  std::array<std::array<std::vector<size_t>, 3>, 3> fifo;
  std::array<std::array<size_t, 3>, 3> popped{};
  std::optional<PpuConfig> ppu;
  for (size_t i = 0; i < program.instructions.size(); ++i) {
    const Instruction &instr = program.instructions[i];
    if (const auto *cfg = std::get_if<PpuConfig>(&instr))
      ppu = *cfg;
    if (std::holds_alternative<Halt>(instr))
      continue;
    Entry e;
    e.instr = i;
    e.queue = static_cast<int>(queueOf(instr));
    e.index = static_cast<int64_t>(queues[e.queue].size());
    const AccessList own = accessesOf(instr, ppu ? &*ppu : nullptr);
    e.firstAccess = accesses.size();
    e.numAccesses = own.size();
    if (!queues[e.queue].empty())
      e.vc = entries[queues[e.queue].back()].vc;
    e.vc[e.queue] = e.index;
    const Deps &d = depsOf(instr);
    auto pop = [&](int from) -> Status {
      const size_t k = popped[from][e.queue]++;
      if (k >= fifo[from][e.queue].size())
        return makeError("instruction ", i, " pops a token never pushed");
      const Entry &src = entries[fifo[from][e.queue][k]];
      for (int q = 0; q < 3; ++q)
        e.vc[q] = std::max(e.vc[q], src.vc[q]);
      e.vc[from] = std::max(e.vc[from], src.index + 1);
      return Status::success();
    };
    if (d.popPrev)
      NPU_TRY(pop(e.queue - 1));
    if (d.popNext)
      NPU_TRY(pop(e.queue + 1));
    // Every earlier instruction of another queue that this one conflicts
    // with must be known complete.
    for (int q = 0; q < 3; ++q) {
      if (q == e.queue)
        continue;
      for (size_t k = static_cast<size_t>(e.vc[q]); k < queues[q].size(); ++k) {
        const Entry &other = entries[queues[q][k]];
        for (size_t x = 0; x < other.numAccesses; ++x)
          for (const Access &b : own)
            if (const Access &a = accesses[other.firstAccess + x];
                overlapWithWrite(a, b))
              return makeError("instruction ", other.instr, " (",
                               mnemonicOf(program.instructions[other.instr]),
                               ") and instruction ", i, " (", mnemonicOf(instr),
                               ") both touch ", spaceName(a.space), " [",
                               std::max(a.lo, b.lo), ", ", std::min(a.hi, b.hi),
                               ") but no token orders them");
      }
    }
    const size_t entry = entries.size();
    if (d.pushPrev)
      fifo[e.queue][e.queue - 1].push_back(entry);
    if (d.pushNext)
      fifo[e.queue][e.queue + 1].push_back(entry);
    queues[e.queue].push_back(entry);
    accesses.insert(accesses.end(), own.begin(), own.end());
    entries.push_back(e);
  }
  return Status::success();
}

} // namespace npu
