//===- CycleArrayModel.h - Register-level MAC array model ---*- C++ -*-===//
//
// The weight-stationary systolic array and its row of column accumulators,
// advanced one rising clock edge per step(). This is the model the RTL
// (rtl/src/npu_array.sv) is compared against cycle by cycle.
//
// Registers of PE (r, c): weight w, activation a (+valid), partial sum p
// (+valid, +tag = index of the input vector it belongs to). On each edge,
// all at once from the previous values:
//   a[r][c] <- c == 0 ? input a_r : a[r][c-1]
//   p[r][c] <- fit((r == 0 ? 0 : p[r-1][c]) + (a valid ? a * w[r][c] : 0))
//   accumulator c: if p[rows-1][c] was valid,
//     out_c = fit(p[rows-1][c] * 2^shift), then, when accumulating,
//     out_c = fit(accIn_c + out_c)
// where fit() brings a sum back into acc_bits under the overflow policy,
// counting an event when it was out of range. During preload the weight
// rows shift down by one per edge, the new row entering at the top.
//
// Feeding vector n's element r to row r at edge n + r (the skew) makes
// column c's result for vector n leave the accumulator at edge
// n + rows + c, so a gemm of N vectors over `cols` columns takes
// N + rows + cols - 1 edges (gemmCycles), and a preload `rows` edges.
//
//===----------------------------------------------------------------------===//
#ifndef NPUSIM_MODULES_CYCLEARRAYMODEL_H
#define NPUSIM_MODULES_CYCLEARRAYMODEL_H

#include "npu/Arch/ArchConfig.h"

#include <cstdint>
#include <vector>

namespace npu::sim {

class CycleArrayModel {
public:
  CycleArrayModel(unsigned rows, unsigned cols, unsigned accBits,
                  OverflowPolicy policy);

  struct Inputs {
    /// Preload: shift weights down one row, `weightRow` entering row 0.
    bool weightShift = false;
    std::vector<int32_t> weightRow; ///< cols values
    /// Per row: an activation (input minus zero point) entering column 0.
    std::vector<uint8_t> actValid; ///< rows
    std::vector<int32_t> act;      ///< rows
    std::vector<int32_t> actTag;   ///< rows: index of the input vector
    /// Columns in use: PEs and accumulators of columns >= activeCols are
    /// clock-gated (their registers hold, no events).
    unsigned activeCols = 0;
    /// Accumulator stage.
    unsigned accShift = 0;
    bool accumulate = false;
    std::vector<int64_t> accIn; ///< cols: old value of the leaving output
  };

  struct Outputs {
    std::vector<uint8_t> accValid; ///< cols
    std::vector<int64_t> acc;      ///< cols
    std::vector<int32_t> accTag;   ///< cols
    uint64_t peEvents = 0;         ///< out-of-range partial sums this edge
    uint64_t accEvents = 0; ///< out-of-range accumulator results this edge
  };

  /// One rising clock edge; `out` receives the accumulator stage's results.
  void step(const Inputs &in, Outputs &out);

  /// Tag and validity of the partial sum that leaves column c at the next
  /// edge (the driver reads the old accumulator value for it).
  bool bottomValid(unsigned c) const { return pValid[idx(rows - 1, c)]; }
  int32_t bottomTag(unsigned c) const { return pTag[idx(rows - 1, c)]; }
  int32_t weight(unsigned r, unsigned c) const { return w[idx(r, c)]; }

  unsigned numRows() const { return rows; }
  unsigned numCols() const { return cols; }

  static uint64_t gemmCycles(uint64_t vectors, unsigned rows, unsigned cols) {
    return vectors + rows + cols - 1;
  }
  static uint64_t preloadCycles(unsigned rows) { return rows; }

private:
  size_t idx(unsigned r, unsigned c) const { return size_t(r) * cols + c; }
  int64_t fit(int64_t v, uint64_t &events) const;

  unsigned rows, cols, accBits;
  OverflowPolicy policy;
  int64_t lo, hi;
  std::vector<int32_t> w, a, aTag, pTag;
  std::vector<int64_t> p;
  std::vector<uint8_t> aValid, pValid;
};

} // namespace npu::sim

#endif // NPUSIM_MODULES_CYCLEARRAYMODEL_H
