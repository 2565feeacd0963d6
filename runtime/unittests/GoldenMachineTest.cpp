// Tests every instruction of the golden executor against expectations
// computed by hand (derivations in the comments), including accumulator
// wrap/saturation at narrow widths with their event counts, int8 limits,
// negative values and invalid operands.
#include "npu/Golden/Machine.h"
#include "npu/Support/ByteIO.h"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>

using namespace npu;
using namespace npu::golden;
using namespace npu::isa;

namespace {

ArchConfig makeConfig(int rows, int cols, int accBits = 32,
                      const char *policy = "wrap") {
  ArchConfig c = *resolveArchConfig("npu-tiny");
  EXPECT_TRUE(setArchField(c, "array.rows", std::to_string(rows)).ok());
  EXPECT_TRUE(setArchField(c, "array.cols", std::to_string(cols)).ok());
  EXPECT_TRUE(setArchField(c, "array.acc_bits", std::to_string(accBits)).ok());
  EXPECT_TRUE(setArchField(c, "array.overflow", policy).ok());
  return c;
}

struct Harness {
  explicit Harness(const ArchConfig &config, uint64_t dram = 4096)
      : m(config, dram) {}

  void run(const Instruction &instr) {
    Status s = m.execute(instr, counters);
    ASSERT_TRUE(s.ok()) << s.error().getMessage();
  }
  Status tryRun(const Instruction &instr) { return m.execute(instr, counters); }

  void put8(Buffer b, uint32_t addr, std::vector<int> values) {
    for (size_t i = 0; i < values.size(); ++i)
      m.sram(b)[addr + i] = static_cast<uint8_t>(values[i]);
  }
  void put32(Buffer b, uint32_t addr, std::vector<int64_t> values) {
    for (size_t i = 0; i < values.size(); ++i)
      storeLE<int32_t>(m.sram(b).data() + addr + 4 * i,
                       static_cast<int32_t>(values[i]));
  }
  void put16(Buffer b, uint32_t addr, std::vector<int> values) {
    for (size_t i = 0; i < values.size(); ++i)
      storeLE<int16_t>(m.sram(b).data() + addr + 2 * i,
                       static_cast<int16_t>(values[i]));
  }
  std::vector<int> get8(Buffer b, uint32_t addr, size_t n) {
    std::vector<int> out;
    for (size_t i = 0; i < n; ++i)
      out.push_back(static_cast<int8_t>(m.sram(b)[addr + i]));
    return out;
  }
  std::vector<int64_t> get32(Buffer b, uint32_t addr, size_t n) {
    std::vector<int64_t> out;
    for (size_t i = 0; i < n; ++i)
      out.push_back(loadLE<int32_t>(m.sram(b).data() + addr + 4 * i));
    return out;
  }
  std::vector<int> get16(Buffer b, uint32_t addr, size_t n) {
    std::vector<int> out;
    for (size_t i = 0; i < n; ++i)
      out.push_back(loadLE<int16_t>(m.sram(b).data() + addr + 2 * i));
    return out;
  }

  Machine m;
  Counters counters;
};

constexpr int64_t kI32Max = std::numeric_limits<int32_t>::max();
constexpr int64_t kI32Min = std::numeric_limits<int32_t>::min();

} // namespace

//===----------------------------------------------------------------------===//
// DMA
//===----------------------------------------------------------------------===//

TEST(GoldenDma, LoadGathersAndPads) {
  Harness h(makeConfig(8, 8));
  for (int i = 0; i < 64; ++i)
    h.m.dram()[i] = static_cast<uint8_t>(i);
  DmaLoad d;
  d.buf = Buffer::IBuf;
  d.dramAddr = 4;
  d.dramRowStride = 16;
  d.dramColStride = 6;
  d.sramAddr = 0;
  d.sramRowStride = 8;
  d.rows = 2;
  d.cols = 2;
  d.elemBytes = 2;
  d.padTop = 1;
  d.padLeft = 1;
  d.padValue = 0x7f;
  h.run(d);
  // Row 0 is padding; rows 1-2 hold elements at dram 4+16r+6c (2 bytes).
  EXPECT_EQ(h.get8(Buffer::IBuf, 0, 8),
            (std::vector<int>{127, 127, 127, 127, 127, 127, 0, 0}));
  EXPECT_EQ(h.get8(Buffer::IBuf, 8, 6),
            (std::vector<int>{127, 127, 4, 5, 10, 11}));
  EXPECT_EQ(h.get8(Buffer::IBuf, 16, 6),
            (std::vector<int>{127, 127, 20, 21, 26, 27}));
  EXPECT_EQ(h.counters.instructions, 1u);
}

TEST(GoldenDma, StoreScatters) {
  Harness h(makeConfig(8, 8));
  h.put8(Buffer::OBuf, 0, {1, 2, 3, 4, -5, -6});
  DmaStore s;
  s.buf = Buffer::OBuf;
  s.dramAddr = 100;
  s.dramRowStride = 10;
  s.dramColStride = 3;
  s.sramAddr = 0;
  s.sramRowStride = 3;
  s.rows = 2;
  s.cols = 3;
  s.elemBytes = 1;
  h.run(s);
  std::vector<uint8_t> &d = h.m.dram();
  EXPECT_EQ(d[100], 1);
  EXPECT_EQ(d[103], 2);
  EXPECT_EQ(d[106], 3);
  EXPECT_EQ(d[110], 4);
  EXPECT_EQ(static_cast<int8_t>(d[113]), -5);
  EXPECT_EQ(static_cast<int8_t>(d[116]), -6);
  EXPECT_EQ(d[101], 0);
}

//===----------------------------------------------------------------------===//
// Array
//===----------------------------------------------------------------------===//

TEST(GoldenArray, LoadWeightsUnpacksInt4AndZeroFills) {
  Harness h(makeConfig(2, 4));
  // Row 0: bytes 0x9f, 0x71 -> nibbles (low first) f,9,1,7 -> -1,-7,1,7.
  h.put8(Buffer::WBuf, 0, {0x9f, 0x71});
  LoadWeights l;
  l.wAddr = 0;
  l.wStride = 2;
  l.rows = 1;
  l.cols = 4;
  l.int4 = true;
  h.run(l);
  EXPECT_EQ(h.m.weight(0, 0), -1);
  EXPECT_EQ(h.m.weight(0, 1), -7);
  EXPECT_EQ(h.m.weight(0, 2), 1);
  EXPECT_EQ(h.m.weight(0, 3), 7);
  EXPECT_EQ(h.m.weight(1, 0), 0); // row not loaded
}

TEST(GoldenArray, GemmWithZeroPointAccumulateAndShift) {
  Harness h(makeConfig(2, 2));
  // W = [[4, -1], [5, 2]] (row r = input element, column c = output).
  h.put8(Buffer::WBuf, 0, {4, -1, 5, 2});
  LoadWeights l;
  l.wStride = 2;
  l.rows = 2;
  l.cols = 2;
  h.run(l);
  // Two input vectors: [3, -2] and [-128, 127], input zero point 1.
  h.put8(Buffer::IBuf, 0, {3, -2, -128, 127});
  h.put32(Buffer::ABuf, 0, {10, 20, 1000, 2000});
  Gemm g;
  g.inAddr = 0;
  g.inStrideX = 2;
  g.outH = 1;
  g.outW = 2;
  g.k = 2;
  g.inZp = 1;
  g.accAddr = 0;
  g.accStride = 8;
  g.cols = 2;
  g.accumulate = true;
  h.run(g);
  // Vector 0: a - zp = [2, -3]: c0 = 8 - 15 = -7, c1 = -2 - 6 = -8;
  // accumulated onto [10, 20] -> [3, 12].
  // Vector 1: a - zp = [-129, 126]: c0 = -516 + 630 = 114,
  // c1 = 129 + 252 = 381; onto [1000, 2000] -> [1114, 2381].
  EXPECT_EQ(h.get32(Buffer::ABuf, 0, 4),
            (std::vector<int64_t>{3, 12, 1114, 2381}));
  EXPECT_EQ(h.counters.macs, 8u);
  EXPECT_EQ(h.counters.accOverflow, 0u);
  // Overwrite with acc_shift 2: [-7, -8] * 4.
  g.accumulate = false;
  g.accShift = 2;
  g.outW = 1;
  h.run(g);
  EXPECT_EQ(h.get32(Buffer::ABuf, 0, 2), (std::vector<int64_t>{-28, -32}));
}

/// A 16-bit, 3x1 array with weights 127 and three inputs of 127 at zero
/// point -128 in IBUF: every product is 255 * 127 = 32385. Runs the gemm.
void runThreeRowColumn(Harness &h, std::vector<int> weights) {
  h.put8(Buffer::WBuf, 0, weights);
  LoadWeights l;
  l.wStride = 1;
  l.rows = 3;
  l.cols = 1;
  h.run(l);
  h.put8(Buffer::IBuf, 0, {127, 127, 127});
  Gemm g;
  g.outH = g.outW = 1;
  g.k = 3;
  g.inZp = -128;
  g.cols = 1;
  g.accStride = 4;
  h.run(g);
}

TEST(GoldenArray, GemmWrapsAtSixteenBitsAndCountsEachEvent) {
  // Partial sums 32385, 64770 (overflows 16 bits: wraps to 64770 - 65536 =
  // -766), then -766 + 32385 = 31619 (in range). One event.
  Harness h(makeConfig(3, 1, 16, "wrap"));
  runThreeRowColumn(h, {127, 127, 127});
  EXPECT_EQ(h.get32(Buffer::ABuf, 0, 1), (std::vector<int64_t>{31619}));
  EXPECT_EQ(h.counters.accOverflow, 1u);
}

TEST(GoldenArray, GemmSaturatesAtSixteenBitsAndCountsEachEvent) {
  // Same sums with saturation: 32385, 64770 -> 32767 (event), 32767 + 32385
  // -> 32767 (event). Two events.
  Harness h(makeConfig(3, 1, 16, "saturate"));
  runThreeRowColumn(h, {127, 127, 127});
  EXPECT_EQ(h.get32(Buffer::ABuf, 0, 1), (std::vector<int64_t>{32767}));
  EXPECT_EQ(h.counters.accOverflow, 2u);
  // Negative direction: weights -128: -32640 per row, saturating at -32768
  // on the second and third row.
  runThreeRowColumn(h, {-128, -128, -128});
  EXPECT_EQ(h.get32(Buffer::ABuf, 0, 1), (std::vector<int64_t>{-32768}));
  EXPECT_EQ(h.counters.accOverflow, 4u);
}

TEST(GoldenArray, GemmAccumulateOverflowAtInt32Limits) {
  for (const char *policy : {"wrap", "saturate"}) {
    Harness h(makeConfig(1, 1, 32, policy));
    h.put8(Buffer::WBuf, 0, {1});
    LoadWeights l;
    l.rows = l.cols = 1;
    h.run(l);
    h.put8(Buffer::IBuf, 0, {1});
    h.put32(Buffer::ABuf, 0, {kI32Max});
    Gemm g;
    g.outH = g.outW = g.k = g.cols = 1;
    g.accumulate = true;
    h.run(g);
    // INT32_MAX + 1 wraps to INT32_MIN or saturates at INT32_MAX.
    EXPECT_EQ(h.get32(Buffer::ABuf, 0, 1)[0],
              std::string(policy) == "wrap" ? kI32Min : kI32Max);
    EXPECT_EQ(h.counters.accOverflow, 1u) << policy;
  }
}

TEST(GoldenArray, GemmShiftOverflowIsAnEvent) {
  // 255 * 127 = 32385 fits 16 bits; << 1 = 64770 does not: wraps to -766.
  Harness h(makeConfig(1, 1, 16, "wrap"));
  h.put8(Buffer::WBuf, 0, {127});
  LoadWeights l;
  l.rows = l.cols = 1;
  h.run(l);
  h.put8(Buffer::IBuf, 0, {127});
  Gemm g;
  g.outH = g.outW = g.k = g.cols = 1;
  g.inZp = -128;
  g.accShift = 1;
  h.run(g);
  EXPECT_EQ(h.get32(Buffer::ABuf, 0, 1), (std::vector<int64_t>{-766}));
  EXPECT_EQ(h.counters.accOverflow, 1u);
}

TEST(GoldenArray, GemmRejectsOperandsOutsideTheScratchpads) {
  Harness h(makeConfig(8, 8));
  Gemm g;
  g.inAddr = 16 * 1024 - 2; // ibuf is 16 KiB; k = 4 reads past its end
  g.outH = g.outW = 1;
  g.k = 4;
  g.cols = 1;
  Status s = h.tryRun(g);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().getMessage(),
            "input touches ibuf bytes [16382, 16386) outside its 16384 bytes");
  EXPECT_EQ(h.counters.instructions, 0u);
}

//===----------------------------------------------------------------------===//
// PPU
//===----------------------------------------------------------------------===//

TEST(GoldenPpu, PerLayerScaleBiasZeroPointSaturationAndLut) {
  Harness h(makeConfig(8, 8));
  h.put32(Buffer::ABuf, 0, {1000, -1000, 100});
  h.put32(Buffer::PBuf, 0, {-100, 0, 0}); // bias
  PpuConfig cfg;
  cfg.mult = 1 << 30; // x 0.5 at shift 31
  cfg.shift = 31;
  cfg.hasBias = true;
  cfg.biasAddr = 0;
  cfg.outZp = 3;
  cfg.clampMin = -128;
  cfg.clampMax = 127;
  h.run(cfg);
  Ppu p;
  p.pixels = 1;
  p.channels = 3;
  p.srcStride = 12;
  p.dstBuf = Buffer::OBuf;
  p.dstStride = 3;
  h.run(p);
  // (1000 - 100)/2 + 3 = 453 -> 127 (saturation); -500 + 3 = -497 -> -128
  // (saturation); 50 + 3 = 53.
  EXPECT_EQ(h.get8(Buffer::OBuf, 0, 3), (std::vector<int>{127, -128, 53}));
  EXPECT_EQ(h.counters.saturation, 2u);

  // Activation clamp [3, 60] is not saturation: 53 stays, the others clamp.
  cfg.clampMin = 3;
  cfg.clampMax = 60;
  h.run(cfg);
  h.run(p);
  EXPECT_EQ(h.get8(Buffer::OBuf, 0, 3), (std::vector<int>{60, 3, 53}));
  EXPECT_EQ(h.counters.saturation, 4u); // the same two saturate again

  // LUT: lut[i] = 127 - i: 60 -> lut[188] = -61, 3 -> lut[131] = -4,
  // 53 -> lut[181] = -54.
  std::vector<int> lut(256);
  for (int i = 0; i < 256; ++i)
    lut[i] = 127 - i;
  h.put8(Buffer::PBuf, 64, lut);
  cfg.hasLut = true;
  cfg.lutAddr = 64;
  h.run(cfg);
  h.run(p);
  EXPECT_EQ(h.get8(Buffer::OBuf, 0, 3), (std::vector<int>{-61, -4, -54}));
}

TEST(GoldenPpu, PerChannelTablesWithChannelShiftsAndInt16Output) {
  Harness h(makeConfig(8, 8));
  // Two pixels x 2 channels, channel offset 1 into 3-entry tables.
  h.put32(Buffer::ABuf, 0, {1001, 100000, -1001, -100000});
  h.put32(Buffer::PBuf, 0, {999, 1 << 30, 1 << 30}); // multipliers
  h.put8(Buffer::PBuf, 16, {99, 30, 30});            // shifts
  h.put8(Buffer::PBuf, 32, {99, 1, 15});             // channel shifts k_c
  PpuConfig cfg;
  cfg.perChannel = true;
  cfg.multAddr = 0;
  cfg.shiftAddr = 16;
  cfg.hasKshift = true;
  cfg.kshiftAddr = 32;
  cfg.outType = DType::I16;
  cfg.clampMin = -32768;
  cfg.clampMax = 32767;
  cfg.doubleRound = true;
  h.run(cfg);
  Ppu p;
  p.pixels = 2;
  p.channels = 2;
  p.chOffset = 1;
  p.srcStride = 8;
  p.dstBuf = Buffer::OBuf;
  p.dstStride = 4;
  h.run(p);
  // Channel 1: shift 30 + 1: 1001 / 2 = 500.5 -> 501; -500.5 -> -500 (half
  // up; double rounding only acts above shift 31).
  // Channel 2: shift 30 + 15 = 45: 100000 / 32768 = 3.05 -> 3; -3.05 -> -3.
  EXPECT_EQ(h.get16(Buffer::OBuf, 0, 4), (std::vector<int>{501, 3, -500, -3}));
  EXPECT_EQ(h.counters.saturation, 0u);
}

TEST(GoldenPpu, BiasAddOverflowIsAnAccumulatorEvent) {
  Harness h(makeConfig(8, 8, 32, "wrap"));
  h.put32(Buffer::ABuf, 0, {kI32Max});
  h.put32(Buffer::PBuf, 0, {1});
  PpuConfig cfg;
  cfg.mult = 1 << 30;
  cfg.shift = 30; // identity
  cfg.hasBias = true;
  cfg.outType = DType::I16;
  cfg.clampMin = -32768;
  cfg.clampMax = 32767;
  h.run(cfg);
  Ppu p;
  p.pixels = 1;
  p.channels = 1;
  p.dstBuf = Buffer::OBuf;
  h.run(p);
  // INT32_MAX + 1 wraps to INT32_MIN, which saturates the int16 output.
  EXPECT_EQ(h.get16(Buffer::OBuf, 0, 1), (std::vector<int>{-32768}));
  EXPECT_EQ(h.counters.accOverflow, 1u);
  EXPECT_EQ(h.counters.saturation, 1u);
}

TEST(GoldenPpu, InvalidTablesAreErrorsThatChangeNothing) {
  Harness h(makeConfig(8, 8));
  h.put32(Buffer::ABuf, 0, {10, 10});
  h.put8(Buffer::OBuf, 0, {55, 55});
  Ppu p;
  p.pixels = 1;
  p.channels = 2;
  p.dstBuf = Buffer::OBuf;
  Status s = h.tryRun(p);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().getMessage(), "no ppu.cfg precedes this instruction");

  PpuConfig cfg;
  cfg.mult = 1 << 30;
  cfg.shift = 50;
  cfg.hasKshift = true;
  cfg.kshiftAddr = 0;
  cfg.clampMin = -128;
  cfg.clampMax = 127;
  // Channel 0: 50 + 12 = 62 is valid; channel 1's k = 16 is not.
  h.put8(Buffer::PBuf, 0, {12, 16});
  h.run(cfg);
  s = h.tryRun(p);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().getMessage(), "channel 1: channel shift 16 exceeds 15");
  h.put8(Buffer::PBuf, 0, {13, 1});
  s = h.tryRun(p);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().getMessage(),
            "channel 0: effective shift 63 is outside [2, 62]");
  EXPECT_EQ(h.get8(Buffer::OBuf, 0, 2), (std::vector<int>{55, 55}));

  PpuConfig perChannel;
  perChannel.perChannel = true;
  perChannel.multAddr = 16;
  perChannel.shiftAddr = 32;
  perChannel.clampMin = -128;
  perChannel.clampMax = 127;
  h.put32(Buffer::PBuf, 16, {1 << 30, -5});
  h.put8(Buffer::PBuf, 32, {30, 30});
  h.run(perChannel);
  s = h.tryRun(p);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().getMessage(), "channel 1: multiplier -5 is negative");
}

//===----------------------------------------------------------------------===//
// Vector unit
//===----------------------------------------------------------------------===//

TEST(GoldenVector, DepthwiseConvWithDepthMultiplier) {
  Harness h(makeConfig(8, 8));
  // 3x3 single-channel input 1..9; 2x2 kernels, depth multiplier 2:
  // output channel 0 weights [[1, 0], [0, -1]] -> in(y,x) - in(y+1,x+1);
  // output channel 1 weights [[0, 1], [1, 0]] -> in(y,x+1) + in(y+1,x).
  h.put8(Buffer::IBuf, 0, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  // Layout [ky][kx][oc].
  h.put8(Buffer::WBuf, 0, {1, 0, 0, 1, 0, 1, -1, 0});
  DwConv d;
  d.inRowStride = 3;
  d.inPixStride = 1;
  d.channels = 2;
  d.depthMult = 2;
  d.outH = d.outW = 2;
  d.kh = d.kw = 2;
  d.accStride = 8;
  h.run(d);
  // Pixel order (0,0), (0,1), (1,0), (1,1); channels interleaved.
  // ch0: 1-5, 2-6, 4-8, 5-9 = -4 each; ch1: 2+4, 3+5, 5+7, 6+8.
  EXPECT_EQ(h.get32(Buffer::ABuf, 0, 8),
            (std::vector<int64_t>{-4, 6, -4, 8, -4, 12, -4, 14}));
  EXPECT_EQ(h.counters.macs, 2u * 2 * 2 * 4);
}

TEST(GoldenVector, DepthwiseConvStrideDilationZeroPointAndSaturation) {
  Harness h(makeConfig(8, 8, 16, "saturate"));
  // 5x5 input of 127, zero point -128 -> each term 255 * w.
  h.put8(Buffer::IBuf, 0, std::vector<int>(25, 127));
  // 3x3 kernel of 127 with dilation 2 covers the whole 5x5 input.
  h.put8(Buffer::WBuf, 0, std::vector<int>(9, 127));
  DwConv d;
  d.inRowStride = 5;
  d.inPixStride = 1;
  d.channels = 1;
  d.outH = d.outW = 1;
  d.kh = d.kw = 3;
  d.dilH = d.dilW = 2;
  d.inZp = -128;
  d.accStride = 4;
  h.run(d);
  // 32385 fits; 64770 saturates to 32767 and every later term saturates
  // again: 8 events in 9 terms.
  EXPECT_EQ(h.get32(Buffer::ABuf, 0, 1), (std::vector<int64_t>{32767}));
  EXPECT_EQ(h.counters.accOverflow, 8u);
}

TEST(GoldenVector, PoolingModes) {
  Harness h(makeConfig(8, 8));
  // 2x2 single channel [[1, -5], [7, 3]].
  h.put8(Buffer::IBuf, 0, {1, -5, 7, 3});
  Pool p;
  p.inRowStride = 2;
  p.inPixStride = 1;
  p.channels = 1;
  p.outH = p.outW = 1;
  p.kh = p.kw = 2;
  p.inH = p.inW = 2;
  p.dstBuf = Buffer::OBuf;
  p.mode = PoolMode::Max;
  h.run(p);
  EXPECT_EQ(h.get8(Buffer::OBuf, 0, 1), (std::vector<int>{7}));
  // Sum 6 over 4: 1.5 -> 2 in both modes (TOSA: round half up via
  // reciprocal_scale(4); TFLite: half away from zero).
  p.mode = PoolMode::AvgTosa;
  h.run(p);
  EXPECT_EQ(h.get8(Buffer::OBuf, 0, 1), (std::vector<int>{2}));
  p.mode = PoolMode::AvgTflite;
  h.run(p);
  EXPECT_EQ(h.get8(Buffer::OBuf, 0, 1), (std::vector<int>{2}));
}

TEST(GoldenVector, AveragePoolTosaAndTfliteDifferAtInt8Limits) {
  // [-128, -127]: TFLite sums raw values, -255 / 2 -> -128 (half away from
  // zero). TOSA with zero point -128 averages (0 + 1) / 2 = 0.5 -> 1, then
  // adds the output zero point: -127.
  Harness h(makeConfig(8, 8));
  h.put8(Buffer::IBuf, 0, {-128, -127});
  Pool p;
  p.inRowStride = 2;
  p.inPixStride = 1;
  p.channels = 1;
  p.outH = p.outW = 1;
  p.kh = 1;
  p.kw = 2;
  p.inH = 1;
  p.inW = 2;
  p.inZp = -128;
  p.outZp = -128;
  p.dstBuf = Buffer::OBuf;
  p.mode = PoolMode::AvgTflite;
  h.run(p);
  EXPECT_EQ(h.get8(Buffer::OBuf, 0, 1), (std::vector<int>{-128}));
  p.mode = PoolMode::AvgTosa;
  h.run(p);
  EXPECT_EQ(h.get8(Buffer::OBuf, 0, 1), (std::vector<int>{-127}));
}

TEST(GoldenVector, PoolingPaddingIsExcludedFromTheCount) {
  Harness h(makeConfig(8, 8));
  h.put8(Buffer::IBuf, 0, {1, -5, 7, 3});
  Pool p;
  p.inRowStride = 2;
  p.inPixStride = 1;
  p.channels = 1;
  p.outH = p.outW = 2;
  p.kh = p.kw = 2;
  p.padTop = p.padLeft = 1;
  p.inH = p.inW = 2;
  p.dstBuf = Buffer::OBuf;
  // Windows: {1}; {1,-5}; {1,7}; {1,-5,7,3}.
  p.mode = PoolMode::Max;
  h.run(p);
  EXPECT_EQ(h.get8(Buffer::OBuf, 0, 4), (std::vector<int>{1, 1, 7, 7}));
  // Averages 1, -2 (exactly), 4, 1.5 -> 2.
  p.mode = PoolMode::AvgTosa;
  h.run(p);
  EXPECT_EQ(h.get8(Buffer::OBuf, 0, 4), (std::vector<int>{1, -2, 4, 2}));
  p.mode = PoolMode::AvgTflite;
  p.clampMin = 0; // fused ReLU
  h.run(p);
  EXPECT_EQ(h.get8(Buffer::OBuf, 0, 4), (std::vector<int>{1, 0, 4, 2}));
}

TEST(GoldenVector, RescaleWithZeroPointsAccumulateAndSaturation) {
  Harness h(makeConfig(8, 8));
  h.put8(Buffer::IBuf, 0, {10, -128, 127});
  h.put32(Buffer::ABuf, 0, {100, 0, 0});
  Rescale r;
  r.src = {Buffer::IBuf, 0, DType::I8, 0, 1};
  r.dst = {Buffer::ABuf, 0, DType::I32, 0, 1};
  r.nOuter = 1;
  r.nInner = 3;
  r.inZp = -3;
  r.mult = 1 << 30;
  r.shift = 30; // x 1
  r.accumulate = true;
  h.run(r);
  // x - (-3): 13, -125, 130; accumulated onto 100, 0, 0.
  EXPECT_EQ(h.get32(Buffer::ABuf, 0, 3),
            (std::vector<int64_t>{113, -125, 130}));
  // i32 -> i8 with output zero point 5 and x 0.5: 113/2 = 56.5 -> 57 + 5 =
  // 62; -62.5 -> -62 + 5 = -57; 65 + 5 = 70. Then 2000 -> saturates.
  h.put32(Buffer::ABuf, 12, {2000});
  Rescale down;
  down.src = {Buffer::ABuf, 0, DType::I32, 0, 1};
  down.dst = {Buffer::OBuf, 0, DType::I8, 0, 1};
  down.nOuter = 1;
  down.nInner = 4;
  down.outZp = 5;
  down.mult = 1 << 30;
  down.shift = 31;
  h.run(down);
  EXPECT_EQ(h.get8(Buffer::OBuf, 0, 4), (std::vector<int>{62, -57, 70, 127}));
  EXPECT_EQ(h.counters.saturation, 1u);
  // Unsigned input: byte 200 read as 200, zero point 128 -> 72.
  h.put8(Buffer::IBuf, 8, {200});
  Rescale u;
  u.src = {Buffer::IBuf, 8, DType::U8, 0, 1};
  u.dst = {Buffer::OBuf, 8, DType::I8, 0, 1};
  u.nOuter = u.nInner = 1;
  u.inZp = 128;
  u.mult = 1 << 30;
  u.shift = 30;
  h.run(u);
  EXPECT_EQ(h.get8(Buffer::OBuf, 8, 1), (std::vector<int>{72}));
}

TEST(GoldenVector, AluOperations) {
  Harness h(makeConfig(8, 8));
  auto alu = [&](AluOp op, int64_t x, int64_t y, uint32_t shift = 0,
                 bool round = false, DType dstType = DType::I32) {
    h.put32(Buffer::ABuf, 0, {x});
    h.put32(Buffer::ABuf, 4, {y});
    Alu a;
    a.op = op;
    a.src1 = {Buffer::ABuf, 0, DType::I32, 0, 1};
    a.src2 = {Buffer::ABuf, 4, DType::I32, 0, 1};
    a.dst = {Buffer::ABuf, 8, dstType, 0, 1};
    a.nOuter = a.nInner = 1;
    a.shift = shift;
    a.round = round;
    h.run(a);
    if (dstType == DType::I8)
      return int64_t(h.get8(Buffer::ABuf, 8, 1)[0]);
    return h.get32(Buffer::ABuf, 8, 1)[0];
  };
  EXPECT_EQ(alu(AluOp::Add, kI32Max, 1), kI32Min); // wraps
  EXPECT_EQ(alu(AluOp::Sub, -5, 7), -12);
  EXPECT_EQ(alu(AluOp::Mul, 7, 9, 2), 16);   // 63/4 = 15.75 -> 16
  EXPECT_EQ(alu(AluOp::Mul, -7, 9, 2), -16); // -15.75 -> -16
  EXPECT_EQ(alu(AluOp::Mul, 3, -5), -15);
  // TOSA softmax-style Q31 product: (2^30 * 2^30 + 2^30) >> 31 = 2^29.
  EXPECT_EQ(alu(AluOp::Mul, 1 << 30, 1 << 30, 31), 1 << 29);
  EXPECT_EQ(alu(AluOp::Max, -3, 2), 2);
  EXPECT_EQ(alu(AluOp::Min, -3, 2), -3);
  EXPECT_EQ(alu(AluOp::Shl, 3, 4), 48);
  EXPECT_EQ(alu(AluOp::Shl, 1, 31), kI32Min);
  EXPECT_EQ(alu(AluOp::AShr, -7, 1), -4);
  EXPECT_EQ(alu(AluOp::AShr, -7, 1, 0, true), -3); // -3.5 -> -3
  EXPECT_EQ(alu(AluOp::AShr, 7, 1, 0, true), 4);   // 3.5 -> 4
  EXPECT_EQ(alu(AluOp::AShr, 6, 2, 0, true), 2);   // 1.5 -> 2
  EXPECT_EQ(alu(AluOp::LShr, -1, 28), 15);
  EXPECT_EQ(alu(AluOp::And, 12, 10), 8);
  EXPECT_EQ(alu(AluOp::Or, 12, 10), 14);
  EXPECT_EQ(alu(AluOp::Xor, 12, 10), 6);
  EXPECT_EQ(alu(AluOp::Clz, 1, 0), 31);
  EXPECT_EQ(alu(AluOp::Clz, 0, 0), 32);
  EXPECT_EQ(alu(AluOp::Clz, -1, 0), 0);
  EXPECT_EQ(alu(AluOp::Abs, -5, 0), 5);
  EXPECT_EQ(alu(AluOp::Abs, kI32Min, 0), kI32Min); // wraps
  EXPECT_EQ(alu(AluOp::Neg, 5, 0), -5);
  EXPECT_EQ(alu(AluOp::Copy, 300, 0, 0, false, DType::I8), 44); // truncates
  EXPECT_EQ(alu(AluOp::Copy, -129, 0, 0, false, DType::I8), 127);
}

TEST(GoldenVector, AluBroadcastsWithZeroStride) {
  Harness h(makeConfig(8, 8));
  // 2x3 block minus a per-row value (stride_inner 0): softmax's x - max.
  h.put32(Buffer::ABuf, 0, {1, 2, 3, 4, 5, 6});
  h.put32(Buffer::ABuf, 32, {3, 6});
  Alu a;
  a.op = AluOp::Sub;
  a.src1 = {Buffer::ABuf, 0, DType::I32, 3, 1};
  a.src2 = {Buffer::ABuf, 32, DType::I32, 1, 0};
  a.dst = {Buffer::ABuf, 64, DType::I32, 3, 1};
  a.nOuter = 2;
  a.nInner = 3;
  h.run(a);
  EXPECT_EQ(h.get32(Buffer::ABuf, 64, 6),
            (std::vector<int64_t>{-2, -1, 0, -2, -1, 0}));
}

TEST(GoldenVector, ReduceAlongEitherAxis) {
  Harness h(makeConfig(8, 8));
  h.put32(Buffer::ABuf, 0, {1, 2, 3, 4, 5, 6}); // 2x3
  Reduce r;
  r.srcBuf = r.dstBuf = Buffer::ABuf;
  r.srcAddr = 0;
  r.dstAddr = 64;
  r.nOuter = 2;
  r.nRed = 3;
  r.nInner = 1;
  r.srcStrideOuter = 3;
  r.srcStrideRed = 1;
  r.dstStrideOuter = 1;
  r.op = ReduceOp::Sum;
  h.run(r);
  EXPECT_EQ(h.get32(Buffer::ABuf, 64, 2), (std::vector<int64_t>{6, 15}));
  r.op = ReduceOp::Max;
  h.run(r);
  EXPECT_EQ(h.get32(Buffer::ABuf, 64, 2), (std::vector<int64_t>{3, 6}));
  r.op = ReduceOp::Min;
  h.run(r);
  EXPECT_EQ(h.get32(Buffer::ABuf, 64, 2), (std::vector<int64_t>{1, 4}));
  // Columns: reduce axis 0.
  Reduce c = r;
  c.op = ReduceOp::Sum;
  c.nOuter = 1;
  c.nRed = 2;
  c.nInner = 3;
  c.srcStrideOuter = 0;
  c.srcStrideRed = 3;
  c.srcStrideInner = 1;
  c.dstStrideOuter = 0;
  c.dstStrideInner = 1;
  h.run(c);
  EXPECT_EQ(h.get32(Buffer::ABuf, 64, 3), (std::vector<int64_t>{5, 7, 9}));
  // int8 maximum of negative values.
  h.put8(Buffer::IBuf, 0, {-128, -7, -100});
  Reduce m;
  m.op = ReduceOp::Max;
  m.srcBuf = Buffer::IBuf;
  m.srcType = DType::I8;
  m.dstBuf = Buffer::OBuf;
  m.dstType = DType::I8;
  m.nOuter = m.nInner = 1;
  m.nRed = 3;
  m.srcStrideRed = 1;
  h.run(m);
  EXPECT_EQ(h.get8(Buffer::OBuf, 0, 1), (std::vector<int>{-7}));
}

TEST(GoldenVector, TableLookups) {
  Harness h(makeConfig(8, 8));
  // int8: table[i] = 255 - i as int8: -128 -> index 0 -> -1; 0 -> index
  // 128 -> 127; 127 -> index 255 -> 0.
  std::vector<int> t8(256);
  for (int i = 0; i < 256; ++i)
    t8[i] = 255 - i;
  h.put8(Buffer::PBuf, 0, t8);
  h.put8(Buffer::IBuf, 0, {-128, 0, 127});
  Table t;
  t.mode = TableMode::I8;
  t.src = {Buffer::IBuf, 0, DType::I8, 0, 1};
  t.dst = {Buffer::OBuf, 0, DType::I8, 0, 1};
  t.nOuter = 1;
  t.nInner = 3;
  t.tableAddr = 0;
  h.run(t);
  EXPECT_EQ(h.get8(Buffer::OBuf, 0, 3), (std::vector<int>{-1, 127, 0}));
  // int16: table[i] = 16 i - 4096 (see the arithmetic test).
  std::vector<int> t16(513);
  for (int i = 0; i < 513; ++i)
    t16[i] = 16 * i - 4096;
  h.put16(Buffer::PBuf, 512, t16);
  h.put16(Buffer::IBuf, 16, {0, 64, -32768, 32767});
  Table w;
  w.mode = TableMode::I16;
  w.src = {Buffer::IBuf, 16, DType::I16, 0, 1};
  w.dst = {Buffer::ABuf, 0, DType::I32, 0, 1};
  w.nOuter = 1;
  w.nInner = 4;
  w.tableAddr = 512;
  h.run(w);
  EXPECT_EQ(h.get32(Buffer::ABuf, 0, 4),
            (std::vector<int64_t>{0, 1024, -524288, 524272}));
}

TEST(GoldenVector, TableModeTypeMismatchIsRejected) {
  Harness h(makeConfig(8, 8));
  Table t;
  t.mode = TableMode::I16;
  t.src = {Buffer::IBuf, 0, DType::I8, 0, 1};
  t.dst = {Buffer::ABuf, 0, DType::I32, 0, 1};
  t.nOuter = t.nInner = 1;
  Status s = h.tryRun(t);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().getMessage(), "i16 table mode reads i16 and writes i32");
}

TEST(GoldenVector, ElementwiseAddAndMulWithRescale) {
  // TFLite/TOSA ADD: rescale both int8 inputs into int32 (zero points
  // removed, scaled), add, requantize. Here: in1 = [10, -20] (zp 2, x1.5),
  // in2 = [4, 100] (zp -4, x0.5), output x0.25 with zp 1.
  Harness h(makeConfig(8, 8));
  h.put8(Buffer::IBuf, 0, {10, -20});
  h.put8(Buffer::IBuf, 8, {4, 100});
  Rescale in1;
  in1.src = {Buffer::IBuf, 0, DType::I8, 0, 1};
  in1.dst = {Buffer::ABuf, 0, DType::I32, 0, 1};
  in1.nOuter = 1;
  in1.nInner = 2;
  in1.inZp = 2;
  in1.mult = 1610612736; // 0.75 in Q31, shift 30 -> x1.5
  in1.shift = 30;
  h.run(in1);
  Rescale in2 = in1;
  in2.src.addr = 8;
  in2.inZp = -4;
  in2.mult = 1 << 30;
  in2.shift = 31; // x0.5
  in2.accumulate = true;
  h.run(in2);
  // (10-2)*1.5 + (4+4)*0.5 = 12 + 4 = 16; (-22)*1.5 + 104*0.5 = -33 + 52 = 19.
  EXPECT_EQ(h.get32(Buffer::ABuf, 0, 2), (std::vector<int64_t>{16, 19}));
  PpuConfig out;
  out.mult = 1 << 30;
  out.shift = 32; // x0.25
  out.outZp = 1;
  out.clampMin = -128;
  out.clampMax = 127;
  h.run(out);
  Ppu p;
  p.pixels = 1;
  p.channels = 2;
  p.dstBuf = Buffer::OBuf;
  h.run(p);
  // 16/4 = 4 -> 5; 19/4 = 4.75 -> 5 -> 6.
  EXPECT_EQ(h.get8(Buffer::OBuf, 0, 2), (std::vector<int>{5, 6}));

  // MUL: (in1 - 2) * (in2 + 4) = [8*8, -22*104] = [64, -2288], then x1/64:
  // 1 and -35.75 -> -36 (round half up).
  Rescale a = in1, b = in2;
  a.mult = b.mult = 1 << 30;
  a.shift = b.shift = 30; // identity: only the zero points are removed
  b.accumulate = false;
  b.dst.addr = 8;
  h.run(a);
  h.run(b);
  Alu mul;
  mul.op = AluOp::Mul;
  mul.src1 = {Buffer::ABuf, 0, DType::I32, 0, 1};
  mul.src2 = {Buffer::ABuf, 8, DType::I32, 0, 1};
  mul.dst = {Buffer::ABuf, 16, DType::I32, 0, 1};
  mul.nOuter = 1;
  mul.nInner = 2;
  h.run(mul);
  EXPECT_EQ(h.get32(Buffer::ABuf, 16, 2), (std::vector<int64_t>{64, -2288}));
  Rescale down;
  down.src = {Buffer::ABuf, 16, DType::I32, 0, 1};
  down.dst = {Buffer::OBuf, 0, DType::I8, 0, 1};
  down.nOuter = 1;
  down.nInner = 2;
  down.mult = 1 << 30;
  down.shift = 36;
  h.run(down);
  EXPECT_EQ(h.get8(Buffer::OBuf, 0, 2), (std::vector<int>{1, -36}));
}

TEST(GoldenControl, TokenAndHaltChangeNoState) {
  Harness h(makeConfig(8, 8));
  h.put8(Buffer::IBuf, 0, {1, 2, 3});
  Token t;
  t.queue = Queue::Store;
  t.deps.pushPrev = true;
  h.run(t);
  h.run(Halt{});
  EXPECT_EQ(h.get8(Buffer::IBuf, 0, 3), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(h.counters.instructions, 2u);
  EXPECT_EQ(h.counters.macs, 0u);
}
