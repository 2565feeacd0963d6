//===- Simulator.h - Cycle-accurate simulation of a program -----*- C++ -*-===//
//
// The public entry point of npusim: runs a prog.bin on the SystemC model of
// the NPU (docs/simulator.md, "Structure") and returns its outputs, which equal
// the golden executor's bit for bit, with cycle, traffic, energy and overflow
// statistics per layer.
//
// SystemC elaborates once per process: call simulate() at most once.
//
//===----------------------------------------------------------------------===//
#ifndef NPUSIM_SIMULATOR_H
#define NPUSIM_SIMULATOR_H

#include "npusim/Array/ArrayPort.h"
#include "npusim/Stats.h"

#include "npu/Arch/ArchConfig.h"
#include "npu/Program/Program.h"
#include "npu/Support/Result.h"
#include "npu/Tensor/Tensor.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace npu::sim {

/// How the systolic array is modelled. All give identical cycle counts and
/// bits: `Tile` computes a whole gemm at once and advances time by its exact
/// cycle count (fast); `Cycle` steps the array's register model every clock
/// cycle (what the RTL is compared against); `Rtl` steps the Verilated RTL
/// array instead (rtlArray below).
enum class ArrayModel { Tile, Cycle, Rtl };
/// "tile", "cycle" or "rtl".
const char *arrayModelName(ArrayModel model);

/// Makes the RTL array for a configuration (the rtl/ library provides it;
/// the simulator does not link Verilator itself).
using RtlArrayFactory =
    std::function<Result<std::unique_ptr<ArrayPort>>(const ArchConfig &)>;

struct SimOptions {
  ArrayModel arrayModel = ArrayModel::Tile;
  /// Required for ArrayModel::Rtl.
  RtlArrayFactory rtlArray;
  /// Record Chrome trace events (SimResult::trace).
  bool collectTrace = false;
  /// Write signal waves to this VCD file (empty: none).
  std::string vcdPath;
};

struct SimResult {
  /// One tensor per program output, in program order.
  std::vector<Tensor> outputs;
  SimStats stats;
  std::vector<TraceEvent> trace;
};

/// Simulates `program` on the machine `config` describes. The program's
/// recorded ArchConfig fields must match `config`; its tokens must order
/// every hazard between queues (checkHazards). `inputs` holds one tensor per
/// program input (see bindInputs). Errors (mismatched configuration, a
/// deadlock, an invalid table entry at run time) are one line.
Result<SimResult> simulate(const Program &program, const ArchConfig &config,
                           const std::vector<Tensor> &inputs,
                           const SimOptions &options);

} // namespace npu::sim

#endif // NPUSIM_SIMULATOR_H
