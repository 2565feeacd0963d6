//===- ByteIO.h - Little-endian byte buffers --------------------*- C++ -*-===//
//
// Helpers for reading and writing little-endian integers in byte buffers, and
// for whole-file I/O. Reads are bounds-checked by the caller.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_SUPPORT_BYTEIO_H
#define NPU_SUPPORT_BYTEIO_H

#include "npu/Support/Result.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

namespace npu {

/// Reads a little-endian integer of type T at `p` (no alignment needed).
template <typename T> T loadLE(const uint8_t *p) {
  static_assert(std::is_integral_v<T>);
  std::make_unsigned_t<T> v = 0;
  for (size_t i = 0; i < sizeof(T); ++i)
    v |= static_cast<std::make_unsigned_t<T>>(p[i]) << (8 * i);
  return static_cast<T>(v);
}

/// Writes a little-endian integer of type T at `p`.
template <typename T> void storeLE(uint8_t *p, T value) {
  static_assert(std::is_integral_v<T>);
  auto v = static_cast<std::make_unsigned_t<T>>(value);
  for (size_t i = 0; i < sizeof(T); ++i)
    p[i] = static_cast<uint8_t>(v >> (8 * i));
}

/// Appends little-endian values to a growing byte vector.
class ByteWriter {
public:
  template <typename T> void put(T value) {
    size_t at = bytes.size();
    bytes.resize(at + sizeof(T));
    storeLE<T>(bytes.data() + at, value);
  }
  void putF64(double value) {
    uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    put<uint64_t>(bits);
  }
  void putBytes(const uint8_t *data, size_t size) {
    bytes.insert(bytes.end(), data, data + size);
  }
  /// Pads with zero bytes up to a multiple of `alignment`.
  void align(size_t alignment) {
    while (bytes.size() % alignment)
      bytes.push_back(0);
  }
  size_t size() const { return bytes.size(); }
  std::vector<uint8_t> &data() { return bytes; }

private:
  std::vector<uint8_t> bytes;
};

inline double loadF64LE(const uint8_t *p) {
  uint64_t bits = loadLE<uint64_t>(p);
  double value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

/// Reads a whole file. Errors name the path.
Result<std::vector<uint8_t>> readFileBytes(const std::string &path);

/// Writes a whole file (replacing it). Errors name the path.
Status writeFileBytes(const std::string &path,
                      const std::vector<uint8_t> &data);

} // namespace npu

#endif // NPU_SUPPORT_BYTEIO_H
