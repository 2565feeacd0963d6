// Tests the report of a simulation: the totals are the sums of the layers
// (and of the activity outside them) in the statistics, the JSON, the CSV
// and the text; fetch stalls count the cycles a queue waited only for
// instruction fetch (a constructed case with a known value); each layer's
// placement says where its input, output and weights lived, read off the
// program. Each test simulates at most one program (SystemC elaborates once
// per process).
#include "SimTestPrograms.h"

#include "npusim/Report/Report.h"
#include "npusim/Simulator.h"

#include "npu/Program/Placement.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <sstream>

using namespace npu;
using namespace npu::sim;
using namespace npu::sim::test;

namespace {

constexpr uint32_t kVectors = 12, kK = 8, kCols = 8;

unsigned idx(Unit u) { return static_cast<unsigned>(u); }

/// The whitespace-separated fields of the last line of `text` that starts
/// with "  <name> ".
std::vector<std::string> lastLineOf(const std::string &text,
                                    const std::string &name) {
  std::istringstream in(text);
  std::string line;
  std::vector<std::string> fields;
  while (std::getline(in, line)) {
    if (line.rfind("  " + name + " ", 0) != 0)
      continue;
    fields.clear();
    std::istringstream words(line);
    for (std::string w; words >> w;)
      fields.push_back(w);
  }
  return fields;
}

/// The CSV row whose first field is `name`, split at commas, with the
/// header's column names as keys.
std::map<std::string, std::string> csvRow(const std::string &csv,
                                          const std::string &name) {
  std::istringstream in(csv);
  std::string line;
  auto split = [](const std::string &s) {
    std::vector<std::string> fields;
    std::istringstream ss(s);
    std::string f;
    while (std::getline(ss, f, ','))
      fields.push_back(f);
    if (!s.empty() && s.back() == ',')
      fields.emplace_back();
    return fields;
  };
  std::getline(in, line);
  const std::vector<std::string> header = split(line);
  std::map<std::string, std::string> row;
  while (std::getline(in, line)) {
    const std::vector<std::string> fields = split(line);
    if (fields.empty() || fields[0] != name)
      continue;
    EXPECT_EQ(fields.size(), header.size()) << line;
    for (size_t i = 0; i < header.size() && i < fields.size(); ++i)
      row[header[i]] = fields[i];
  }
  return row;
}

TEST(Report, TotalsAreTheSumsOfTheLayersInEveryFormat) {
  const ArchConfig c = config("npu-tiny");
  const Program p = twoLayerProgram(c, kVectors, kK, kCols);
  Result<SimResult> sim = simulate(p, c, {}, {});
  ASSERT_TRUE(static_cast<bool>(sim)) << sim.error().getMessage();
  const SimStats &s = sim->stats;
  ASSERT_EQ(s.layers.size(), 2u);

  ActivityStats sum = s.unattributed;
  for (const LayerStats &l : s.layers)
    sum += l.activity;
  for (unsigned u = 0; u < kNumUnits; ++u) {
    EXPECT_EQ(s.total.units[u].busyCycles, sum.units[u].busyCycles) << u;
    EXPECT_EQ(s.total.units[u].stallCycles, sum.units[u].stallCycles) << u;
    EXPECT_EQ(s.total.units[u].fetchStallCycles, sum.units[u].fetchStallCycles)
        << u;
    EXPECT_EQ(s.total.units[u].instructions, sum.units[u].instructions) << u;
  }
  for (unsigned b = 0; b < 5; ++b) {
    EXPECT_EQ(s.total.sramReadBytes[b], sum.sramReadBytes[b]) << b;
    EXPECT_EQ(s.total.sramWriteBytes[b], sum.sramWriteBytes[b]) << b;
  }
  // Every unit of this program worked; the scratchpads were used.
  for (Unit u : {Unit::Load, Unit::Compute, Unit::Store, Unit::Array, Unit::Ppu,
                 Unit::Vector, Unit::DramRead, Unit::DramWrite})
    EXPECT_GT(s.total.units[idx(u)].busyCycles, 0u) << unitName(u);
  const uint64_t ibufRead = s.total.sramReadBytes[0];
  EXPECT_GT(ibufRead, 0u);

  ReportContext ctx{"two.bin", &p, &c, ArrayModel::Tile, &s};
  const nlohmann::json j = nlohmann::json::parse(formatJsonReport(ctx));
  uint64_t read = 0, write = 0;
  for (const char *b : {"ibuf", "wbuf", "abuf", "obuf", "pbuf"}) {
    read += j["sram_bytes"][b]["read"].get<uint64_t>();
    write += j["sram_bytes"][b]["write"].get<uint64_t>();
  }
  EXPECT_EQ(j["sram_bytes"]["ibuf"]["read"], ibufRead);
  EXPECT_EQ(j["sram_bytes"]["total"]["read"], read);
  EXPECT_EQ(j["sram_bytes"]["total"]["write"], write);
  for (unsigned u = 0; u < kNumUnits; ++u) {
    const char *name = unitName(static_cast<Unit>(u));
    uint64_t layers = j["unattributed"]["units"][name]["busy_cycles"];
    for (const auto &l : j["layers"])
      layers += l["units"][name]["busy_cycles"].get<uint64_t>();
    EXPECT_EQ(j["units"][name]["busy_cycles"], s.total.units[u].busyCycles)
        << name;
    EXPECT_EQ(layers, s.total.units[u].busyCycles) << name;
  }
  // Fetch delivers the whole program in its first eight cycles. The load
  // queue waited for its first instruction (cycle 0 to 1); compute and
  // store got theirs long before the tokens they pop: no fetch stalls.
  EXPECT_EQ(j["fetch_stall_cycles"]["load"], 1u);
  EXPECT_EQ(j["fetch_stall_cycles"]["compute"], 0u);
  EXPECT_EQ(j["fetch_stall_cycles"]["store"], 0u);

  const std::map<std::string, std::string> total =
      csvRow(formatCsvReport(ctx), "(total)");
  EXPECT_EQ(total.at("ibuf_read_bytes"), std::to_string(ibufRead));
  EXPECT_EQ(total.at("sram_read_bytes"), std::to_string(read));
  EXPECT_EQ(total.at("compute_busy"),
            std::to_string(s.total.units[idx(Unit::Compute)].busyCycles));
  EXPECT_EQ(total.at("load_fetch_stall"),
            std::to_string(s.total.units[idx(Unit::Load)].fetchStallCycles));

  const std::string text = formatTextReport(ctx);
  EXPECT_NE(text.find("SRAM         read " + groupedCount(read) + " B, write " +
                      groupedCount(write) + " B"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("fetch stall"), std::string::npos) << text;
}

TEST(Report, FetchStallsAreTheCyclesAQueueWaitedOnlyForFetch) {
  // Queues one instruction deep. Fetch puts load 0 in the load FIFO in
  // cycle 1 and load 1 in cycle 2; load 2 waits for room until the load
  // queue takes load 1, when load 0 completes (1 + D); the vector copy
  // follows a cycle later. The compute queue, free and needing no token,
  // waited for it from cycle 0: D + 2 cycles. The load queue waited only
  // for its first instruction (1 cycle); the store queue ran nothing.
  const ArchConfig c = config("npu-base", {"control.queue_depth=1"});
  ProgramBuilder b(c);
  const uint64_t addr = b.addConstant(std::vector<uint8_t>(4096, 1));
  b.emit(dmaLoad(isa::Buffer::WBuf, addr, 64, 64));
  b.emit(dmaLoad(isa::Buffer::WBuf, addr, 1, 64));
  b.emit(dmaLoad(isa::Buffer::WBuf, addr, 1, 64));
  isa::Alu copy;
  copy.op = isa::AluOp::Copy;
  copy.src1 = {isa::Buffer::IBuf, 0, isa::DType::I8, 0, 1};
  copy.src2 = copy.src1;
  copy.dst = {isa::Buffer::OBuf, 0, isa::DType::I8, 0, 1};
  copy.nOuter = 1;
  copy.nInner = 64;
  b.emit(copy);
  const Program p = b.finish();
  Result<SimResult> sim = simulateTraced(p, c);
  ASSERT_TRUE(static_cast<bool>(sim)) << sim.error().getMessage();

  const auto loads = eventsOf(*sim, Unit::Load, "dma.load");
  ASSERT_EQ(loads.size(), 3u);
  EXPECT_EQ(loads[0]->startCycle, 1u);
  const uint64_t d = loads[0]->durationCycles;
  const ActivityStats &t = sim->stats.total;
  EXPECT_EQ(t.units[idx(Unit::Compute)].fetchStallCycles, d + 2);
  EXPECT_EQ(t.units[idx(Unit::Load)].fetchStallCycles, 1u);
  EXPECT_EQ(t.units[idx(Unit::Store)].fetchStallCycles, 0u);
  // A queue's busy, token-stall and fetch-stall cycles never overlap.
  for (Unit q : {Unit::Load, Unit::Compute, Unit::Store}) {
    const UnitStats &u = t.units[idx(q)];
    EXPECT_LE(u.busyCycles + u.stallCycles + u.fetchStallCycles,
              sim->stats.cycles)
        << unitName(q);
  }
  // The timeline shows the wait before the copy.
  const auto computes = eventsOf(*sim, Unit::Compute);
  ASSERT_EQ(computes.size(), 2u);
  EXPECT_EQ(computes[0]->name, "stall: instruction fetch");
  EXPECT_EQ(computes[0]->startCycle, 0u);
  EXPECT_EQ(computes[0]->durationCycles, d + 2);
}

TEST(Report, PlacementSaysWhereEachLayersDataLived) {
  const ArchConfig c = config("npu-tiny");
  const Program p = twoLayerProgram(c, kVectors, kK, kCols);
  Result<SimResult> sim = simulate(p, c, {}, {});
  ASSERT_TRUE(static_cast<bool>(sim)) << sim.error().getMessage();
  const std::vector<LayerStats> &layers = sim->stats.layers;
  ASSERT_EQ(layers.size(), 2u);
  const uint64_t result = uint64_t(kVectors) * kCols;

  // "fc" loaded its input and weights from DRAM and left its result in
  // OBUF, where "copy" read it; "copy" stored its output to DRAM.
  const std::vector<LayerPlacement> placement = placeLayers(p);
  ASSERT_EQ(placement.size(), 2u);
  const LayerPlacement &fc = placement[0];
  EXPECT_EQ(fc.input.str(), "dram");
  EXPECT_EQ(fc.input.dram(), uint64_t(kVectors) * kK);
  EXPECT_EQ(fc.weights.str(), "dram");
  EXPECT_EQ(fc.weights.dram(), uint64_t(kK) * kCols);
  EXPECT_EQ(fc.output.str(), "obuf");
  EXPECT_EQ(fc.output[isa::Space::OBuf], result);
  EXPECT_EQ(fc.tables.str(), "-");
  const LayerPlacement &copy = placement[1];
  EXPECT_EQ(copy.input.str(), "obuf");
  EXPECT_EQ(copy.input[isa::Space::OBuf], result);
  EXPECT_EQ(copy.output.str(), "dram");
  EXPECT_EQ(copy.output.dram(), result);
  EXPECT_EQ(copy.weights.str(), "-");
  // The simulator moved the bytes the placement names.
  EXPECT_EQ(layers[0].activity.dramReadBytes,
            fc.input.dram() + fc.weights.dram());
  EXPECT_EQ(layers[1].activity.dramWriteBytes, result);

  ReportContext ctx{"two.bin", &p, &c, ArrayModel::Tile, &sim->stats};
  const nlohmann::json j = nlohmann::json::parse(formatJsonReport(ctx));
  const nlohmann::json &copyJson = j["layers"][1]["placement"];
  EXPECT_EQ(copyJson["input"]["where"], "obuf");
  EXPECT_EQ(copyJson["input"]["bytes"]["obuf"], result);
  EXPECT_EQ(copyJson["output"]["where"], "dram");
  const std::map<std::string, std::string> row =
      csvRow(formatCsvReport(ctx), "fc");
  EXPECT_EQ(row.at("input_at"), "dram");
  EXPECT_EQ(row.at("output_at"), "obuf");
  EXPECT_EQ(row.at("weights_at"), "dram");
  // The placement table: layer, kind, input, output, weights, tables.
  const std::vector<std::string> line =
      lastLineOf(formatTextReport(ctx), "copy");
  ASSERT_GE(line.size(), 6u);
  EXPECT_EQ(line[2], "obuf");
  EXPECT_EQ(line[3], "dram");
  EXPECT_EQ(line[4], "-");
}

} // namespace
