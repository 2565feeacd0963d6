//===- Calibration.h - npuc's calibration inputs and labels -----*- C++ -*-===//
//
// --calib=FILE.npy|DIR and --labels=FILE: the samples a float32 model is
// quantized from, and that the quant report and the precision planner run
// the compiled program on.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_TOOLS_NPUC_CALIBRATION_H
#define NPU_TOOLS_NPUC_CALIBRATION_H

#include "npu/Import/Tflite.h"
#include "npu/Program/Program.h"
#include "npu/Support/Result.h"
#include "npu/Tensor/Tensor.h"

#include <cstdint>
#include <string>
#include <vector>

namespace npuc {

/// One calibration sample: a tensor per program input, in program order.
using Sample = std::vector<npu::Tensor>;

/// The calibration samples at `path`. A model with one input: every .npy of
/// a directory (sorted by name), or one .npy holding one sample or a batch
/// along axis 0. With several inputs: a directory with one subdirectory per
/// sample (sorted by name), holding NAME.npy or INDEX.npy for each input.
/// Float32 samples of a float-interface input are quantized as npu-run
/// does.
npu::Result<std::vector<Sample>> loadCalibration(const npu::Program &program,
                                                 const std::string &path);

/// The same files read as float32 samples of a float32 model's inputs, for
/// its post-training quantization.
npu::Result<mlir::npu::TfliteCalibration>
loadFloatCalibration(const mlir::npu::TfliteSignature &signature,
                     const std::string &path);

/// One class index per sample: a text file with one label per line, or CSV
/// lines whose last field is the label (e.g. "file,classes,label").
npu::Result<std::vector<int64_t>> loadLabels(const std::string &path);

} // namespace npuc

#endif // NPU_TOOLS_NPUC_CALIBRATION_H
