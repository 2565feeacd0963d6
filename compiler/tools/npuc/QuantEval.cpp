//===- QuantEval.cpp - Model-level figures of a rescale mode --------------===//
#include "QuantEval.h"

#include "npu/Golden/Machine.h"
#include "npu/Program/TensorIO.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

using npu::makeError;
using npu::Result;
using npu::Tensor;

namespace npuc {

namespace {

/// `sample` checked (and, for a float interface, quantized) as the
/// program's input `index`.
Result<Tensor> bindSample(const npu::Program &program, size_t index,
                          Tensor sample, const std::string &where) {
  const npu::TensorDesc &desc = program.tensors[index];
  if (desc.floatInterface && sample.type == npu::ElementType::F32) {
    Result<Tensor> quantized = npu::quantizeInput(desc, sample);
    if (!quantized)
      return quantized.error().withContext(where);
    sample = std::move(*quantized);
  }
  if (npu::Status ok = npu::golden::checkInputTensor(program, index, sample);
      !ok)
    return ok.error().withContext(where);
  return sample;
}

/// The index of the largest value (the first of equal ones).
int64_t argmax(const Tensor &t) {
  int64_t best = 0;
  for (int64_t i = 1; i < t.numElements(); ++i)
    if (t.getInt(i) > t.getInt(best))
      best = i;
  return best;
}

/// Samples of a model with several inputs: one subdirectory of `path` per
/// sample, with NAME.npy or INDEX.npy per input.
Result<std::vector<Sample>> loadSampleDirs(const npu::Program &program,
                                           const std::string &path) {
  const std::vector<size_t> inputs = program.inputIndices();
  std::error_code ec;
  std::vector<std::filesystem::path> dirs;
  if (std::filesystem::is_directory(path, ec))
    for (const auto &entry : std::filesystem::directory_iterator(path, ec))
      if (entry.is_directory(ec))
        dirs.push_back(entry.path());
  std::sort(dirs.begin(), dirs.end());
  if (dirs.empty())
    return makeError("--calib: the model has ", inputs.size(),
                     " inputs: give a directory with one subdirectory per "
                     "sample, holding NAME.npy or INDEX.npy for each input");
  std::vector<Sample> samples;
  for (const std::filesystem::path &dir : dirs) {
    Sample sample;
    for (size_t i = 0; i < inputs.size(); ++i) {
      const std::string &name = program.tensors[inputs[i]].name;
      std::filesystem::path file = dir / (std::to_string(i) + ".npy");
      if (name.find('/') == std::string::npos &&
          std::filesystem::exists(dir / (name + ".npy"), ec))
        file = dir / (name + ".npy");
      if (!std::filesystem::exists(file, ec))
        return makeError("--calib: ", dir.string(), " has no ", name,
                         ".npy or ", i, ".npy for input '", name, "'");
      Result<Tensor> t = npu::readNpy(file.string());
      if (!t)
        return t.error();
      Result<Tensor> bound =
          bindSample(program, inputs[i], std::move(*t), file.string());
      if (!bound)
        return bound.error();
      sample.push_back(std::move(*bound));
    }
    samples.push_back(std::move(sample));
  }
  return samples;
}

/// The samples of a single-input model, one tensor each.
Result<std::vector<Tensor>> loadSingleInput(const npu::Program &program,
                                            size_t index,
                                            const std::string &path) {
  const npu::TensorDesc &desc = program.tensors[index];
  std::vector<Tensor> samples;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    std::vector<std::string> files;
    for (const auto &entry : std::filesystem::directory_iterator(path, ec))
      if (entry.path().extension() == ".npy")
        files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    if (files.empty())
      return makeError("--calib: no .npy file in ", path);
    for (const std::string &file : files) {
      Result<Tensor> t = npu::readNpy(file);
      if (!t)
        return t.error();
      Result<Tensor> bound = bindSample(program, index, std::move(*t), file);
      if (!bound)
        return bound.error();
      samples.push_back(std::move(*bound));
    }
    return samples;
  }
  Result<Tensor> t = npu::readNpy(path);
  if (!t)
    return t.error();
  if (t->shape == desc.shape) {
    Result<Tensor> bound = bindSample(program, index, std::move(*t), path);
    if (!bound)
      return bound.error();
    samples.push_back(std::move(*bound));
    return samples;
  }
  // A batch along axis 0: [N, ...] where one sample is [1, ...].
  const std::vector<int64_t> &shape = t->shape;
  if (desc.shape.empty() || desc.shape[0] != 1 ||
      shape.size() != desc.shape.size() || shape[0] < 1 ||
      !std::equal(shape.begin() + 1, shape.end(), desc.shape.begin() + 1))
    return makeError(path, ": input '", desc.name, "' expects shape ",
                     npu::formatShape(desc.shape),
                     " or a batch of them along axis 0, got ",
                     npu::formatShape(shape));
  const size_t bytes = static_cast<size_t>(t->numElements() / shape[0]) *
                       npu::elementBytes(t->type);
  for (int64_t n = 0; n < shape[0]; ++n) {
    Tensor sample(t->type, desc.shape);
    std::copy_n(t->data.begin() + static_cast<std::ptrdiff_t>(n * bytes), bytes,
                sample.data.begin());
    Result<Tensor> bound = bindSample(program, index, std::move(sample),
                                      path + " sample " + std::to_string(n));
    if (!bound)
      return bound.error();
    samples.push_back(std::move(*bound));
  }
  return samples;
}

} // namespace

Result<std::vector<Sample>> loadCalibration(const npu::Program &program,
                                            const std::string &path) {
  const std::vector<size_t> inputs = program.inputIndices();
  if (inputs.size() != 1)
    return loadSampleDirs(program, path);
  Result<std::vector<Tensor>> tensors =
      loadSingleInput(program, inputs[0], path);
  if (!tensors)
    return tensors.error();
  std::vector<Sample> samples;
  for (Tensor &t : *tensors)
    samples.push_back(Sample{std::move(t)});
  return samples;
}

Result<std::vector<int64_t>> loadLabels(const std::string &path) {
  std::ifstream in(path);
  if (!in)
    return makeError("--labels: cannot open ", path);
  std::vector<int64_t> labels;
  std::string line;
  for (int lineNo = 1; std::getline(in, line); ++lineNo) {
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (line.empty())
      continue;
    const std::string field = line.substr(line.rfind(',') + 1);
    std::istringstream parse(field);
    int64_t label = -1;
    if (!(parse >> label) || !parse.eof() || label < 0)
      return makeError(path, ":", lineNo, ": expected a class index, got '",
                       field, "'");
    labels.push_back(label);
  }
  return labels;
}

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
