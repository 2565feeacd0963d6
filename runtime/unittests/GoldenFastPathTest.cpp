// Randomized differential tests of the golden executor against the
// normative reference semantics (npu/Golden/Reference.h: the pseudo-code of
// docs/isa.md with 64-bit arithmetic and one fitAcc per MAC). Every case
// runs on the reference, on a Machine with the host's best kernels and on
// one forced to the portable kernels (NPU_GOLDEN_KERNELS=portable), and
// compares all scratchpad and DRAM bytes, the weight registers, the event
// counters and errors: gemm, vec.dwconv, ppu and DMA (the Machine's
// data-parallel paths) across narrow accumulators, both overflow policies,
// accumulate, acc_shift, int4 weights, odd sizes and strides, and every
// other instruction (which the Machine runs through the reference).
#include "npu/Golden/Machine.h"
#include "npu/Golden/Reference.h"
#include "npu/Isa/PpuTable.h"
#include "npu/Program/Verify.h"
#include "npu/Support/ByteIO.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>

using namespace npu;
using namespace npu::golden;
using namespace npu::isa;

namespace {

//===----------------------------------------------------------------------===//
// Harness
//===----------------------------------------------------------------------===//

/// A Machine built while NPU_GOLDEN_KERNELS=portable (the variable is
/// restored after).
Machine portableMachine(const ArchConfig &config, uint64_t dramSize) {
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
void expectSame(Executors &ex, const Instruction &instr,
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

bool fits(const Instruction &instr, const ArchState &s) {
  return checkInstruction(instr, s.arch, s.dram.size(),
                          s.ppu ? &*s.ppu : nullptr)
      .ok();
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
ArchConfig randomConfig(Rng &rng) {
  ArchConfig c = *resolveArchConfig("npu-tiny");
  c.array.rows = rng.pick<int64_t>({1, 3, 4, 5, 8, 12, 16, 17, 32, 40});
  c.array.cols = rng.pick<int64_t>({1, 2, 7, 8, 9, 16, 24, 32, 33});
  c.array.accBits = rng.pick<int64_t>({16, 17, 20, 24, 28, 31, 32, 32});
  c.array.overflow =
      rng.chance(0.5) ? OverflowPolicy::Wrap : OverflowPolicy::Saturate;
  c.array.weightBits = rng.chance(0.2) ? 4 : 8;
  c.sram.ibufKiB = c.sram.abufKiB = 64;
  return c;
}

/// Fills every scratchpad and DRAM with data of a random flavour: uniform
/// bytes, small values, only -128 and 127 (the largest |x - zp|), or int32
/// words near the accumulator limits.
void fillState(Rng &rng, ArchState &s) {
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

/// Kinds of weights: uniform, small (sums provably in range even for
/// narrow accumulators), or moderate with one sign per output channel
/// (sums near the bound, which overflow for extreme inputs).
enum class Weights { Uniform, Small, Moderate };

/// Weight byte of output channel `channel` (int4: two channels per byte).
uint8_t weightByte(Rng &rng, Weights kind, bool int4, int64_t channel) {
  auto one = [&](int64_t ch, int64_t lo, int64_t hi) {
    const int64_t v = rng.uniform(lo, hi);
    return kind == Weights::Small ? rng.uniform(-1, 1) : ch % 3 == 0 ? -v : v;
  };
  if (int4)
    return static_cast<uint8_t>((one(2 * channel, 3, 8) & 0xf) |
                                (one(2 * channel + 1, 3, 7) & 0xf) << 4);
  return static_cast<uint8_t>(one(channel, 8, 40));
}

/// Address in [0, capacity - span], a multiple of `align` (or -1).
int64_t placeIn(Rng &rng, int64_t capacity, int64_t span, int64_t align) {
  if (span > capacity)
    return -1;
  return rng.uniform(0, (capacity - span) / align) * align;
}

//===----------------------------------------------------------------------===//
// Tests
//===----------------------------------------------------------------------===//

TEST(GoldenFastPath, GemmMatchesThePseudoCode) {
  Rng rng(20240501);
  int cases = 0;
  while (cases < 300) {
    const ArchConfig config = randomConfig(rng);
    Executors ex(config, 64);
    fillState(rng, ex.reference);

    LoadWeights l;
    l.int4 = config.array.weightBits == 4 || rng.chance(0.2);
    l.rows = uint32_t(rng.uniform(1, config.array.rows));
    l.cols = uint32_t(rng.uniform(1, config.array.cols));
    l.wStride = uint32_t(l.int4 ? (l.cols + 1) / 2 : l.cols) +
                uint32_t(rng.uniform(0, 3));
    l.wAddr = uint32_t(rng.uniform(0, 1024));
    const auto kind = rng.pick<Weights>(
        {Weights::Uniform, Weights::Small, Weights::Moderate});
    if (kind != Weights::Uniform)
      for (uint32_t r = 0; r < l.rows; ++r)
        for (uint32_t b = 0; b < l.wStride; ++b)
          ex.reference.sram(Buffer::WBuf)[l.wAddr + r * l.wStride + b] =
              weightByte(rng, kind, l.int4, b);
    ex.sync();
    expectSame(ex, l, "load.weights");
    if (HasFailure())
      return;

    for (int g = 0; g < 4; ++g, ++cases) {
      Gemm gemm;
      gemm.k = uint32_t(rng.uniform(1, config.array.rows));
      gemm.cols = uint32_t(rng.uniform(1, config.array.cols));
      gemm.outH = uint32_t(rng.uniform(1, 4));
      gemm.outW = uint32_t(rng.pick<int64_t>({1, 2, 3, 5, 16, 33, 70}));
      gemm.inStrideX = uint32_t(rng.uniform(0, gemm.k + 3));
      gemm.inStrideY = uint32_t(rng.uniform(0, 2 * gemm.outW * gemm.k + 8));
      gemm.inZp =
          int32_t(rng.pick<int64_t>({0, -128, 127, rng.uniform(-128, 127)}));
      gemm.accShift =
          uint32_t(rng.chance(0.7) ? 0 : rng.pick<int64_t>({1, 2, 7, 16, 31}));
      gemm.accumulate = rng.chance(0.6);
      gemm.accStride = 4 * (gemm.cols + uint32_t(rng.uniform(0, 3)));
      const int64_t vectors = int64_t(gemm.outH) * gemm.outW;
      const int64_t in =
          placeIn(rng, config.ibufBytes(),
                  int64_t(gemm.outH - 1) * gemm.inStrideY +
                      int64_t(gemm.outW - 1) * gemm.inStrideX + gemm.k,
                  1);
      const int64_t acc =
          placeIn(rng, config.abufBytes(),
                  (vectors - 1) * gemm.accStride + 4 * gemm.cols, 4);
      if (in < 0 || acc < 0)
        continue;
      gemm.inAddr = uint32_t(in);
      gemm.accAddr = uint32_t(acc);
      ASSERT_TRUE(fits(gemm, ex.reference));
      expectSame(ex, gemm,
                 "gemm case " + std::to_string(cases) + " (" +
                     std::to_string(config.array.rows) + "x" +
                     std::to_string(config.array.cols) + ", acc_bits " +
                     std::to_string(config.array.accBits) + ")");
      if (HasFailure())
        return;
    }
  }
}

TEST(GoldenFastPath, DepthwiseConvMatchesThePseudoCode) {
  Rng rng(77);
  for (int cases = 0; cases < 300;) {
    const ArchConfig config = randomConfig(rng);
    Executors ex(config, 64);
    fillState(rng, ex.reference);

    DwConv d;
    d.depthMult = uint32_t(rng.pick<int64_t>({1, 1, 1, 2, 3}));
    d.channels = uint32_t(rng.pick<int64_t>({1, 3, 8, 15, 16, 17, 32, 48, 70}));
    d.kh = uint32_t(rng.pick<int64_t>({1, 3, 3, 5}));
    d.kw = uint32_t(rng.pick<int64_t>({1, 2, 3, 3, 5}));
    d.strideH = uint32_t(rng.uniform(1, 2));
    d.strideW = uint32_t(rng.uniform(1, 2));
    d.dilH = uint32_t(rng.uniform(1, 2));
    d.dilW = uint32_t(rng.uniform(1, 2));
    d.outH = uint32_t(rng.uniform(1, 5));
    d.outW = uint32_t(rng.uniform(1, 6));
    d.inZp = int32_t(rng.pick<int64_t>({0, -128, 127, rng.uniform(-128, 127)}));
    const uint32_t inChannels = (d.channels - 1) / d.depthMult + 1;
    d.inPixStride = inChannels + uint32_t(rng.uniform(0, 2));
    const uint32_t inW = (d.outW - 1) * d.strideW + (d.kw - 1) * d.dilW + 1;
    d.inRowStride = inW * d.inPixStride + uint32_t(rng.uniform(0, 5));
    d.accStride = 4 * (d.channels + uint32_t(rng.uniform(0, 2)));
    d.accumulate = rng.chance(0.5);
    const int64_t inRows = (d.outH - 1) * d.strideH + (d.kh - 1) * d.dilH + 1;
    const int64_t in =
        placeIn(rng, config.ibufBytes(),
                (inRows - 1) * d.inRowStride +
                    int64_t(inW - 1) * d.inPixStride + inChannels,
                1);
    const int64_t weights =
        placeIn(rng, config.wbufBytes(), int64_t(d.kh) * d.kw * d.channels, 1);
    const int64_t acc = placeIn(
        rng, config.abufBytes(),
        (int64_t(d.outH) * d.outW - 1) * d.accStride + 4 * d.channels, 4);
    if (in < 0 || weights < 0 || acc < 0)
      continue;
    d.inAddr = uint32_t(in);
    d.wAddr = uint32_t(weights);
    d.accAddr = uint32_t(acc);
    const auto kind = rng.pick<Weights>(
        {Weights::Uniform, Weights::Small, Weights::Moderate});
    if (kind != Weights::Uniform)
      for (int64_t i = 0; i < int64_t(d.kh) * d.kw * d.channels; ++i)
        ex.reference.sram(Buffer::WBuf)[weights + i] =
            weightByte(rng, kind, false, i % d.channels);
    ex.sync();
    ASSERT_TRUE(fits(d, ex.reference));
    expectSame(ex, d,
               "vec.dwconv case " + std::to_string(cases) + " (acc_bits " +
                   std::to_string(config.array.accBits) + ")");
    if (HasFailure())
      return;
    ++cases;
  }
}

TEST(GoldenFastPath, PpuMatchesThePseudoCode) {
  Rng rng(4242);
  for (int cases = 0; cases < 300; ++cases) {
    ArchConfig config = randomConfig(rng);
    config.array.accBits = 32;
    Executors ex(config, 64);
    fillState(rng, ex.reference);

    PpuConfig cfg;
    cfg.perChannel = rng.chance(0.5);
    cfg.hasKshift = rng.chance(0.3);
    cfg.hasBias = rng.chance(0.7);
    cfg.doubleRound = rng.chance(0.5);
    cfg.outType = rng.pick<DType>({DType::I8, DType::I16, DType::U8});
    cfg.hasLut = cfg.outType == DType::I8 && rng.chance(0.3);
    cfg.outZp = int32_t(rng.uniform(-300, 300));
    const int64_t lo = elementMin(cfg.outType), hi = elementMax(cfg.outType);
    cfg.clampMin = int32_t(rng.chance(0.5) ? lo : rng.uniform(lo, hi));
    cfg.clampMax =
        int32_t(rng.chance(0.5) ? hi : rng.uniform(cfg.clampMin, hi));
    cfg.mult = int32_t(rng.uniform(0, std::numeric_limits<int32_t>::max()));
    cfg.shift = uint32_t(rng.uniform(2, cfg.hasKshift ? 47 : 62));
    cfg.multAddr = 0;
    cfg.biasAddr = 1024;
    cfg.shiftAddr = 2048;
    cfg.kshiftAddr = 2560;
    cfg.lutAddr = 3072;
    Ppu p;
    p.channels =
        uint32_t(rng.pick<int64_t>({1, 5, 8, 15, 16, 17, 31, 64, 100}));
    p.chOffset = uint32_t(rng.uniform(0, 256 - p.channels));
    p.pixels = uint32_t(rng.uniform(1, 9));
    p.srcStride = 4 * (p.channels + uint32_t(rng.uniform(0, 2)));
    p.dstBuf = rng.pick<Buffer>({Buffer::OBuf, Buffer::IBuf});
    const int64_t outSize = elementBytes(cfg.outType);
    p.dstStride = uint32_t(outSize * p.channels + rng.uniform(0, 3) * outSize);
    p.srcAddr = uint32_t(
        placeIn(rng, config.abufBytes(),
                int64_t(p.pixels - 1) * p.srcStride + 4 * p.channels, 4));
    p.dstAddr = uint32_t(placeIn(
        rng, bufferBytes(config, p.dstBuf),
        int64_t(p.pixels - 1) * p.dstStride + outSize * p.channels, outSize));
    // Valid tables: non-negative multipliers, shifts that stay in [2, 62].
    std::vector<uint8_t> &pbuf = ex.reference.sram(Buffer::PBuf);
    for (uint32_t ch = 0; ch < 256; ++ch) {
      storeLE<int32_t>(
          pbuf.data() + cfg.multAddr + 4 * ch,
          int32_t(rng.uniform(0, std::numeric_limits<int32_t>::max())));
      pbuf[cfg.shiftAddr + ch] =
          uint8_t(rng.uniform(2, cfg.hasKshift ? 47 : 62));
      pbuf[cfg.kshiftAddr + ch] = uint8_t(rng.uniform(0, 15));
    }
    if (rng.chance(0.5)) { // accumulators of a realistic size
      std::vector<uint8_t> &abuf = ex.reference.sram(Buffer::ABuf);
      for (size_t i = 0; i + 4 <= abuf.size(); i += 4)
        storeLE<int32_t>(abuf.data() + i, int32_t(rng.uniform(-40000, 40000)));
      cfg.mult = int32_t(rng.uniform(1 << 29, (1u << 31) - 1));
      cfg.shift = uint32_t(rng.uniform(30, 40));
    }
    ex.sync();
    if (!fits(cfg, ex.reference))
      continue;
    expectSame(ex, cfg, "ppu.cfg");
    ASSERT_TRUE(fits(p, ex.reference));
    expectSame(ex, p, "ppu case " + std::to_string(cases));
    if (HasFailure())
      return;
  }
}

TEST(GoldenFastPath, DmaMatchesThePseudoCode) {
  Rng rng(9001);
  const ArchConfig config = *resolveArchConfig("npu-tiny");
  for (int cases = 0; cases < 400; ++cases) {
    Executors ex(config, 8192);
    fillState(rng, ex.reference);
    ex.sync();

    const uint32_t elemBytes = uint32_t(rng.pick<int64_t>({0, 1, 2, 3, 8, 17}));
    const uint32_t rows = uint32_t(rng.uniform(0, 6));
    const uint32_t cols = uint32_t(rng.uniform(0, 7));
    // Column strides: dense, repeated (0), overlapping, gathering.
    const uint32_t colStride = uint32_t(rng.pick<int64_t>(
        {elemBytes, elemBytes, 0, elemBytes / 2, elemBytes + 5}));
    const uint32_t rowStride =
        uint32_t(rng.pick<int64_t>({0, 3, cols * colStride + 11, 97}));
    if (rng.chance(0.5)) {
      DmaLoad d;
      d.buf = rng.pick<Buffer>({Buffer::IBuf, Buffer::WBuf, Buffer::OBuf});
      d.rows = rows;
      d.cols = cols;
      d.elemBytes = elemBytes;
      d.dramColStride = colStride;
      d.dramRowStride = rowStride;
      d.padTop = uint32_t(rng.uniform(0, 2));
      d.padBottom = uint32_t(rng.uniform(0, 2));
      d.padLeft = uint32_t(rng.uniform(0, 2));
      d.padRight = uint32_t(rng.uniform(0, 2));
      d.padValue = int32_t(rng.uniform(-128, 127));
      d.sramRowStride = (d.padLeft + d.cols + d.padRight) * d.elemBytes +
                        uint32_t(rng.uniform(0, 4));
      d.dramAddr = uint32_t(rng.uniform(0, 2048));
      d.sramAddr = uint32_t(rng.uniform(0, 2048));
      if (!fits(d, ex.reference))
        continue;
      expectSame(ex, d, "dma.load case " + std::to_string(cases));
    } else {
      DmaStore d;
      d.buf = rng.pick<Buffer>({Buffer::OBuf, Buffer::ABuf});
      d.rows = rows;
      d.cols = cols;
      d.elemBytes = elemBytes;
      d.dramColStride = colStride;
      d.dramRowStride = rowStride;
      d.sramRowStride = cols * elemBytes + uint32_t(rng.uniform(0, 4));
      d.dramAddr = uint32_t(rng.uniform(0, 2048));
      d.sramAddr = uint32_t(rng.uniform(0, 2048));
      if (!fits(d, ex.reference))
        continue;
      expectSame(ex, d, "dma.store case " + std::to_string(cases));
    }
    if (HasFailure())
      return;
  }
}

TEST(GoldenFastPath, PpuTableErrorsMatchTheReference) {
  Rng rng(31337);
  for (int cases = 0; cases < 100; ++cases) {
    Executors ex(randomConfig(rng), 64);
    fillState(rng, ex.reference);
    // Valid tables for 64 channels at pbuf 256, then one bad entry among
    // the channels the ppu reads.
    PpuParams params;
    params.form = rng.pick<PpuForm>({PpuForm::ShiftTable, PpuForm::PerChannel});
    for (int ch = 0; ch < 64; ++ch) {
      params.bias.push_back(int32_t(rng.uniform(-1000, 1000)));
      params.mult.push_back(int32_t(rng.uniform(1 << 29, (1u << 31) - 1)));
      params.shift.push_back(int32_t(rng.uniform(30, 40)));
      params.kshift.push_back(int32_t(rng.uniform(0, kMaxKshift)));
    }
    if (params.form == PpuForm::ShiftTable) {
      params.mult.resize(1);
      params.shift.resize(1);
    }
    const uint32_t base = 256;
    PpuImage image = packPpuTables(params, 0, 64, base);
    const PpuConfig &cfg = image.config;
    Ppu p;
    p.channels = uint32_t(rng.uniform(1, 32));
    p.chOffset = uint32_t(rng.uniform(0, 64 - p.channels));
    p.pixels = uint32_t(rng.uniform(0, 3));
    p.srcStride = 4 * p.channels;
    p.dstStride = p.channels;
    const uint32_t bad = p.chOffset + uint32_t(rng.uniform(0, p.channels - 1));
    uint8_t *bytes = image.bytes.data() - base;
    if (params.form == PpuForm::ShiftTable)
      bytes[cfg.kshiftAddr + bad] = uint8_t(rng.uniform(kMaxKshift + 1, 255));
    else if (rng.chance(0.5))
      bytes[cfg.shiftAddr + bad] =
          uint8_t(rng.pick<int>({0, kMinScaleShift - 1, kMaxScaleShift + 1}));
    else
      storeLE<int32_t>(bytes + cfg.multAddr + 4 * bad,
                       int32_t(rng.uniform(INT32_MIN, -1)));
    std::copy(image.bytes.begin(), image.bytes.end(),
              ex.reference.sram(Buffer::PBuf).begin() + base);
    ex.sync();
    expectSame(ex, cfg, "ppu.cfg");
    expectSame(ex, p, "invalid ppu table case " + std::to_string(cases),
               /*fails=*/true);
    if (HasFailure())
      return;
  }
}

/// Element types of vector operands.
DType randomType(Rng &rng) {
  return rng.pick<DType>({DType::I8, DType::I16, DType::I32, DType::U8});
}

/// Base byte address, in a scratchpad of `capacity` bytes, of a block of
/// `size`-byte elements at element offsets sum(i_k * strides[k]) for
/// i_k < counts[k]; -1 when it does not fit.
int64_t placeBlock(Rng &rng, int64_t capacity, int64_t size,
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
bool placeOperand(Rng &rng, const ArchState &s, Operand &op, uint32_t nOuter,
                  uint32_t nInner) {
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

Instruction randomPool(Rng &rng, const ArchState &s) {
  Pool p;
  p.mode = rng.pick<PoolMode>(
      {PoolMode::Max, PoolMode::AvgTosa, PoolMode::AvgTflite});
  p.channels = uint32_t(rng.pick<int64_t>({1, 3, 8, 16, 17}));
  p.kh = uint32_t(rng.uniform(1, 4));
  p.kw = uint32_t(rng.uniform(1, 4));
  p.strideH = uint32_t(rng.uniform(1, 3));
  p.strideW = uint32_t(rng.uniform(1, 3));
  p.padTop = uint32_t(rng.uniform(0, 2));
  p.padBottom = uint32_t(rng.uniform(0, 2));
  p.padLeft = uint32_t(rng.uniform(0, 2));
  p.padRight = uint32_t(rng.uniform(0, 2));
  p.inH = uint32_t(rng.uniform(1, 9));
  p.inW = uint32_t(rng.uniform(1, 9));
  const int64_t outH =
      (int64_t(p.inH) + p.padTop + p.padBottom - p.kh) / p.strideH + 1;
  const int64_t outW =
      (int64_t(p.inW) + p.padLeft + p.padRight - p.kw) / p.strideW + 1;
  p.outH = uint32_t(std::max<int64_t>(outH, 1));
  p.outW = uint32_t(std::max<int64_t>(outW, 1));
  p.inPixStride = p.channels + uint32_t(rng.uniform(0, 2));
  p.inRowStride = p.inW * p.inPixStride + uint32_t(rng.uniform(0, 3));
  p.inZp = int32_t(rng.uniform(-128, 127));
  p.outZp = int32_t(rng.uniform(-128, 127));
  p.clampMin = int32_t(rng.chance(0.5) ? -128 : rng.uniform(-128, 127));
  p.clampMax = int32_t(rng.chance(0.5) ? 127 : rng.uniform(p.clampMin, 127));
  p.dstBuf = rng.pick<Buffer>({Buffer::OBuf, Buffer::ABuf, Buffer::PBuf});
  p.inAddr = uint32_t(std::max<int64_t>(
      0, placeIn(rng, int64_t(s.sram(Buffer::IBuf).size()),
                 int64_t(p.inH - 1) * p.inRowStride +
                     int64_t(p.inW - 1) * p.inPixStride + p.channels,
                 1)));
  p.dstAddr = uint32_t(
      std::max<int64_t>(0, placeIn(rng, int64_t(s.sram(p.dstBuf).size()),
                                   int64_t(p.outH) * p.outW * p.channels, 1)));
  return p;
}

Instruction randomRescale(Rng &rng, const ArchState &s) {
  Rescale r;
  r.nOuter = uint32_t(rng.uniform(0, 6));
  r.nInner = uint32_t(rng.uniform(1, 40));
  r.src.type = randomType(rng);
  r.accumulate = rng.chance(0.3);
  r.dst.type = r.accumulate ? DType::I32 : randomType(rng);
  r.inZp = int32_t(rng.uniform(-32768, 32767));
  r.outZp = int32_t(rng.uniform(-32768, 32767));
  r.mult = int32_t(rng.uniform(0, INT32_MAX));
  r.shift = uint32_t(rng.uniform(kMinScaleShift, kMaxScaleShift));
  r.doubleRound = rng.chance(0.5);
  placeOperand(rng, s, r.src, r.nOuter, r.nInner);
  placeOperand(rng, s, r.dst, r.nOuter, r.nInner);
  return r;
}

Instruction randomAlu(Rng &rng, const ArchState &s) {
  Alu a;
  a.op = AluOp(rng.uniform(0, enumCount<AluOp>() - 1));
  a.nOuter = uint32_t(rng.uniform(0, 6));
  a.nInner = uint32_t(rng.uniform(1, 40));
  a.src1.type = randomType(rng);
  a.src2.type = randomType(rng);
  a.dst.type = randomType(rng);
  a.shift = a.op == AluOp::Mul && rng.chance(0.5)
                ? uint32_t(rng.uniform(0, kMaxScaleShift))
                : 0;
  a.round = a.op == AluOp::AShr && rng.chance(0.5);
  placeOperand(rng, s, a.src1, a.nOuter, a.nInner);
  placeOperand(rng, s, a.src2, a.nOuter, a.nInner);
  placeOperand(rng, s, a.dst, a.nOuter, a.nInner);
  return a;
}

Instruction randomReduce(Rng &rng, const ArchState &s) {
  Reduce r;
  r.op = rng.pick<ReduceOp>({ReduceOp::Sum, ReduceOp::Max, ReduceOp::Min});
  r.nOuter = uint32_t(rng.uniform(0, 4));
  r.nRed = uint32_t(rng.uniform(1, 9));
  r.nInner = uint32_t(rng.uniform(1, 12));
  r.srcType = randomType(rng);
  r.dstType = randomType(rng);
  r.srcBuf = rng.pick<Buffer>({Buffer::ABuf, Buffer::IBuf, Buffer::OBuf});
  r.dstBuf = rng.pick<Buffer>({Buffer::ABuf, Buffer::OBuf, Buffer::PBuf});
  r.srcStrideInner = int32_t(rng.pick<int64_t>({1, 0, 2, -1}));
  r.srcStrideRed = int32_t(rng.pick<int64_t>({int64_t(r.nInner) * 2, 1, -3}));
  r.srcStrideOuter = int32_t(rng.pick<int64_t>({int64_t(r.nRed) * 40, 0, 7}));
  r.dstStrideInner = int32_t(rng.pick<int64_t>({1, 1, -1, 3}));
  r.dstStrideOuter = int32_t(rng.pick<int64_t>({int64_t(r.nInner) * 3, -13}));
  r.srcAddr = uint32_t(placeBlock(rng, int64_t(s.sram(r.srcBuf).size()),
                                  elementBytes(r.srcType),
                                  {{r.nOuter, r.srcStrideOuter},
                                   {r.nRed, r.srcStrideRed},
                                   {r.nInner, r.srcStrideInner}}));
  r.dstAddr = uint32_t(
      placeBlock(rng, int64_t(s.sram(r.dstBuf).size()), elementBytes(r.dstType),
                 {{r.nOuter, r.dstStrideOuter}, {r.nInner, r.dstStrideInner}}));
  return r;
}

Instruction randomTable(Rng &rng, const ArchState &s) {
  Table t;
  t.mode = rng.chance(0.5) ? TableMode::I8 : TableMode::I16;
  t.src.type = t.mode == TableMode::I8 ? DType::I8 : DType::I16;
  t.dst.type = t.mode == TableMode::I8 ? DType::I8 : DType::I32;
  t.nOuter = uint32_t(rng.uniform(0, 6));
  t.nInner = uint32_t(rng.uniform(1, 40));
  t.tableAddr = uint32_t(placeIn(rng, int64_t(s.sram(Buffer::PBuf).size()),
                                 t.mode == TableMode::I8 ? 256 : 2 * 513, 2));
  placeOperand(rng, s, t.src, t.nOuter, t.nInner);
  placeOperand(rng, s, t.dst, t.nOuter, t.nInner);
  return t;
}

/// The instructions the Machine runs through the reference itself, a few
/// in a row on each random machine.
TEST(GoldenFastPath, VectorAndControlInstructionsMatchTheReference) {
  Rng rng(8086);
  int cases = 0;
  for (int attempts = 0; cases < 600 && attempts < 6000;) {
    Executors ex(randomConfig(rng), 64);
    fillState(rng, ex.reference);
    ex.sync();
    const ArchState &s = ex.reference;
    for (int i = 0; i < 8 && cases < 600; ++i, ++attempts) {
      Instruction instr;
      switch (rng.uniform(0, 6)) {
      case 0:
        instr = randomPool(rng, s);
        break;
      case 1:
        instr = randomRescale(rng, s);
        break;
      case 2:
        instr = randomAlu(rng, s);
        break;
      case 3:
        instr = randomReduce(rng, s);
        break;
      case 4:
        instr = randomTable(rng, s);
        break;
      case 5: {
        Token token;
        token.queue =
            rng.pick<Queue>({Queue::Load, Queue::Compute, Queue::Store});
        instr = token;
        break;
      }
      default:
        instr = Halt();
        break;
      }
      if (!fits(instr, s))
        continue;
      expectSame(ex, instr,
                 std::string(mnemonicOf(instr)) + " case " +
                     std::to_string(cases));
      if (HasFailure())
        return;
      ++cases;
    }
  }
  EXPECT_EQ(cases, 600) << "too few valid random instructions";
}

} // namespace
