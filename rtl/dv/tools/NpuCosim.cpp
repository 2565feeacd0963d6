//===- NpuCosim.cpp - Lockstep co-simulation of the RTL array -------------===//
//
// npu-cosim --list
// npu-cosim --config NAME --random N [--seed S] [--vcd FILE]
// npu-cosim --program prog.bin [--input NAME=FILE.npy]... [--max-gemms N]
//           [--vcd FILE]
// npu-cosim --config NAME --bench CYCLES
//
// Drives the Verilated RTL array and the simulator's register model
// (CycleArrayModel) with identical stimuli every cycle through the
// LockstepChecker: random weight preloads and gemms (any shape, zero
// points, shifts, accumulation, narrow accumulators that overflow), or the
// load.weights/gemm instructions of a real program, with its data, in
// which case every gemm's results and overflow count are also compared
// with the golden executor. The RTL's waves go to FILE (default
// npu-cosim-<config>.vcd), kept when something differs. Prints one line;
// exit status 1 on the first difference, naming cycle, PE, expected and
// actual. --bench times the RTL and the register model alone (no
// checking) on a stream of full-array gemms and prints cycles per second.
//
//===----------------------------------------------------------------------===//
#include "npurtl/LockstepChecker.h"
#include "npurtl/RtlArrays.h"

#include "npusim/Array/ArrayDriver.h"
#include "npusim/Array/CycleArrayModel.h"

#include "npu/Golden/Loader.h"
#include "npu/Program/TensorIO.h"

#include "common/CommandLine.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <random>

namespace po = boost::program_options;
using namespace npu;
using namespace npu::sim;

namespace {

int fail(const std::string &message) {
  return tools::fail("npu-cosim", message);
}

/// A reference model and a Verilated array in lockstep.
struct Pair {
  std::unique_ptr<ArrayPort> model, rtl;
  std::unique_ptr<rtl::LockstepChecker> checker;
  std::string vcdPath;
  bool keepVcd = false;
};

Result<Pair> makePair(const rtl::RtlArrayConfig &config,
                      const std::string &vcdOption) {
  Pair p;
  p.vcdPath =
      vcdOption.empty() ? "npu-cosim-" + config.name() + ".vcd" : vcdOption;
  p.keepVcd = !vcdOption.empty();
  Result<std::unique_ptr<ArrayPort>> rtlArray =
      rtl::makeRtlArray(config, p.vcdPath);
  if (!rtlArray)
    return rtlArray.error();
  p.rtl = std::move(*rtlArray);
  p.model = std::make_unique<CycleArrayModel>(
      config.rows, config.cols, config.accBits,
      config.saturate ? OverflowPolicy::Saturate : OverflowPolicy::Wrap);
  p.checker = std::make_unique<rtl::LockstepChecker>(*p.model, *p.rtl);
  return p;
}

/// Ends a run: the waves stay only when asked for or when something
/// differed.
int finish(Pair &pair, const Status &status, const std::string &summary) {
  pair.rtl.reset(); // closes the VCD
  if (!status) {
    return fail(status.error().getMessage() + " (RTL waves: " + pair.vcdPath +
                ")");
  }
  if (!pair.keepVcd)
    std::remove(pair.vcdPath.c_str());
  std::printf("%s\n", summary.c_str());
  return 0;
}

Status runRandom(const rtl::RtlArrayConfig &config, Pair &pair, uint64_t tiles,
                 uint64_t seed, uint64_t &gemms) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  const unsigned rows = config.rows, cols = config.cols;
  const int64_t wMin = -(int64_t(1) << (config.weightBits - 1));
  // Low-bit arrays also take unsigned weights (load.weights low_point).
  const int64_t wMax =
      config.weightBits < 8 ? (int64_t(1) << config.weightBits) - 1 : -wMin - 1;
  const int64_t accMax = (int64_t(1) << (config.accBits - 1)) - 1;
  ArrayInputs in(rows, cols);
  std::vector<std::vector<int32_t>> w(rows, std::vector<int32_t>(cols));
  for (uint64_t t = 0; t < tiles; ++t) {
    // A preload now and then (weights stay between gemms).
    if (t == 0 || uniform(0, 2) == 0) {
      for (auto &row : w)
        for (int32_t &v : row)
          v = static_cast<int32_t>(uniform(wMin, wMax));
      PreloadShape preload;
      preload.rowReads = static_cast<unsigned>(uniform(1, 2));
      for (uint64_t e = 0; e < preloadEdges(rows, preload); ++e) {
        preloadInputs(
            rows, preload, e, in,
            [&](unsigned r, std::vector<int32_t> &row) { row = w[r]; });
        NPU_TRY(pair.checker->step(in));
      }
    }
    GemmShape g;
    g.vectors = static_cast<uint64_t>(uniform(1, 40));
    g.k = static_cast<unsigned>(uniform(1, rows));
    g.cols = static_cast<unsigned>(uniform(1, cols));
    g.accShift =
        static_cast<unsigned>(uniform(0, config.accBits < 24 ? 6 : 12));
    g.accumulate = uniform(0, 1) != 0;
    std::vector<std::vector<int32_t>> x(g.vectors, std::vector<int32_t>(rows));
    for (auto &v : x)
      for (int32_t &e : v)
        e = static_cast<int32_t>(uniform(0, 9) == 0
                                     ? (uniform(0, 1) ? 255 : -255)
                                     : uniform(-255, 255));
    std::vector<std::vector<int64_t>> old(g.vectors,
                                          std::vector<int64_t>(cols));
    for (auto &v : old)
      for (int64_t &e : v)
        e = uniform(-accMax - 1, accMax);
    const uint64_t edges = CycleArrayModel::gemmCycles(g.vectors, rows, g.cols);
    for (uint64_t e = 0; e < edges; ++e) {
      gemmInputs(
          rows, g, e, in, [&](uint64_t n, unsigned r) { return x[n][r]; },
          [&](uint64_t n, unsigned c) { return old[n][c]; });
      NPU_TRY(pair.checker->step(in));
    }
    ++gemms;
    // A few idle cycles.
    for (int64_t i = uniform(0, 3); i > 0; --i) {
      std::fill(in.actValid.begin(), in.actValid.end(), 0);
      in.weightShift = false;
      NPU_TRY(pair.checker->step(in));
    }
  }
  return Status::success();
}

Status runProgram(const Program &program, const std::vector<Tensor> &inputs,
                  const ArchConfig &config, Pair &pair, uint64_t maxGemms,
                  uint64_t &gemms, uint64_t &goldenEvents) {
  golden::Machine machine(config, program.dramSize);
  NPU_TRY(golden::loadProgram(machine, program, inputs));
  const unsigned rows = static_cast<unsigned>(config.array.rows);
  const unsigned cols = static_cast<unsigned>(config.array.cols);
  ArrayInputs in(rows, cols);
  for (size_t i = 0; i < program.instructions.size() && gemms < maxGemms; ++i) {
    const isa::Instruction &instr = program.instructions[i];
    const std::string where = "instruction " + std::to_string(i) + " (" +
                              isa::mnemonicOf(instr) + ")";
    if (const auto *l = std::get_if<isa::LoadWeights>(&instr)) {
      const PreloadShape preload;
      const std::vector<uint8_t> &wbuf = machine.sram(isa::Buffer::WBuf);
      for (uint64_t e = 0; e < preloadEdges(rows, preload); ++e) {
        preloadInputs(rows, preload, e, in,
                      [&](unsigned r, std::vector<int32_t> &row) {
                        loadWeightsRow(*l, wbuf, r, row);
                      });
        if (Status s = pair.checker->step(in); !s)
          return s.error().withContext(where);
      }
    }
    std::map<std::pair<uint64_t, unsigned>, int64_t> results;
    uint64_t eventsBefore = pair.checker->events();
    if (const auto *g = std::get_if<isa::Gemm>(&instr)) {
      const GemmShape shape = gemmShapeOf(*g);
      const std::vector<uint8_t> &ibuf = machine.sram(isa::Buffer::IBuf);
      const std::vector<uint8_t> &abuf = machine.sram(isa::Buffer::ABuf);
      const uint64_t edges =
          CycleArrayModel::gemmCycles(shape.vectors, rows, shape.cols);
      for (uint64_t e = 0; e < edges; ++e) {
        gemmInputs(
            rows, shape, e, in,
            [&](uint64_t n, unsigned r) {
              return gemmActivation(*g, ibuf, n, r);
            },
            [&](uint64_t n, unsigned c) {
              return gemmOldAccumulator(*g, abuf, n, c);
            });
        if (Status s = pair.checker->step(in); !s)
          return s.error().withContext(where);
        gemmResults(rows, shape, e, pair.checker->outputs(),
                    [&](uint64_t n, unsigned c, int64_t v) {
                      results[{n, c}] = v;
                    });
      }
    }
    golden::Counters counters;
    NPU_TRY(machine.execute(instr, counters));
    if (const auto *g = std::get_if<isa::Gemm>(&instr)) {
      ++gemms;
      goldenEvents += counters.accOverflow;
      const std::vector<uint8_t> &abuf = machine.sram(isa::Buffer::ABuf);
      for (const auto &[key, value] : results) {
        const int64_t golden =
            gemmOldAccumulator(*g, abuf, key.first, key.second);
        if (golden != value)
          return makeError(where, ": vector ", key.first, " column ",
                           key.second, ": the arrays computed ", value,
                           ", the golden executor ", golden);
      }
      const uint64_t events = pair.checker->events() - eventsBefore;
      if (events != counters.accOverflow)
        return makeError(where, ": the arrays counted ", events,
                         " overflow events, the golden executor ",
                         counters.accOverflow);
    }
  }
  return Status::success();
}

/// Host cycles per second of `port` on back-to-back full-array gemms of
/// 64 vectors with random data.
double benchCyclesPerSecond(ArrayPort &port, uint64_t cycles) {
  const unsigned rows = port.numRows(), cols = port.numCols();
  std::mt19937 rng(3);
  std::vector<int32_t> x(64 * rows);
  for (int32_t &v : x)
    v = std::uniform_int_distribution<int32_t>(-255, 255)(rng);
  ArrayInputs in(rows, cols);
  ArrayOutputs out(rows, cols);
  GemmShape g;
  g.vectors = 64;
  g.k = rows;
  g.cols = cols;
  g.accumulate = true;
  const uint64_t edges = CycleArrayModel::gemmCycles(g.vectors, rows, cols);
  const auto start = std::chrono::steady_clock::now();
  for (uint64_t done = 0; done < cycles;)
    for (uint64_t e = 0; e < edges && done < cycles; ++e, ++done) {
      gemmInputs(
          rows, g, e, in,
          [&](uint64_t n, unsigned r) { return x[n * rows + r]; },
          [&](uint64_t n, unsigned c) { return int64_t(n + c); });
      port.evaluate(in, out);
      port.clockEdge();
    }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return double(cycles) / seconds;
}

} // namespace

int main(int argc, char **argv) {
  po::options_description options("npu-cosim options");
  options.add_options()("help,h", "show this help")(
      "list", "list the RTL arrays built into this binary")(
      "config", po::value<std::string>(),
      "RTL array for --random, e.g. r8c8w8a32wrap")(
      "random", po::value<uint64_t>(), "number of random gemm tiles")(
      "bench", po::value<uint64_t>(),
      "time CYCLES cycles of the RTL and of the model alone")(
      "seed", po::value<uint64_t>()->default_value(1),
      "random seed")("program", po::value<std::string>(),
                     "run the load.weights/gemm instructions of this prog.bin")(
      "input", po::value<std::vector<std::string>>()->composing(),
      "NAME=FILE.npy input of --program (default: embedded inputs)")(
      "max-gemms", po::value<uint64_t>()->default_value(UINT64_MAX),
      "stop after this many gemms")(
      "vcd", po::value<std::string>(),
      "keep the RTL's waves in FILE (default: kept only on a mismatch)");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::notify(vm);
  } catch (const po::error &e) {
    return fail(e.what());
  }
  if (vm.count("help")) {
    std::printf("usage: npu-cosim --list | --config NAME --random N | "
                "--program prog.bin [options]\n");
    std::cout << options;
    return 0;
  }
  if (vm.count("list")) {
    for (const rtl::RtlArrayConfig &c : rtl::builtRtlArrays())
      std::printf("%s\n", c.name().c_str());
    return 0;
  }
  const std::string vcd = vm.count("vcd") ? vm["vcd"].as<std::string>() : "";

  if (vm.count("random") || vm.count("bench")) {
    if (!vm.count("config"))
      return fail("--random and --bench need --config (see --list)");
    const std::string name = vm["config"].as<std::string>();
    std::optional<rtl::RtlArrayConfig> config;
    for (const rtl::RtlArrayConfig &c : rtl::builtRtlArrays())
      if (c.name() == name)
        config = c;
    if (!config)
      return fail("no RTL array " + name + " in this build (see --list)");
    if (vm.count("bench")) {
      const uint64_t cycles = vm["bench"].as<uint64_t>();
      Result<std::unique_ptr<ArrayPort>> rtlArray = rtl::makeRtlArray(*config);
      if (!rtlArray)
        return fail(rtlArray.error().getMessage());
      CycleArrayModel model(config->rows, config->cols, config->accBits,
                            config->saturate ? OverflowPolicy::Saturate
                                             : OverflowPolicy::Wrap);
      const double rtlRate = benchCyclesPerSecond(**rtlArray, cycles);
      const double modelRate = benchCyclesPerSecond(model, cycles);
      std::printf("npu-cosim --bench: %s: Verilated RTL %.4g cycles/s, "
                  "register model %.4g cycles/s (%llu cycles each)\n",
                  name.c_str(), rtlRate, modelRate,
                  static_cast<unsigned long long>(cycles));
      return 0;
    }
    Result<Pair> pair = makePair(*config, vcd);
    if (!pair)
      return fail(pair.error().getMessage());
    uint64_t gemms = 0;
    const Status status = runRandom(*config, *pair, vm["random"].as<uint64_t>(),
                                    vm["seed"].as<uint64_t>(), gemms);
    return finish(
        *pair, status,
        "npu-cosim: " + name + ": " + std::to_string(gemms) +
            " random gemms, " + std::to_string(pair->checker->cycles()) +
            " cycles in lockstep, no difference, " +
            std::to_string(pair->checker->events()) + " overflow events");
  }

  if (vm.count("program")) {
    const std::string path = vm["program"].as<std::string>();
    std::vector<std::string> specs;
    if (vm.count("input"))
      specs = vm["input"].as<std::vector<std::string>>();
    Result<LoadedProgram> loaded = loadProgramWithInputs(path, specs);
    if (!loaded)
      return fail(loaded.error().getMessage());
    const rtl::RtlArrayConfig arrayConfig =
        rtl::RtlArrayConfig::of(loaded->recordedArch);
    Result<Pair> pair = makePair(arrayConfig, vcd);
    if (!pair)
      return fail(pair.error().getMessage());
    uint64_t gemms = 0, goldenEvents = 0;
    const Status status =
        runProgram(loaded->program, loaded->inputs, loaded->recordedArch, *pair,
                   vm["max-gemms"].as<uint64_t>(), gemms, goldenEvents);
    return finish(*pair, status,
                  "npu-cosim: " + arrayConfig.name() + ": " + path + ": " +
                      std::to_string(gemms) + " gemms, " +
                      std::to_string(pair->checker->cycles()) +
                      " cycles in lockstep, no difference; results and " +
                      std::to_string(goldenEvents) +
                      " overflow events equal the golden executor's");
  }
  return fail("give --list, --random N or --program FILE (see --help)");
}
