//===- Hazards.h - Is a queue order enforced by the tokens? -*- C++ -*-===//
#ifndef NPU_PROGRAM_HAZARDS_H
#define NPU_PROGRAM_HAZARDS_H

#include "npu/Program/Program.h"

namespace npu {

/// Checks that the dependency tokens order every pair of instructions of
/// different queues that touch overlapping bytes of one memory with at
/// least one write, in program order. Happens-before is derived from the
/// token flags alone (k-th pop of a FIFO pairs with its k-th push; queues
/// complete in order), so the check is independent of how the tokens were
/// chosen. When it holds, any timing of the three queues computes what
/// program-order execution (the golden executor) computes. The error names
/// both instructions and the memory range.
Status checkHazards(const Program &program);

} // namespace npu

#endif // NPU_PROGRAM_HAZARDS_H
