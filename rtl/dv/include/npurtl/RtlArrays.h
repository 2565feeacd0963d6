//===- RtlArrays.h - The Verilated MAC arrays of this build -----*- C++ -*-===//
//
// The RTL array (rtl/src/npu_array.sv) is parameterized at elaboration, so
// each configuration is its own Verilated model, built by rtl/CMakeLists.txt
// (NPU_RTL_CONFIGS). They are ArrayPorts: the lockstep checker and
// npusim --rtl drive them exactly like the simulator's register model.
//
//===----------------------------------------------------------------------===//
#ifndef NPURTL_RTLARRAYS_H
#define NPURTL_RTLARRAYS_H

#include "npusim/Array/ArrayPort.h"

#include "npu/Arch/ArchConfig.h"
#include "npu/Support/Result.h"

#include <memory>
#include <string>
#include <vector>

namespace npu::rtl {

/// Bits per column of the array's w_row port (npu_array's PE_WEIGHT_BITS):
/// a 4-bit (2-bit) array takes 5-bit (3-bit) signed weights, so that a
/// load.weights with low_point (unsigned 0..15, 0..3) reaches the PEs
/// unchanged.
constexpr unsigned weightPortBits(unsigned weightBits) {
  return weightBits < 8 ? weightBits + 1 : weightBits;
}

/// The parameters of one Verilated array.
struct RtlArrayConfig {
  unsigned rows = 0, cols = 0, weightBits = 8, accBits = 32;
  bool saturate = false;
  /// Built from the faulty variant rtl/dv/sv/npu_array_injected_bug.sv:
  /// PE (1, 0) is wrong on purpose (the checker's self-test).
  bool injectBug = false;

  /// e.g. "r8c8w8a32wrap".
  std::string name() const;
  /// The array of an ArchConfig (no injected bug).
  static RtlArrayConfig of(const ArchConfig &config);
  bool operator==(const RtlArrayConfig &o) const;
};

/// The configurations built into this binary.
std::vector<RtlArrayConfig> builtRtlArrays();

/// A fresh (reset) instance of the Verilated array for `config`. With
/// `vcdPath`, every half cycle is dumped there. The error names the
/// configurations that are built.
Result<std::unique_ptr<sim::ArrayPort>>
makeRtlArray(const RtlArrayConfig &config, const std::string &vcdPath = "");

} // namespace npu::rtl

#endif // NPURTL_RTLARRAYS_H
