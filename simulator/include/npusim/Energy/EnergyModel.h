//===- EnergyModel.h - Energy from activity counts --------------*- C++ -*-===//
//
// Energy = sum over events of count x energy per event, with the per-event
// energies of the ArchConfig's `energy.*` table (45 nm figures; sources in
// docs/energy-model.md):
//
//   array      array MACs x mac_pj + accumulator adds x acc_add_pj
//   sram.<buf> (bytes read + written) / 8 x E64(buffer capacity), where
//              E64 interpolates linearly in log(size) / log(energy) between
//              sram_small_pj_per_64b at 8 KiB and sram_large_pj_per_64b at
//              1 MiB (and extrapolates the same line outside)
//   dram       64-bit words x dram_pj_per_64b
//   ppu        elements x ppu_op_pj
//   vector     lane operations x vector_op_pj
//   control    instructions x instr_pj
//
// Logic and SRAM energies are scaled by tech.node_nm / 45 (first-order
// capacitance scaling at constant voltage); DRAM energy, dominated by the
// off-chip interface, is not scaled.
//
//===----------------------------------------------------------------------===//
#ifndef NPUSIM_ENERGY_ENERGYMODEL_H
#define NPUSIM_ENERGY_ENERGYMODEL_H

#include "npusim/Stats.h"

#include "npu/Arch/ArchConfig.h"

#include <array>

namespace npu::sim {

struct EnergyBreakdown {
  double array = 0;
  std::array<double, 5> sram{}; ///< per scratchpad (isa::Buffer order)
  double dram = 0;
  double ppu = 0;
  double vector = 0;
  double control = 0;

  double sramTotal() const;
  double total() const;
};

/// Energy in pJ of the given activity on `config`'s machine.
EnergyBreakdown energyOf(const ActivityStats &activity,
                         const ArchConfig &config);

/// pJ per 64-bit access of an SRAM of `bytes` capacity, at 45 nm.
double sramPjPer64b(double bytes, const ArchConfig &config);

/// Capacity in bytes of scratchpad `buffer` (isa::Buffer order).
double scratchpadBytes(unsigned buffer, const ArchConfig &config);

} // namespace npu::sim

#endif // NPUSIM_ENERGY_ENERGYMODEL_H
