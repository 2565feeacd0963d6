// Tests that the reference documentation matches the code: docs/isa.md has
// a row with the right bit range for every field of every instruction, and
// docs/arch-config.md a row with the right unit, default and range for
// every ArchConfig field. A field added to the code without documentation
// fails here.
#include "npu/Arch/ArchConfig.h"
#include "npu/Isa/Encoding.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

using namespace npu;

namespace {

std::string readDoc(const std::string &name) {
  std::ifstream in(std::string(NPU_SOURCE_DIR) + "/docs/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::vector<std::string> cells(const std::string &line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  std::getline(ss, cell, '|'); // before the first '|'
  while (std::getline(ss, cell, '|'))
    out.push_back(trim(cell));
  return out;
}

std::string formatNumber(double v) {
  if (v == std::floor(v))
    return std::to_string(static_cast<long long>(v));
  std::ostringstream os;
  os << v;
  return os.str();
}

} // namespace

TEST(Docs, IsaDocumentsEveryFieldWithItsBits) {
  const std::string doc = readDoc("isa.md");
  ASSERT_FALSE(doc.empty()) << "docs/isa.md missing";
  for (isa::Opcode op : isa::allOpcodes()) {
    const std::string mnemonic = isa::mnemonicOf(isa::makeInstruction(op));
    char code[8];
    std::snprintf(code, sizeof code, "0x%02x", static_cast<unsigned>(op));
    const std::string heading = "### `" + mnemonic + "` (" + code;
    size_t start = doc.find(heading);
    ASSERT_NE(start, std::string::npos) << "no section '" << heading << "'";
    size_t end = doc.find("\n### ", start + 1);
    const std::string section = doc.substr(start, end - start);
    std::map<std::string, std::vector<std::string>> rows;
    std::stringstream lines(section);
    std::string line;
    while (std::getline(lines, line))
      if (line.rfind("| ", 0) == 0) {
        auto c = cells(line);
        if (c.size() >= 3 && c[1].size() > 2 && c[1][0] == '`')
          rows[c[1].substr(1, c[1].size() - 2)] = c;
      }
    for (const isa::FieldLayout &f : isa::fieldLayout(op)) {
      if (f.lsb < isa::kFirstFieldBit)
        continue; // header fields are documented once
      auto it = rows.find(f.name);
      ASSERT_NE(it, rows.end())
          << mnemonic << ": field " << f.name << " is not documented";
      const std::string bits = f.width == 1
                                   ? std::to_string(f.lsb)
                                   : std::to_string(f.lsb) + "-" +
                                         std::to_string(f.lsb + f.width - 1);
      EXPECT_EQ(it->second[0], bits) << mnemonic << "." << f.name;
      EXPECT_EQ(it->second[2],
                (f.isSigned ? "s" : "u") + std::to_string(f.width))
          << mnemonic << "." << f.name;
    }
    EXPECT_EQ(rows.size(), isa::fieldLayout(op).size() - 5)
        << mnemonic << ": documented fields that do not exist";
  }
}

TEST(Docs, ArchConfigDocumentsEveryField) {
  const std::string doc = readDoc("arch-config.md");
  ASSERT_FALSE(doc.empty()) << "docs/arch-config.md missing";
  const size_t tableStart = doc.find("## All fields");
  ASSERT_NE(tableStart, std::string::npos);
  std::map<std::string, std::vector<std::string>> rows;
  std::stringstream lines(doc.substr(tableStart));
  std::string line;
  while (std::getline(lines, line))
    if (line.rfind("| `", 0) == 0) {
      auto c = cells(line);
      rows[c[0].substr(1, c[0].size() - 2)] = c;
    }
  const ArchConfig defaults;
  for (const ArchFieldInfo &info : archFieldInfos()) {
    auto it = rows.find(info.key);
    ASSERT_NE(it, rows.end()) << info.key << " is not documented";
    const std::vector<std::string> &c = it->second;
    ASSERT_GE(c.size(), 5u) << info.key;
    EXPECT_EQ(c[1], info.unit) << info.key;
    EXPECT_EQ(c[2], *getArchField(defaults, info.key)) << info.key;
    if (info.max > info.min) {
      EXPECT_EQ(c[3], formatNumber(info.min) + " - " + formatNumber(info.max))
          << info.key;
    }
    EXPECT_EQ(c[4], info.description) << info.key;
  }
  EXPECT_EQ(rows.size(), archFieldInfos().size())
      << "docs/arch-config.md documents keys that do not exist";

  // The list of program-dependent fields names exactly those fields.
  const size_t list = doc.find("Program-dependent");
  ASSERT_NE(list, std::string::npos);
  const std::string paragraph = doc.substr(list, doc.find("\n\n", list) - list);
  for (const ArchFieldInfo &info : archFieldInfos()) {
    const bool listed =
        paragraph.find("`" + std::string(info.key) + "`") != std::string::npos;
    EXPECT_EQ(listed, info.affectsProgram) << info.key;
  }
}
