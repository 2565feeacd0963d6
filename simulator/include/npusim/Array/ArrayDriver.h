//===- ArrayDriver.h - Feeding preloads and gemms to an array -*- C++ -*-===//
//
// The memory side of the array protocol, edge by edge, for any ArrayPort:
// the simulator's cycle and RTL array models, the lockstep checker and the
// tests all drive the array through these.
//
//   preload: rows x rowReads edges; the weight row for edge t (t counted in
//            row reads) is row rows-1-t of the block, and w_shift is high on
//            the last edge of each row read.
//   gemm:    gemmCycles(N, rows, cols) edges; at edge e row r receives
//            element r of vector e - r (valid when it exists and r < k),
//            and column c delivers the result of vector e - rows - c.
//
//===----------------------------------------------------------------------===//
#ifndef NPUSIM_ARRAY_ARRAYDRIVER_H
#define NPUSIM_ARRAY_ARRAYDRIVER_H

#include "npusim/Array/ArrayPort.h"
#include "npusim/Array/CycleArrayModel.h"

#include "npu/Isa/Isa.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace npu::sim {

struct PreloadShape {
  unsigned rowReads = 1; ///< edges per weight row (WBUF reads)
};

struct GemmShape {
  uint64_t vectors = 0;
  unsigned k = 0;    ///< rows in use
  unsigned cols = 0; ///< columns in use
  unsigned accShift = 0;
  bool accumulate = false;
};

/// Edges of a preload of a rows-row array.
inline uint64_t preloadEdges(unsigned rows, const PreloadShape &s) {
  return uint64_t(rows) * s.rowReads;
}

/// Sets `in` for edge `e` of a preload; `weightRow(r, row)` fills `row`
/// (cols values) with row r of the block.
template <typename RowFn>
void preloadInputs(unsigned rows, const PreloadShape &s, uint64_t e,
                   ArrayInputs &in, RowFn &&weightRow) {
  const unsigned t = static_cast<unsigned>(e / s.rowReads);
  in.weightShift = e % s.rowReads == s.rowReads - 1;
  weightRow(rows - 1 - t, in.weightRow);
  std::fill(in.actValid.begin(), in.actValid.end(), 0);
  in.activeCols = static_cast<unsigned>(in.weightRow.size());
  in.accumulate = false;
  in.accShift = 0;
}

/// Sets `in` for edge `e` of a gemm. `act(n, r)` returns element r of
/// vector n (input minus zero point); `oldAcc(n, c)` the accumulator value
/// vector n's column c will be added to (called only when accumulating).
template <typename ActFn, typename OldFn>
void gemmInputs(unsigned rows, const GemmShape &g, uint64_t e, ArrayInputs &in,
                ActFn &&act, OldFn &&oldAcc) {
  in.weightShift = false;
  in.activeCols = g.cols;
  in.accShift = g.accShift;
  in.accumulate = g.accumulate;
  for (unsigned r = 0; r < rows; ++r) {
    const int64_t n = int64_t(e) - r;
    const bool valid = r < g.k && n >= 0 && uint64_t(n) < g.vectors;
    in.actValid[r] = valid;
    in.act[r] = valid ? act(uint64_t(n), r) : 0;
  }
  if (g.accumulate)
    for (unsigned c = 0; c < g.cols; ++c) {
      const int64_t n = int64_t(e) - rows - c;
      in.accIn[c] =
          n >= 0 && uint64_t(n) < g.vectors ? oldAcc(uint64_t(n), c) : 0;
    }
}

/// Hands the results of edge `e` of a gemm to `store(n, c, value)`.
template <typename StoreFn>
void gemmResults(unsigned rows, const GemmShape &g, uint64_t e,
                 const ArrayOutputs &out, StoreFn &&store) {
  for (unsigned c = 0; c < g.cols; ++c)
    if (out.accValid[c])
      store(e - rows - c, c, out.acc[c]);
}

// Where the data of load.weights and gemm instructions comes from (the
// semantics of docs/isa.md).

/// Row r of a load.weights block from WBUF, zero beyond its rows/cols.
inline void loadWeightsRow(const isa::LoadWeights &l,
                           const std::vector<uint8_t> &wbuf, unsigned r,
                           std::vector<int32_t> &row) {
  for (unsigned c = 0; c < row.size(); ++c) {
    int32_t w = 0;
    if (r < l.rows && c < l.cols) {
      w = isa::weightAt(l, wbuf.data() + l.wAddr + size_t(r) * l.wStride, c);
    }
    row[c] = w;
  }
}

inline GemmShape gemmShapeOf(const isa::Gemm &g) {
  GemmShape s;
  s.vectors = uint64_t(g.outH) * g.outW;
  s.k = g.k;
  s.cols = g.cols;
  s.accShift = g.accShift;
  s.accumulate = g.accumulate;
  return s;
}

/// Element r of input vector n, minus the zero point.
inline int32_t gemmActivation(const isa::Gemm &g,
                              const std::vector<uint8_t> &ibuf, uint64_t n,
                              unsigned r) {
  const size_t addr = size_t(g.inAddr) + size_t(n / g.outW) * g.inStrideY +
                      size_t(n % g.outW) * g.inStrideX + r;
  return static_cast<int32_t>(static_cast<int8_t>(ibuf[addr])) - g.inZp;
}

/// ABUF byte address of vector n's column c.
inline size_t gemmAccAddr(const isa::Gemm &g, uint64_t n, unsigned c) {
  return size_t(g.accAddr) + size_t(n) * g.accStride + 4 * size_t(c);
}

inline int64_t gemmOldAccumulator(const isa::Gemm &g,
                                  const std::vector<uint8_t> &abuf, uint64_t n,
                                  unsigned c) {
  int32_t v;
  std::memcpy(&v, abuf.data() + gemmAccAddr(g, n, c), 4);
  return v;
}

} // namespace npu::sim

#endif // NPUSIM_ARRAY_ARRAYDRIVER_H
