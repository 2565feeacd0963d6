// Feeds the prog.bin reader truncated, bit-flipped, mutated and random byte
// strings. Every one must be either read or rejected with a message; none
// may crash (CI runs this test under AddressSanitizer and UBSan).
#include "TestPrograms.h"

#include <gtest/gtest.h>

#include <random>

using namespace npu;
using namespace npu::test;

namespace {

/// Reads `bytes`; returns true when accepted. A rejection must carry a
/// non-empty one-line message.
bool readOnce(const std::vector<uint8_t> &bytes) {
  Result<Program> r = readProgram(bytes.data(), bytes.size());
  if (r.ok())
    return true;
  const std::string &m = r.error().getMessage();
  EXPECT_FALSE(m.empty());
  EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  return false;
}

} // namespace

TEST(ProgramRobustness, EveryTruncationIsRejected) {
  const std::vector<uint8_t> full = *writeProgram(sampleProgram());
  for (size_t n = 0; n < full.size(); ++n) {
    std::vector<uint8_t> prefix(full.begin(), full.begin() + n);
    EXPECT_FALSE(readOnce(prefix)) << "prefix of " << n << " bytes accepted";
  }
}

TEST(ProgramRobustness, EverySingleBitFlipIsCaughtByTheChecksum) {
  const std::vector<uint8_t> full = *writeProgram(sampleProgram());
  for (size_t bit = 0; bit < full.size() * 8; ++bit) {
    std::vector<uint8_t> v = full;
    v[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(readOnce(v)) << "flip of bit " << bit << " accepted";
  }
}

TEST(ProgramRobustness, BitFlipsWithValidChecksumNeverCrash) {
  const std::vector<uint8_t> full = *writeProgram(sampleProgram());
  size_t accepted = 0;
  for (size_t bit = 0; bit < full.size() * 8; ++bit) {
    std::vector<uint8_t> v = full;
    v[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    fixCrc(v);
    accepted += readOnce(v);
  }
  // Flips inside constant data or default inputs are legitimately accepted;
  // structural ones are not.
  EXPECT_LT(accepted, full.size() * 8);
}

TEST(ProgramRobustness, RandomMutationsWithValidChecksumNeverCrash) {
  const std::vector<uint8_t> full = *writeProgram(sampleProgram());
  std::mt19937 rng(7);
  for (int trial = 0; trial < 20000; ++trial) {
    std::vector<uint8_t> v = full;
    const int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % v.size();
      switch (rng() % 4) {
      case 0:
        v[at] = static_cast<uint8_t>(rng());
        break;
      case 1: // a large little-endian value, e.g. a count or offset
        for (size_t k = at; k < std::min(v.size(), at + 4); ++k)
          v[k] = 0xff;
        break;
      case 2:
        v[at] = 0;
        break;
      default:
        v[at] ^= static_cast<uint8_t>(1u << (rng() % 8));
      }
    }
    if (rng() % 4 == 0)
      v.resize(64 + rng() % (v.size() - 64));
    if (v.size() >= 64)
      storeLE<uint64_t>(v.data() + 24, v.size());
    if (v.size() >= 24)
      fixCrc(v);
    readOnce(v);
  }
}

TEST(ProgramRobustness, RandomFilesAreRejected) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 2000; ++trial) {
    std::vector<uint8_t> v(rng() % 4096);
    for (uint8_t &byte : v)
      byte = static_cast<uint8_t>(rng());
    EXPECT_FALSE(readOnce(v));
    // Same with a valid magic, version, size and checksum.
    if (v.size() >= 64) {
      const uint8_t magic[8] = {0x89, 'N', 'P', 'U', '\r', '\n', 0x1a, '\n'};
      std::copy(magic, magic + 8, v.begin());
      storeLE<uint16_t>(v.data() + 8, 1);
      storeLE<uint64_t>(v.data() + 24, v.size());
      fixCrc(v);
      EXPECT_FALSE(readOnce(v));
    }
  }
}
