//===- RtlArrays.cpp - The Verilated MAC arrays of this build -------------===//
#include "npurtl/RtlArrays.h"

#include "VerilatedArray.h"

// One #include "V<name>.h" per configuration built (rtl/CMakeLists.txt).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "RtlConfigHeaders.inc"
#pragma GCC diagnostic pop

#include <sstream>

namespace npu::rtl {

namespace {

struct Entry {
  RtlArrayConfig config;
  std::unique_ptr<sim::ArrayPort> (*make)(const std::string &vcdPath);
};

template <typename V>
std::unique_ptr<sim::ArrayPort> make(unsigned rows, unsigned cols,
                                     unsigned weightBits, unsigned accBits,
                                     const std::string &vcdPath) {
  return std::make_unique<VerilatedArray<V>>(rows, cols, weightBits, accBits,
                                             vcdPath);
}

#define NPU_RTL_ARRAY(NAME, ROWS, COLS, WBITS, ABITS, SAT, BUG)                \
  Entry{RtlArrayConfig{ROWS, COLS, WBITS, ABITS, SAT, BUG},                    \
        [](const std::string &vcdPath) {                                       \
          return make<V##NAME>(ROWS, COLS, WBITS, ABITS, vcdPath);             \
        }},

const Entry kEntries[] = {
#include "RtlConfigTable.inc"
};

#undef NPU_RTL_ARRAY

} // namespace

std::string RtlArrayConfig::name() const {
  std::ostringstream s;
  s << "r" << rows << "c" << cols << "w" << weightBits << "a" << accBits
    << (saturate ? "sat" : "wrap") << (injectBug ? "bug" : "");
  return s.str();
}

RtlArrayConfig RtlArrayConfig::of(const ArchConfig &config) {
  RtlArrayConfig c;
  c.rows = static_cast<unsigned>(config.array.rows);
  c.cols = static_cast<unsigned>(config.array.cols);
  c.weightBits = static_cast<unsigned>(config.array.weightBits);
  c.accBits = static_cast<unsigned>(config.array.accBits);
  c.saturate = config.array.overflow == OverflowPolicy::Saturate;
  return c;
}

bool RtlArrayConfig::operator==(const RtlArrayConfig &o) const {
  return rows == o.rows && cols == o.cols && weightBits == o.weightBits &&
         accBits == o.accBits && saturate == o.saturate &&
         injectBug == o.injectBug;
}

std::vector<RtlArrayConfig> builtRtlArrays() {
  std::vector<RtlArrayConfig> out;
  for (const Entry &e : kEntries)
    out.push_back(e.config);
  return out;
}

Result<std::unique_ptr<sim::ArrayPort>>
makeRtlArray(const RtlArrayConfig &config, const std::string &vcdPath) {
  for (const Entry &e : kEntries)
    if (e.config == config)
      return e.make(vcdPath);
  std::string built;
  for (const Entry &e : kEntries)
    built += (built.empty() ? "" : ", ") + e.config.name();
  return makeError("no RTL array ", config.name(),
                   " in this build (built: ", built,
                   "; add it to NPU_RTL_CONFIGS in rtl/CMakeLists.txt)");
}

} // namespace npu::rtl
