//===- ElementType.h - Element types of tensors and operands ----*- C++ -*-===//
//
// The one enumeration of element types, shared by host tensors (.npy files,
// program inputs and outputs) and the instruction set (vector operands, PPU
// outputs). The integer types come first, in the order the ISA encodes them
// in its 2-bit type fields (docs/isa.md); F32 exists only on the host side
// (float model interfaces) and cannot be encoded in an instruction.
// prog.bin stores tensor types with its own codes (ProgramIO.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef NPU_SUPPORT_ELEMENTTYPE_H
#define NPU_SUPPORT_ELEMENTTYPE_H

#include "npu/Support/ByteIO.h"
#include "npu/Support/Result.h"

#include <cstdint>
#include <limits>
#include <string_view>

namespace npu {

enum class ElementType : uint8_t { I8, I16, I32, U8, F32 };

/// Number of integer element types (the ones the ISA can encode).
inline constexpr unsigned kIntegerElementTypes = 4;

inline constexpr bool isInteger(ElementType type) {
  return type != ElementType::F32;
}

inline constexpr unsigned elementBytes(ElementType type) {
  switch (type) {
  case ElementType::I8:
  case ElementType::U8:
    return 1;
  case ElementType::I16:
    return 2;
  case ElementType::I32:
  case ElementType::F32:
    return 4;
  }
  return 1;
}

inline constexpr unsigned elementBits(ElementType type) {
  return 8 * elementBytes(type);
}

/// Smallest and largest value of an integer element type.
inline constexpr int64_t elementMin(ElementType type) {
  switch (type) {
  case ElementType::I8:
    return -128;
  case ElementType::I16:
    return -32768;
  case ElementType::I32:
    return std::numeric_limits<int32_t>::min();
  case ElementType::U8:
  case ElementType::F32:
    return 0;
  }
  return 0;
}
inline constexpr int64_t elementMax(ElementType type) {
  switch (type) {
  case ElementType::I8:
    return 127;
  case ElementType::I16:
    return 32767;
  case ElementType::I32:
    return std::numeric_limits<int32_t>::max();
  case ElementType::U8:
    return 255;
  case ElementType::F32:
    return 0;
  }
  return 0;
}

/// Short name: i8, i16, i32, u8, f32.
inline constexpr std::string_view elementTypeName(ElementType type) {
  switch (type) {
  case ElementType::I8:
    return "i8";
  case ElementType::I16:
    return "i16";
  case ElementType::I32:
    return "i32";
  case ElementType::U8:
    return "u8";
  case ElementType::F32:
    return "f32";
  }
  return "?";
}

inline Result<ElementType> parseElementType(std::string_view name) {
  for (ElementType t : {ElementType::I8, ElementType::I16, ElementType::I32,
                        ElementType::U8, ElementType::F32})
    if (name == elementTypeName(t))
      return t;
  return makeError("unknown element type '", name, "'");
}

/// Reads one integer element at `p`, sign-extended (zero-extended for u8).
inline int64_t loadElement(const uint8_t *p, ElementType type) {
  switch (type) {
  case ElementType::I8:
    return static_cast<int8_t>(p[0]);
  case ElementType::U8:
    return p[0];
  case ElementType::I16:
    return loadLE<int16_t>(p);
  case ElementType::I32:
    return loadLE<int32_t>(p);
  case ElementType::F32:
    break;
  }
  return 0;
}

/// Writes one integer element at `p`, truncating `value` to the type.
inline void storeElement(uint8_t *p, ElementType type, int64_t value) {
  switch (type) {
  case ElementType::I8:
  case ElementType::U8:
    p[0] = static_cast<uint8_t>(value);
    break;
  case ElementType::I16:
    storeLE<int16_t>(p, static_cast<int16_t>(value));
    break;
  case ElementType::I32:
    storeLE<int32_t>(p, static_cast<int32_t>(value));
    break;
  case ElementType::F32:
    break;
  }
}

} // namespace npu

#endif // NPU_SUPPORT_ELEMENTTYPE_H
