//===- GoldenFastPathHarness.h - Machine vs reference harness --*- C++ -*-===//
//
// Shared by the randomized differential tests (GoldenFastPathTest.cpp,
// GoldenFastPathVectorTest.cpp): runs an instruction on the reference
// semantics (npu/Golden/Reference.h), on a Machine with the host's best
// kernels and on one forced to the portable kernels, and compares every
// byte, weight register, event counter and error; random machines, data
// and operand placement.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_UNITTESTS_GOLDENFASTPATHHARNESS_H
#define NPU_UNITTESTS_GOLDENFASTPATHHARNESS_H

#include "npu/Golden/Machine.h"
#include "npu/Golden/Reference.h"
#include "npu/Program/Verify.h"
#include "npu/Support/ByteIO.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

namespace npu::golden::fastpath {

using namespace npu::isa;

/// A Machine built while NPU_GOLDEN_KERNELS=portable (the variable is
/// restored after).
inline Machine portableMachine(const ArchConfig &config, uint64_t dramSize) {
  const char *previous = std::getenv("NPU_GOLDEN_KERNELS");
  const std::string saved = previous ? previous : "";
  setenv("NPU_GOLDEN_KERNELS", "portable", 1);
  Machine machine(config, dramSize);
  if (previous)
    setenv("NPU_GOLDEN_KERNELS", saved.c_str(), 1);
  else
    unsetenv("NPU_GOLDEN_KERNELS");
  return machine;
}

/// The three executors of a case: the reference and Machines with the
/// host's best and with the portable kernels. A case fills the reference's
/// memories, copies them to the machines (sync), then runs instructions on
/// all three.
struct Executors {
  Executors(const ArchConfig &config, uint64_t dramSize)
      : reference(config, dramSize), fast(config, dramSize),
        portable(portableMachine(config, dramSize)) {}

  void sync() {
    for (Machine *m : {&fast, &portable}) {
      m->dram() = reference.dram;
      for (unsigned b = 0; b < reference.scratchpads.size(); ++b)
        m->sram(static_cast<Buffer>(b)) = reference.scratchpads[b];
    }
  }

  ArchState reference;
  Machine fast, portable;
};

/// Runs `instr` on the three executors and checks that the machines end
/// in the reference's state with its events. The instruction must
/// succeed, or, with `fails`, fail with the same error everywhere.
inline void expectSame(Executors &ex, const Instruction &instr,
                       const std::string &what, bool fails = false) {
  Counters expected;
  const Status expectedStatus =
      reference::execute(ex.reference, instr, expected);
  ASSERT_EQ(expectedStatus.ok(), !fails)
      << what << ": "
      << (fails ? "no error" : expectedStatus.error().getMessage());
  const ArchState &ref = ex.reference;
  const ArchConfig &config = ref.arch;
  for (Machine *m : {&ex.fast, &ex.portable}) {
    const std::string name =
        what + (m == &ex.fast ? " (host kernels)" : " (portable kernels)");
    Counters counters;
    Status status = m->execute(instr, counters);
    ASSERT_EQ(status.ok(), expectedStatus.ok())
        << name << ": "
        << (status.ok() ? expectedStatus : status).error().getMessage();
    if (!status.ok()) {
      EXPECT_EQ(status.error().getMessage(),
                expectedStatus.error().getMessage())
          << name;
    }
    EXPECT_EQ(counters.instructions, expected.instructions) << name;
    EXPECT_EQ(counters.accOverflow, expected.accOverflow) << name;
    EXPECT_EQ(counters.saturation, expected.saturation) << name;
    EXPECT_EQ(counters.macs, expected.macs) << name;
    for (unsigned b = 0; b < ref.scratchpads.size(); ++b)
      EXPECT_TRUE(m->sram(static_cast<Buffer>(b)) == ref.scratchpads[b])
          << name << ": scratchpad " << b << " differs";
    EXPECT_TRUE(m->dram() == ref.dram) << name << ": DRAM differs";
    bool sameWeights = true;
    for (unsigned r = 0; r < config.array.rows; ++r)
      for (unsigned c = 0; c < config.array.cols; ++c)
        sameWeights &= m->weight(r, c) == ref.weight(r, c);
    EXPECT_TRUE(sameWeights) << name << ": weight registers differ";
  }
}

inline bool fits(const Instruction &instr, const ArchState &s) {
  return reference::check(s, instr).ok();
}

class Rng {
public:
  explicit Rng(uint64_t seed) : engine(seed) {}
  int64_t uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(engine);
  }
  bool chance(double p) { return std::bernoulli_distribution(p)(engine); }
  template <typename T> T pick(std::initializer_list<T> values) {
    return *(values.begin() + uniform(0, int64_t(values.size()) - 1));
  }
  void fill(std::vector<uint8_t> &bytes) {
    for (uint8_t &b : bytes)
      b = static_cast<uint8_t>(engine());
  }
  std::mt19937_64 engine;
};

/// A small machine with a random array shape, accumulator width and policy.
inline ArchConfig randomConfig(Rng &rng) {
  ArchConfig c = *resolveArchConfig("npu-tiny");
  c.array.rows = rng.pick<int64_t>({1, 3, 4, 5, 8, 12, 16, 17, 32, 40});
  c.array.cols = rng.pick<int64_t>({1, 2, 7, 8, 9, 16, 24, 32, 33});
  c.array.accBits = rng.pick<int64_t>({16, 17, 20, 24, 28, 31, 32, 32});
  c.array.overflow =
      rng.chance(0.5) ? OverflowPolicy::Wrap : OverflowPolicy::Saturate;
  c.array.weightBits = rng.chance(0.2) ? 4 : rng.chance(0.1) ? 2 : 8;
  c.sram.ibufKiB = c.sram.abufKiB = 64;
  return c;
}

/// Fills every scratchpad and DRAM with data of a random flavour: uniform
/// bytes, small values, only -128 and 127 (the largest |x - zp|), or int32
/// words near the accumulator limits.
inline void fillState(Rng &rng, ArchState &s) {
  rng.fill(s.dram);
  for (unsigned b = 0; b < s.scratchpads.size(); ++b) {
    std::vector<uint8_t> &bytes = s.scratchpads[b];
    rng.fill(bytes);
    const int flavour = int(rng.uniform(0, 3));
    if (flavour == 1)
      for (uint8_t &v : bytes)
        v = static_cast<uint8_t>(int8_t(v) / 32);
    if (flavour == 3)
      for (uint8_t &v : bytes)
        v = v & 1 ? 0x80 : 0x7f;
    if (flavour == 2 && b == unsigned(Buffer::ABuf)) {
      const int64_t limit = int64_t(1) << (s.arch.array.accBits - 1);
      for (size_t i = 0; i + 4 <= bytes.size(); i += 4)
        storeLE<int32_t>(
            bytes.data() + i,
            static_cast<int32_t>(rng.chance(0.5) ? limit - rng.uniform(1, 64)
                                                 : rng.uniform(1, 64) - limit));
    }
  }
}

/// Address in [0, capacity - span], a multiple of `align` (or -1).
inline int64_t placeIn(Rng &rng, int64_t capacity, int64_t span,
                       int64_t align) {
  if (span > capacity)
    return -1;
  return rng.uniform(0, (capacity - span) / align) * align;
}

/// Element types of vector operands.
inline DType randomType(Rng &rng) {
  return rng.pick<DType>({DType::I8, DType::I16, DType::I32, DType::U8});
}

/// Base byte address, in a scratchpad of `capacity` bytes, of a block of
/// `size`-byte elements at element offsets sum(i_k * strides[k]) for
/// i_k < counts[k]; -1 when it does not fit.
inline int64_t
placeBlock(Rng &rng, int64_t capacity, int64_t size,
           std::initializer_list<std::pair<int64_t, int64_t>> axes) {
  int64_t lo = 0, hi = 0;
  for (auto [count, stride] : axes) {
    const int64_t extent = (count - 1) * stride;
    (extent < 0 ? lo : hi) += extent;
  }
  const int64_t at = placeIn(rng, capacity, (hi - lo + 1) * size, size);
  return at < 0 ? -1 : at - lo * size;
}

/// Gives `op` a random scratchpad, strides and address for n_outer x
/// n_inner elements of its type; false when it does not fit.
inline bool placeOperand(Rng &rng, const ArchState &s, Operand &op,
                         uint32_t nOuter, uint32_t nInner) {
  op.buf = rng.pick<Buffer>(
      {Buffer::IBuf, Buffer::WBuf, Buffer::ABuf, Buffer::OBuf, Buffer::PBuf});
  op.strideInner = int32_t(rng.pick<int64_t>({1, 1, 1, 0, 2, -1, 3}));
  op.strideOuter =
      int32_t(rng.pick<int64_t>({int64_t(nInner) * std::abs(op.strideInner), 0,
                                 -int64_t(nInner), int64_t(nInner) + 5}));
  const int64_t at =
      placeBlock(rng, int64_t(s.sram(op.buf).size()), elementBytes(op.type),
                 {{nOuter, op.strideOuter}, {nInner, op.strideInner}});
  op.addr = uint32_t(at);
  return at >= 0;
}

} // namespace npu::golden::fastpath

#endif // NPU_UNITTESTS_GOLDENFASTPATHHARNESS_H
