//===- CycleArrayModel.h - Register-level MAC array model ---*- C++ -*-===//
//
// The weight-stationary systolic array and its row of column accumulators
// at register level: the model the simulator's cycle array model steps and
// the RTL (rtl/src/npu_array.sv) is compared against cycle by cycle.
//
// Registers of PE (r, c): weight w, activation a (+valid), partial sum p
// (+valid). On each edge, all at once from the previous values, for columns
// below activeCols:
//   a[r][c] <- c == 0 ? input act_r : a[r][c-1]
//   p[r][c] <- fit((r == 0 ? 0 : p[r-1][c]) + (a valid ? a * w[r][c] : 0))
//   accumulator c: if p[rows-1][c] was valid,
//     out_c = fit(p[rows-1][c] * 2^shift), then, when accumulating,
//     out_c = fit(accIn_c + out_c)
// where fit() brings a sum back into acc_bits under the overflow policy and
// flags it when it was out of range (a partial sum is fitted, and flagged,
// only when the one above it is valid). During preload the weight rows
// shift down by one per edge, the new row entering at the top.
//
// Feeding vector n's element r to row r at edge n + r (the skew) makes
// column c's result for vector n leave the accumulator at edge
// n + rows + c, so a gemm of N vectors over `cols` columns takes
// N + rows + cols - 1 edges (gemmCycles), and a preload `rows` edges.
//
//===----------------------------------------------------------------------===//
#ifndef NPUSIM_ARRAY_CYCLEARRAYMODEL_H
#define NPUSIM_ARRAY_CYCLEARRAYMODEL_H

#include "npusim/Array/ArrayPort.h"

#include "npu/Arch/ArchConfig.h"
#include "npu/Isa/Cost.h"

namespace npu::sim {

class CycleArrayModel : public ArrayPort {
public:
  CycleArrayModel(unsigned rows, unsigned cols, unsigned accBits,
                  OverflowPolicy policy);

  unsigned numRows() const override { return rows; }
  unsigned numCols() const override { return cols; }
  /// Computes the outputs and the registers' next values (the model has no
  /// separate edge: clockEdge() does nothing).
  void evaluate(const ArrayInputs &in, ArrayOutputs &out) override;
  void clockEdge() override {}
  void partialSums(std::vector<int64_t> &value,
                   std::vector<uint8_t> &valid) const override {
    value = p;
    valid = pValid;
  }

  int32_t weight(unsigned r, unsigned c) const { return w[idx(r, c)]; }

  static uint64_t gemmCycles(uint64_t vectors, unsigned rows, unsigned cols) {
    return isa::cost::gemmCycles(vectors, rows, cols);
  }
  static uint64_t preloadCycles(unsigned rows) { return rows; }

private:
  size_t idx(unsigned r, unsigned c) const { return size_t(r) * cols + c; }
  int64_t fit(int64_t v, uint8_t &flag) const;

  unsigned rows, cols, accBits;
  OverflowPolicy policy;
  std::vector<int32_t> w, a;
  std::vector<int64_t> p;
  std::vector<uint8_t> aValid, pValid;
};

} // namespace npu::sim

#endif // NPUSIM_ARRAY_CYCLEARRAYMODEL_H
