// Tests the energy model: SRAM size interpolation, node scaling and the
// per-component sums.
#include "npusim/Energy/EnergyModel.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace npu;
using namespace npu::sim;

namespace {

TEST(EnergyModel, SramEnergyInterpolatesInLogSpace) {
  const ArchConfig c; // 10 pJ at 8 KiB, 100 pJ at 1 MiB
  EXPECT_NEAR(sramPjPer64b(8 * 1024, c), 10.0, 1e-9);
  EXPECT_NEAR(sramPjPer64b(1024 * 1024, c), 100.0, 1e-9);
  // 8 KiB -> 1 MiB is 7 doublings; 64 KiB is 3 of them.
  EXPECT_NEAR(sramPjPer64b(64 * 1024, c), 10.0 * std::pow(10.0, 3.0 / 7.0),
              1e-9);
}

TEST(EnergyModel, ComponentsAddUpAndScaleWithTheNode) {
  ArchConfig c;
  ActivityStats a;
  a.arrayMacs = 1000;
  a.counters.macs = 1000;
  a.accumulatorAdds = 10;
  a.dramWords = 4;
  a.sramReadBytes[0] = 64; // ibuf, 64 KiB
  a.ppuElements = 2;
  a.vectorOps = 8;
  a.counters.instructions = 3;
  const EnergyBreakdown e45 = energyOf(a, c);
  EXPECT_NEAR(e45.array, 1000 * 0.23 + 10 * 0.1, 1e-9);
  EXPECT_NEAR(e45.dram, 4 * 1950.0, 1e-9);
  EXPECT_NEAR(e45.sram[0], 8 * sramPjPer64b(64 * 1024, c), 1e-9);
  EXPECT_NEAR(e45.ppu, 2 * 3.3, 1e-9);
  EXPECT_NEAR(e45.vector, 8 * 0.5, 1e-9);
  EXPECT_NEAR(e45.control, 3 * 40.0, 1e-9);
  EXPECT_NEAR(e45.total(),
              e45.array + e45.sramTotal() + e45.dram + e45.ppu + e45.vector +
                  e45.control,
              1e-9);

  c.tech.nodeNm = 90; // logic and SRAM double, DRAM does not
  const EnergyBreakdown e90 = energyOf(a, c);
  EXPECT_NEAR(e90.array, 2 * e45.array, 1e-9);
  EXPECT_NEAR(e90.sram[0], 2 * e45.sram[0], 1e-9);
  EXPECT_NEAR(e90.dram, e45.dram, 1e-9);
}

} // namespace
