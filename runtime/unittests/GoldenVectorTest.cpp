// Tests the golden executor's vector-unit instructions (vec.dwconv,
// vec.pool, vec.rescale, vec.alu, vec.reduce, vec.table) against
// expectations computed by hand (derivations in the comments).
#include "GoldenHarness.h"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>

using namespace npu;
using namespace npu::golden;
using namespace npu::golden::testing;
using namespace npu::isa;

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

TEST(GoldenVector, Int32TableLookups) {
  Harness h(makeConfig(8, 8));
  // table[i] = 1000000 * i - 7 (needs 28 bits), little-endian at pbuf 1024.
  std::vector<int64_t> t32(256);
  for (int i = 0; i < 256; ++i)
    t32[i] = 1000000LL * i - 7;
  h.put32(Buffer::PBuf, 1024, t32);
  // i8 source: index src + 128: -128 -> 0, -1 -> 127, 0 -> 128, 127 -> 255.
  h.put8(Buffer::IBuf, 0, {-128, -1, 0, 127});
  Table t;
  t.mode = TableMode::I32;
  t.src = {Buffer::IBuf, 0, DType::I8, 0, 1};
  t.dst = {Buffer::ABuf, 0, DType::I32, 0, 1};
  t.nOuter = 1;
  t.nInner = 4;
  t.tableAddr = 1024;
  h.run(t);
  EXPECT_EQ(h.get32(Buffer::ABuf, 0, 4),
            (std::vector<int64_t>{-7, 126999993, 127999993, 254999993}));
  // u8 source: index src: bytes 0, 200, 255 (read as 0, 200, 255).
  h.put8(Buffer::IBuf, 8, {0, 200, 255});
  t.src = {Buffer::IBuf, 8, DType::U8, 0, 1};
  t.nInner = 3;
  h.run(t);
  EXPECT_EQ(h.get32(Buffer::ABuf, 0, 3),
            (std::vector<int64_t>{-7, 199999993, 254999993}));
  // Other sources, other destinations and an unaligned table are errors.
  t.src.type = DType::I16;
  Status s = h.tryRun(t);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().getMessage(),
            "i32 table mode reads i8 or u8 and writes i32");
  t.src.type = DType::U8;
  t.dst.type = DType::I16;
  EXPECT_FALSE(h.tryRun(t).ok());
  t.dst.type = DType::I32;
  t.tableAddr = 1026;
  s = h.tryRun(t);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().getMessage(), "table_addr (1026) is not a multiple of 4");
}

TEST(GoldenVector, AluReciprocal) {
  Harness h(makeConfig(8, 8));
  // recip(x) = 1 / (1 + s) in Q0.31 for x << clz(x) = 2^31 + s
  // (GoldenRecipTest.cpp derives these values step by step):
  //   2^19 = 524288: s = 0, 1.0 saturates to 2^31 - 1;
  //   3: s = 2^30, 1 / 1.5 -> 1431655762 (exactly 1431655765.3);
  //   655360 = 5 * 2^17: s = 2^29, 1 / 1.25 -> 1717986914 (1717986918.4);
  //   0 and negative values give 0.
  h.put32(Buffer::ABuf, 0, {524288, 3, 655360, 0, -5, kI32Min});
  Alu a;
  a.op = AluOp::Recip;
  a.src1 = {Buffer::ABuf, 0, DType::I32, 0, 1};
  a.src2 = {Buffer::IBuf, 1u << 23, DType::I32, 0, 1}; // ignored: unary
  a.dst = {Buffer::ABuf, 64, DType::I32, 0, 1};
  a.nOuter = 1;
  a.nInner = 6;
  h.run(a);
  EXPECT_EQ(h.get32(Buffer::ABuf, 64, 6),
            (std::vector<int64_t>{kI32Max, 1431655762, 1717986914, 0, 0, 0}));
  // Narrow sources are read at their type: u8 200 is 200 (s = 2^31 *
  // 72/128), i8 -56 (the same byte) is negative. An i8 destination keeps
  // the low byte.
  h.put8(Buffer::IBuf, 0, {200});
  a.src1 = {Buffer::IBuf, 0, DType::U8, 0, 1};
  a.nInner = 1;
  h.run(a);
  // 1 / (200 / 128) = 0.64 -> 1374389534.72 exactly.
  const int64_t r200 = h.get32(Buffer::ABuf, 64, 1)[0];
  EXPECT_NEAR(double(r200), 1374389534.72, 8.0);
  a.src1.type = DType::I8;
  h.run(a);
  EXPECT_EQ(h.get32(Buffer::ABuf, 64, 1), (std::vector<int64_t>{0}));
  a.src1.type = DType::U8;
  a.dst.type = DType::I8;
  h.run(a);
  EXPECT_EQ(h.get8(Buffer::ABuf, 64, 1),
            (std::vector<int>{int(int8_t(uint8_t(r200 & 0xff)))}));
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
