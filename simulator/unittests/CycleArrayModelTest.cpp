// Tests the register-level array model against the ISA's gemm pseudo-code
// (docs/isa.md), computed here independently, and its fill/drain timing:
// vector n's column c leaves the accumulator at edge n + rows + c, so a gemm
// takes gemmCycles = N + rows + cols - 1 edges. The model is driven through
// ArrayDriver.h, as the simulator and the RTL checker drive it.
#include "npusim/Array/CycleArrayModel.h"
#include "npusim/Array/ArrayDriver.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

using namespace npu;
using namespace npu::sim;

namespace {

struct Case {
  unsigned rows, cols, k, activeCols, accBits;
  OverflowPolicy policy;
  unsigned shift;
  bool accumulate;
};

int64_t fitRef(int64_t v, unsigned bits, OverflowPolicy p, uint64_t &events) {
  const int64_t lo = -(int64_t(1) << (bits - 1)), hi = -lo - 1;
  if (v >= lo && v <= hi)
    return v;
  ++events;
  if (p == OverflowPolicy::Saturate)
    return std::clamp(v, lo, hi);
  const uint64_t m = uint64_t(v) & ((uint64_t(1) << bits) - 1);
  return m > uint64_t(hi) ? int64_t(m) - (int64_t(1) << bits) : int64_t(m);
}

void runCase(const Case &t, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> i8(-128, 127), zp(-128, 127);
  const unsigned n = 23;
  const int inZp = zp(rng);
  std::vector<std::vector<int>> w(t.rows, std::vector<int>(t.cols));
  for (auto &row : w)
    for (int &v : row)
      v = i8(rng);
  std::vector<std::vector<int>> x(n, std::vector<int>(t.rows));
  for (auto &v : x)
    for (int &e : v)
      e = i8(rng);
  std::vector<std::vector<int64_t>> old(n, std::vector<int64_t>(t.cols));
  for (auto &v : old)
    for (int64_t &e : v)
      e = int64_t(i8(rng)) * 50;

  // Reference: the ISA pseudo-code.
  uint64_t refEvents = 0;
  std::vector<std::vector<int64_t>> ref(n, std::vector<int64_t>(t.cols));
  for (unsigned v = 0; v < n; ++v)
    for (unsigned c = 0; c < t.activeCols; ++c) {
      int64_t p = 0;
      for (unsigned r = 0; r < t.k; ++r)
        p = fitRef(p + int64_t(x[v][r] - inZp) * w[r][c], t.accBits, t.policy,
                   refEvents);
      p = fitRef(p * (int64_t(1) << t.shift), t.accBits, t.policy, refEvents);
      ref[v][c] = t.accumulate
                      ? fitRef(old[v][c] + p, t.accBits, t.policy, refEvents)
                      : p;
    }

  CycleArrayModel m(t.rows, t.cols, t.accBits, t.policy);
  ArrayInputs in(t.rows, t.cols);
  ArrayOutputs out(t.rows, t.cols);
  const PreloadShape preload;
  for (uint64_t e = 0; e < preloadEdges(t.rows, preload); ++e) {
    preloadInputs(t.rows, preload, e, in,
                  [&](unsigned r, std::vector<int32_t> &row) {
                    std::copy(w[r].begin(), w[r].end(), row.begin());
                  });
    m.evaluate(in, out);
    m.clockEdge();
  }
  for (unsigned r = 0; r < t.rows; ++r)
    for (unsigned c = 0; c < t.cols; ++c)
      ASSERT_EQ(m.weight(r, c), w[r][c]);

  GemmShape g;
  g.vectors = n;
  g.k = t.k;
  g.cols = t.activeCols;
  g.accShift = t.shift;
  g.accumulate = t.accumulate;
  const uint64_t edges = CycleArrayModel::gemmCycles(n, t.rows, t.activeCols);
  uint64_t events = 0, results = 0, lastEdge = 0;
  std::vector<std::vector<int64_t>> got(n, std::vector<int64_t>(t.cols, 0));
  for (uint64_t e = 0; e < edges + 5; ++e) {
    gemmInputs(
        t.rows, g, e, in,
        [&](uint64_t v, unsigned r) { return x[v][r] - inZp; },
        [&](uint64_t v, unsigned c) { return old[v][c]; });
    m.evaluate(in, out);
    m.clockEdge();
    events += out.events();
    for (unsigned c = 0; c < t.cols; ++c)
      if (out.accValid[c]) {
        ASSERT_LT(c, t.activeCols);
        ASSERT_GE(e, uint64_t(t.rows) + c) << "column " << c;
        const uint64_t v = e - t.rows - c;
        ASSERT_LT(v, n) << "edge " << e << " column " << c;
        got[v][c] = out.acc[c];
        ++results;
        lastEdge = e;
      }
  }
  EXPECT_EQ(results, uint64_t(n) * t.activeCols);
  EXPECT_EQ(lastEdge + 1, edges);
  // Values equal the reference at the vector the timing formula names.
  EXPECT_EQ(got, ref);
  EXPECT_EQ(events, refEvents);
}

TEST(CycleArrayModel, MatchesPseudoCodeAndFormula8x8) {
  runCase({8, 8, 8, 8, 32, OverflowPolicy::Wrap, 0, false}, 1);
}

TEST(CycleArrayModel, PartialTileAccumulateShifted) {
  runCase({16, 16, 5, 11, 32, OverflowPolicy::Wrap, 3, true}, 2);
}

TEST(CycleArrayModel, NarrowAccumulatorWraps) {
  runCase({8, 4, 8, 4, 16, OverflowPolicy::Wrap, 2, true}, 3);
}

TEST(CycleArrayModel, NarrowAccumulatorSaturates) {
  runCase({8, 4, 8, 3, 16, OverflowPolicy::Saturate, 4, true}, 4);
}

TEST(CycleArrayModel, NonSquare) {
  runCase({3, 7, 3, 7, 20, OverflowPolicy::Saturate, 1, false}, 5);
}

} // namespace
