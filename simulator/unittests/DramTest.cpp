// Tests the DMA engine's burst split and the DRAM schedule's closed forms:
// time for N bytes at bandwidth B, latency L and O outstanding requests.
#include "npusim/Modules/Dram.h"
#include "npusim/Modules/DmaEngine.h"

#include <gtest/gtest.h>

using namespace npu::sim;

namespace {

TEST(DmaBursts, ContiguousRowsMergeAndSplitAtBurstBoundaries) {
  // 4 rows of 40 bytes, back to back from address 8: one run of 160 bytes,
  // cut at the 64-byte boundaries 64 and 128.
  EXPECT_EQ(DmaEngine::bursts(8, 40, 1, 4, 40, 1, 64),
            (std::vector<uint32_t>{56, 64, 40}));
}

TEST(DmaBursts, GappedRowsAreSeparateRuns) {
  EXPECT_EQ(DmaEngine::bursts(0, 100, 1, 3, 10, 1, 64),
            (std::vector<uint32_t>{10, 10, 10}));
}

TEST(DmaBursts, StridedElementsAreOneBurstEach) {
  // Column stride 8 with 2-byte elements: 3 elements per row, 2 rows.
  EXPECT_EQ(DmaEngine::bursts(0, 24, 8, 2, 3, 2, 64),
            (std::vector<uint32_t>(6, 2)));
}

TEST(DramSchedule, BandwidthBoundWhenRequestsOverlap) {
  // 16 bursts of 64 bytes at 16 B/cycle, latency 100, 16 outstanding:
  // L + N / B.
  const std::vector<uint32_t> bursts(16, 64);
  EXPECT_EQ(Dram::idleTransferCycles(bursts, 16, 100, 16), 100u + 1024 / 16);
}

TEST(DramSchedule, LatencyBoundWithOneOutstandingRequest) {
  // One request in flight: every burst pays the latency: n (L + b / B).
  const std::vector<uint32_t> bursts(5, 64);
  EXPECT_EQ(Dram::idleTransferCycles(bursts, 16, 100, 1), 5u * (100 + 4));
}

TEST(DramSchedule, PartialBurstsRoundUpToWholeCycles) {
  EXPECT_EQ(Dram::idleTransferCycles({1, 17}, 16, 10, 8), 10u + 1 + 2);
}

TEST(DramSchedule, OutstandingLimitBetweenTheExtremes) {
  // 8 bursts of 4 bus cycles, latency 20, 2 in flight: burst i may only be
  // requested when burst i-2 has completed. Worked by hand:
  // burst 0 req 0 data 20-24, burst 1 req 1 data 24-28,
  // burst 2 req 24 data 44-48, burst 3 req 28 data 48-52, ... so every
  // pair takes 24 cycles after the first: 20 + 4 + 4 + 3 * 24 = 100.
  const std::vector<uint32_t> bursts(8, 64);
  EXPECT_EQ(Dram::idleTransferCycles(bursts, 16, 20, 2), 100u);
}

} // namespace
