//===- Encoding.h - Binary and text forms of instructions -------*- C++ -*-===//
#ifndef NPU_ISA_ENCODING_H
#define NPU_ISA_ENCODING_H

#include "npu/Isa/Isa.h"
#include "npu/Support/Result.h"

#include <string>
#include <string_view>
#include <vector>

namespace npu::isa {

using InstrBytes = std::array<uint8_t, kInstrBytes>;

/// Encodes an instruction; fails when a field value does not fit its width,
/// an enum is out of range, or a dependency flag is invalid for the queue.
Result<InstrBytes> encode(const Instruction &instr);

/// Decodes 32 bytes; fails on an unknown opcode, invalid enum value, invalid
/// dependency flag or non-zero reserved bits. Never reads past 32 bytes.
Result<Instruction> decode(const uint8_t *bytes);

/// Position of one field in the 256-bit instruction word.
struct FieldLayout {
  std::string name;
  unsigned lsb;
  unsigned width;
  bool isSigned;
};

/// Layout of every field of `opcode` (the header fields opcode, pop_prev,
/// pop_next, push_prev, push_next come first).
std::vector<FieldLayout> fieldLayout(Opcode opcode);

/// One-line text form: `mnemonic field=value ... [deps]`. Every field is
/// printed; addresses in hex, enums by name.
std::string disassemble(const Instruction &instr);

/// Parses the text form produced by disassemble (fields left out keep their
/// default values; deps are written as bare words pop_prev, push_next, ...).
Result<Instruction> assemble(std::string_view line);

/// (name, value) of every field in encoding order; enums as their numeric
/// value, flags as 0/1. Deps are not included.
std::vector<std::pair<std::string, int64_t>>
getFields(const Instruction &instr);

/// Sets one field by name; fails for an unknown name or a value that does
/// not fit the field (same rules as encode).
Status setField(Instruction &instr, std::string_view name, int64_t value);

/// Sets one field from its text form (an integer, hex with 0x, or an enum
/// name), with the same checks as assemble.
Status setFieldText(Instruction &instr, std::string_view name,
                    std::string_view text);

/// (name, text) of every field as disassemble prints it.
std::vector<std::pair<std::string, std::string>>
formatFields(const Instruction &instr);

/// The instruction with mnemonic `mnemonic` (e.g. "gemm"), or an error.
Result<Instruction> makeInstruction(std::string_view mnemonic);

/// Checks that the dependency flags are meaningful for the instruction's
/// queue (the load queue has no "prev", the store queue no "next", HALT
/// carries none).
Status checkDeps(const Instruction &instr);

} // namespace npu::isa

#endif // NPU_ISA_ENCODING_H
