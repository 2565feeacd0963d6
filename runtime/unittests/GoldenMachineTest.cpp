// Tests the golden executor's DMA, array, PPU and control instructions
// against expectations computed by hand (derivations in the comments),
// including accumulator wrap/saturation at narrow widths with their event
// counts, int8 limits, negative values and invalid operands. The vector
// unit's instructions are in GoldenVectorTest.cpp.
#include "GoldenHarness.h"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>

using namespace npu;
using namespace npu::golden;
using namespace npu::golden::testing;
using namespace npu::isa;

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

TEST(GoldenPpu, FormsBeyondThePpusRescaleAreRefused) {
  // ppu.rescale=per-layer: no channel tables; shift-table: 4-bit shifts only.
  ArchConfig config = makeConfig(8, 8);
  config.ppu.rescale = PpuRescale::PerLayer;
  PpuConfig perLayer;
  perLayer.mult = 1 << 30;
  perLayer.shift = 31;
  perLayer.clampMin = -128;
  perLayer.clampMax = 127;
  PpuConfig shiftTable = perLayer;
  shiftTable.hasKshift = true;
  PpuConfig perChannel = perLayer;
  perChannel.perChannel = true;
  perChannel.multAddr = 16;
  perChannel.shiftAddr = 32;
  {
    Harness h(config);
    EXPECT_TRUE(h.tryRun(perLayer).ok());
    Status s = h.tryRun(shiftTable);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().getMessage(),
              "the shift_table requantization form is beyond this PPU "
              "(ppu.rescale per-layer)");
  }
  config.ppu.rescale = PpuRescale::ShiftTable;
  Harness h(config);
  EXPECT_TRUE(h.tryRun(shiftTable).ok());
  Status s = h.tryRun(perChannel);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().getMessage(),
            "the per_channel requantization form is beyond this PPU "
            "(ppu.rescale shift-table)");
}

TEST(GoldenPpu, TransposeTakesChannelsFromRowsAndWritesColumns) {
  Harness h(makeConfig(8, 8));
  // A 2 x 3 block (rows 16 bytes apart): row px is output channel
  // ch_offset + px = 1 + px, column c a position.
  h.put32(Buffer::ABuf, 0, {100, 200, -300});
  h.put32(Buffer::ABuf, 16, {7, -7, 1000});
  // Per-channel tables for channels 0..2: bias, multiplier, shift.
  h.put32(Buffer::PBuf, 0, {999, 10, -1});          // bias
  h.put32(Buffer::PBuf, 16, {0, 1 << 30, 1 << 30}); // multiplier
  h.put8(Buffer::PBuf, 32, {99, 31, 30});           // shift
  PpuConfig cfg;
  cfg.perChannel = true;
  cfg.multAddr = 16;
  cfg.shiftAddr = 32;
  cfg.hasBias = true;
  cfg.biasAddr = 0;
  cfg.outZp = -1;
  cfg.clampMin = -128;
  cfg.clampMax = 127;
  h.run(cfg);
  h.put8(Buffer::OBuf, 0, std::vector<int>(12, 99));
  Ppu p;
  p.pixels = 2;
  p.channels = 3;
  p.chOffset = 1;
  p.srcStride = 16;
  p.dstBuf = Buffer::OBuf;
  p.dstStride = 4; // bytes between positions
  p.transpose = true;
  h.run(p);
  // Row 0 = channel 1 (bias 10, x 0.5): (110, 210, -290) / 2 = 55, 105,
  // -145 -> + zp -1: 54, 104, -146 -> -128 (saturated).
  // Row 1 = channel 2 (bias -1, x 1): 6, -8, 999 -> 5, -9, 998 -> 127
  // (saturated).
  // Element (px, c) at c * 4 + px: position c holds its two channels.
  EXPECT_EQ(
      h.get8(Buffer::OBuf, 0, 12),
      (std::vector<int>{54, 5, 99, 99, 104, -9, 99, 99, -128, 127, 99, 99}));
  EXPECT_EQ(h.counters.saturation, 2u);

  // Only channels [ch_offset, ch_offset + pixels) are read: [1, 3) above
  // skipped channel 0's invalid shift (99), [0, 2) does not.
  p.chOffset = 0;
  Status s = h.tryRun(p);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().getMessage(),
            "channel 0: effective shift 99 is outside [2, 62]");

  // dst_stride separates elements: it must be a multiple of the output
  // size.
  cfg.perChannel = false;
  cfg.hasBias = false;
  cfg.mult = 1 << 30;
  cfg.shift = 30;
  cfg.outType = DType::I16;
  cfg.clampMin = -32768;
  cfg.clampMax = 32767;
  h.run(cfg);
  p.dstStride = 6;
  EXPECT_TRUE(h.tryRun(p).ok());
  p.dstStride = 5;
  s = h.tryRun(p);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().getMessage(), "dst_stride (5) is not a multiple of 2");
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
