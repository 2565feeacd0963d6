//===- ArrayPort.h - The MAC array's pins, any implementation -*- C++ -*-===//
//
// The signals of the systolic array at one rising clock edge, and the small
// interface every implementation offers: the register model the simulator
// steps (CycleArrayModel) and the Verilated RTL (rtl/src/npu_array.sv,
// rtl/dv). The lockstep checker drives two of them with the same inputs and
// compares what they show; npusim --rtl puts the RTL in the model's place.
// docs/rtl.md describes the protocol.
//
//===----------------------------------------------------------------------===//
#ifndef NPUSIM_ARRAY_ARRAYPORT_H
#define NPUSIM_ARRAY_ARRAYPORT_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace npu::sim {

/// Inputs applied for one rising edge.
struct ArrayInputs {
  /// Preload: shift weights down one row, `weightRow` entering row 0.
  bool weightShift = false;
  std::vector<int32_t> weightRow; ///< cols values, in the weight width
  /// Per row: an activation (input minus zero point, 9 bits signed)
  /// entering column 0.
  std::vector<uint8_t> actValid; ///< rows
  std::vector<int32_t> act;      ///< rows
  /// Columns in use: PEs and accumulators of columns >= activeCols are
  /// clock-gated (their registers hold, no events).
  unsigned activeCols = 0;
  /// Accumulator stage: left shift of column sums, and whether to add the
  /// old value accIn[c] of the result leaving column c.
  unsigned accShift = 0;
  bool accumulate = false;
  std::vector<int64_t> accIn; ///< cols

  /// Sized for a rows x cols array, everything idle.
  ArrayInputs(unsigned rows, unsigned cols)
      : weightRow(cols, 0), actValid(rows, 0), act(rows, 0), accIn(cols, 0) {}
};

/// What the array shows before the edge: results leaving the accumulator
/// stage (written to ABUF on the edge) and overflow flags.
struct ArrayOutputs {
  std::vector<uint8_t> accValid; ///< cols
  std::vector<int64_t> acc;      ///< cols
  /// PE (r, c) (index r * cols + c): its new partial sum leaves the
  /// accumulator width (wrapped or saturated).
  std::vector<uint8_t> peOverflow;
  /// Column c: the shifted column sum, resp. the accumulation, left it.
  std::vector<uint8_t> accOverflowShift, accOverflowAdd;

  ArrayOutputs(unsigned rows, unsigned cols)
      : accValid(cols, 0), acc(cols, 0), peOverflow(size_t(rows) * cols, 0),
        accOverflowShift(cols, 0), accOverflowAdd(cols, 0) {}
  /// Overflow events of this edge (what the event counters add).
  uint64_t events() const;
};

/// One implementation of the array. Call evaluate() exactly once per
/// clockEdge(), before it.
class ArrayPort {
public:
  virtual ~ArrayPort() = default;
  virtual unsigned numRows() const = 0;
  virtual unsigned numCols() const = 0;
  /// Applies `in` for the coming edge; `out` receives the outputs.
  virtual void evaluate(const ArrayInputs &in, ArrayOutputs &out) = 0;
  /// The rising edge: registers take their new values.
  virtual void clockEdge() = 0;
  /// Every PE's partial-sum register (index r * cols + c) and its valid bit
  /// as they are after the last edge.
  virtual void partialSums(std::vector<int64_t> &value,
                           std::vector<uint8_t> &valid) const = 0;
};

} // namespace npu::sim

#endif // NPUSIM_ARRAY_ARRAYPORT_H
