//===- QuantEval.cpp - Model-level figures of a rescale mode --------------===//
#include "QuantEval.h"

#include "npu/Golden/Machine.h"
#include "npu/Program/TensorIO.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

using npu::makeError;
using npu::Result;
using npu::Tensor;

namespace npuc {

namespace {

/// The index of the largest value (the first of equal ones).
int64_t argmax(const Tensor &t) {
  int64_t best = 0;
  for (int64_t i = 1; i < t.numElements(); ++i)
    if (t.getInt(i) > t.getInt(best))
      best = i;
  return best;
}

} // namespace

Result<QuantEval> evaluate(const npu::Program &program,
                           const npu::Program &exact,
                           const std::vector<Sample> &samples,
                           const std::vector<int64_t> *labels) {
  if (labels && labels->size() != samples.size())
    return makeError("--labels gives ", labels->size(), " labels for ",
                     samples.size(), " calibration inputs");
  Result<std::vector<std::vector<Tensor>>> got = runSamples(program, samples);
  if (!got)
    return got.error();
  // The exact program is this one when nothing was changed: run it once.
  Result<std::vector<std::vector<Tensor>>> want =
      &exact == &program ? got : runSamples(exact, samples);
  if (!want)
    return want.error();
  QuantEval result;
  result.samples = samples.size();
  if (labels)
    result.correct = result.exactCorrect = 0;
  for (size_t s = 0; s < samples.size(); ++s) {
    const int64_t top = argmax((*got)[s][0]);
    const int64_t exactTop = argmax((*want)[s][0]);
    result.agree += top == exactTop;
    if (labels) {
      *result.correct += top == (*labels)[s];
      *result.exactCorrect += exactTop == (*labels)[s];
    }
  }
  result.sqnrDb = noiseEnergy(program, *want, *got).sqnrDb();
  return result;
}

Result<FloatEval> evaluateAgainstFloat(
    const npu::Program &program, const std::vector<Sample> &samples,
    const std::vector<std::vector<std::vector<float>>> &floatOutputs) {
  Result<std::vector<std::vector<Tensor>>> got = runSamples(program, samples);
  if (!got)
    return got.error();
  const std::vector<size_t> outputs = program.outputIndices();
  FloatEval result;
  result.samples = samples.size();
  double signal = 0, noise = 0;
  for (size_t s = 0; s < samples.size() && s < floatOutputs.size(); ++s) {
    for (size_t o = 0; o < outputs.size() && o < floatOutputs[s].size(); ++o) {
      const Tensor values =
          npu::dequantizeOutput(program.tensors[outputs[o]], (*got)[s][o]);
      const std::vector<float> &want = floatOutputs[s][o];
      if (static_cast<int64_t>(want.size()) != values.numElements())
        return makeError("the float model's output ", o, " has ", want.size(),
                         " values; the program's ", values.numElements());
      float best = 0, bestWant = 0;
      int64_t top = -1, wantTop = -1;
      for (int64_t i = 0; i < values.numElements(); ++i) {
        float v;
        std::memcpy(&v, values.data.data() + 4 * i, sizeof(v));
        signal += double(want[i]) * want[i];
        noise += (double(want[i]) - v) * (double(want[i]) - v);
        if (top < 0 || v > best)
          best = v, top = i;
        if (wantTop < 0 || want[i] > bestWant)
          bestWant = want[i], wantTop = i;
      }
      if (o == 0)
        result.agree += top == wantTop;
    }
  }
  result.sqnrDb = NoiseEnergy{signal, noise}.sqnrDb();
  return result;
}

Result<std::vector<std::vector<Tensor>>>
runSamples(const npu::Program &program, const std::vector<Sample> &samples) {
  std::vector<std::vector<Tensor>> outputs;
  for (const Sample &sample : samples) {
    Result<npu::golden::RunResult> run =
        npu::golden::runProgram(program, sample);
    if (!run)
      return run.error();
    outputs.push_back(std::move(run->outputs));
  }
  return outputs;
}

std::optional<double> NoiseEnergy::sqnrDb() const {
  if (noise == 0)
    return std::nullopt;
  return signal > 0 ? 10 * std::log10(signal / noise)
                    : -std::numeric_limits<double>::infinity();
}

NoiseEnergy noiseEnergy(const npu::Program &program,
                        const std::vector<std::vector<Tensor>> &want,
                        const std::vector<std::vector<Tensor>> &got) {
  const std::vector<size_t> outputs = program.outputIndices();
  NoiseEnergy e;
  for (size_t s = 0; s < want.size(); ++s)
    for (size_t o = 0; o < outputs.size(); ++o) {
      const int64_t zp = program.tensors[outputs[o]].zeroPoint;
      const Tensor &g = got[s][o], &w = want[s][o];
      for (int64_t i = 0; i < w.numElements(); ++i) {
        const double ref = double(w.getInt(i) - zp);
        const double err = double(w.getInt(i) - g.getInt(i));
        e.signal += ref * ref;
        e.noise += err * err;
      }
    }
  return e;
}

} // namespace npuc
