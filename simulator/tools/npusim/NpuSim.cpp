//===- NpuSim.cpp - Cycle-accurate simulation of a prog.bin ---------------===//
//
// npusim prog.bin [--arch NAME|FILE] [--set key=value]...
//                 [--input NAME=FILE.npy]... [--output-dir DIR]
//                 [--json | --csv] [--trace[=FILE]] [--vcd FILE]
//                 [--array-model tile|cycle|rtl] [--rtl] [--golden]
//
// Runs the program on the SystemC model and prints the report
// (docs/simulator.md, "Statistics and reports"). --golden runs the functional
// executor alone: the same outputs, event counts and no timing. --rtl (=
// --array-model rtl) steps the Verilated RTL array (rtl/) in place of the
// SystemC array model; an npusim built without it (NPU_ENABLE_RTL=OFF)
// refuses --rtl.
//
//===----------------------------------------------------------------------===//
#include "npusim/Report/Report.h"
#include "npusim/Simulator.h"

#ifdef NPU_HAVE_RTL
#include "npurtl/RtlArrays.h"
#endif

#include "npu/Golden/Machine.h"
#include "npu/Program/Hazards.h"
#include "npu/Program/TensorIO.h"

#include "common/CommandLine.h"

#include <nlohmann/json.hpp>

#include <systemc>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace po = boost::program_options;
using namespace npu;

namespace {

int fail(const std::string &message) { return tools::fail("npusim", message); }

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

/// --host-time: one line on stderr with the host time of the run.
void printHostTime(const char *what, double seconds, uint64_t macs,
                   uint64_t cycles) {
  std::fprintf(stderr,
               "npusim: host time: %s %.6f s, %.4g simulated MACs/s, %.4g "
               "simulated cycles/s\n",
               what, seconds, seconds > 0 ? double(macs) / seconds : 0.0,
               seconds > 0 ? double(cycles) / seconds : 0.0);
}

/// The configuration to simulate: --arch if given, else the preset the
/// program was compiled for (when the binary's hash says it is unchanged),
/// else the defaults with the fields the binary records. --set applies on
/// top.
Result<ArchConfig> chooseArch(const LoadedProgram &loaded,
                              const po::variables_map &vm, bool &guessed) {
  const Program &program = loaded.program;
  guessed = false;
  Result<ArchConfig> config = makeError("unreachable");
  if (vm.count("arch")) {
    config = resolveArchConfig(vm["arch"].as<std::string>());
  } else {
    const std::vector<std::string> presets = archPresetNames();
    Result<ArchConfig> preset = makeError("not a preset");
    if (std::find(presets.begin(), presets.end(), program.archName) !=
        presets.end())
      preset = resolveArchConfig(program.archName);
    if (preset && archConfigHash(*preset) == program.archHash) {
      config = std::move(preset);
    } else {
      config = loaded.recordedArch;
      guessed = true;
    }
  }
  if (!config)
    return config;
  if (vm.count("set"))
    for (const std::string &assignment :
         vm["set"].as<std::vector<std::string>>())
      NPU_TRY(applyArchOverride(*config, assignment));
  NPU_TRY(validateArchConfig(*config));
  return config;
}

Status writeText(const std::string &path, const std::string &text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out)
    return makeError("cannot write ", path);
  return Status::success();
}

std::string defaultTracePath(const std::string &program) {
  std::string base = program;
  if (base.size() > 4 && base.compare(base.size() - 4, 4, ".bin") == 0)
    base.resize(base.size() - 4);
  return base + ".trace.json";
}

int runGolden(const Program &program, const std::string &path,
              const std::vector<Tensor> &inputs, const po::variables_map &vm) {
  const auto start = std::chrono::steady_clock::now();
  Result<golden::RunResult> run = golden::runProgram(program, inputs);
  const double seconds = secondsSince(start);
  if (!run)
    return fail(path + ": " + run.error().getMessage());
  if (vm.count("host-time"))
    printHostTime("golden", seconds, run->total.macs, 0);
  if (vm.count("output-dir"))
    if (Status s = writeOutputs(program, run->outputs,
                                vm["output-dir"].as<std::string>());
        !s)
      return fail(s.error().getMessage());
  // MACs as the timed report gives them (the model's per layer).
  golden::Counters t = run->total;
  for (size_t l = 0; l < program.layers.size(); ++l) {
    const uint64_t computed = run->perLayer[l].macs;
    run->perLayer[l].macs = reportedMacs(program.layers[l], computed);
    t.macs = t.macs - computed + run->perLayer[l].macs;
  }
  if (vm.count("json")) {
    nlohmann::ordered_json j;
    j["program"] = path;
    j["mode"] = "golden";
    j["instructions"] = t.instructions;
    j["macs"] = t.macs;
    j["overflow"] = {{"accumulator", t.accOverflow},
                     {"saturation", t.saturation}};
    nlohmann::ordered_json layers = nlohmann::ordered_json::array();
    for (size_t l = 0; l < program.layers.size(); ++l)
      layers.push_back({{"name", program.layers[l].name},
                        {"macs", run->perLayer[l].macs},
                        {"overflow",
                         {{"accumulator", run->perLayer[l].accOverflow},
                          {"saturation", run->perLayer[l].saturation}}}});
    j["layers"] = std::move(layers);
    std::printf("%s\n", j.dump(2).c_str());
  } else if (!vm.count("csv")) {
    std::printf("npusim --golden: %s: functional run, no timing\n"
                "  instructions %llu, MACs %llu, accumulator overflows %llu, "
                "saturations %llu\n",
                path.c_str(), (unsigned long long)t.instructions,
                (unsigned long long)t.macs, (unsigned long long)t.accOverflow,
                (unsigned long long)t.saturation);
  }
  return 0;
}

} // namespace

/// SystemC's own main would print its banner on stdout, which belongs to
/// the report.
int main(int argc, char **argv) {
  setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", /*overwrite=*/0);
  return sc_core::sc_elab_and_sim(argc, argv);
}

int sc_main(int argc, char **argv) {
  po::options_description options("npusim options");
  options.add_options()("help,h", "show this help")(
      "arch", po::value<std::string>(),
      "ArchConfig preset name or YAML file (default: the one the program was "
      "compiled for)")("set",
                       po::value<std::vector<std::string>>()->composing(),
                       "override one ArchConfig field: key=value")(
      "input", po::value<std::vector<std::string>>()->composing(),
      "NAME=FILE.npy: input by tensor name or 0-based index (default: the "
      "inputs embedded in the program)")(
      "output-dir", po::value<std::string>(),
      "write <name>.npy per output and outputs.json")(
      "json", "print the report as one JSON object")(
      "csv", "print the per-layer report as CSV")(
      "trace", po::value<std::string>()->implicit_value(""),
      "write a Chrome trace-event timeline (Perfetto, chrome://tracing) to "
      "FILE (default: <program>.trace.json)")(
      "vcd", po::value<std::string>(), "write signal waves to FILE (VCD)")(
      "array-model", po::value<std::string>()->default_value("tile"),
      "systolic array model: tile (fast), cycle (steps every PE each "
      "cycle) or rtl (steps the Verilated RTL array); identical cycles and "
      "bits")("rtl", "same as --array-model rtl")(
      "golden", "run the functional golden executor alone (no timing)")(
      "host-time",
      "print the host time of the simulation (or --golden run) on stderr")(
      "file", po::value<std::string>(), "program binary");
  po::variables_map vm;
  if (std::optional<int> exit = tools::parseCommandLine(
          argc, argv, "npusim", "npusim prog.bin [options]", options, "file",
          vm))
    return *exit;
  if (vm.count("json") && vm.count("csv"))
    return fail("--json and --csv are exclusive");
  const std::string model =
      vm.count("rtl") ? "rtl" : vm["array-model"].as<std::string>();
  if (model != "tile" && model != "cycle" && model != "rtl")
    return fail("--array-model must be tile, cycle or rtl, got '" + model +
                "'");
#ifndef NPU_HAVE_RTL
  if (model == "rtl")
    return fail(std::string(vm.count("rtl") ? "--rtl" : "--array-model rtl") +
                ": npusim was built without RTL support (NPU_ENABLE_RTL=OFF)");
#endif

  const std::string path = vm["file"].as<std::string>();
  std::vector<std::string> specs;
  if (vm.count("input"))
    specs = vm["input"].as<std::vector<std::string>>();
  Result<LoadedProgram> loaded = loadProgramWithInputs(path, specs);
  if (!loaded)
    return fail(loaded.error().getMessage());
  const Program &program = loaded->program;
  const std::vector<Tensor> &inputs = loaded->inputs;

  if (vm.count("golden")) {
    // The golden executor computes with the fields the program records;
    // a target given with --arch or --set must agree with them.
    if (vm.count("arch") || vm.count("set")) {
      bool guessedArch = false;
      Result<ArchConfig> target = chooseArch(*loaded, vm, guessedArch);
      if (!target)
        return fail(target.error().getMessage());
      if (Status same = checkArchCompatible(*target, program.archFields); !same)
        return fail(path + ": " + same.error().getMessage());
    }
    if (Status ordered = checkHazards(program); !ordered)
      return fail(path + ": " + ordered.error().getMessage());
    return runGolden(program, path, inputs, vm);
  }

  bool guessed = false;
  Result<ArchConfig> config = chooseArch(*loaded, vm, guessed);
  if (!config)
    return fail(config.error().getMessage());
  if (guessed)
    std::fprintf(stderr,
                 "npusim: note: %s was compiled for '%s', not an unchanged "
                 "preset; simulating the defaults with the fields the binary "
                 "records (pass --arch for the timing and energy fields)\n",
                 path.c_str(), program.archName.c_str());

  sim::SimOptions simOptions;
  simOptions.arrayModel = model == "cycle" ? sim::ArrayModel::Cycle
                          : model == "rtl" ? sim::ArrayModel::Rtl
                                           : sim::ArrayModel::Tile;
#ifdef NPU_HAVE_RTL
  simOptions.rtlArray = [](const ArchConfig &c) {
    return rtl::makeRtlArray(rtl::RtlArrayConfig::of(c));
  };
#endif
  simOptions.collectTrace = vm.count("trace") != 0;
  if (vm.count("vcd"))
    simOptions.vcdPath = vm["vcd"].as<std::string>();
  const auto start = std::chrono::steady_clock::now();
  Result<sim::SimResult> result =
      sim::simulate(program, *config, inputs, simOptions);
  const double seconds = secondsSince(start);
  if (!result)
    return fail(path + ": " + result.error().getMessage());
  if (vm.count("host-time"))
    printHostTime(model.c_str(), seconds, result->stats.total.counters.macs,
                  result->stats.cycles);

  if (vm.count("output-dir"))
    if (Status s = writeOutputs(program, result->outputs,
                                vm["output-dir"].as<std::string>());
        !s)
      return fail(s.error().getMessage());
  sim::ReportContext context{path, &program, &*config, simOptions.arrayModel,
                             &result->stats};
  if (simOptions.collectTrace) {
    std::string tracePath = vm["trace"].as<std::string>();
    if (tracePath.empty())
      tracePath = defaultTracePath(path);
    if (Status s = writeText(tracePath,
                             sim::formatChromeTrace(context, result->trace));
        !s)
      return fail(s.error().getMessage());
  }
  if (vm.count("json"))
    std::fputs(sim::formatJsonReport(context).c_str(), stdout);
  else if (vm.count("csv"))
    std::fputs(sim::formatCsvReport(context).c_str(), stdout);
  else
    std::fputs(sim::formatTextReport(context).c_str(), stdout);
  return 0;
}
