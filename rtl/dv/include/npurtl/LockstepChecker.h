//===- LockstepChecker.h - Two arrays, one stimulus, each cycle -*- C++ -*-===//
//
// Drives a reference array and a device under test with identical inputs
// every cycle and compares everything they show: which columns deliver a
// result, the results, every PE's overflow flag and both accumulator
// overflow flags of every column, and after the edge every PE's
// partial-sum register (where valid). The first difference is an error
// naming the cycle, the PE or column, the expected (reference) and the
// actual value.
//
//===----------------------------------------------------------------------===//
#ifndef NPURTL_LOCKSTEPCHECKER_H
#define NPURTL_LOCKSTEPCHECKER_H

#include "npusim/Array/ArrayPort.h"

#include "npu/Support/Result.h"

#include <string>
#include <vector>

namespace npu::rtl {

class LockstepChecker {
public:
  LockstepChecker(sim::ArrayPort &reference, sim::ArrayPort &dut);

  /// One rising edge of both.
  Status step(const sim::ArrayInputs &in);

  uint64_t cycles() const { return cycle; }
  /// The reference's outputs of the last step.
  const sim::ArrayOutputs &outputs() const { return expected; }
  /// Overflow events seen so far (equal in both).
  uint64_t events() const { return eventCount; }

private:
  sim::ArrayPort &reference, &dut;
  sim::ArrayOutputs expected, actual;
  std::vector<int64_t> expectedSums, actualSums;
  std::vector<uint8_t> expectedValid, actualValid;
  uint64_t cycle = 0;
  uint64_t eventCount = 0;
};

} // namespace npu::rtl

#endif // NPURTL_LOCKSTEPCHECKER_H
