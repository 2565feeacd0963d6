//===- QuantEval.h - Model-level figures of a rescale mode ------*- C++ -*-===//
//
// npuc --calib (with --quant-report or -v): runs the compiled program and
// the exact program (the model's own weights and scales) on the golden
// executor for every calibration input and compares their outputs: output
// SQNR, top-1 agreement and, with --labels, top-1 accuracy of both.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_TOOLS_NPUC_QUANTEVAL_H
#define NPU_TOOLS_NPUC_QUANTEVAL_H

#include "Calibration.h"

#include "npu/Program/Program.h"
#include "npu/Support/Result.h"
#include "npu/Tensor/Tensor.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace npuc {

struct QuantEval {
  size_t samples = 0;
  /// Output SQNR (dB) against the exact program over every output element
  /// of every sample; nullopt when they are equal.
  std::optional<double> sqnrDb;
  /// Samples whose top-1 (argmax of the first output) equals the exact
  /// program's.
  size_t agree = 0;
  /// With labels: samples whose top-1 equals the label, for the compiled
  /// and for the exact program.
  std::optional<size_t> correct, exactCorrect;
};

/// A quantized float32 model against the float model itself.
struct FloatEval {
  size_t samples = 0;
  /// SQNR (dB) of the program's dequantized outputs against the float
  /// model's, over every output element of every sample.
  std::optional<double> sqnrDb;
  /// Samples whose top-1 (first output) equals the float model's.
  size_t agree = 0;
};

/// Runs `program` on every sample (golden executor) and compares its
/// dequantized outputs with `floatOutputs` (per sample, per output).
npu::Result<FloatEval> evaluateAgainstFloat(
    const npu::Program &program, const std::vector<Sample> &samples,
    const std::vector<std::vector<std::vector<float>>> &floatOutputs);

/// The outputs of `program` for each sample (golden executor).
npu::Result<std::vector<std::vector<npu::Tensor>>>
runSamples(const npu::Program &program, const std::vector<Sample> &samples);

/// Energies of the reference outputs (about their zero points) and of the
/// differences of `got` from them, in squared integer steps, over every
/// output element of every sample.
struct NoiseEnergy {
  double signal = 0, noise = 0;
  /// 10 log10(signal / noise); nullopt when the outputs are equal.
  std::optional<double> sqnrDb() const;
};
NoiseEnergy noiseEnergy(const npu::Program &program,
                        const std::vector<std::vector<npu::Tensor>> &want,
                        const std::vector<std::vector<npu::Tensor>> &got);

/// Runs both programs on every sample on the golden executor (once when
/// `exact` is `program` itself).
npu::Result<QuantEval> evaluate(const npu::Program &program,
                                const npu::Program &exact,
                                const std::vector<Sample> &samples,
                                const std::vector<int64_t> *labels);

} // namespace npuc

#endif // NPU_TOOLS_NPUC_QUANTEVAL_H
