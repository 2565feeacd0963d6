// Tests ArchConfig: presets, YAML loading with errors that name the key,
// --set overrides, hashing and the program record compatibility check.
#include "npu/Arch/ArchConfig.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>

using namespace npu;

namespace {
std::string errorOf(const Result<ArchConfig> &r) {
  return r.ok() ? std::string("(no error)") : r.error().getMessage();
}
} // namespace

TEST(ArchConfig, DefaultsAreValidAndEqualNpuBase) {
  ArchConfig defaults;
  EXPECT_TRUE(validateArchConfig(defaults).ok());
  Result<ArchConfig> base = resolveArchConfig("npu-base");
  ASSERT_TRUE(base.ok()) << errorOf(base);
  EXPECT_EQ(archConfigHash(*base), archConfigHash(defaults));
}

TEST(ArchConfig, PresetsLoadWithTheirArraySizes) {
  std::set<std::string> names;
  for (const std::string &n : archPresetNames())
    names.insert(n);
  EXPECT_EQ(names,
            (std::set<std::string>{"npu-tiny", "npu-base", "npu-large"}));
  const std::pair<const char *, int> expected[] = {
      {"npu-tiny", 8}, {"npu-base", 16}, {"npu-large", 32}};
  for (auto [name, size] : expected) {
    Result<ArchConfig> c = resolveArchConfig(name);
    ASSERT_TRUE(c.ok()) << errorOf(c);
    EXPECT_EQ(c->name, name);
    EXPECT_EQ(c->array.rows, size);
    EXPECT_EQ(c->array.cols, size);
  }
}

TEST(ArchConfig, PresetsSetEveryFieldExceptEnergy) {
  // A preset is a complete description users copy: every non-energy field
  // must be spelled out.
  for (const std::string &name : archPresetNames()) {
    std::string yaml = *archPresetYaml(name);
    for (const ArchFieldInfo &info : archFieldInfos()) {
      std::string key = info.key;
      if (key.rfind("energy.", 0) == 0)
        continue;
      std::string leaf = key.substr(key.find('.') + 1);
      EXPECT_NE(yaml.find(leaf + ":"), std::string::npos)
          << name << " lacks " << key;
    }
  }
}

TEST(ArchConfig, UnknownKeyIsAnErrorNamingTheKey) {
  Result<ArchConfig> r =
      parseArchConfigYaml("array:\n  rows: 8\n  rowz: 4\n", "t.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errorOf(r).find("array.rowz"), std::string::npos) << errorOf(r);
  EXPECT_NE(errorOf(r).find("did you mean 'array.rows'"), std::string::npos);
  EXPECT_NE(errorOf(r).find("t.yaml:3"), std::string::npos) << errorOf(r);
}

TEST(ArchConfig, WrongTypeIsAnErrorNamingTheKey) {
  Result<ArchConfig> r = parseArchConfigYaml("array:\n  rows: eight\n", "t");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errorOf(r).find("array.rows: expected an integer, got 'eight'"),
            std::string::npos)
      << errorOf(r);
  r = parseArchConfigYaml("array:\n  rows: 8.5\n", "t");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errorOf(r).find("array.rows"), std::string::npos);
  r = parseArchConfigYaml("sram:\n  double_buffer: maybe\n", "t");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errorOf(r).find("sram.double_buffer: expected true or false"),
            std::string::npos);
  r = parseArchConfigYaml("array:\n  overflow: clip\n", "t");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errorOf(r).find("array.overflow: expected wrap or saturate"),
            std::string::npos);
  r = parseArchConfigYaml("array:\n  rows: [8, 8]\n", "t");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errorOf(r).find("array.rows: expected a single value"),
            std::string::npos)
      << errorOf(r);
}

TEST(ArchConfig, OutOfRangeIsAnErrorNamingTheKeyAndRange) {
  Result<ArchConfig> r = parseArchConfigYaml("array:\n  rows: 0\n", "t");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errorOf(r).find("array.rows: 0 is out of range [1, 256] PEs"),
            std::string::npos)
      << errorOf(r);
  r = parseArchConfigYaml("array:\n  acc_bits: 40\n", "t");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errorOf(r).find("array.acc_bits"), std::string::npos);
  r = parseArchConfigYaml("array:\n  weight_bits: 6\n", "t");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errorOf(r).find("array.weight_bits: 6 is not supported"),
            std::string::npos)
      << errorOf(r);
  r = parseArchConfigYaml("clock:\n  freq_mhz: -5\n", "t");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errorOf(r).find("clock.freq_mhz"), std::string::npos);
}

TEST(ArchConfig, MalformedYamlAndDuplicatesAreErrors) {
  EXPECT_FALSE(parseArchConfigYaml("array: {rows: 8", "t").ok());
  EXPECT_FALSE(parseArchConfigYaml("", "t").ok());
  EXPECT_FALSE(parseArchConfigYaml("- 1\n- 2\n", "t").ok());
  Result<ArchConfig> r =
      parseArchConfigYaml("array:\n  rows: 8\narray.rows: 4\n", "t");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errorOf(r).find("duplicate"), std::string::npos) << errorOf(r);
}

TEST(ArchConfig, PartialFileKeepsDefaults) {
  Result<ArchConfig> r =
      parseArchConfigYaml("name: mine\narray:\n  rows: 4\n", "t");
  ASSERT_TRUE(r.ok()) << errorOf(r);
  EXPECT_EQ(r->name, "mine");
  EXPECT_EQ(r->array.rows, 4);
  EXPECT_EQ(r->array.cols, ArchConfig().array.cols);
}

TEST(ArchConfig, SetOverrides) {
  ArchConfig c;
  ASSERT_TRUE(applyArchOverride(c, "array.rows=32").ok());
  EXPECT_EQ(c.array.rows, 32);
  ASSERT_TRUE(applyArchOverride(c, "array.overflow=saturate").ok());
  EXPECT_EQ(c.array.overflow, OverflowPolicy::Saturate);
  ASSERT_TRUE(applyArchOverride(c, "clock.freq_mhz=1250.5").ok());
  EXPECT_DOUBLE_EQ(c.clock.freqMHz, 1250.5);
  Status bad = applyArchOverride(c, "array.rows=999");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().getMessage().find("array.rows"), std::string::npos);
  bad = applyArchOverride(c, "nokey=1");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().getMessage().find("nokey"), std::string::npos);
  EXPECT_FALSE(applyArchOverride(c, "array.rows").ok());
  EXPECT_FALSE(applyArchOverride(c, "=5").ok());
}

TEST(ArchConfig, YamlRoundTripPreservesEveryField) {
  ArchConfig c = *resolveArchConfig("npu-tiny");
  ASSERT_TRUE(applyArchOverride(c, "energy.mac_pj=0.125").ok());
  ASSERT_TRUE(applyArchOverride(c, "sram.double_buffer=false").ok());
  std::string yaml = archConfigToYaml(c);
  Result<ArchConfig> back = parseArchConfigYaml(yaml, "roundtrip");
  ASSERT_TRUE(back.ok()) << errorOf(back) << "\n" << yaml;
  EXPECT_EQ(archConfigHash(*back), archConfigHash(c));
  EXPECT_EQ(archConfigToYaml(*back), yaml);
}

TEST(ArchConfig, HashChangesWithAnyField) {
  const ArchConfig base;
  std::set<uint64_t> hashes{archConfigHash(base)};
  for (const ArchFieldInfo &info : archFieldInfos()) {
    ArchConfig c = base;
    std::string value = *getArchField(c, info.key);
    std::string other = value == "true"                   ? "false"
                        : value == "false"                ? "true"
                        : value == "wrap"                 ? "saturate"
                        : value == "per-channel"          ? "per-layer"
                        : info.key == std::string("name") ? "other"
                        : info.key == std::string("array.weight_bits") ? "4"
                                                                       : "";
    if (other.empty())
      other = std::to_string(static_cast<long long>(info.min));
    if (other == value)
      other = std::to_string(static_cast<long long>(info.max));
    ASSERT_TRUE(setArchField(c, info.key, other).ok()) << info.key;
    EXPECT_TRUE(hashes.insert(archConfigHash(c)).second) << info.key;
  }
}

TEST(ArchConfig, ProgramRecordCompatibility) {
  ArchConfig tiny = *resolveArchConfig("npu-tiny");
  auto record = archProgramFields(tiny);
  ASSERT_FALSE(record.empty());
  EXPECT_TRUE(checkArchCompatible(tiny, record).ok());
  // Timing-only fields may differ.
  ArchConfig faster = tiny;
  ASSERT_TRUE(applyArchOverride(faster, "dram.bandwidth=64").ok());
  EXPECT_TRUE(checkArchCompatible(faster, record).ok());
  // Functional fields may not.
  ArchConfig base = *resolveArchConfig("npu-base");
  Status s = checkArchCompatible(base, record);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().getMessage().find(
                "compiled for array.rows=8 but the configuration 'npu-base' "
                "has array.rows=16"),
            std::string::npos)
      << s.error().getMessage();
}

TEST(ArchConfig, PpuRescaleForms) {
  ArchConfig c;
  EXPECT_EQ(c.ppu.rescale, PpuRescale::PerChannel);
  ASSERT_TRUE(applyArchOverride(c, "ppu.rescale=shift-table").ok());
  EXPECT_EQ(c.ppu.rescale, PpuRescale::ShiftTable);
  EXPECT_EQ(*getArchField(c, "ppu.rescale"), "shift-table");
  Result<ArchConfig> r = parseArchConfigYaml("ppu:\n  rescale: none\n", "t");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(errorOf(r).find("ppu.rescale: expected per-layer, shift-table or "
                            "per-channel, got 'none'"),
            std::string::npos)
      << errorOf(r);
}

TEST(ArchConfig, UnrecordedFieldMeansItsDefault) {
  // A program compiled before ppu.rescale existed does not record it: it
  // runs where the field has its default (per-channel), and nowhere else.
  const ArchConfig base;
  auto record = archProgramFields(base);
  record.erase(
      std::remove_if(record.begin(), record.end(),
                     [](const auto &kv) { return kv.first == "ppu.rescale"; }),
      record.end());
  EXPECT_TRUE(checkArchCompatible(base, record).ok());
  ArchConfig cheap = base;
  ASSERT_TRUE(applyArchOverride(cheap, "ppu.rescale=per-layer").ok());
  Status s = checkArchCompatible(cheap, record);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().getMessage().find(
                "program predates configuration field ppu.rescale (compiled "
                "for its default per-channel)"),
            std::string::npos)
      << s.error().getMessage();
}

TEST(ArchConfig, LoadsFilesAndRejectsMissingOnes) {
  const std::string path = ::testing::TempDir() + "/arch-test.yaml";
  {
    std::ofstream out(path);
    out << "name: file-config\narray:\n  rows: 12\n";
  }
  Result<ArchConfig> c = resolveArchConfig(path);
  ASSERT_TRUE(c.ok()) << errorOf(c);
  EXPECT_EQ(c->array.rows, 12);
  Result<ArchConfig> missing = resolveArchConfig("/nonexistent/x.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(errorOf(missing).find("neither a preset"), std::string::npos);
}
