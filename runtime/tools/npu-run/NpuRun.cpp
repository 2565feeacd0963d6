//===- NpuRun.cpp - Run a prog.bin on the golden executor -----------------===//
//
// npu-run prog.bin [--input NAME=FILE.npy]... [--output-dir DIR]
//                  [--expect NAME=FILE.npy]...
// Functional run with no timing (npusim adds timing). Prints the outputs and
// the event counters; --expect compares an output bit for bit with a file and
// fails on any difference.
//
//===----------------------------------------------------------------------===//
#include "npu/Golden/Machine.h"
#include "npu/Program/Hazards.h"
#include "npu/Program/TensorIO.h"

#include "../common/CommandLine.h"

#include <cstdio>
#include <cstring>

namespace po = boost::program_options;
using namespace npu;

namespace {

int fail(const std::string &message) { return tools::fail("npu-run", message); }

void printTensor(const TensorDesc &desc, const Tensor &t) {
  std::printf("output %s %s %s:", desc.name.c_str(),
              std::string(elementTypeName(t.type)).c_str(),
              formatShape(t.shape).c_str());
  const int64_t n = t.numElements();
  const int64_t shown = std::min<int64_t>(n, 64);
  for (int64_t i = 0; i < shown; ++i)
    std::printf(" %lld", static_cast<long long>(t.getInt(i)));
  if (shown < n)
    std::printf(" ... (%lld elements)", static_cast<long long>(n));
  std::printf("\n");
}

/// Compares output NAME (name or index) with a .npy file; returns an error
/// message or "" when equal.
std::string checkExpect(const Program &program,
                        const std::vector<Tensor> &outputs,
                        const std::string &spec) {
  size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0)
    return "--expect expects NAME=FILE.npy, got '" + spec + "'";
  const std::string name = spec.substr(0, eq), path = spec.substr(eq + 1);
  const std::vector<size_t> indices = program.outputIndices();
  size_t which = indices.size();
  for (size_t i = 0; i < indices.size(); ++i)
    if (program.tensors[indices[i]].name == name || std::to_string(i) == name)
      which = i;
  if (which == indices.size())
    return "--expect " + name + ": no output of that name or index";
  Result<Tensor> expected = readNpy(path);
  if (!expected)
    return expected.error().getMessage();
  // A float-interface output compares as float32 with a float32 file
  // (bit for bit), else as the program's integers.
  const TensorDesc &desc = program.tensors[indices[which]];
  const Tensor got = desc.floatInterface && expected->type == ElementType::F32
                         ? dequantizeOutput(desc, outputs[which])
                         : outputs[which];
  if (expected->type != got.type || expected->shape != got.shape)
    return path + ": expected " + std::string(elementTypeName(expected->type)) +
           formatShape(expected->shape) + ", output is " +
           std::string(elementTypeName(got.type)) + formatShape(got.shape);
  const size_t bytes = elementBytes(got.type);
  int64_t differ = 0, first = -1;
  for (int64_t i = 0; i < got.numElements(); ++i)
    if (std::memcmp(got.data.data() + i * bytes,
                    expected->data.data() + i * bytes, bytes) != 0) {
      if (first < 0)
        first = i;
      ++differ;
    }
  auto valueText = [](const Tensor &t, int64_t i) {
    if (t.type != ElementType::F32)
      return std::to_string(t.getInt(i));
    float f = 0;
    std::memcpy(&f, t.data.data() + 4 * i, 4);
    char text[32];
    std::snprintf(text, sizeof text, "%.9g", static_cast<double>(f));
    return std::string(text);
  };
  if (differ)
    return "output " + name + " differs from " + path + " in " +
           std::to_string(differ) + " of " + std::to_string(got.numElements()) +
           " elements (first at " + std::to_string(first) + ": got " +
           valueText(got, first) + ", expected " + valueText(*expected, first) +
           ")";
  std::printf("output %s matches %s bit for bit (%lld elements)\n",
              name.c_str(), path.c_str(),
              static_cast<long long>(got.numElements()));
  return "";
}

} // namespace

int main(int argc, char **argv) {
  po::options_description options("npu-run options");
  options.add_options()("help,h", "show this help")(
      "input", po::value<std::vector<std::string>>()->composing(),
      "NAME=FILE.npy: input by tensor name or 0-based index")(
      "output-dir", po::value<std::string>(),
      "write <name>.npy per output and outputs.json")(
      "expect", po::value<std::vector<std::string>>()->composing(),
      "NAME=FILE.npy: fail unless the output equals the file")(
      "quiet,q", "do not print outputs and counters")(
      "no-hazard-check",
      "run even if the tokens leave a hazard between queues unordered")(
      "file", po::value<std::string>(), "program binary");
  po::variables_map vm;
  if (std::optional<int> exit = tools::parseCommandLine(
          argc, argv, "npu-run", "npu-run prog.bin [options]", options, "file",
          vm))
    return *exit;
  const std::string path = vm["file"].as<std::string>();
  std::vector<std::string> specs;
  if (vm.count("input"))
    specs = vm["input"].as<std::vector<std::string>>();
  Result<LoadedProgram> loaded = loadProgramWithInputs(path, specs);
  if (!loaded)
    return fail(loaded.error().getMessage());
  const Program &program = loaded->program;
  if (!vm.count("no-hazard-check")) {
    Status ordered = checkHazards(program);
    if (!ordered)
      return fail(path + ": " + ordered.error().getMessage());
  }
  Result<golden::RunResult> run = golden::runProgram(program, loaded->inputs);
  if (!run)
    return fail(path + ": " + run.error().getMessage());

  const std::vector<size_t> outputs = program.outputIndices();
  if (!vm.count("quiet")) {
    for (size_t i = 0; i < outputs.size(); ++i)
      printTensor(program.tensors[outputs[i]], run->outputs[i]);
    const golden::Counters &t = run->total;
    std::printf("instructions %llu, MACs %llu, accumulator overflows %llu, "
                "saturations %llu\n",
                static_cast<unsigned long long>(t.instructions),
                static_cast<unsigned long long>(t.macs),
                static_cast<unsigned long long>(t.accOverflow),
                static_cast<unsigned long long>(t.saturation));
    for (size_t l = 0; l < program.layers.size(); ++l) {
      const golden::Counters &c = run->perLayer[l];
      std::printf("  layer %-24s MACs %10llu  overflows %llu  saturations "
                  "%llu\n",
                  program.layers[l].name.c_str(),
                  static_cast<unsigned long long>(c.macs),
                  static_cast<unsigned long long>(c.accOverflow),
                  static_cast<unsigned long long>(c.saturation));
    }
  }
  if (vm.count("output-dir")) {
    Status written =
        writeOutputs(program, run->outputs, vm["output-dir"].as<std::string>());
    if (!written)
      return fail(written.error().getMessage());
  }
  if (vm.count("expect"))
    for (const std::string &spec :
         vm["expect"].as<std::vector<std::string>>()) {
      std::string problem = checkExpect(program, run->outputs, spec);
      if (!problem.empty())
        return fail(problem);
    }
  return 0;
}
