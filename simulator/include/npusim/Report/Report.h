//===- Report.h - Text, JSON and CSV reports --------------------*- C++ -*-===//
//
// The report of one simulation (docs/simulator.md, "Statistics and
// reports"): cycles, latency, MACs,
// array utilization, busy/stall cycles per unit, SRAM and DRAM bytes, energy
// per component with pJ/MAC, accumulator overflow and saturation counts next
// to the compiler's static bound; totals and per layer. docs/simulator.md
// lists every key.
//
//===----------------------------------------------------------------------===//
#ifndef NPUSIM_REPORT_REPORT_H
#define NPUSIM_REPORT_REPORT_H

#include "npusim/Simulator.h"

#include <string>

namespace npu::sim {

struct ReportContext {
  std::string programPath;
  const Program *program = nullptr;
  const ArchConfig *config = nullptr;
  ArrayModel arrayModel = ArrayModel::Tile;
  const SimStats *stats = nullptr;
};

/// A count as the text report prints it: 1234567 -> "1,234,567".
std::string groupedCount(uint64_t value);

/// Human-readable report (several lines, ends with a newline).
std::string formatTextReport(const ReportContext &context);
/// One JSON object (pretty-printed, ends with a newline).
std::string formatJsonReport(const ReportContext &context);
/// CSV with a header row, one row per layer, then "(other)" for activity
/// outside any layer and "(total)".
std::string formatCsvReport(const ReportContext &context);

/// Chrome trace-event JSON of the timeline: one track per unit, complete
/// events for instructions, stalls, DRAM transfers, and one enclosing event
/// per layer on every track.
std::string formatChromeTrace(const ReportContext &context,
                              const std::vector<TraceEvent> &events);

} // namespace npu::sim

#endif // NPUSIM_REPORT_REPORT_H
