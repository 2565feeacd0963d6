// Tests the scratchpad bank model: dense bandwidth and bank conflicts of
// strided access groups.
#include "npusim/Modules/Scratchpad.h"

#include <gtest/gtest.h>

using namespace npu::sim;

namespace {

std::vector<int64_t> strided(int64_t base, int64_t stride, int n) {
  std::vector<int64_t> a;
  for (int i = 0; i < n; ++i)
    a.push_back(base + i * stride);
  return a;
}

TEST(ScratchpadBanks, ContiguousBytesTakeOneCycle) {
  // 4 banks x 16 bytes: 64 aligned bytes are one line per bank.
  EXPECT_EQ(Scratchpad::groupCycles(strided(0, 1, 64), 1, 4, 16), 1u);
}

TEST(ScratchpadBanks, UnalignedGroupTouchesOneBankTwice) {
  // Bytes 8..71 touch lines 0..4; lines 0 and 4 are both in bank 0.
  EXPECT_EQ(Scratchpad::groupCycles(strided(8, 1, 64), 1, 4, 16), 2u);
}

TEST(ScratchpadBanks, StrideOfAllBanksConflictsFully) {
  // Stride 64 = banks x width: 16 elements, 16 lines, all in bank 0.
  EXPECT_EQ(Scratchpad::groupCycles(strided(0, 64, 16), 1, 4, 16), 16u);
}

TEST(ScratchpadBanks, StrideOfOneLineSpreadsOverBanks) {
  // Stride 16: lines 0..15 over 4 banks, 4 lines each.
  EXPECT_EQ(Scratchpad::groupCycles(strided(0, 16, 16), 1, 4, 16), 4u);
  // Stride 16 with 4 elements: one line per bank.
  EXPECT_EQ(Scratchpad::groupCycles(strided(0, 16, 4), 1, 4, 16), 1u);
}

TEST(ScratchpadBanks, ElementsSpanningLinesCountBoth) {
  // A 4-byte element at 14 covers lines 0 and 1 (different banks).
  EXPECT_EQ(Scratchpad::groupCycles({14}, 4, 4, 16), 1u);
  // With one bank both lines conflict.
  EXPECT_EQ(Scratchpad::groupCycles({14}, 4, 1, 16), 2u);
}

} // namespace
