//===- TensorIO.h - Binding program tensors to .npy files -------*- C++ -*-===//
//
// The command-line contract shared by npu-run, npusim and npu-cosim
// (docs/simulator.md, the flags --input and --output-dir): `--input
// NAME=FILE.npy` where NAME is the tensor's name or its 0-based index among
// the inputs; outputs written as <sanitized name>.npy plus outputs.json.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_PROGRAM_TENSORIO_H
#define NPU_PROGRAM_TENSORIO_H

#include "npu/Program/Program.h"

#include <string>
#include <vector>

namespace npu {

/// TFLite's QUANTIZE of a float32 model input at the edge, for an input
/// with a float interface: round(x / float(scale)) (in float, half away
/// from zero, as TFLite Micro's AffineQuantize) + zero point, clamped to the
/// tensor's type.
Result<Tensor> quantizeInput(const TensorDesc &desc, const Tensor &values);
/// TFLite's DEQUANTIZE of an output with a float interface:
/// float(scale * (q - zero point)), scale in double.
Tensor dequantizeOutput(const TensorDesc &desc, const Tensor &values);

/// Resolves `NAME=FILE.npy` specs to one tensor per program input (in
/// program order); inputs without a spec use the embedded defaults. A
/// float32 file for an input with a float interface is quantized
/// (quantizeInput); its integer type is taken as is. Errors name the spec,
/// the tensor or the file.
Result<std::vector<Tensor>> bindInputs(const Program &program,
                                       const std::vector<std::string> &specs);

/// A prog.bin read and validated, with the configuration it records and its
/// inputs bound: where npu-run, npusim and npu-cosim start.
struct LoadedProgram {
  Program program;
  /// The ArchConfig the binary records (Program::recordedArch).
  ArchConfig recordedArch;
  /// One tensor per program input, in program order (bindInputs).
  std::vector<Tensor> inputs;
};

/// Reads `path` (readProgramFile), takes its recorded ArchConfig and binds
/// `specs` (bindInputs). The errors are those of the three steps, the
/// ArchConfig's prefixed with `path`.
Result<LoadedProgram>
loadProgramWithInputs(const std::string &path,
                      const std::vector<std::string> &specs);

/// Replaces every character outside [A-Za-z0-9_.-] with '_'.
std::string sanitizeTensorName(const std::string &name);

/// The longest output file name before ".npy" (and a collision suffix).
inline constexpr size_t kMaxOutputBaseLength = 120;

/// File names for the program's outputs: sanitized names, a name longer
/// than kMaxOutputBaseLength cut to its head plus a hash of the whole,
/// made unique by appending _<index> on collision.
std::vector<std::string> outputFileNames(const Program &program);

/// Writes one <name>.npy per output and outputs.json into `dir` (created if
/// missing); outputs with a float interface as float32 (dequantizeOutput).
Status writeOutputs(const Program &program, const std::vector<Tensor> &outputs,
                    const std::string &dir);

} // namespace npu

#endif // NPU_PROGRAM_TENSORIO_H
