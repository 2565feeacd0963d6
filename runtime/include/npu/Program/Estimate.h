//===- Estimate.h - Analytical cycles and traffic of a program --*- C++ -*-===//
//
// The compiler's cost model, on a finished program: every instruction costs
// what its unit needs on an idle machine (npu/Isa/Cost.h, the formulas the
// simulator uses), a layer's three queues (load, compute, store) overlap
// perfectly and the controller issues one instruction per cycle, so a
// layer takes max(load, compute, store, instructions) cycles. Scratchpad
// bank conflicts, token waits and DRAM contention between queues are left
// out: docs/performance.md records the error against npusim. Each layer's
// placement is placeLayers' (Placement.h), the one npusim reports.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_PROGRAM_ESTIMATE_H
#define NPU_PROGRAM_ESTIMATE_H

#include "npu/Arch/ArchConfig.h"
#include "npu/Program/Placement.h"
#include "npu/Program/Program.h"

#include <cstdint>
#include <string>
#include <vector>

namespace npu {

struct LayerEstimate {
  std::string name, kind;
  uint64_t cycles = 0;
  uint64_t loadCycles = 0, computeCycles = 0, storeCycles = 0;
  uint64_t instructions = 0;
  uint64_t dramReadBytes = 0, dramWriteBytes = 0;
  LayerPlacement placement; ///< placeLayers (Placement.h)
};

struct ProgramEstimate {
  std::vector<LayerEstimate> layers; ///< In Program::layers order.
  uint64_t cycles = 0;               ///< Sum over layers (and the rest).
  uint64_t dramBytes = 0;
};

/// Estimates `program` on `config` (the program's own configuration for
/// the numbers to mean anything).
ProgramEstimate estimateProgram(const Program &program,
                                const ArchConfig &config);

} // namespace npu

#endif // NPU_PROGRAM_ESTIMATE_H
