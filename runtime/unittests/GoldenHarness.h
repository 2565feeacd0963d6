//===- GoldenHarness.h - A Machine with byte helpers for the tests -*- C++
//-*-===//
//
// Shared by the hand-computed golden executor tests (GoldenMachineTest.cpp,
// GoldenVectorTest.cpp): a Machine on a small configuration, with helpers
// to place and read 8-, 16- and 32-bit values in its scratchpads.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_UNITTESTS_GOLDENHARNESS_H
#define NPU_UNITTESTS_GOLDENHARNESS_H

#include "npu/Golden/Machine.h"
#include "npu/Support/ByteIO.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace npu::golden::testing {

using namespace npu::isa;

inline ArchConfig makeConfig(int rows, int cols, int accBits = 32,
                             const char *policy = "wrap") {
  ArchConfig c = *resolveArchConfig("npu-tiny");
  EXPECT_TRUE(setArchField(c, "array.rows", std::to_string(rows)).ok());
  EXPECT_TRUE(setArchField(c, "array.cols", std::to_string(cols)).ok());
  EXPECT_TRUE(setArchField(c, "array.acc_bits", std::to_string(accBits)).ok());
  EXPECT_TRUE(setArchField(c, "array.overflow", policy).ok());
  return c;
}

struct Harness {
  explicit Harness(const ArchConfig &config, uint64_t dram = 4096)
      : m(config, dram) {}

  void run(const Instruction &instr) {
    Status s = m.execute(instr, counters);
    ASSERT_TRUE(s.ok()) << s.error().getMessage();
  }
  Status tryRun(const Instruction &instr) { return m.execute(instr, counters); }

  void put8(Buffer b, uint32_t addr, std::vector<int> values) {
    for (size_t i = 0; i < values.size(); ++i)
      m.sram(b)[addr + i] = static_cast<uint8_t>(values[i]);
  }
  void put32(Buffer b, uint32_t addr, std::vector<int64_t> values) {
    for (size_t i = 0; i < values.size(); ++i)
      storeLE<int32_t>(m.sram(b).data() + addr + 4 * i,
                       static_cast<int32_t>(values[i]));
  }
  void put16(Buffer b, uint32_t addr, std::vector<int> values) {
    for (size_t i = 0; i < values.size(); ++i)
      storeLE<int16_t>(m.sram(b).data() + addr + 2 * i,
                       static_cast<int16_t>(values[i]));
  }
  std::vector<int> get8(Buffer b, uint32_t addr, size_t n) {
    std::vector<int> out;
    for (size_t i = 0; i < n; ++i)
      out.push_back(static_cast<int8_t>(m.sram(b)[addr + i]));
    return out;
  }
  std::vector<int64_t> get32(Buffer b, uint32_t addr, size_t n) {
    std::vector<int64_t> out;
    for (size_t i = 0; i < n; ++i)
      out.push_back(loadLE<int32_t>(m.sram(b).data() + addr + 4 * i));
    return out;
  }
  std::vector<int> get16(Buffer b, uint32_t addr, size_t n) {
    std::vector<int> out;
    for (size_t i = 0; i < n; ++i)
      out.push_back(loadLE<int16_t>(m.sram(b).data() + addr + 2 * i));
    return out;
  }

  Machine m;
  Counters counters;
};

constexpr int64_t kI32Max = std::numeric_limits<int32_t>::max();
constexpr int64_t kI32Min = std::numeric_limits<int32_t>::min();

} // namespace npu::golden::testing

#endif // NPU_UNITTESTS_GOLDENHARNESS_H
