// Tests the register-level array model against the ISA's gemm pseudo-code
// (docs/isa.md), computed here independently, and its fill/drain timing:
// vector n's column c leaves the accumulator at edge n + rows + c, so a gemm
// takes gemmCycles = N + rows + cols - 1 edges.
#include "npusim/Modules/CycleArrayModel.h"

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
  CycleArrayModel::Inputs in;
  CycleArrayModel::Outputs out;
  in.weightRow.assign(t.cols, 0);
  in.actValid.assign(t.rows, 0);
  in.act.assign(t.rows, 0);
  in.actTag.assign(t.rows, 0);
  in.accIn.assign(t.cols, 0);
  in.activeCols = t.cols;
  // Preload: rows edges, bottom row first.
  in.weightShift = true;
  for (unsigned e = 0; e < CycleArrayModel::preloadCycles(t.rows); ++e) {
    for (unsigned c = 0; c < t.cols; ++c)
      in.weightRow[c] = w[t.rows - 1 - e][c];
    m.step(in, out);
  }
  for (unsigned r = 0; r < t.rows; ++r)
    for (unsigned c = 0; c < t.cols; ++c)
      ASSERT_EQ(m.weight(r, c), w[r][c]);

  in.weightShift = false;
  in.activeCols = t.activeCols;
  in.accShift = t.shift;
  in.accumulate = t.accumulate;
  const uint64_t edges = CycleArrayModel::gemmCycles(n, t.rows, t.activeCols);
  uint64_t events = 0, results = 0, lastEdge = 0;
  std::vector<std::vector<int64_t>> got(n, std::vector<int64_t>(t.cols, 0));
  for (uint64_t e = 0; e < edges + 5; ++e) {
    for (unsigned r = 0; r < t.rows; ++r) {
      const int64_t v = int64_t(e) - r;
      in.actValid[r] = r < t.k && v >= 0 && v < n;
      in.actTag[r] = static_cast<int32_t>(v);
      in.act[r] = in.actValid[r] ? x[v][r] - inZp : 0;
    }
    for (unsigned c = 0; c < t.activeCols; ++c)
      if (m.bottomValid(c))
        in.accIn[c] = old[m.bottomTag(c)][c];
    m.step(in, out);
    events += out.peEvents + out.accEvents;
    for (unsigned c = 0; c < t.cols; ++c)
      if (out.accValid[c]) {
        ASSERT_LT(c, t.activeCols);
        const int32_t v = out.accTag[c];
        EXPECT_EQ(e, uint64_t(v) + t.rows + c)
            << "vector " << v << " col " << c;
        got[v][c] = out.acc[c];
        ++results;
        lastEdge = e;
      }
  }
  EXPECT_EQ(results, uint64_t(n) * t.activeCols);
  EXPECT_EQ(lastEdge + 1, edges);
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
