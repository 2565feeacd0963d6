//===- Reference.h - Normative semantics of every instruction ---*- C++ -*-===//
//
// The normative definition of what each instruction computes: a plain
// scalar implementation of the pseudo-code of docs/isa.md over the
// architectural state, element by element and MAC by MAC (one fitAcc per
// MAC, in the pseudo-code's order), counting the events of docs/isa.md.
// It is written to be obviously right, not fast; docs/isa.md is written
// from it.
//
// The Machine (Machine.h) runs the same semantics at speed: the hot
// instructions through data-parallel kernels, which the unit tests check
// against this reference bit for bit and event for event; the others by
// calling the functions below directly.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_GOLDEN_REFERENCE_H
#define NPU_GOLDEN_REFERENCE_H

#include "npu/Golden/ArchState.h"
#include "npu/Golden/Counters.h"
#include "npu/Isa/Isa.h"
#include "npu/Support/Result.h"

namespace npu::golden::reference {

/// Executes one instruction: checks its operands (checkInstruction: field
/// limits and memory bounds), then runs it, adding its events and one
/// instruction to `counters`. An error (bad operand, invalid per-channel
/// PPU table entry) leaves `state` and `counters` unchanged.
Status execute(ArchState &state, const isa::Instruction &instr,
               Counters &counters);

/// The semantics of each instruction, for an instruction checkInstruction
/// accepted on `state` (the instruction count is the caller's). Only `ppu`
/// can fail, on an invalid table entry, before it changes anything.
Status run(ArchState &state, const isa::Halt &, Counters &counters);
Status run(ArchState &state, const isa::Token &, Counters &counters);
Status run(ArchState &state, const isa::DmaLoad &d, Counters &counters);
Status run(ArchState &state, const isa::DmaStore &d, Counters &counters);
Status run(ArchState &state, const isa::LoadWeights &l, Counters &counters);
Status run(ArchState &state, const isa::Gemm &g, Counters &counters);
Status run(ArchState &state, const isa::PpuConfig &p, Counters &counters);
Status run(ArchState &state, const isa::Ppu &p, Counters &counters);
Status run(ArchState &state, const isa::DwConv &d, Counters &counters);
Status run(ArchState &state, const isa::Pool &p, Counters &counters);
Status run(ArchState &state, const isa::Rescale &r, Counters &counters);
Status run(ArchState &state, const isa::Alu &a, Counters &counters);
Status run(ArchState &state, const isa::Reduce &r, Counters &counters);
Status run(ArchState &state, const isa::Table &t, Counters &counters);
Status run(ArchState &state, const isa::EltwiseConfig &e, Counters &counters);
Status run(ArchState &state, const isa::Eltwise &e, Counters &counters);

/// checkInstruction of `instr` on `state`'s configuration, with the
/// ppu.cfg and vec.ecfg registers `state` holds.
Status check(const ArchState &state, const isa::Instruction &instr);

} // namespace npu::golden::reference

#endif // NPU_GOLDEN_REFERENCE_H
