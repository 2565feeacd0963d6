//===- TensorIO.cpp - Binding program tensors to .npy files ---------------===//
#include "npu/Program/TensorIO.h"

#include "npu/Golden/Machine.h"
#include "npu/Support/Checksum.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>

namespace npu {

Result<Tensor> quantizeInput(const TensorDesc &desc, const Tensor &values) {
  if (values.type != ElementType::F32)
    return makeError("input '", desc.name, "' expects float32, got ",
                     elementTypeName(values.type));
  const int64_t lo = desc.type == ElementType::I16 ? -32768 : -128;
  const int64_t hi = desc.type == ElementType::I16 ? 32767 : 127;
  Tensor out(desc.type, values.shape);
  for (int64_t i = 0; i < values.numElements(); ++i) {
    float x = 0;
    std::memcpy(&x, values.data.data() + 4 * i, 4);
    if (!std::isfinite(x))
      return makeError("input '", desc.name, "' holds a non-finite value at ",
                       i);
    // TFLite Micro's AffineQuantize divides in float.
    const float q = std::round(x / static_cast<float>(desc.scale));
    // Clamp in double first: q may exceed the int32 range.
    const double clamped = std::clamp(static_cast<double>(q) + desc.zeroPoint,
                                      double(lo), double(hi));
    out.setInt(i, static_cast<int64_t>(clamped));
  }
  return out;
}

Tensor dequantizeOutput(const TensorDesc &desc, const Tensor &values) {
  Tensor out(ElementType::F32, values.shape);
  for (int64_t i = 0; i < values.numElements(); ++i) {
    const auto f = static_cast<float>(
        desc.scale * static_cast<double>(values.getInt(i) - desc.zeroPoint));
    std::memcpy(out.data.data() + 4 * i, &f, 4);
  }
  return out;
}

Result<std::vector<Tensor>> bindInputs(const Program &program,
                                       const std::vector<std::string> &specs) {
  const std::vector<size_t> inputs = program.inputIndices();
  std::vector<std::optional<Tensor>> bound(inputs.size());
  for (const std::string &spec : specs) {
    size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
      return makeError("--input expects NAME=FILE.npy, got '", spec, "'");
    std::string name = spec.substr(0, eq), path = spec.substr(eq + 1);
    std::optional<size_t> position;
    for (size_t i = 0; i < inputs.size(); ++i)
      if (program.tensors[inputs[i]].name == name)
        position = i;
    if (!position) {
      size_t index = 0;
      auto [ptr, ec] =
          std::from_chars(name.data(), name.data() + name.size(), index);
      if (ec == std::errc() && ptr == name.data() + name.size() &&
          index < inputs.size())
        position = index;
    }
    if (!position) {
      std::string known;
      for (size_t i = 0; i < inputs.size(); ++i)
        known += (i ? ", " : "") + program.tensors[inputs[i]].name;
      return makeError("--input ", name,
                       ": the program has no input of that "
                       "name or index (inputs: ",
                       known, ")");
    }
    if (bound[*position])
      return makeError("--input ", name, ": given twice");
    Result<Tensor> tensor = readNpy(path);
    if (!tensor)
      return tensor.error();
    const TensorDesc &desc = program.tensors[inputs[*position]];
    if (desc.floatInterface && tensor->type == ElementType::F32) {
      if (tensor->shape != desc.shape)
        return makeError(path, ": input '", desc.name, "' expects shape ",
                         formatShape(desc.shape), ", got ",
                         formatShape(tensor->shape));
      tensor = quantizeInput(desc, *tensor);
      if (!tensor)
        return tensor.error().withContext(path);
    }
    Status ok = golden::checkInputTensor(program, inputs[*position], *tensor);
    if (!ok)
      return ok.error().withContext(path);
    bound[*position] = tensor.take();
  }
  std::vector<Tensor> result;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (bound[i]) {
      result.push_back(std::move(*bound[i]));
      continue;
    }
    const TensorDesc &desc = program.tensors[inputs[i]];
    auto it = std::find_if(
        program.defaultInputs.begin(), program.defaultInputs.end(),
        [&](const DefaultInput &d) { return d.tensorIndex == inputs[i]; });
    if (it == program.defaultInputs.end())
      return makeError("no data for input '", desc.name, "': pass --input ",
                       desc.name, "=FILE.npy");
    Tensor tensor(desc.type, desc.shape);
    tensor.data = it->data;
    result.push_back(std::move(tensor));
  }
  return result;
}

Result<LoadedProgram>
loadProgramWithInputs(const std::string &path,
                      const std::vector<std::string> &specs) {
  Result<Program> program = readProgramFile(path);
  if (!program)
    return program.error();
  Result<ArchConfig> arch = program->recordedArch();
  if (!arch)
    return arch.error().withContext(path);
  Result<std::vector<Tensor>> inputs = bindInputs(*program, specs);
  if (!inputs)
    return inputs.error();
  return LoadedProgram{program.take(), arch.take(), inputs.take()};
}

std::string sanitizeTensorName(const std::string &name) {
  std::string out = name;
  for (char &c : out) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok)
      c = '_';
  }
  return out.empty() ? "_" : out;
}

namespace {

/// `base` cut to kMaxOutputBaseLength characters: its head, '_' and the
/// 16 hex digits of a 64-bit FNV-1a hash of the whole (file systems refuse
/// names over 255 bytes; converters write tensor names of 300 and more).
std::string boundedFileBase(const std::string &base) {
  if (base.size() <= kMaxOutputBaseLength)
    return base;
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx",
                static_cast<unsigned long long>(fnv1a64(base)));
  return base.substr(0, kMaxOutputBaseLength - 17) + "_" + hex;
}

} // namespace

std::vector<std::string> outputFileNames(const Program &program) {
  std::vector<std::string> names;
  std::set<std::string> used;
  const std::vector<size_t> outputs = program.outputIndices();
  for (size_t i = 0; i < outputs.size(); ++i) {
    std::string base =
        boundedFileBase(sanitizeTensorName(program.tensors[outputs[i]].name));
    std::string file = base + ".npy";
    if (!used.insert(file).second) {
      file = base + "_" + std::to_string(i) + ".npy";
      used.insert(file);
    }
    names.push_back(file);
  }
  return names;
}

Status writeOutputs(const Program &program, const std::vector<Tensor> &outputs,
                    const std::string &dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return makeError(dir, ": cannot create directory: ", ec.message());
  const std::vector<size_t> indices = program.outputIndices();
  const std::vector<std::string> files = outputFileNames(program);
  nlohmann::json list = nlohmann::json::array();
  for (size_t i = 0; i < indices.size() && i < outputs.size(); ++i) {
    const TensorDesc &desc = program.tensors[indices[i]];
    const std::string path = (std::filesystem::path(dir) / files[i]).string();
    NPU_TRY(writeNpy(path, desc.floatInterface
                               ? dequantizeOutput(desc, outputs[i])
                               : outputs[i]));
    nlohmann::json entry = {
        {"index", i},
        {"name", desc.name},
        {"file", files[i]},
        {"shape", desc.shape},
        {"dtype", std::string(elementTypeName(
                      desc.floatInterface ? ElementType::F32 : desc.type))},
        {"scale", desc.scale},
        {"zero_point", desc.zeroPoint}};
    if (desc.floatInterface)
      entry["quantized_dtype"] = std::string(elementTypeName(desc.type));
    list.push_back(std::move(entry));
  }
  const std::string jsonPath =
      (std::filesystem::path(dir) / "outputs.json").string();
  std::ofstream out(jsonPath);
  out << nlohmann::json{{"outputs", list}}.dump(2) << "\n";
  if (!out)
    return makeError(jsonPath, ": write error");
  return Status::success();
}

} // namespace npu
