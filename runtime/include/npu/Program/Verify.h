//===- Verify.h - Operand checks of single instructions ---------*- C++ -*-===//
#ifndef NPU_PROGRAM_VERIFY_H
#define NPU_PROGRAM_VERIFY_H

#include "npu/Arch/ArchConfig.h"
#include "npu/Isa/Isa.h"
#include "npu/Support/Result.h"

#include <cstdint>

namespace npu {

/// Capacity in bytes of a scratchpad under `config`.
int64_t bufferBytes(const ArchConfig &config, isa::Buffer buffer);

/// Checks that every byte `instr` touches lies inside its scratchpad or the
/// program's `dramSize` bytes of DRAM, and that its operands respect the
/// array, PPU and vector-unit limits of `config`. `ppu` is the PPU
/// configuration in force and `eltwise` the element-wise configuration
/// (vec.ecfg) in force; nullptr when none has been set, which makes a `ppu`
/// or `vec.eltwise` that needs it an error.
Status checkInstruction(const isa::Instruction &instr, const ArchConfig &config,
                        uint64_t dramSize, const isa::PpuConfig *ppu,
                        const isa::EltwiseConfig *eltwise);

} // namespace npu

#endif // NPU_PROGRAM_VERIFY_H
