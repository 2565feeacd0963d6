//===- Calibration.cpp - npuc's calibration inputs and labels -------------===//
#include "Calibration.h"

#include "npu/Golden/Machine.h"
#include "npu/Program/TensorIO.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

using npu::makeError;
using npu::Result;
using npu::Tensor;

namespace npuc {

namespace {

/// An input samples are loaded for.
struct InputSpec {
  std::string name;
  std::vector<int64_t> shape;
};

/// Checks (and converts) a loaded tensor as input `k`; `where` names the
/// file in errors.
using BindFn =
    std::function<Result<Tensor>(size_t k, Tensor, const std::string &where)>;

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

/// Samples of a model with several inputs: one subdirectory of `path` per
/// sample, with NAME.npy or INDEX.npy per input.
Result<std::vector<Sample>> loadSampleDirs(const std::vector<InputSpec> &inputs,
                                           const std::string &path,
                                           const BindFn &bind) {
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
      const std::string &name = inputs[i].name;
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
      Result<Tensor> bound = bind(i, std::move(*t), file.string());
      if (!bound)
        return bound.error();
      sample.push_back(std::move(*bound));
    }
    samples.push_back(std::move(sample));
  }
  return samples;
}

/// The samples of a single-input model, one tensor each.
Result<std::vector<Tensor>> loadSingleInput(const InputSpec &desc,
                                            const std::string &path,
                                            const BindFn &bind) {
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
      Result<Tensor> bound = bind(0, std::move(*t), file);
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
    Result<Tensor> bound = bind(0, std::move(*t), path);
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
    Result<Tensor> bound =
        bind(0, std::move(sample), path + " sample " + std::to_string(n));
    if (!bound)
      return bound.error();
    samples.push_back(std::move(*bound));
  }
  return samples;
}

/// The samples at `path` for `inputs` (see loadCalibration).
Result<std::vector<Sample>> loadSamples(const std::vector<InputSpec> &inputs,
                                        const std::string &path,
                                        const BindFn &bind) {
  if (inputs.size() != 1)
    return loadSampleDirs(inputs, path, bind);
  Result<std::vector<Tensor>> tensors = loadSingleInput(inputs[0], path, bind);
  if (!tensors)
    return tensors.error();
  std::vector<Sample> samples;
  for (Tensor &t : *tensors)
    samples.push_back(Sample{std::move(t)});
  return samples;
}

} // namespace

Result<std::vector<Sample>> loadCalibration(const npu::Program &program,
                                            const std::string &path) {
  std::vector<InputSpec> inputs;
  for (size_t index : program.inputIndices())
    inputs.push_back(
        {program.tensors[index].name, program.tensors[index].shape});
  return loadSamples(inputs, path,
                     [&](size_t k, Tensor t, const std::string &where) {
                       return bindSample(program, program.inputIndices()[k],
                                         std::move(t), where);
                     });
}

Result<mlir::npu::TfliteCalibration>
loadFloatCalibration(const mlir::npu::TfliteSignature &signature,
                     const std::string &path) {
  std::vector<InputSpec> inputs;
  for (const mlir::npu::TfliteInput &in : signature.inputs)
    inputs.push_back({in.name, in.shape});
  Result<std::vector<Sample>> samples = loadSamples(
      inputs, path,
      [&](size_t k, Tensor t, const std::string &where) -> Result<Tensor> {
        if (t.type != npu::ElementType::F32)
          return makeError(where, ": input '", inputs[k].name,
                           "' of a float32 model needs float32 samples");
        if (t.shape != inputs[k].shape)
          return makeError(where, ": input '", inputs[k].name,
                           "' expects shape ",
                           npu::formatShape(inputs[k].shape), ", got ",
                           npu::formatShape(t.shape));
        return t;
      });
  if (!samples)
    return samples.error();
  mlir::npu::TfliteCalibration calibration;
  for (const Sample &sample : *samples) {
    std::vector<std::vector<float>> values;
    for (const Tensor &t : sample) {
      std::vector<float> v(static_cast<size_t>(t.numElements()));
      std::memcpy(v.data(), t.data.data(), v.size() * sizeof(float));
      for (float x : v)
        if (!std::isfinite(x))
          return makeError("--calib: a sample holds a non-finite value");
      values.push_back(std::move(v));
    }
    calibration.samples.push_back(std::move(values));
  }
  return calibration;
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

} // namespace npuc
