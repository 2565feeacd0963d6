//===- Report.cpp - Text, JSON and CSV reports ----------------------------===//
#include "npusim/Report/Report.h"

#include "npusim/Energy/EnergyModel.h"

#include "npu/Isa/Access.h"
#include "npu/Program/Placement.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <iterator>
#include <numeric>

namespace npu::sim {

namespace {

using nlohmann::ordered_json;

constexpr const char *kBuffers[5] = {"ibuf", "wbuf", "abuf", "obuf", "pbuf"};

const char *modelName(ArrayModel m) { return arrayModelName(m); }

double latencyUs(uint64_t cycles, double mhz) { return double(cycles) / mhz; }

/// Array MACs over the array's peak in `cycles`.
double utilization(const ActivityStats &a, uint64_t cycles,
                   const ArchConfig &c) {
  const double peak = double(cycles) * double(c.array.rows * c.array.cols);
  return peak > 0 ? double(a.arrayMacs) / peak : 0.0;
}

double pjPerMac(double pj, uint64_t macs) {
  return macs ? pj / double(macs) : 0.0;
}

ordered_json energyJson(const EnergyBreakdown &e) {
  ordered_json sram = ordered_json::object();
  for (unsigned b = 0; b < 5; ++b)
    sram[kBuffers[b]] = e.sram[b];
  sram["total"] = e.sramTotal();
  return ordered_json{{"total", e.total()},  {"array", e.array},
                      {"sram", sram},        {"dram", e.dram},
                      {"ppu", e.ppu},        {"vector", e.vector},
                      {"control", e.control}};
}

/// The units that fetch feeds (and whose fetch stalls are reported).
constexpr Unit kQueues[3] = {Unit::Load, Unit::Compute, Unit::Store};
bool isQueue(Unit u) {
  return std::find(std::begin(kQueues), std::end(kQueues), u) !=
         std::end(kQueues);
}

ordered_json unitsJson(const ActivityStats &a, uint64_t cycles) {
  ordered_json units = ordered_json::object();
  for (unsigned u = 0; u < kNumUnits; ++u) {
    const UnitStats &s = a.units[u];
    units[unitName(static_cast<Unit>(u))] = {
        {"busy_cycles", s.busyCycles},
        {"stall_cycles", s.stallCycles},
        {"operations", s.instructions},
        {"utilization", cycles ? double(s.busyCycles) / double(cycles) : 0.0}};
  }
  return units;
}

/// Bytes over all five scratchpads.
template <typename PerBuffer> uint64_t allBuffers(const PerBuffer &bytes) {
  return std::accumulate(std::begin(bytes), std::end(bytes), uint64_t(0));
}
uint64_t sramRead(const ActivityStats &a) {
  return allBuffers(a.sramReadBytes);
}
uint64_t sramWrite(const ActivityStats &a) {
  return allBuffers(a.sramWriteBytes);
}

/// Keys shared by the totals and every layer.
void activityJson(ordered_json &j, const ActivityStats &a, uint64_t cycles,
                  const ArchConfig &config) {
  const EnergyBreakdown e = energyOf(a, config);
  j["macs"] = a.counters.macs;
  j["array_macs"] = a.arrayMacs;
  j["utilization"] = utilization(a, cycles, config);
  j["instructions"] = a.counters.instructions;
  j["energy_pj"] = energyJson(e);
  j["pj_per_mac"] = pjPerMac(e.total(), a.counters.macs);
  j["dram_bytes"] = {{"read", a.dramReadBytes},
                     {"write", a.dramWriteBytes},
                     {"total", a.dramReadBytes + a.dramWriteBytes}};
  ordered_json sram = ordered_json::object();
  for (unsigned b = 0; b < 5; ++b)
    sram[kBuffers[b]] = {{"read", a.sramReadBytes[b]},
                         {"write", a.sramWriteBytes[b]}};
  sram["total"] = {{"read", sramRead(a)}, {"write", sramWrite(a)}};
  j["sram_bytes"] = sram;
  j["accumulator_adds"] = a.accumulatorAdds;
  j["ppu_elements"] = a.ppuElements;
  j["vector_ops"] = a.vectorOps;
  j["units"] = unitsJson(a, cycles);
  ordered_json fetch = ordered_json::object();
  for (Unit q : kQueues)
    fetch[unitName(q)] = a.units[static_cast<unsigned>(q)].fetchStallCycles;
  j["fetch_stall_cycles"] = fetch;
}

ordered_json locationsJson(const Locations &l) {
  ordered_json bytes = ordered_json::object();
  for (size_t s = 0; s < Locations::kNumSpaces; ++s)
    bytes[isa::spaceName(static_cast<isa::Space>(s))] = l.bytes[s];
  return {{"where", l.str()}, {"bytes", std::move(bytes)}};
}

ordered_json placementJson(const LayerPlacement &p) {
  return {{"input", locationsJson(p.input)},
          {"output", locationsJson(p.output)},
          {"weights", locationsJson(p.weights)},
          {"tables", locationsJson(p.tables)}};
}

std::string format(const char *fmt, ...) {
  char buffer[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buffer, sizeof buffer, fmt, args);
  va_end(args);
  return buffer;
}

/// Energy with a unit that keeps 3-4 significant digits.
std::string energyText(double pj) {
  if (pj >= 1e6)
    return format("%.2f uJ", pj / 1e6);
  if (pj >= 1e3)
    return format("%.2f nJ", pj / 1e3);
  return format("%.1f pJ", pj);
}

std::string csvField(const std::string &s) {
  if (s.find_first_of(",\"\n") == std::string::npos)
    return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"')
      out += '"';
    out += c;
  }
  return out + "\"";
}

/// A layer name in the text report's 32 columns.
std::string shortName(const std::string &name) {
  return name.size() > 32 ? name.substr(0, 29) + "..." : name;
}

std::string staticBoundText(const LayerStats &l) {
  if (l.staticAccBits == 0)
    return "-";
  return std::to_string(l.staticAccBits) + (l.staticMayOverflow ? "!" : "");
}

} // namespace

std::string formatTextReport(const ReportContext &ctx) {
  const SimStats &s = *ctx.stats;
  const ArchConfig &c = *ctx.config;
  const ActivityStats &t = s.total;
  const EnergyBreakdown e = energyOf(t, c);
  std::string out;
  out +=
      format("npusim: %s on %s (%lldx%lld array, %g MHz, %lld nm), %s "
             "array model\n",
             ctx.programPath.c_str(), c.name.c_str(), (long long)c.array.rows,
             (long long)c.array.cols, c.clock.freqMHz, (long long)c.tech.nodeNm,
             modelName(ctx.arrayModel));
  out += format("  cycles       %-16s latency %.2f us\n",
                groupedCount(s.cycles).c_str(),
                latencyUs(s.cycles, c.clock.freqMHz));
  out += format("  MACs         %-16s array utilization %.1f %% (%s on the "
                "array)\n",
                groupedCount(t.counters.macs).c_str(),
                100 * utilization(t, s.cycles, c),
                groupedCount(t.arrayMacs).c_str());
  out += format("  energy       %-16s %.2f pJ/MAC\n",
                energyText(e.total()).c_str(),
                pjPerMac(e.total(), t.counters.macs));
  const double total = e.total() > 0 ? e.total() : 1;
  out += format("    array %s (%.0f%%), sram %s (%.0f%%), dram %s (%.0f%%), "
                "ppu %s, vector %s, control %s\n",
                energyText(e.array).c_str(), 100 * e.array / total,
                energyText(e.sramTotal()).c_str(), 100 * e.sramTotal() / total,
                energyText(e.dram).c_str(), 100 * e.dram / total,
                energyText(e.ppu).c_str(), energyText(e.vector).c_str(),
                energyText(e.control).c_str());
  out += format("  DRAM         read %s B, write %s B\n",
                groupedCount(t.dramReadBytes).c_str(),
                groupedCount(t.dramWriteBytes).c_str());
  std::string perBuffer;
  for (unsigned b = 0; b < 5; ++b)
    perBuffer += format("%s%s %s/%s", b ? ", " : "", kBuffers[b],
                        groupedCount(t.sramReadBytes[b]).c_str(),
                        groupedCount(t.sramWriteBytes[b]).c_str());
  out += format("  SRAM         read %s B, write %s B (read/write: %s)\n",
                groupedCount(sramRead(t)).c_str(),
                groupedCount(sramWrite(t)).c_str(), perBuffer.c_str());
  unsigned atRisk = 0;
  for (const LayerStats &l : s.layers)
    atRisk += l.staticMayOverflow;
  out += format("  overflow     accumulator %s (compiler bound: %u layer(s) "
                "at risk of %lld-bit overflow), saturation %s\n",
                groupedCount(t.counters.accOverflow).c_str(), atRisk,
                (long long)c.array.accBits,
                groupedCount(t.counters.saturation).c_str());
  unsigned edgeIn = 0, edgeOut = 0;
  for (const TensorDesc &tensor : ctx.program->tensors)
    if (tensor.floatInterface)
      ++(tensor.role == TensorRole::Input ? edgeIn : edgeOut);
  if (edgeIn + edgeOut)
    out += format("  edge         float32 interface: %u input(s) quantized, %u "
                  "output(s) dequantized on the host (not in the cycles)\n",
                  edgeIn, edgeOut);
  out += "  unit         busy cycles      stall cycles     fetch stall      "
         "utilization\n";
  for (unsigned u = 0; u < kNumUnits; ++u) {
    const UnitStats &us = t.units[u];
    const bool queue = isQueue(static_cast<Unit>(u));
    out += format(
        "    %-10s %-16s %-16s %-16s %.1f %%\n", unitName(static_cast<Unit>(u)),
        groupedCount(us.busyCycles).c_str(),
        groupedCount(us.stallCycles).c_str(),
        queue ? groupedCount(us.fetchStallCycles).c_str() : "-",
        s.cycles ? 100.0 * double(us.busyCycles) / double(s.cycles) : 0.0);
  }
  if (!s.layers.empty()) {
    out += "  layer                            kind                cycles     "
           "   MACs  util%    energy  pJ/MAC   DRAM B  acc-ovf  bits  sat\n";
    for (const LayerStats &l : s.layers) {
      const EnergyBreakdown le = energyOf(l.activity, c);
      const std::string name = shortName(l.name);
      const std::string perMac =
          l.activity.counters.macs
              ? format("%.2f", pjPerMac(le.total(), l.activity.counters.macs))
              : std::string("-");
      out += format(
          "  %-32s %-16s %9s %12s %6.1f %9s %7s %8s %8s %5s %4s\n",
          name.c_str(), l.kind.c_str(), groupedCount(l.cycles).c_str(),
          groupedCount(l.activity.counters.macs).c_str(),
          100 * utilization(l.activity, l.cycles, c),
          energyText(le.total()).c_str(), perMac.c_str(),
          groupedCount(l.activity.dramReadBytes + l.activity.dramWriteBytes)
              .c_str(),
          groupedCount(l.activity.counters.accOverflow).c_str(),
          staticBoundText(l).c_str(),
          groupedCount(l.activity.counters.saturation).c_str());
    }
    out += "  (bits: accumulator bits the compiler's static bound needs; '!' "
           "marks layers that may overflow)\n";
    out += "  layer                            kind             input       "
           "   output         weights        tables          DRAM rd B  "
           "DRAM wr B  SRAM rd B  SRAM wr B\n";
    // Where data lived is a property of the program, derived only when a
    // report is printed (not during the simulation).
    const std::vector<LayerPlacement> placement = placeLayers(*ctx.program);
    for (size_t i = 0; i < s.layers.size(); ++i) {
      const LayerStats &l = s.layers[i];
      const LayerPlacement &p = placement[i];
      out += format("  %-32s %-16s %-14s %-14s %-14s %-14s %10s %10s %10s "
                    "%10s\n",
                    shortName(l.name).c_str(), l.kind.c_str(),
                    p.input.str().c_str(), p.output.str().c_str(),
                    p.weights.str().c_str(), p.tables.str().c_str(),
                    groupedCount(l.activity.dramReadBytes).c_str(),
                    groupedCount(l.activity.dramWriteBytes).c_str(),
                    groupedCount(sramRead(l.activity)).c_str(),
                    groupedCount(sramWrite(l.activity)).c_str());
    }
    out += "  (where each layer's data lived: dram = moved by its own DMAs, a "
           "buffer = already there or left there for a later layer)\n";
  }
  return out;
}

std::string formatJsonReport(const ReportContext &ctx) {
  const SimStats &s = *ctx.stats;
  const ArchConfig &c = *ctx.config;
  ordered_json j;
  j["program"] = ctx.programPath;
  j["arch"] = c.name;
  j["array_model"] = modelName(ctx.arrayModel);
  j["machine"] = {{"rows", c.array.rows},
                  {"cols", c.array.cols},
                  {"acc_bits", c.array.accBits},
                  {"dram_bandwidth", c.dram.bandwidthBytesPerCycle},
                  {"vector_lanes", c.vector.lanes},
                  {"ppu_lanes", c.ppu.lanes},
                  {"node_nm", c.tech.nodeNm}};
  j["clock_mhz"] = c.clock.freqMHz;
  j["cycles"] = s.cycles;
  j["latency_us"] = latencyUs(s.cycles, c.clock.freqMHz);
  activityJson(j, s.total, s.cycles, c);
  j["overflow"] = {{"accumulator", s.total.counters.accOverflow},
                   {"saturation", s.total.counters.saturation}};
  uint64_t constantBytes = 0;
  for (const ConstSegment &segment : ctx.program->constants)
    constantBytes += segment.data.size();
  j["program_size"] = {{"instructions", ctx.program->instructions.size()},
                       {"constant_bytes", constantBytes}};
  ordered_json edgeInputs = ordered_json::array(),
               edgeOutputs = ordered_json::array();
  for (const TensorDesc &t : ctx.program->tensors)
    if (t.floatInterface)
      (t.role == TensorRole::Input ? edgeInputs : edgeOutputs)
          .push_back(t.name);
  j["float_interface"] = {{"quantized_inputs", edgeInputs},
                          {"dequantized_outputs", edgeOutputs}};
  ordered_json layers = ordered_json::array();
  const std::vector<LayerPlacement> placement = placeLayers(*ctx.program);
  for (size_t i = 0; i < s.layers.size(); ++i) {
    const LayerStats &l = s.layers[i];
    ordered_json lj;
    lj["name"] = l.name;
    lj["kind"] = l.kind;
    lj["start_cycle"] = l.startCycle;
    lj["end_cycle"] = l.endCycle;
    lj["cycles"] = l.cycles;
    lj["latency_us"] = latencyUs(l.cycles, c.clock.freqMHz);
    activityJson(lj, l.activity, l.cycles, c);
    lj["overflow"] = {{"accumulator", l.activity.counters.accOverflow},
                      {"saturation", l.activity.counters.saturation},
                      {"static_bound", l.staticAccBound},
                      {"static_bits", l.staticAccBits},
                      {"static_may_overflow", l.staticMayOverflow}};
    lj["placement"] = placementJson(placement[i]);
    layers.push_back(std::move(lj));
  }
  j["layers"] = std::move(layers);
  ordered_json other;
  activityJson(other, s.unattributed, s.cycles, c);
  other["overflow"] = {{"accumulator", s.unattributed.counters.accOverflow},
                       {"saturation", s.unattributed.counters.saturation}};
  j["unattributed"] = std::move(other);
  return j.dump(2) + "\n";
}

std::string formatCsvReport(const ReportContext &ctx) {
  const SimStats &s = *ctx.stats;
  const ArchConfig &c = *ctx.config;
  std::string out = "layer,kind,start_cycle,end_cycle,cycles,latency_us,macs,"
                    "array_macs,utilization,energy_pj,array_pj,sram_pj,"
                    "dram_pj,ppu_pj,vector_pj,control_pj,pj_per_mac,"
                    "dram_read_bytes,dram_write_bytes,sram_read_bytes,"
                    "sram_write_bytes,acc_overflow,saturation,"
                    "static_acc_bits,static_may_overflow";
  for (unsigned u = 0; u < kNumUnits; ++u) {
    const std::string n = unitName(static_cast<Unit>(u));
    out += "," + n + "_busy," + n + "_stall";
  }
  for (Unit q : kQueues)
    out += std::string(",") + unitName(q) + "_fetch_stall";
  for (const char *b : kBuffers)
    out += format(",%s_read_bytes,%s_write_bytes", b, b);
  out += ",input_at,output_at,weights_at,tables_at\n";
  auto row = [&](const std::string &name, const std::string &kind,
                 uint64_t start, uint64_t end, uint64_t cycles,
                 const ActivityStats &a, const LayerStats *l,
                 const LayerPlacement *p) {
    const EnergyBreakdown e = energyOf(a, c);
    out += csvField(name) + "," + csvField(kind) +
           format(",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.6f,%" PRIu64
                  ",%" PRIu64 ",%.6f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.4f,"
                  "%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
                  ",%" PRIu64,
                  start, end, cycles, latencyUs(cycles, c.clock.freqMHz),
                  a.counters.macs, a.arrayMacs, utilization(a, cycles, c),
                  e.total(), e.array, e.sramTotal(), e.dram, e.ppu, e.vector,
                  e.control, pjPerMac(e.total(), a.counters.macs),
                  a.dramReadBytes, a.dramWriteBytes, sramRead(a), sramWrite(a),
                  a.counters.accOverflow, a.counters.saturation) +
           (l ? format(",%u,%d", l->staticAccBits, int(l->staticMayOverflow))
              : std::string(",,"));
    for (unsigned u = 0; u < kNumUnits; ++u)
      out += format(",%" PRIu64 ",%" PRIu64, a.units[u].busyCycles,
                    a.units[u].stallCycles);
    for (Unit q : kQueues)
      out += format(",%" PRIu64,
                    a.units[static_cast<unsigned>(q)].fetchStallCycles);
    for (unsigned b = 0; b < 5; ++b)
      out += format(",%" PRIu64 ",%" PRIu64, a.sramReadBytes[b],
                    a.sramWriteBytes[b]);
    if (p)
      out += "," + p->input.str() + "," + p->output.str() + "," +
             p->weights.str() + "," + p->tables.str();
    else
      out += ",,,,";
    out += "\n";
  };
  const std::vector<LayerPlacement> placement = placeLayers(*ctx.program);
  for (size_t i = 0; i < s.layers.size(); ++i) {
    const LayerStats &l = s.layers[i];
    row(l.name, l.kind, l.startCycle, l.endCycle, l.cycles, l.activity, &l,
        &placement[i]);
  }
  row("(other)", "", 0, s.cycles, 0, s.unattributed, nullptr, nullptr);
  row("(total)", "", 0, s.cycles, s.cycles, s.total, nullptr, nullptr);
  return out;
}

std::string groupedCount(uint64_t value) {
  std::string digits = std::to_string(value), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return out;
}

} // namespace npu::sim
