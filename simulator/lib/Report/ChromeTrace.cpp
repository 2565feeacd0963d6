//===- ChromeTrace.cpp - Timeline as Chrome trace-event JSON --------------===//
//
// Timestamps are whole nanoseconds, floor(cycle x period): a monotone map of
// cycles, so events that nest in cycles nest exactly in the file too (the
// viewers convert the microsecond "ts"/"dur" to integer nanoseconds, which
// would break nesting if they had to round). Exact cycles are in each
// event's args.
//
//===----------------------------------------------------------------------===//
#include "npusim/Report/Report.h"

#include "npu/Isa/Encoding.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>

namespace npu::sim {

namespace {

using nlohmann::ordered_json;

constexpr int kPid = 1;

class Clock {
public:
  explicit Clock(double mhz)
      : periodFs(static_cast<uint64_t>(std::llround(1e9 / mhz))) {}
  /// Nanoseconds at the start of `cycle`.
  uint64_t ns(uint64_t cycle) const {
    // cycle * periodFs may exceed 64 bits only past ~5 hours of simulated
    // time at 1 GHz.
    return static_cast<uint64_t>(
        (static_cast<unsigned __int128>(cycle) * periodFs) / 1000000);
  }

private:
  uint64_t periodFs;
};

/// "ts"/"dur" in microseconds with exactly three decimals.
ordered_json micros(uint64_t ns) { return ordered_json(double(ns) / 1000.0); }

} // namespace

std::string formatChromeTrace(const ReportContext &ctx,
                              const std::vector<TraceEvent> &events) {
  const SimStats &s = *ctx.stats;
  const Clock clock(ctx.config->clock.freqMHz);
  ordered_json list = ordered_json::array();
  list.push_back(
      {{"ph", "M"},
       {"pid", kPid},
       {"name", "process_name"},
       {"args",
        {{"name", "npu " + ctx.config->name + ": " + ctx.programPath}}}});
  for (unsigned u = 0; u < kNumUnits; ++u) {
    list.push_back({{"ph", "M"},
                    {"pid", kPid},
                    {"tid", u},
                    {"name", "thread_name"},
                    {"args", {{"name", unitName(static_cast<Unit>(u))}}}});
    list.push_back({{"ph", "M"},
                    {"pid", kPid},
                    {"tid", u},
                    {"name", "thread_sort_index"},
                    {"args", {{"sort_index", u}}}});
  }

  auto complete = [&](const std::string &name, const char *category,
                      unsigned tid, uint64_t start, uint64_t end,
                      ordered_json args) {
    const uint64_t t0 = clock.ns(start), t1 = clock.ns(end);
    args["start_cycle"] = start;
    args["cycles"] = end - start;
    list.push_back({{"name", name},
                    {"cat", category},
                    {"ph", "X"},
                    {"pid", kPid},
                    {"tid", tid},
                    {"ts", micros(t0)},
                    {"dur", micros(t1 - t0)},
                    {"args", std::move(args)}});
  };

  // One enclosing event per (track, layer): the span of the layer's events
  // on that track. A track runs its events one after the other and a
  // layer's instructions are contiguous in program order, so spans of
  // different layers never overlap on a track.
  std::map<std::pair<unsigned, int64_t>, std::pair<uint64_t, uint64_t>> spans;
  for (const TraceEvent &e : events) {
    if (e.layer < 0)
      continue;
    auto key = std::make_pair(static_cast<unsigned>(e.unit), e.layer);
    auto [it, inserted] =
        spans.try_emplace(key, e.startCycle, e.startCycle + e.durationCycles);
    if (!inserted) {
      it->second.first = std::min(it->second.first, e.startCycle);
      it->second.second =
          std::max(it->second.second, e.startCycle + e.durationCycles);
    }
  }
  for (const auto &[key, span] : spans) {
    const LayerStats &layer = s.layers[key.second];
    complete(layer.name, "layer", key.first, span.first, span.second,
             {{"kind", layer.kind}, {"layer", key.second}});
  }

  for (const TraceEvent &e : events) {
    ordered_json args = ordered_json::object();
    if (e.instruction >= 0) {
      args["instruction"] = e.instruction;
      const DebugRange *range =
          ctx.program->debugRangeFor(static_cast<size_t>(e.instruction));
      if (range && !range->location.empty())
        args["location"] = range->location;
    }
    if (e.layer >= 0)
      args["layer"] = s.layers[e.layer].name;
    if (!e.detail.empty())
      args["detail"] = e.detail;
    const bool stall = e.name.rfind("stall", 0) == 0;
    const bool dram = e.unit == Unit::DramRead || e.unit == Unit::DramWrite;
    complete(e.name,
             stall  ? "stall"
             : dram ? "dram"
                    : "instruction",
             static_cast<unsigned>(e.unit), e.startCycle,
             e.startCycle + e.durationCycles, std::move(args));
  }

  ordered_json trace;
  trace["traceEvents"] = std::move(list);
  trace["displayTimeUnit"] = "ns";
  trace["otherData"] = {{"arch", ctx.config->name},
                        {"clock_mhz", ctx.config->clock.freqMHz},
                        {"cycles", s.cycles},
                        {"array_model", arrayModelName(ctx.arrayModel)}};
  return trace.dump() + "\n";
}

} // namespace npu::sim
