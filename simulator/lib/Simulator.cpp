//===- Simulator.cpp - Cycle-accurate simulation of a program -------------===//
#include "npusim/Simulator.h"

#include "npusim/Array/CycleArrayModel.h"
#include "npusim/Modules/Npu.h"

#include "npu/Golden/Loader.h"
#include "npu/Program/Hazards.h"

#include <cstdio>
#include <exception>

namespace npu::sim {

namespace {

/// SystemC reports go to stderr (stdout carries npusim's report); its
/// informational messages ("simulation stopped by user") are dropped.
void reportHandler(const sc_core::sc_report &report,
                   const sc_core::sc_actions &actions) {
  if (report.get_severity() == sc_core::SC_INFO)
    return;
  if (actions & sc_core::SC_DISPLAY)
    std::fprintf(stderr, "npusim: SystemC: %s\n", report.what());
  sc_core::sc_report_handler::default_handler(
      report, actions & ~sc_core::sc_actions(sc_core::SC_DISPLAY));
}

/// Creates the VCD file SystemC names `<base>.vcd` and moves it to `path`
/// when the simulation ends.
class VcdFile {
public:
  explicit VcdFile(const std::string &path) : path(path) {
    if (path.empty())
      return;
    const bool hasSuffix =
        path.size() > 4 && path.compare(path.size() - 4, 4, ".vcd") == 0;
    base = hasSuffix ? path.substr(0, path.size() - 4) : path;
    file = sc_core::sc_create_vcd_trace_file(base.c_str());
    file->set_time_unit(1, sc_core::SC_PS);
  }
  VcdFile(const VcdFile &) = delete;
  VcdFile &operator=(const VcdFile &) = delete;
  ~VcdFile() { (void)close(); }

  sc_core::sc_trace_file *get() const { return file; }

  Status close() {
    if (!file)
      return Status::success();
    sc_core::sc_close_vcd_trace_file(file);
    file = nullptr;
    const std::string written = base + ".vcd";
    if (written != path && std::rename(written.c_str(), path.c_str()) != 0)
      return makeError("cannot move ", written, " to ", path);
    return Status::success();
  }

private:
  std::string path, base;
  sc_core::sc_trace_file *file = nullptr;
};

} // namespace

const char *arrayModelName(ArrayModel model) {
  switch (model) {
  case ArrayModel::Tile:
    return "tile";
  case ArrayModel::Cycle:
    return "cycle";
  case ArrayModel::Rtl:
    return "rtl";
  }
  return "?";
}

Result<SimResult> simulate(const Program &program, const ArchConfig &config,
                           const std::vector<Tensor> &inputs,
                           const SimOptions &options) {
  NPU_TRY(checkArchCompatible(config, program.archFields));
  NPU_TRY(checkHazards(program));
  if (program.dramSize > static_cast<uint64_t>(config.dramBytes()))
    return makeError("program needs ", program.dramSize,
                     " bytes of DRAM, the configuration provides ",
                     config.dramBytes());
  if (sc_core::sc_get_status() != sc_core::SC_ELABORATION)
    return makeError("simulate() can run once per process (SystemC "
                     "elaborates once)");

  golden::Machine machine(config, program.dramSize);
  NPU_TRY(golden::loadProgram(machine, program, inputs));

  try {
    // Periods of any clock up to 10 GHz in whole femtoseconds.
    sc_core::sc_set_time_resolution(1, sc_core::SC_FS);
    sc_core::sc_report_handler::set_handler(reportHandler);
  } catch (const sc_core::sc_report &report) {
    return makeError("SystemC: ", report.what());
  }
  std::unique_ptr<ArrayPort> port;
  if (options.arrayModel == ArrayModel::Cycle) {
    port = std::make_unique<CycleArrayModel>(
        static_cast<unsigned>(config.array.rows),
        static_cast<unsigned>(config.array.cols),
        static_cast<unsigned>(config.array.accBits), config.array.overflow);
  } else if (options.arrayModel == ArrayModel::Rtl) {
    if (!options.rtlArray)
      return makeError("no RTL array available in this build");
    Result<std::unique_ptr<ArrayPort>> rtl = options.rtlArray(config);
    if (!rtl)
      return rtl.error();
    port = std::move(*rtl);
  }
  Recorder recorder(program, options.collectTrace);
  Functional functional(machine, program, recorder);
  const TimeBase time(config.clock.freqMHz);
  std::optional<Npu> npu;
  std::optional<VcdFile> vcd;
  try {
    npu.emplace("npu", config, std::move(port),
                /*coupled=*/options.arrayModel != ArrayModel::Tile ||
                    !options.vcdPath.empty(),
                time, functional, recorder);
    vcd.emplace(options.vcdPath);
    if (vcd->get())
      npu->trace(vcd->get());
    sc_core::sc_start();
  } catch (const sc_core::sc_report &report) {
    return makeError("SystemC: ", report.what());
  } catch (const std::exception &e) {
    return makeError("simulation failed: ", e.what());
  }
  NPU_TRY(vcd->close());
  if (functional.error())
    return makeError(*functional.error());
  if (!npu->finished())
    return makeError("deadlock: ", npu->describeDeadlock());

  SimResult result;
  result.stats = recorder.finish(npu->cycles(), config.clock.freqMHz);
  result.trace = recorder.takeTrace();
  result.outputs = golden::readOutputs(machine, program);
  return result;
}

} // namespace npu::sim
