//===- ArchConfig.h - The NPU being modelled --------------------*- C++ -*-===//
//
// One struct describes the machine: array, scratchpads, DRAM, vector unit,
// PPU, controller, clock, technology and per-event energies. Every field has
// a dotted key (its YAML path, e.g. `array.rows`), a unit, a default, a range
// and a one-line description; all of them live in one table
// (visitArchFields) that drives YAML loading, `--set` overrides, printing,
// hashing and the record stored in program binaries.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_ARCH_ARCHCONFIG_H
#define NPU_ARCH_ARCHCONFIG_H

#include "npu/Support/Result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace npu {

/// What the MAC datapath does when a sum leaves the accumulator's range.
enum class OverflowPolicy : uint8_t { Wrap, Saturate };

/// The requantization forms the PPU implements, each a superset of the one
/// before: one multiplier and shift per layer (registers only); plus a 4-bit
/// shift per channel (WESS's shift table); a multiplier and a shift per
/// channel (TFLite's per-channel quantization). Same order as isa::PpuForm.
enum class PpuRescale : uint8_t { PerLayer, ShiftTable, PerChannel };

/// Metadata of one ArchConfig field.
struct ArchFieldInfo {
  const char *key;         ///< Dotted YAML path, e.g. "array.rows".
  const char *unit;        ///< Unit, "-" if dimensionless.
  const char *defaultText; ///< Default value, in YAML scalar syntax.
  double min;              ///< Smallest allowed value (numeric fields).
  double max;              ///< Largest allowed value (numeric fields).
  const char *description; ///< One line.
  /// True when a program compiled for one value may compute different bits
  /// (or fail) under another; such fields are recorded in prog.bin and must
  /// match when the program runs.
  bool affectsProgram;
};

struct ArchConfig {
  std::string name;

  struct Array {
    int64_t rows;
    int64_t cols;
    int64_t weightBits;
    int64_t accBits;
    OverflowPolicy overflow;
  } array;

  struct Sram {
    int64_t ibufKiB;
    int64_t wbufKiB;
    int64_t abufKiB;
    int64_t obufKiB;
    int64_t pbufKiB;
    int64_t banks;
    int64_t bankWidthBytes;
    bool doubleBuffer;
  } sram;

  struct Dram {
    int64_t sizeMiB;
    int64_t bandwidthBytesPerCycle;
    int64_t latencyCycles;
    int64_t burstBytes;
    int64_t maxOutstanding;
  } dram;

  struct Vector {
    int64_t lanes;
  } vector;

  struct Ppu {
    int64_t lanes;
    PpuRescale rescale;
  } ppu;

  struct Control {
    int64_t queueDepth;
    int64_t tokenDepth;
  } control;

  struct Clock {
    double freqMHz;
  } clock;

  struct Tech {
    int64_t nodeNm;
  } tech;

  struct Energy {
    double macPj;
    double mac4Pj;
    double mac2Pj;
    double accAddPj;
    double sramSmallPjPer64b;
    double sramLargePjPer64b;
    double dramPjPer64b;
    double ppuOpPj;
    double vectorOpPj;
    double instrPj;
  } energy;

  /// A configuration with every field at its default (equal to npu-base).
  ArchConfig();

  /// Buffer capacity in bytes.
  int64_t ibufBytes() const { return sram.ibufKiB * 1024; }
  int64_t wbufBytes() const { return sram.wbufKiB * 1024; }
  int64_t abufBytes() const { return sram.abufKiB * 1024; }
  int64_t obufBytes() const { return sram.obufKiB * 1024; }
  int64_t pbufBytes() const { return sram.pbufKiB * 1024; }
  int64_t dramBytes() const { return dram.sizeMiB * 1024 * 1024; }
};

/// Calls `visit(const ArchFieldInfo &, Member &)` for every field in a fixed
/// order. `Config` is ArchConfig or const ArchConfig; Member is one of
/// std::string, int64_t, double, bool, OverflowPolicy or PpuRescale.
template <typename Config, typename Visitor>
void visitArchFields(Config &c, Visitor &&visit) {
  // clang-format off
  visit(ArchFieldInfo{"name", "-", "npu-base", 0, 0,
        "Configuration name, printed in reports", false}, c.name);
  visit(ArchFieldInfo{"array.rows", "PEs", "16", 1, 256,
        "Rows of the systolic MAC array (reduction dimension per pass)", true},
        c.array.rows);
  visit(ArchFieldInfo{"array.cols", "PEs", "16", 1, 256,
        "Columns of the systolic MAC array (output channels per pass)", true},
        c.array.cols);
  visit(ArchFieldInfo{"array.weight_bits", "bits", "8", 2, 8,
        "Weight width of a PE: 8, 4 or 2 (weights packed two or four per "
        "byte)", true},
        c.array.weightBits);
  visit(ArchFieldInfo{"array.acc_bits", "bits", "32", 16, 32,
        "Width of the MAC accumulation path (PE partial sums, accumulator adder)",
        true}, c.array.accBits);
  visit(ArchFieldInfo{"array.overflow", "-", "wrap", 0, 0,
        "Accumulator overflow policy: wrap (two's complement) or saturate",
        true}, c.array.overflow);
  visit(ArchFieldInfo{"sram.ibuf_kib", "KiB", "64", 1, 16384,
        "Activation (input) scratchpad capacity", true}, c.sram.ibufKiB);
  visit(ArchFieldInfo{"sram.wbuf_kib", "KiB", "64", 1, 16384,
        "Weight scratchpad capacity", true}, c.sram.wbufKiB);
  visit(ArchFieldInfo{"sram.abuf_kib", "KiB", "64", 1, 16384,
        "Accumulator scratchpad capacity (32-bit entries)", true},
        c.sram.abufKiB);
  visit(ArchFieldInfo{"sram.obuf_kib", "KiB", "32", 1, 16384,
        "Output scratchpad capacity (PPU and pooling results)", true},
        c.sram.obufKiB);
  visit(ArchFieldInfo{"sram.pbuf_kib", "KiB", "8", 1, 16384,
        "Parameter scratchpad capacity (bias, scale and shift tables, LUTs)",
        true}, c.sram.pbufKiB);
  visit(ArchFieldInfo{"sram.banks", "banks", "4", 1, 64,
        "Banks per scratchpad; same-bank accesses in one cycle conflict",
        false}, c.sram.banks);
  visit(ArchFieldInfo{"sram.bank_width_bytes", "bytes", "16", 1, 1024,
        "Bytes one bank reads or writes per cycle", false},
        c.sram.bankWidthBytes);
  visit(ArchFieldInfo{"sram.double_buffer", "-", "true", 0, 0,
        "Compiler splits scratchpads in halves so loads overlap compute",
        false}, c.sram.doubleBuffer);
  visit(ArchFieldInfo{"dram.size_mib", "MiB", "256", 1, 4096,
        "DRAM capacity available to one program", false}, c.dram.sizeMiB);
  visit(ArchFieldInfo{"dram.bandwidth", "bytes/cycle", "16", 1, 4096,
        "Peak DRAM bandwidth", false}, c.dram.bandwidthBytesPerCycle);
  visit(ArchFieldInfo{"dram.latency", "cycles", "100", 0, 100000,
        "Latency from request to first data beat", false},
        c.dram.latencyCycles);
  visit(ArchFieldInfo{"dram.burst_bytes", "bytes", "64", 1, 4096,
        "Bytes per DRAM burst (transfers are split into bursts)", false},
        c.dram.burstBytes);
  visit(ArchFieldInfo{"dram.max_outstanding", "requests", "32", 1, 1024,
        "DRAM bursts in flight at once", false}, c.dram.maxOutstanding);
  visit(ArchFieldInfo{"vector.lanes", "lanes", "16", 1, 1024,
        "Vector unit lanes (elements per cycle)", false}, c.vector.lanes);
  visit(ArchFieldInfo{"ppu.lanes", "lanes", "16", 1, 1024,
        "Post-processing unit throughput (elements per cycle)", false},
        c.ppu.lanes);
  visit(ArchFieldInfo{"ppu.rescale", "-", "per-channel", 0, 0,
        "Requantization forms the PPU supports: per-channel (multiplier and "
        "shift tables), shift-table (one multiplier, 4-bit shift per channel) "
        "or per-layer (one multiplier and shift)", true}, c.ppu.rescale);
  visit(ArchFieldInfo{"control.queue_depth", "instructions", "16", 1, 4096,
        "Depth of each of the load, compute and store queues", false},
        c.control.queueDepth);
  visit(ArchFieldInfo{"control.token_depth", "tokens", "8", 1, 4096,
        "Depth of each dependency-token FIFO between queues", false},
        c.control.tokenDepth);
  visit(ArchFieldInfo{"clock.freq_mhz", "MHz", "800", 1, 10000,
        "Core clock frequency (latency in microseconds)", false},
        c.clock.freqMHz);
  visit(ArchFieldInfo{"tech.node_nm", "nm", "45", 3, 180,
        "Technology node; energies below are given at 45 nm and scaled",
        false}, c.tech.nodeNm);
  visit(ArchFieldInfo{"energy.mac_pj", "pJ", "0.23", 0, 1000,
        "One int8 x int8 multiply-accumulate in a PE, at 45 nm", false},
        c.energy.macPj);
  visit(ArchFieldInfo{"energy.mac4_pj", "pJ", "0.155", 0, 1000,
        "One int8 x 5-bit multiply-accumulate in a PE of a 4-bit array, at 45 nm",
        false}, c.energy.mac4Pj);
  visit(ArchFieldInfo{"energy.mac2_pj", "pJ", "0.105", 0, 1000,
        "One int8 x 3-bit multiply-accumulate in a PE of a 2-bit array, at 45 nm",
        false}, c.energy.mac2Pj);
  visit(ArchFieldInfo{"energy.acc_add_pj", "pJ", "0.1", 0, 1000,
        "One 32-bit add in the accumulator or PPU, at 45 nm", false},
        c.energy.accAddPj);
  visit(ArchFieldInfo{"energy.sram_small_pj_per_64b", "pJ", "10", 0, 100000,
        "64-bit access of an 8 KiB SRAM, at 45 nm", false},
        c.energy.sramSmallPjPer64b);
  visit(ArchFieldInfo{"energy.sram_large_pj_per_64b", "pJ", "100", 0, 100000,
        "64-bit access of a 1 MiB SRAM, at 45 nm", false},
        c.energy.sramLargePjPer64b);
  visit(ArchFieldInfo{"energy.dram_pj_per_64b", "pJ", "1950", 0, 1000000,
        "64-bit DRAM access, at 45 nm", false}, c.energy.dramPjPer64b);
  visit(ArchFieldInfo{"energy.ppu_op_pj", "pJ", "3.3", 0, 1000,
        "PPU work per output element (32x32 multiply, adds, clamp)", false},
        c.energy.ppuOpPj);
  visit(ArchFieldInfo{"energy.vector_op_pj", "pJ", "0.5", 0, 1000,
        "Vector unit work per lane-operation", false}, c.energy.vectorOpPj);
  visit(ArchFieldInfo{"energy.instr_pj", "pJ", "40", 0, 100000,
        "Fetch and decode of one 32-byte instruction", false},
        c.energy.instrPj);
  // clang-format on
}

/// Metadata of every field, in table order.
std::vector<ArchFieldInfo> archFieldInfos();

/// Names of the built-in presets ("npu-tiny", "npu-base", "npu-large").
std::vector<std::string> archPresetNames();

/// YAML text of a built-in preset, or an error naming the known presets.
Result<std::string> archPresetYaml(std::string_view name);

/// Parses a YAML document on top of the defaults. Unknown keys, wrong types
/// and out-of-range values are errors naming the key. `source` names the
/// document in messages (a file path or "preset npu-tiny").
Result<ArchConfig> parseArchConfigYaml(std::string_view yaml,
                                       std::string_view source);

/// Loads a YAML file.
Result<ArchConfig> loadArchConfigFile(const std::string &path);

/// Resolves `--arch NAME|FILE`: a preset name, else a YAML file path.
Result<ArchConfig> resolveArchConfig(const std::string &nameOrPath);

/// Applies one `key=value` override (the `--set` flag).
Status applyArchOverride(ArchConfig &config, std::string_view assignment);

/// Sets one field from its textual value, with the same checks as YAML.
Status setArchField(ArchConfig &config, std::string_view key,
                    std::string_view value);

/// Canonical text of one field's value (as YAML would spell it), or an
/// error for an unknown key.
Result<std::string> getArchField(const ArchConfig &config,
                                 std::string_view key);

/// Checks relations between fields (ranges of single fields are enforced on
/// every set).
Status validateArchConfig(const ArchConfig &config);

/// Full configuration as a YAML document that parseArchConfigYaml accepts.
std::string archConfigToYaml(const ArchConfig &config);

/// Stable 64-bit hash of every field's canonical value.
uint64_t archConfigHash(const ArchConfig &config);

/// (key, canonical value) of every field with affectsProgram set; stored in
/// prog.bin.
std::vector<std::pair<std::string, std::string>>
archProgramFields(const ArchConfig &config);

/// Checks that `config` can run a program recorded with `recorded`
/// (key, value) pairs; the error names the first differing field. A field
/// the program does not record (it was compiled before the field existed)
/// must be at its default.
Status checkArchCompatible(
    const ArchConfig &config,
    const std::vector<std::pair<std::string, std::string>> &recorded);

/// Energy of one MAC in the array at 45 nm: energy.mac_pj, or on a 4-bit
/// (2-bit) array energy.mac4_pj (energy.mac2_pj).
inline double macEnergyPj(const ArchConfig &config) {
  switch (config.array.weightBits) {
  case 4:
    return config.energy.mac4Pj;
  case 2:
    return config.energy.mac2Pj;
  default:
    return config.energy.macPj;
  }
}

std::string_view overflowPolicyName(OverflowPolicy policy);
/// "per-layer", "shift-table", "per-channel".
std::string_view ppuRescaleName(PpuRescale rescale);

} // namespace npu

#endif // NPU_ARCH_ARCHCONFIG_H
