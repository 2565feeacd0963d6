//===- EnergyModel.cpp - Energy from activity counts ----------------------===//
#include "npusim/Energy/EnergyModel.h"

#include <cmath>
#include <numeric>

namespace npu::sim {

double EnergyBreakdown::sramTotal() const {
  return std::accumulate(sram.begin(), sram.end(), 0.0);
}

double EnergyBreakdown::total() const {
  return array + sramTotal() + dram + ppu + vector + control;
}

double sramPjPer64b(double bytes, const ArchConfig &config) {
  constexpr double kSmall = 8.0 * 1024, kLarge = 1024.0 * 1024;
  const double small = config.energy.sramSmallPjPer64b;
  const double large = config.energy.sramLargePjPer64b;
  if (small <= 0 || large <= 0 || bytes <= 0)
    return small; // degenerate tables: no interpolation in log space
  const double t = std::log(bytes / kSmall) / std::log(kLarge / kSmall);
  return std::exp(std::log(small) + t * (std::log(large) - std::log(small)));
}

double scratchpadBytes(unsigned buffer, const ArchConfig &config) {
  switch (buffer) {
  case 0:
    return double(config.ibufBytes());
  case 1:
    return double(config.wbufBytes());
  case 2:
    return double(config.abufBytes());
  case 3:
    return double(config.obufBytes());
  default:
    return double(config.pbufBytes());
  }
}

EnergyBreakdown energyOf(const ActivityStats &a, const ArchConfig &config) {
  const double scale = double(config.tech.nodeNm) / 45.0;
  const ArchConfig::Energy &e = config.energy;
  EnergyBreakdown out;
  // A 4-bit (2-bit) array's PE multiplies an int8 by a 5-bit (3-bit)
  // weight (multi-point weights); its MAC costs energy.mac4_pj (mac2_pj).
  const double macPj = macEnergyPj(config);
  out.array = scale * (double(a.arrayMacs) * macPj +
                       double(a.accumulatorAdds) * e.accAddPj);
  for (unsigned b = 0; b < 5; ++b)
    out.sram[b] = scale * double(a.sramReadBytes[b] + a.sramWriteBytes[b]) /
                  8.0 * sramPjPer64b(scratchpadBytes(b, config), config);
  out.dram = double(a.dramWords) * e.dramPjPer64b;
  out.ppu = scale * double(a.ppuElements) * e.ppuOpPj;
  out.vector = scale * double(a.vectorOps) * e.vectorOpPj;
  out.control = scale * double(a.counters.instructions) * e.instrPj;
  return out;
}

} // namespace npu::sim
