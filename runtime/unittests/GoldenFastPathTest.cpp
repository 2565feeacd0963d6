// Randomized differential tests of the golden executor against the
// normative reference semantics (npu/Golden/Reference.h: the pseudo-code of
// docs/isa.md with 64-bit arithmetic and one fitAcc per MAC). Every case
// runs on the reference, on a Machine with the host's best kernels and on
// one forced to the portable kernels (NPU_GOLDEN_KERNELS=portable), and
// compares all scratchpad and DRAM bytes, the weight registers, the event
// counters and errors: gemm, vec.dwconv, ppu (both orientations) and DMA
// (the Machine's data-parallel paths) across narrow accumulators, both
// overflow policies, accumulate, acc_shift, int4 and int2 weights, odd sizes
// and strides. GoldenFastPathVectorTest.cpp covers the other instructions.
#include "GoldenFastPathHarness.h"

#include "npu/Isa/PpuTable.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>
#include <string>

using namespace npu;
using namespace npu::golden;
using namespace npu::golden::fastpath;
using namespace npu::isa;

namespace {

/// Kinds of weights: uniform, small (sums provably in range even for
/// narrow accumulators), or moderate with one sign per output channel
/// (sums near the bound, which overflow for extreme inputs).
enum class Weights { Uniform, Small, Moderate };

/// Weight byte of output channel `channel` (int4: two channels per byte,
/// int2: four).
uint8_t weightByte(Rng &rng, Weights kind, unsigned bits, int64_t channel) {
  auto one = [&](int64_t ch, int64_t lo, int64_t hi) {
    const int64_t v = rng.uniform(lo, hi);
    return kind == Weights::Small ? rng.uniform(-1, 1) : ch % 3 == 0 ? -v : v;
  };
  if (bits == 4)
    return static_cast<uint8_t>((one(2 * channel, 3, 8) & 0xf) |
                                (one(2 * channel + 1, 3, 7) & 0xf) << 4);
  if (bits == 2) {
    uint8_t byte = 0;
    for (unsigned i = 0; i < 4; ++i)
      byte |= static_cast<uint8_t>((one(4 * channel + i, 1, 2) & 3) << (2 * i));
    return byte;
  }
  return static_cast<uint8_t>(one(channel, 8, 40));
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
    l.int4 = config.array.weightBits == 4 ||
             (config.array.weightBits == 8 && rng.chance(0.2));
    l.int2 = config.array.weightBits == 2 ||
             (config.array.weightBits == 8 && !l.int4 && rng.chance(0.1));
    l.lowPoint = (l.int4 || l.int2) && rng.chance(0.3);
    l.rows = uint32_t(rng.uniform(1, config.array.rows));
    l.cols = uint32_t(rng.uniform(1, config.array.cols));
    l.wStride = uint32_t(weightRowBytes(l)) + uint32_t(rng.uniform(0, 3));
    l.wAddr = uint32_t(rng.uniform(0, 1024));
    const auto kind = rng.pick<Weights>(
        {Weights::Uniform, Weights::Small, Weights::Moderate});
    if (kind != Weights::Uniform)
      for (uint32_t r = 0; r < l.rows; ++r)
        for (uint32_t b = 0; b < l.wStride; ++b)
          ex.reference.sram(Buffer::WBuf)[l.wAddr + r * l.wStride + b] =
              weightByte(rng, kind, packedWeightBits(l), b);
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
    p.pixels = uint32_t(rng.uniform(1, 9));
    // Transposed, the rows are channels and land in the destination's
    // columns; in ABUF the output may overlap the accumulators it reads.
    p.transpose = rng.chance(0.4);
    const uint32_t rows = p.transpose ? p.channels : p.pixels;
    const uint32_t cols = p.transpose ? p.pixels : p.channels;
    // The channels read: the columns (pixels when transposed, channels
    // otherwise).
    p.chOffset = uint32_t(rng.uniform(0, 256 - cols));
    p.srcStride = 4 * (p.channels + uint32_t(rng.uniform(0, 2)));
    p.dstBuf = p.transpose ? rng.pick<Buffer>({Buffer::OBuf, Buffer::ABuf})
                           : rng.pick<Buffer>({Buffer::OBuf, Buffer::IBuf});
    const int64_t outSize = elementBytes(cfg.outType);
    p.dstStride = uint32_t(outSize * cols + rng.uniform(0, 3) * outSize);
    p.srcAddr = uint32_t(
        placeIn(rng, config.abufBytes(),
                int64_t(p.pixels - 1) * p.srcStride + 4 * p.channels, 4));
    const int64_t dstSpan = int64_t(rows - 1) * p.dstStride + outSize * cols;
    p.dstAddr = p.dstBuf == Buffer::ABuf && rng.chance(0.5)
                    ? p.srcAddr + uint32_t(rng.uniform(0, 8)) * 4 // overlapping
                    : uint32_t(placeIn(rng, bufferBytes(config, p.dstBuf),
                                       dstSpan, outSize));
    if (p.dstAddr + dstSpan > bufferBytes(config, p.dstBuf))
      p.dstAddr = 0;
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
    expectSame(ex, p,
               "ppu case " + std::to_string(cases) +
                   (p.transpose ? " (transposed)" : ""));
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
    // The channels read are the columns, or with transpose the rows.
    Ppu p;
    p.transpose = rng.chance(0.3);
    const uint32_t read = uint32_t(rng.uniform(1, 32));
    const uint32_t other = uint32_t(rng.uniform(0, 3));
    p.channels = p.transpose ? other : read;
    p.pixels = p.transpose ? read : other;
    p.chOffset = uint32_t(rng.uniform(0, 64 - read));
    p.srcStride = 4 * p.channels;
    p.dstStride = p.transpose ? p.pixels : p.channels;
    const uint32_t bad = p.chOffset + uint32_t(rng.uniform(0, read - 1));
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

} // namespace
