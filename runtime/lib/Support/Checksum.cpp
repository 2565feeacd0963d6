//===- Checksum.cpp - CRC-32 and stable hashes ----------------------------===//
#include "npu/Support/Checksum.h"

#include <boost/crc.hpp>

namespace npu {

uint32_t crc32(const uint8_t *data, size_t size) {
  boost::crc_32_type crc;
  crc.process_bytes(data, size);
  return crc.checksum();
}

uint32_t crc32(std::initializer_list<ByteSpan> pieces) {
  boost::crc_32_type crc;
  for (const ByteSpan &piece : pieces)
    crc.process_bytes(piece.data, piece.size);
  return crc.checksum();
}

uint64_t fnv1a64(std::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

} // namespace npu
