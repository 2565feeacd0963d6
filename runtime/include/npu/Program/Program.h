//===- Program.h - In-memory form of a prog.bin -----------------*- C++ -*-===//
//
// A Program is what npuc emits and npusim runs: instructions, DRAM constants,
// the input/output tensor descriptors, optional default inputs, debug
// locations, per-layer information and the record of the ArchConfig it was
// compiled for. docs/prog-format.md describes the file format.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_PROGRAM_PROGRAM_H
#define NPU_PROGRAM_PROGRAM_H

#include "npu/Arch/ArchConfig.h"
#include "npu/Isa/Isa.h"
#include "npu/Support/Result.h"
#include "npu/Tensor/Tensor.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace npu {

/// A new ISA major version is a new format major version (new or changed
/// instruction words).
inline constexpr uint16_t kProgVersionMajor = isa::kIsaVersionMajor;
inline constexpr uint16_t kProgVersionMinor = 1;
inline constexpr uint32_t kProgHeaderSize = 64;
inline constexpr unsigned kMaxTensorRank = 8;

enum class TensorRole : uint8_t { Input, Output };

/// An input or output tensor: where it lives in DRAM and how to read it.
struct TensorDesc {
  std::string name;
  TensorRole role = TensorRole::Input;
  ElementType type = ElementType::I8;
  std::vector<int64_t> shape;
  double scale = 1.0;
  int32_t zeroPoint = 0;
  uint64_t dramAddr = 0;
  /// The model's interface is float32 here (a TFLite QUANTIZE at an input
  /// or DEQUANTIZE at an output): the host converts at the edge with
  /// `scale` and `zeroPoint` (quantizeInput / dequantizeOutput in
  /// TensorIO.h); the program itself sees `type`.
  bool floatInterface = false;

  int64_t numElements() const;
  uint64_t byteSize() const;
};

/// Bytes placed in DRAM before the program starts (weights, tables, ...).
struct ConstSegment {
  uint64_t dramAddr = 0;
  std::vector<uint8_t> data;
};

/// Input data embedded at compile time, used when the user gives none.
struct DefaultInput {
  uint32_t tensorIndex = 0;
  std::vector<uint8_t> data;
};

/// Source location of a range of instructions.
struct DebugRange {
  uint32_t firstInstr = 0;
  uint32_t numInstrs = 0;
  uint32_t layer = kNoLayer; ///< Index into Program::layers.
  std::string location;      ///< e.g. "model.mlir:12:5".
  static constexpr uint32_t kNoLayer = 0xffffffffu;
};

/// One layer of the source model, for reports.
struct LayerInfo {
  std::string name; ///< Named after the source op.
  std::string kind; ///< e.g. "conv2d", "depthwise_conv2d".
  uint64_t macs = 0;
  /// Compiler's static worst-case |accumulator| (0 when not computed).
  uint64_t accBound = 0;
  /// Accumulator bits that bound needs (0 when not computed).
  uint32_t accBitsNeeded = 0;
  /// True when accBound exceeds the configured accumulator width.
  bool mayOverflow = false;
};

/// A layer's MACs as the reports give them: the model's (the compiler's
/// count in the layer table) when the layer declares one, else the products
/// its instructions computed. They differ where the array multiplies zeros
/// (a depthwise convolution run as a block-diagonal convolution).
inline uint64_t reportedMacs(const LayerInfo &layer, uint64_t computed) {
  return layer.macs > 0 ? layer.macs : computed;
}

struct Program {
  uint16_t versionMajor = kProgVersionMajor;
  uint16_t versionMinor = kProgVersionMinor;
  /// Name and hash of the full ArchConfig used at compile time
  /// (informational), and the fields the program depends on.
  std::string archName;
  uint64_t archHash = 0;
  std::vector<std::pair<std::string, std::string>> archFields;
  /// DRAM bytes the program addresses (constants, tensors, scratch).
  uint64_t dramSize = 0;
  std::vector<isa::Instruction> instructions;
  std::vector<ConstSegment> constants;
  std::vector<TensorDesc> tensors;
  std::vector<DefaultInput> defaultInputs;
  std::vector<DebugRange> debug;
  std::vector<LayerInfo> layers;

  /// Records `config` as the configuration the program is compiled for.
  void setArch(const ArchConfig &config);
  /// ArchConfig with the recorded fields applied over the defaults.
  Result<ArchConfig> recordedArch() const;

  std::vector<size_t> inputIndices() const;
  std::vector<size_t> outputIndices() const;
  /// Debug range containing instruction `index`, or nullptr.
  const DebugRange *debugRangeFor(size_t index) const;
};

/// Serializes a program. Fails when an instruction field does not fit its
/// encoding or a count does not fit the format.
Result<std::vector<uint8_t>> writeProgram(const Program &program);
Status writeProgramFile(const std::string &path, const Program &program);

/// Where things are in a prog.bin file (for npu-objdump).
struct ProgramFileInfo {
  struct Section {
    std::string name; ///< STRTAB, ARCH, CODE, ... or "unknown".
    uint32_t type = 0;
    uint32_t flags = 0;
    uint64_t offset = 0;
    uint64_t size = 0;
    uint64_t addr = 0;
  };
  uint64_t fileSize = 0;
  uint32_t headerSize = 0;
  uint32_t flags = 0;
  uint32_t crc32 = 0;
  std::vector<Section> sections;
};

/// Parses and validates a prog.bin image: magic, version, sizes, section
/// table, every count, offset and string reference, CRC-32, instruction
/// encodings and operand bounds (verifyProgram). The error is one line
/// naming what is wrong. No input makes it crash.
/// When `info` is given it receives the file layout (filled as far as the
/// file could be read).
Result<Program> readProgram(const uint8_t *data, size_t size,
                            ProgramFileInfo *info = nullptr);
Result<Program> readProgramFile(const std::string &path,
                                ProgramFileInfo *info = nullptr);

/// Semantic checks of a structurally valid program against the ArchConfig
/// it records: every instruction's operands inside the scratchpads and the
/// program's DRAM, operands within array/PPU limits, tensors and constants
/// inside DRAM, dependency tokens never popped before being pushed, a final
/// HALT.
Status verifyProgram(const Program &program);

} // namespace npu

#endif // NPU_PROGRAM_PROGRAM_H
