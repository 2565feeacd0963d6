//===- LockstepChecker.cpp - Two arrays, one stimulus, every cycle --------===//
#include "npurtl/LockstepChecker.h"

namespace npu::rtl {

LockstepChecker::LockstepChecker(sim::ArrayPort &reference, sim::ArrayPort &dut)
    : reference(reference), dut(dut),
      expected(reference.numRows(), reference.numCols()),
      actual(reference.numRows(), reference.numCols()) {}

Status LockstepChecker::step(const sim::ArrayInputs &in) {
  reference.evaluate(in, expected);
  dut.evaluate(in, actual);
  const unsigned rows = reference.numRows(), cols = reference.numCols();
  auto mismatch = [&](const std::string &where, int64_t want, int64_t got) {
    return makeError("cycle ", cycle, ": ", where, ": expected ", want,
                     ", got ", got);
  };
  for (unsigned c = 0; c < cols; ++c) {
    const std::string column = "column " + std::to_string(c);
    if (expected.accValid[c] != actual.accValid[c])
      return mismatch(column + " result valid", expected.accValid[c],
                      actual.accValid[c]);
    if (expected.accValid[c] && expected.acc[c] != actual.acc[c])
      return mismatch(column + " result (PE (" + std::to_string(rows - 1) +
                          ", " + std::to_string(c) + ") into the accumulator)",
                      expected.acc[c], actual.acc[c]);
    if (expected.accOverflowShift[c] != actual.accOverflowShift[c])
      return mismatch(column + " accumulator overflow (shift)",
                      expected.accOverflowShift[c], actual.accOverflowShift[c]);
    if (expected.accOverflowAdd[c] != actual.accOverflowAdd[c])
      return mismatch(column + " accumulator overflow (add)",
                      expected.accOverflowAdd[c], actual.accOverflowAdd[c]);
  }
  for (unsigned r = 0; r < rows; ++r)
    for (unsigned c = 0; c < cols; ++c) {
      const size_t i = size_t(r) * cols + c;
      if (expected.peOverflow[i] != actual.peOverflow[i])
        return mismatch("PE (" + std::to_string(r) + ", " + std::to_string(c) +
                            ") overflow flag",
                        expected.peOverflow[i], actual.peOverflow[i]);
    }
  reference.clockEdge();
  dut.clockEdge();
  reference.partialSums(expectedSums, expectedValid);
  dut.partialSums(actualSums, actualValid);
  for (unsigned r = 0; r < rows; ++r)
    for (unsigned c = 0; c < cols; ++c) {
      const size_t i = size_t(r) * cols + c;
      const std::string pe =
          "PE (" + std::to_string(r) + ", " + std::to_string(c) + ")";
      if (expectedValid[i] != actualValid[i])
        return mismatch(pe + " partial sum valid after the edge",
                        expectedValid[i], actualValid[i]);
      if (expectedValid[i] && expectedSums[i] != actualSums[i])
        return mismatch(pe + " partial sum after the edge", expectedSums[i],
                        actualSums[i]);
    }
  eventCount += expected.events();
  ++cycle;
  return Status::success();
}

} // namespace npu::rtl
