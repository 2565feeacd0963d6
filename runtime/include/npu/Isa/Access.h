//===- Access.h - Memory footprint of instructions --------------*- C++ -*-===//
//
// Which bytes of which memory an instruction reads and writes, as bounding
// byte ranges. Used by the program verifier (bounds), the compiler's
// scheduler (hazards between queues, hence dependency tokens) and the
// simulator (traffic statistics).
//
//===----------------------------------------------------------------------===//
#ifndef NPU_ISA_ACCESS_H
#define NPU_ISA_ACCESS_H

#include "npu/Isa/Isa.h"

#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>

namespace npu::isa {

/// A memory: one of the scratchpads or DRAM.
enum class Space : uint8_t { IBuf, WBuf, ABuf, OBuf, PBuf, Dram };

inline Space spaceOf(Buffer b) { return static_cast<Space>(b); }
const char *spaceName(Space s);

/// Bytes [lo, hi) of `space`, read or written. For strided patterns the
/// range is the bounding box of the touched bytes.
struct Access {
  Space space;
  int64_t lo;
  int64_t hi;
  bool write;
  const char *what; ///< Operand name for messages ("input", "weights", ...).
};

/// The accesses of one instruction, stored inline: computing them for every
/// executed instruction allocates nothing. No instruction has more than
/// seven (a `ppu`: accumulators, output, four tables, LUT).
class AccessList {
public:
  static constexpr size_t kCapacity = 8;

  void push_back(const Access &access) {
    assert(count < kCapacity && "AccessList capacity exceeded");
    items[count++] = access;
  }
  const Access *begin() const { return items.data(); }
  const Access *end() const { return items.data() + count; }
  size_t size() const { return count; }
  bool empty() const { return count == 0; }
  const Access &operator[](size_t i) const { return items[i]; }

private:
  std::array<Access, kCapacity> items{};
  size_t count = 0;
};

/// PBUF bytes of a vec.table table in `mode`: 256 x i8, 513 x i16 or
/// 256 x i32.
int64_t tableBytes(TableMode mode);

/// The accesses of `instr`, given the PPU configuration in force (needed by
/// `ppu`, whose tables are in PBUF, and by `vec.eltwise`'s LUT; nullptr
/// lists only a `ppu`'s ABUF access and a `vec.eltwise`'s operands). Empty
/// ranges are omitted. Assumes field values that passed checkInstruction's
/// limits; it never reads memory.
AccessList accessesOf(const Instruction &instr, const PpuConfig *ppu);

} // namespace npu::isa

#endif // NPU_ISA_ACCESS_H
