//===- Checksum.h - CRC-32 and stable hashes --------------------*- C++ -*-===//
#ifndef NPU_SUPPORT_CHECKSUM_H
#define NPU_SUPPORT_CHECKSUM_H

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace npu {

/// CRC-32 as used by zlib, PNG and Ethernet (reflected polynomial 0xEDB88320,
/// initial value and final xor 0xFFFFFFFF). crc32("123456789") == 0xCBF43926.
uint32_t crc32(const uint8_t *data, size_t size);

/// A contiguous piece of bytes.
struct ByteSpan {
  const uint8_t *data;
  size_t size;
};

/// CRC-32 of the concatenation of `pieces`.
uint32_t crc32(std::initializer_list<ByteSpan> pieces);

/// 64-bit FNV-1a hash; stable across platforms and releases.
uint64_t fnv1a64(std::string_view text);

} // namespace npu

#endif // NPU_SUPPORT_CHECKSUM_H
