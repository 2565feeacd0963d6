//===- Placement.h - Where each layer's data lived --------------*- C++ -*-===//
//
// Read off a finished program: for every layer, where its input
// activations, output activations, weights and PPU tables lived, in DRAM
// (the layer's own DMAs moved them) or in a scratchpad (they were already
// there, or stayed there for a later layer). One derivation for the
// compiler's cost model (Estimate.h, npuc --schedule-report) and npusim's
// report.
//
// The program is read in program order, which the golden executor follows
// and the tokens preserve. Every scratchpad byte remembers the layer that
// last wrote it and whether that write was a DMA of constant DRAM data.
// A layer's read of bytes another layer (or an instruction outside every
// layer) wrote is where its data lived on chip: constant bytes are weights
// (tables in PBUF), others are activations, the reader's input and the
// writer's output. Instructions belong to the layer of their debug range.
// Footprints are the bounding byte ranges of npu/Isa/Access.h, the ones the
// hazard check uses; a strided access also covers the gaps between its
// elements.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_PROGRAM_PLACEMENT_H
#define NPU_PROGRAM_PLACEMENT_H

#include "npu/Isa/Access.h"
#include "npu/Program/Program.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace npu {

/// Bytes of one kind of data per place, indexed by isa::Space (the five
/// scratchpads, then DRAM). A place with no bytes did not hold the data.
struct Locations {
  static constexpr size_t kNumSpaces = 6;
  std::array<uint64_t, kNumSpaces> bytes{};

  uint64_t &operator[](isa::Space s) { return bytes[static_cast<size_t>(s)]; }
  uint64_t operator[](isa::Space s) const {
    return bytes[static_cast<size_t>(s)];
  }
  uint64_t dram() const { return (*this)[isa::Space::Dram]; }
  bool empty() const;
  /// The places that held bytes, DRAM first, joined by '+' ("dram+ibuf");
  /// "-" when none did.
  std::string str() const;
};

/// Where a layer's data lived. DRAM entries are bytes the layer's DMAs
/// moved (rows x cols x element bytes); scratchpad entries are distinct
/// bytes of that scratchpad.
struct LayerPlacement {
  /// DRAM: non-constant data loaded. Scratchpad: bytes read that another
  /// layer's non-constant writes had left there.
  Locations input;
  /// DRAM: data stored. Scratchpad: bytes this layer wrote (not by a DMA
  /// of constants) that another layer read before they were overwritten.
  Locations output;
  /// DRAM: constants loaded into IBUF, WBUF, ABUF or OBUF. Scratchpad:
  /// constant bytes read there that another layer (or code outside every
  /// layer) had loaded.
  Locations weights;
  /// The same for constants in PBUF (PPU parameters, lookup tables).
  Locations tables;
};

/// One entry per Program::layers entry, in that order.
std::vector<LayerPlacement> placeLayers(const Program &program);

} // namespace npu

#endif // NPU_PROGRAM_PLACEMENT_H
