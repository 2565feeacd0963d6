// Randomized differential tests of the golden executor's data-parallel
// kernels (gemm, vec.dwconv, ppu, dma.load, dma.store) against the
// pseudo-code of docs/isa.md, written here as plainly as possible with
// 64-bit arithmetic and one fitAcc per MAC. Every case runs on a Machine
// with the host's best kernels and on one forced to the portable kernels
// (NPU_GOLDEN_KERNELS=portable), and compares all scratchpad and DRAM bytes
// and the event counters, across narrow accumulators, both overflow
// policies, accumulate, acc_shift, int4 weights, odd sizes and strides.
#include "npu/Golden/Arith.h"
#include "npu/Golden/Machine.h"
#include "npu/Program/Verify.h"
#include "npu/Support/ByteIO.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <string>

using namespace npu;
using namespace npu::golden;
using namespace npu::isa;

namespace {

//===----------------------------------------------------------------------===//
// Reference semantics (docs/isa.md)
//===----------------------------------------------------------------------===//

struct RefFit {
  RefFit(unsigned bits, OverflowPolicy policy)
      : bits(bits), saturate(policy == OverflowPolicy::Saturate),
        lo(-(int64_t(1) << (bits - 1))), hi((int64_t(1) << (bits - 1)) - 1) {}

  int64_t operator()(int64_t x, uint64_t &events) const {
    if (x >= lo && x <= hi)
      return x;
    ++events;
    if (saturate)
      return x < lo ? lo : hi;
    return wrapBits(x, bits);
  }

  unsigned bits;
  bool saturate;
  int64_t lo, hi;
};

RefFit refFit(const ArchConfig &config) {
  return RefFit(static_cast<unsigned>(config.array.accBits),
                config.array.overflow);
}

/// Copy of the machine state an instruction reads and writes.
struct State {
  explicit State(Machine &m) : dram(m.dram()) {
    for (unsigned b = 0; b < 5; ++b)
      sram[b] = m.sram(static_cast<Buffer>(b));
  }
  std::vector<uint8_t> &buf(Buffer b) { return sram[static_cast<int>(b)]; }
  int32_t load32(Buffer b, int64_t addr) {
    return loadLE<int32_t>(buf(b).data() + addr);
  }
  void store32(Buffer b, int64_t addr, int64_t v) {
    storeLE<int32_t>(buf(b).data() + addr, static_cast<int32_t>(v));
  }

  std::vector<uint8_t> dram;
  std::vector<uint8_t> sram[5];
  Counters counters;
};

/// W[r][c], row-major, after `l` (zero outside the loaded block).
std::vector<int64_t> refLoadWeights(const ArchConfig &config,
                                    const LoadWeights &l, State &s) {
  std::vector<int64_t> w(size_t(config.array.rows) * config.array.cols, 0);
  const std::vector<uint8_t> &wbuf = s.buf(Buffer::WBuf);
  for (uint32_t r = 0; r < l.rows; ++r)
    for (uint32_t c = 0; c < l.cols; ++c) {
      const int64_t at = int64_t(l.wAddr) + int64_t(r) * l.wStride;
      int64_t v;
      if (l.int4) {
        const int nibble =
            c % 2 == 0 ? wbuf[at + c / 2] & 0xf : wbuf[at + c / 2] >> 4;
        v = nibble >= 8 ? nibble - 16 : nibble;
      } else {
        v = static_cast<int8_t>(wbuf[at + c]);
      }
      w[size_t(r) * config.array.cols + c] = v;
    }
  return w;
}

void refGemm(const ArchConfig &config, const std::vector<int64_t> &w,
             const Gemm &g, State &s) {
  const RefFit fit = refFit(config);
  uint64_t &events = s.counters.accOverflow;
  for (uint32_t y = 0; y < g.outH; ++y)
    for (uint32_t x = 0; x < g.outW; ++x) {
      const int64_t base = int64_t(g.inAddr) + int64_t(y) * g.inStrideY +
                           int64_t(x) * g.inStrideX;
      for (uint32_t c = 0; c < g.cols; ++c) {
        int64_t p = 0;
        for (uint32_t r = 0; r < g.k; ++r) {
          const int64_t a =
              static_cast<int8_t>(s.buf(Buffer::IBuf)[base + r]) - g.inZp;
          p = fit(p + a * w[size_t(r) * config.array.cols + c], events);
        }
        p = fit(p * (int64_t(1) << g.accShift), events);
        const int64_t dst = int64_t(g.accAddr) +
                            (int64_t(y) * g.outW + x) * g.accStride + 4 * c;
        if (g.accumulate)
          p = fit(s.load32(Buffer::ABuf, dst) + p, events);
        s.store32(Buffer::ABuf, dst, p);
      }
    }
  s.counters.macs += uint64_t(g.outH) * g.outW * g.cols * g.k;
}

void refDwConv(const ArchConfig &config, const DwConv &d, State &s) {
  const RefFit fit = refFit(config);
  uint64_t &events = s.counters.accOverflow;
  for (uint32_t y = 0; y < d.outH; ++y)
    for (uint32_t x = 0; x < d.outW; ++x)
      for (uint32_t oc = 0; oc < d.channels; ++oc) {
        int64_t p = 0;
        for (uint32_t ky = 0; ky < d.kh; ++ky)
          for (uint32_t kx = 0; kx < d.kw; ++kx) {
            const int64_t at = int64_t(d.inAddr) +
                               (int64_t(y) * d.strideH + int64_t(ky) * d.dilH) *
                                   d.inRowStride +
                               (int64_t(x) * d.strideW + int64_t(kx) * d.dilW) *
                                   d.inPixStride +
                               oc / d.depthMult;
            const int64_t a =
                static_cast<int8_t>(s.buf(Buffer::IBuf)[at]) - d.inZp;
            const int64_t weight = static_cast<int8_t>(s.buf(
                Buffer::WBuf)[int64_t(d.wAddr) +
                              (int64_t(ky) * d.kw + kx) * d.channels + oc]);
            p = fit(p + a * weight, events);
          }
        const int64_t dst = int64_t(d.accAddr) +
                            (int64_t(y) * d.outW + x) * d.accStride + 4 * oc;
        if (d.accumulate)
          p = fit(s.load32(Buffer::ABuf, dst) + p, events);
        s.store32(Buffer::ABuf, dst, p);
      }
  s.counters.macs += uint64_t(d.outH) * d.outW * d.channels * d.kh * d.kw;
}

int64_t typeLo(DType t) {
  return t == DType::I8 ? -128 : t == DType::U8 ? 0 : -32768;
}
int64_t typeHi(DType t) {
  return t == DType::I8 ? 127 : t == DType::U8 ? 255 : 32767;
}

/// Assumes valid tables (the executor's error paths have their own tests).
void refPpu(const ArchConfig &config, const PpuConfig &cfg, const Ppu &p,
            State &s) {
  const RefFit fit32(32, config.array.overflow);
  const std::vector<uint8_t> &pbuf = s.buf(Buffer::PBuf);
  for (uint32_t px = 0; px < p.pixels; ++px)
    for (uint32_t c = 0; c < p.channels; ++c) {
      const int64_t ch = int64_t(p.chOffset) + c;
      const int32_t mult =
          cfg.perChannel ? loadLE<int32_t>(pbuf.data() + cfg.multAddr + 4 * ch)
                         : cfg.mult;
      int shift = cfg.perChannel ? pbuf[cfg.shiftAddr + ch]
                                 : static_cast<int>(cfg.shift);
      if (cfg.hasKshift)
        shift += pbuf[cfg.kshiftAddr + ch];
      const int64_t bias =
          cfg.hasBias ? loadLE<int32_t>(pbuf.data() + cfg.biasAddr + 4 * ch)
                      : 0;
      const int64_t acc = s.load32(
          Buffer::ABuf, int64_t(p.srcAddr) + int64_t(px) * p.srcStride + 4 * c);
      const int64_t t = fit32(acc + bias, s.counters.accOverflow);
      int64_t v = wrap32(int64_t(applyScale32(static_cast<int32_t>(t), mult,
                                              shift, cfg.doubleRound)) +
                         cfg.outZp);
      const int64_t lo = typeLo(cfg.outType), hi = typeHi(cfg.outType);
      if (v < lo || v > hi)
        ++s.counters.saturation;
      v = std::clamp<int64_t>(v, std::max<int64_t>(cfg.clampMin, lo),
                              std::min<int64_t>(cfg.clampMax, hi));
      if (cfg.hasLut)
        v = static_cast<int8_t>(pbuf[cfg.lutAddr + v + 128]);
      uint8_t *to = s.buf(p.dstBuf).data() + p.dstAddr +
                    int64_t(px) * p.dstStride +
                    int64_t(c) * elementBytes(cfg.outType);
      if (cfg.outType == DType::I16)
        storeLE<int16_t>(to, static_cast<int16_t>(v));
      else
        *to = static_cast<uint8_t>(v);
    }
}

void refDmaLoad(const DmaLoad &d, State &s) {
  for (uint32_t r = 0; r < d.padTop + d.rows + d.padBottom; ++r)
    for (uint32_t c = 0; c < d.padLeft + d.cols + d.padRight; ++c)
      for (uint32_t b = 0; b < d.elemBytes; ++b) {
        const int64_t dst = int64_t(d.sramAddr) + int64_t(r) * d.sramRowStride +
                            int64_t(c) * d.elemBytes + b;
        const bool pad = r < d.padTop || r >= d.padTop + d.rows ||
                         c < d.padLeft || c >= d.padLeft + d.cols;
        s.buf(d.buf)[dst] =
            pad ? static_cast<uint8_t>(d.padValue)
                : s.dram[int64_t(d.dramAddr) +
                         int64_t(r - d.padTop) * d.dramRowStride +
                         int64_t(c - d.padLeft) * d.dramColStride + b];
      }
}

void refDmaStore(const DmaStore &d, State &s) {
  for (uint32_t r = 0; r < d.rows; ++r)
    for (uint32_t c = 0; c < d.cols; ++c)
      for (uint32_t b = 0; b < d.elemBytes; ++b)
        s.dram[int64_t(d.dramAddr) + int64_t(r) * d.dramRowStride +
               int64_t(c) * d.dramColStride + b] =
            s.buf(d.buf)[int64_t(d.sramAddr) + int64_t(r) * d.sramRowStride +
                         int64_t(c) * d.elemBytes + b];
}

//===----------------------------------------------------------------------===//
// Harness
//===----------------------------------------------------------------------===//

/// A copy of `m`'s memories in a Machine built while
/// NPU_GOLDEN_KERNELS=portable (the variable is restored after).
Machine portableCopy(Machine &m) {
  const char *previous = std::getenv("NPU_GOLDEN_KERNELS");
  const std::string saved = previous ? previous : "";
  setenv("NPU_GOLDEN_KERNELS", "portable", 1);
  Machine copy(m.config(), m.dram().size());
  if (previous)
    setenv("NPU_GOLDEN_KERNELS", saved.c_str(), 1);
  else
    unsetenv("NPU_GOLDEN_KERNELS");
  copy.dram() = m.dram();
  for (unsigned b = 0; b < 5; ++b)
    copy.sram(static_cast<Buffer>(b)) = m.sram(static_cast<Buffer>(b));
  return copy;
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
void fillState(Rng &rng, Machine &m) {
  rng.fill(m.dram());
  for (unsigned b = 0; b < 5; ++b) {
    std::vector<uint8_t> &bytes = m.sram(static_cast<Buffer>(b));
    rng.fill(bytes);
    const int flavour = int(rng.uniform(0, 3));
    if (flavour == 1)
      for (uint8_t &v : bytes)
        v = static_cast<uint8_t>(int8_t(v) / 32);
    if (flavour == 3)
      for (uint8_t &v : bytes)
        v = v & 1 ? 0x80 : 0x7f;
    if (flavour == 2 && b == unsigned(Buffer::ABuf)) {
      const int64_t limit = int64_t(1) << (m.config().array.accBits - 1);
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

/// Runs `instr` on both machines and checks them against `expected`.
void expectSame(Machine &fast, Machine &portable, State &expected,
                const Instruction &instr, const std::string &what) {
  for (Machine *m : {&fast, &portable}) {
    Counters counters;
    Status status = m->execute(instr, counters);
    ASSERT_TRUE(status.ok()) << what << ": " << status.error().getMessage();
    const char *name = m == &fast ? "host kernels" : "portable kernels";
    EXPECT_EQ(counters.accOverflow, expected.counters.accOverflow)
        << what << " (" << name << ")";
    EXPECT_EQ(counters.saturation, expected.counters.saturation)
        << what << " (" << name << ")";
    EXPECT_EQ(counters.macs, expected.counters.macs)
        << what << " (" << name << ")";
    for (unsigned b = 0; b < 5; ++b)
      EXPECT_TRUE(m->sram(static_cast<Buffer>(b)) == expected.sram[b])
          << what << " (" << name << "): scratchpad " << b << " differs";
    EXPECT_TRUE(m->dram() == expected.dram)
        << what << " (" << name << "): DRAM differs";
  }
}

bool fits(const Instruction &instr, const Machine &m,
          const PpuConfig *ppu = nullptr) {
  return checkInstruction(instr, m.config(), m.dram().size(), ppu).ok();
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
    Machine fast(config, 64);
    fillState(rng, fast);
    Machine portable = portableCopy(fast);

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
          fast.sram(Buffer::WBuf)[l.wAddr + r * l.wStride + b] =
              portable.sram(Buffer::WBuf)[l.wAddr + r * l.wStride + b] =
                  weightByte(rng, kind, l.int4, b);
    State expected(fast);
    const std::vector<int64_t> w = refLoadWeights(config, l, expected);
    expectSame(fast, portable, expected, l, "load.weights");
    for (uint32_t r = 0; r < config.array.rows; ++r)
      for (uint32_t c = 0; c < config.array.cols; ++c)
        ASSERT_EQ(fast.weight(r, c), w[size_t(r) * config.array.cols + c]);

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
      ASSERT_TRUE(fits(gemm, fast));
      State expectedGemm(fast);
      refGemm(config, w, gemm, expectedGemm);
      expectSame(fast, portable, expectedGemm, gemm,
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
    Machine fast(config, 64);
    fillState(rng, fast);
    Machine portable = portableCopy(fast);

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
        fast.sram(Buffer::WBuf)[weights + i] =
            portable.sram(Buffer::WBuf)[weights + i] =
                weightByte(rng, kind, false, i % d.channels);
    ASSERT_TRUE(fits(d, fast));
    State expected(fast);
    refDwConv(config, d, expected);
    expectSame(fast, portable, expected, d,
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
    Machine fast(config, 64);
    fillState(rng, fast);

    PpuConfig cfg;
    cfg.perChannel = rng.chance(0.5);
    cfg.hasKshift = rng.chance(0.3);
    cfg.hasBias = rng.chance(0.7);
    cfg.doubleRound = rng.chance(0.5);
    cfg.outType = rng.pick<DType>({DType::I8, DType::I16, DType::U8});
    cfg.hasLut = cfg.outType == DType::I8 && rng.chance(0.3);
    cfg.outZp = int32_t(rng.uniform(-300, 300));
    const int64_t lo = typeLo(cfg.outType), hi = typeHi(cfg.outType);
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
    std::vector<uint8_t> &pbuf = fast.sram(Buffer::PBuf);
    for (uint32_t ch = 0; ch < 256; ++ch) {
      storeLE<int32_t>(
          pbuf.data() + cfg.multAddr + 4 * ch,
          int32_t(rng.uniform(0, std::numeric_limits<int32_t>::max())));
      pbuf[cfg.shiftAddr + ch] =
          uint8_t(rng.uniform(2, cfg.hasKshift ? 47 : 62));
      pbuf[cfg.kshiftAddr + ch] = uint8_t(rng.uniform(0, 15));
    }
    if (rng.chance(0.5)) { // accumulators of a realistic size
      std::vector<uint8_t> &abuf = fast.sram(Buffer::ABuf);
      for (size_t i = 0; i + 4 <= abuf.size(); i += 4)
        storeLE<int32_t>(abuf.data() + i, int32_t(rng.uniform(-40000, 40000)));
      cfg.mult = int32_t(rng.uniform(1 << 29, (1u << 31) - 1));
      cfg.shift = uint32_t(rng.uniform(30, 40));
    }
    Machine portable = portableCopy(fast);
    if (!fits(cfg, fast))
      continue;
    State expected(fast);
    expectSame(fast, portable, expected, cfg, "ppu.cfg");
    ASSERT_TRUE(fits(p, fast, &cfg));
    refPpu(config, cfg, p, expected);
    expectSame(fast, portable, expected, p,
               "ppu case " + std::to_string(cases));
    if (HasFailure())
      return;
  }
}

TEST(GoldenFastPath, DmaMatchesThePseudoCode) {
  Rng rng(9001);
  const ArchConfig config = *resolveArchConfig("npu-tiny");
  for (int cases = 0; cases < 400; ++cases) {
    Machine fast(config, 8192);
    fillState(rng, fast);
    Machine portable = portableCopy(fast);

    const uint32_t elemBytes = uint32_t(rng.pick<int64_t>({0, 1, 2, 3, 8, 17}));
    const uint32_t rows = uint32_t(rng.uniform(0, 6));
    const uint32_t cols = uint32_t(rng.uniform(0, 7));
    // Column strides: dense, repeated (0), overlapping, gathering.
    const uint32_t colStride = uint32_t(rng.pick<int64_t>(
        {elemBytes, elemBytes, 0, elemBytes / 2, elemBytes + 5}));
    const uint32_t rowStride =
        uint32_t(rng.pick<int64_t>({0, 3, cols * colStride + 11, 97}));
    State expected(fast);
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
      if (!fits(d, fast))
        continue;
      refDmaLoad(d, expected);
      expectSame(fast, portable, expected, d,
                 "dma.load case " + std::to_string(cases));
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
      if (!fits(d, fast))
        continue;
      refDmaStore(d, expected);
      expectSame(fast, portable, expected, d,
                 "dma.store case " + std::to_string(cases));
    }
    if (HasFailure())
      return;
  }
}

} // namespace
