//===- Placement.cpp - Where each layer's data lived ----------------------===//
#include "npu/Program/Placement.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>

namespace npu {

using namespace isa;

bool Locations::empty() const {
  return std::all_of(bytes.begin(), bytes.end(),
                     [](uint64_t b) { return b == 0; });
}

std::string Locations::str() const {
  std::string out;
  auto add = [&](Space s) {
    if ((*this)[s] == 0)
      return;
    if (!out.empty())
      out += '+';
    out += spaceName(s);
  };
  add(Space::Dram);
  for (size_t s = 0; s + 1 < kNumSpaces; ++s)
    add(static_cast<Space>(s));
  return out.empty() ? "-" : out;
}

namespace {

constexpr size_t kNumBuffers = Locations::kNumSpaces - 1;

/// Disjoint byte ranges [lo, hi) with a value each; assigning a range
/// replaces what was there, adjacent ranges with equal values merge.
template <typename T> class RangeMap {
public:
  void assign(int64_t lo, int64_t hi, const T &value) {
    if (lo >= hi)
      return;
    split(lo);
    split(hi);
    auto first = spans.lower_bound(lo);
    spans.erase(first, spans.lower_bound(hi));
    auto it = spans.emplace(lo, Span{hi, value}).first;
    if (auto next = std::next(it); next != spans.end() && next->first == hi &&
                                   next->second.value == value) {
      it->second.end = next->second.end;
      spans.erase(next);
    }
    if (it != spans.begin()) {
      auto prev = std::prev(it);
      if (prev->second.end == lo && prev->second.value == value) {
        prev->second.end = it->second.end;
        spans.erase(it);
      }
    }
  }

  /// Calls f(lo, hi, value) for every stored part of [lo, hi).
  template <typename F> void forEach(int64_t lo, int64_t hi, F &&f) const {
    auto it = spans.upper_bound(lo);
    if (it != spans.begin() && std::prev(it)->second.end > lo)
      --it;
    for (; it != spans.end() && it->first < hi; ++it)
      f(std::max(lo, it->first), std::min(hi, it->second.end),
        it->second.value);
  }

  /// Bytes covered.
  uint64_t size() const {
    uint64_t total = 0;
    for (const auto &[lo, span] : spans)
      total += static_cast<uint64_t>(span.end - lo);
    return total;
  }

private:
  struct Span {
    int64_t end;
    T value;
  };

  /// Makes `at` the start of a span if a span straddles it.
  void split(int64_t at) {
    auto it = spans.upper_bound(at);
    if (it == spans.begin())
      return;
    --it;
    if (it->first < at && at < it->second.end) {
      spans.emplace_hint(std::next(it), at,
                         Span{it->second.end, it->second.value});
      it->second.end = at;
    }
  }

  std::map<int64_t, Span> spans;
};

/// Who last wrote a scratchpad byte.
struct Writer {
  size_t layer;  ///< Program::layers index, or the number of layers.
  bool constant; ///< A DMA of constant DRAM data.
  bool operator==(const Writer &o) const {
    return layer == o.layer && constant == o.constant;
  }
};

struct Present {
  bool operator==(const Present &) const { return true; }
};
using RangeSet = RangeMap<Present>;

/// The distinct scratchpad bytes behind each kind of data of one layer.
struct OnChip {
  std::array<RangeSet, kNumBuffers> input, output, weights, tables;
};

class Placer {
public:
  explicit Placer(const Program &program)
      : program(program), onChip(program.layers.size() + 1),
        placement(program.layers.size() + 1) {}

  std::vector<LayerPlacement> run();

private:
  /// A load of (part of) a constant segment: weights or tables.
  bool constantLoad(const DmaLoad &d) const {
    if (dramBytes(d) == 0)
      return false;
    for (const ConstSegment &s : program.constants)
      if (d.dramAddr >= s.dramAddr && d.dramAddr < s.dramAddr + s.data.size())
        return true;
    return false;
  }
  void dram(const Instruction &instr, bool constant,
            LayerPlacement &layer) const;
  void read(const Access &a, size_t layer);

  const Program &program;
  std::array<RangeMap<Writer>, kNumBuffers> writers;
  /// Per layer, then one for the instructions outside every layer.
  std::vector<OnChip> onChip;
  std::vector<LayerPlacement> placement;
};

/// DRAM traffic of `instr`'s DMA, if it is one (`constant`: a load of
/// constant data).
void Placer::dram(const Instruction &instr, bool constant,
                  LayerPlacement &layer) const {
  if (const auto *d = std::get_if<DmaLoad>(&instr)) {
    if (constant)
      (d->buf == Buffer::PBuf ? layer.tables : layer.weights)[Space::Dram] +=
          dramBytes(*d);
    else
      layer.input[Space::Dram] += dramBytes(*d);
  } else if (const auto *d = std::get_if<DmaStore>(&instr)) {
    layer.output[Space::Dram] += dramBytes(*d);
  }
}

/// A scratchpad read of `layer`: bytes another layer wrote are where data
/// lived on chip.
void Placer::read(const Access &a, size_t layer) {
  const auto buf = static_cast<size_t>(a.space);
  writers[buf].forEach(a.lo, a.hi, [&](int64_t lo, int64_t hi, Writer w) {
    if (w.layer == layer)
      return;
    if (w.constant) {
      (a.space == Space::PBuf ? onChip[layer].tables
                              : onChip[layer].weights)[buf]
          .assign(lo, hi, Present{});
      return;
    }
    onChip[layer].input[buf].assign(lo, hi, Present{});
    onChip[w.layer].output[buf].assign(lo, hi, Present{});
  });
}

std::vector<LayerPlacement> Placer::run() {
  const size_t outside = program.layers.size();
  std::optional<PpuConfig> ppu;
  for (size_t i = 0; i < program.instructions.size(); ++i) {
    const Instruction &instr = program.instructions[i];
    if (const auto *cfg = std::get_if<PpuConfig>(&instr))
      ppu = *cfg;
    const DebugRange *range = program.debugRangeFor(i);
    const size_t layer =
        range && range->layer < outside ? range->layer : outside;
    const auto *load = std::get_if<DmaLoad>(&instr);
    const bool constant = load && constantLoad(*load);
    dram(instr, constant, placement[layer]);
    const AccessList accesses = accessesOf(instr, ppu ? &*ppu : nullptr);
    // Reads first: an instruction that reads and writes the same bytes
    // reads what was there before.
    for (const Access &a : accesses)
      if (!a.write && a.space != Space::Dram)
        read(a, layer);
    for (const Access &a : accesses)
      if (a.write && a.space != Space::Dram)
        writers[static_cast<size_t>(a.space)].assign(a.lo, a.hi,
                                                     {layer, constant});
  }
  for (size_t l = 0; l < outside; ++l)
    for (size_t b = 0; b < kNumBuffers; ++b) {
      const auto space = static_cast<Space>(b);
      placement[l].input[space] = onChip[l].input[b].size();
      placement[l].output[space] = onChip[l].output[b].size();
      placement[l].weights[space] = onChip[l].weights[b].size();
      placement[l].tables[space] = onChip[l].tables[b].size();
    }
  placement.pop_back(); // the instructions outside every layer
  return std::move(placement);
}

} // namespace

std::vector<LayerPlacement> placeLayers(const Program &program) {
  return Placer(program).run();
}

} // namespace npu
