// Tests the fused element-wise instruction (vec.ecfg + vec.eltwise): add,
// sub and mul with zero points, scales, output requantization, saturation
// events, the LUT and the exact left shift against values computed by hand,
// the limits it checks, and, on random data, bit and event equality with
// the sequence it fuses when left_shift is 0 (vec.rescale, vec.rescale
// accumulate or vec.alu, then ppu). GoldenEltwiseTfliteTest.cpp compares it
// with TFLite's kernels.
#include "GoldenHarness.h"

#include "npu/Isa/PpuTable.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

using namespace npu;
using namespace npu::golden;
using namespace npu::golden::testing;
using namespace npu::isa;

namespace {

/// The output stage of ElementwiseAddAndMulWithRescale: x0.25, zero point 1.
PpuConfig quarterOutput() {
  PpuConfig out;
  out.mult = 1 << 30;
  out.shift = 32;
  out.outZp = 1;
  out.clampMin = -128;
  out.clampMax = 127;
  return out;
}

/// in1 at ibuf 0 (zero point 2, x1.5), in2 at ibuf 8 (zero point -4, x0.5).
EltwiseConfig addInputs(EltOp op) {
  EltwiseConfig e;
  e.op = op;
  e.zp1 = 2;
  e.mult1 = 1610612736; // 0.75 in Q31, shift 30 -> x1.5
  e.shift1 = 30;
  e.zp2 = -4;
  e.mult2 = 1 << 30;
  e.shift2 = 31; // x0.5
  return e;
}

Eltwise twoElements() {
  Eltwise e;
  e.src1 = {Buffer::IBuf, 0, DType::I8, 0, 1};
  e.src2 = {Buffer::IBuf, 8, DType::I8, 0, 1};
  e.dst = {Buffer::OBuf, 0, DType::I8, 0, 1};
  e.nOuter = 1;
  e.nInner = 2;
  return e;
}

} // namespace

TEST(GoldenEltwise, AddSubAndMulByHand) {
  Harness h(makeConfig(8, 8));
  // The numbers of GoldenVector.ElementwiseAddAndMulWithRescale.
  h.put8(Buffer::IBuf, 0, {10, -20});
  h.put8(Buffer::IBuf, 8, {4, 100});
  h.run(quarterOutput());
  h.run(addInputs(EltOp::Add));
  h.run(twoElements());
  // a = (10-2)*1.5, (-22)*1.5 = 12, -33; b = (4+4)*0.5, 104*0.5 = 4, 52.
  // a + b = 16, 19 -> x0.25 = 4, 4.75 -> 5 -> + 1 = 5, 6.
  EXPECT_EQ(h.get8(Buffer::OBuf, 0, 2), (std::vector<int>{5, 6}));

  // a - b = 8, -85 -> x0.25 = 2, -21.25 -> round half up: (8 + 2) >> 2 =
  // 2, (-85 + 2) >> 2 = -21 -> + 1 = 3, -20.
  h.run(addInputs(EltOp::Sub));
  h.run(twoElements());
  EXPECT_EQ(h.get8(Buffer::OBuf, 0, 2), (std::vector<int>{3, -20}));
  EXPECT_EQ(h.counters.saturation, 0u);

  // mul with identity input scales: (10-2)(4+4) = 64, (-22)(104) = -2288;
  // mul_shift 3: (64 + 4) >> 3 = 8, (-2288 + 4) >> 3 = -285.5 -> -286.
  // Output x1, zero point 0: 8 and -286, which saturates to -128.
  EltwiseConfig mul = addInputs(EltOp::Mul);
  mul.mult1 = mul.mult2 = 1 << 30;
  mul.shift1 = mul.shift2 = 30;
  mul.mulShift = 3;
  h.run(mul);
  PpuConfig identity = quarterOutput();
  identity.shift = 30;
  identity.outZp = 0;
  h.run(identity);
  h.run(twoElements());
  EXPECT_EQ(h.get8(Buffer::OBuf, 0, 2), (std::vector<int>{8, -128}));
  EXPECT_EQ(h.counters.saturation, 1u);
}

TEST(GoldenEltwise, ClampLutUnsignedOutputAndBroadcast) {
  Harness h(makeConfig(8, 8));
  // 2 x 2 block of in1 plus one in2 value per row (stride_inner 0).
  h.put8(Buffer::IBuf, 0, {1, 2, 3, 4});
  h.put8(Buffer::IBuf, 8, {10, 20});
  EltwiseConfig e;
  e.op = EltOp::Add;
  e.mult1 = e.mult2 = 1 << 30;
  e.shift1 = e.shift2 = 30; // x1
  h.run(e);
  PpuConfig out;
  out.mult = 1 << 30;
  out.shift = 30;
  out.outZp = 100;
  out.outType = DType::U8;
  out.clampMin = 0;
  out.clampMax = 123; // fused activation
  h.run(out);
  Eltwise add;
  add.src1 = {Buffer::IBuf, 0, DType::I8, 2, 1};
  add.src2 = {Buffer::IBuf, 8, DType::I8, 1, 0};
  add.dst = {Buffer::OBuf, 0, DType::U8, 2, 1};
  add.nOuter = add.nInner = 2;
  h.run(add);
  // 1+10, 2+10, 3+20, 4+20 = 11, 12, 23, 24 -> + 100 -> 111, 112, 123,
  // 124 -> clamped to 123 (not a saturation).
  std::vector<int> bytes = h.get8(Buffer::OBuf, 0, 4);
  for (int &b : bytes)
    b &= 0xff;
  EXPECT_EQ(bytes, (std::vector<int>{111, 112, 123, 123}));
  EXPECT_EQ(h.counters.saturation, 0u);

  // LUT (i8 output): lut[i] = 127 - i; results 11 + 0 .. 24 + 0 map to
  // lut[139] = -12, lut[140] = -13, lut[151] = -24, lut[152] = -25.
  std::vector<int> lut(256);
  for (int i = 0; i < 256; ++i)
    lut[i] = 127 - i;
  h.put8(Buffer::PBuf, 512, lut);
  out.outType = DType::I8;
  out.outZp = 0;
  out.clampMin = -128;
  out.clampMax = 127;
  out.hasLut = true;
  out.lutAddr = 512;
  h.run(out);
  add.dst.type = DType::I8;
  h.run(add);
  EXPECT_EQ(h.get8(Buffer::OBuf, 0, 4), (std::vector<int>{-12, -13, -24, -25}));
}

TEST(GoldenEltwise, LimitsAreChecked) {
  Harness h(makeConfig(8, 8));
  Eltwise e = twoElements();
  Status s = h.tryRun(e);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().getMessage(), "no vec.ecfg precedes this instruction");
  h.run(addInputs(EltOp::Add));
  s = h.tryRun(e);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().getMessage(), "no ppu.cfg precedes this instruction");

  auto errorWith = [&](const PpuConfig &cfg) {
    h.run(cfg);
    Status status = h.tryRun(e);
    return status.ok() ? std::string("(no error)")
                       : status.error().getMessage();
  };
  PpuConfig cfg = quarterOutput();
  EXPECT_EQ(errorWith(cfg), "(no error)");
  cfg.perChannel = true;
  EXPECT_EQ(errorWith(cfg), "the ppu.cfg in force has per_channel set "
                            "(vec.eltwise requantizes per layer)");
  cfg = quarterOutput();
  cfg.hasBias = true;
  EXPECT_EQ(errorWith(cfg), "the ppu.cfg in force has has_bias set "
                            "(vec.eltwise adds no bias)");
  cfg = quarterOutput();
  cfg.hasKshift = true;
  EXPECT_EQ(errorWith(cfg), "the ppu.cfg in force has has_kshift set "
                            "(vec.eltwise has no channel shifts)");
  cfg = quarterOutput();
  cfg.outType = DType::I16;
  cfg.clampMin = -32768;
  cfg.clampMax = 32767;
  EXPECT_EQ(errorWith(cfg), "dst_type i8 differs from the ppu.cfg's out_type "
                            "i16");

  auto configError = [&](const EltwiseConfig &c) {
    Status status = h.tryRun(c);
    return status.ok() ? std::string("(no error)")
                       : status.error().getMessage();
  };
  EltwiseConfig c = addInputs(EltOp::Add);
  c.mult2 = -1;
  EXPECT_EQ(configError(c), "mult2 -1 is negative");
  c = addInputs(EltOp::Add);
  c.shift1 = 1;
  EXPECT_EQ(configError(c), "shift1 1 is outside [2, 62]");
  c = addInputs(EltOp::Add);
  c.shift2 = 63;
  EXPECT_EQ(configError(c), "shift2 63 is outside [2, 62]");
  c = addInputs(EltOp::Sub);
  c.mulShift = 1;
  EXPECT_EQ(configError(c), "mul_shift is only used by mul");
  c.op = EltOp::Mul;
  EXPECT_EQ(configError(c), "(no error)");
  c.mulShift = 63;
  EXPECT_EQ(configError(c), "mul_shift 63 is outside [0, 62]");
  c = addInputs(EltOp::Add);
  c.leftShift = 31;
  EXPECT_EQ(configError(c), "(no error)");
  c.leftShift = 32; // not encodable; an in-memory instruction is checked too
  EXPECT_EQ(configError(c), "left_shift 32 is outside [0, 31]");
}

TEST(GoldenEltwise, LeftShiftIsExact) {
  // (x - zp) << left_shift is not wrapped to 32 bits. Element 0, with
  // left_shift 31: (100 - (-28)) << 31 = 2^38, x 2^30 >> 60 = 256 (wrapped
  // to 32 bits it would be 0); (-128 - 127) << 31 = -255 * 2^31, x 2^30 >>
  // 62 = -127.5, rounded half up to -127. Their sum 129 at x1 and zero
  // point 0 saturates to 127.
  Harness h(makeConfig(8, 8));
  h.put8(Buffer::IBuf, 0, {100, 0});
  h.put8(Buffer::IBuf, 8, {-128, 0});
  EltwiseConfig in;
  in.op = EltOp::Add;
  in.leftShift = 31;
  in.zp1 = -28;
  in.mult1 = 1 << 30;
  in.shift1 = 60;
  in.zp2 = 127;
  in.mult2 = 1 << 30;
  in.shift2 = 62;
  h.run(in);
  PpuConfig out = quarterOutput();
  out.shift = 30;
  out.outZp = 0;
  h.run(out);
  h.run(twoElements());
  // Element 1: 28 << 31 x 2^30 >> 60 = 56; -127 << 31 x 2^30 >> 62 =
  // -63.5 -> -63; 56 - 63 = -7.
  EXPECT_EQ(h.get8(Buffer::OBuf, 0, 2), (std::vector<int>{127, -7}));
  EXPECT_EQ(h.counters.saturation, 1u);
  // Double rounding rounds -127.5 and -63.5 away from zero: 256 - 128 =
  // 128 saturates to 127 again, 56 - 64 = -8.
  in.doubleRound1 = in.doubleRound2 = true;
  h.run(in);
  h.run(twoElements());
  EXPECT_EQ(h.get8(Buffer::OBuf, 0, 2), (std::vector<int>{127, -8}));
  EXPECT_EQ(h.counters.saturation, 2u);
}

TEST(GoldenEltwise, MatchesTheThreeStepSequence) {
  // On random data, vec.eltwise's bits and saturation events equal those
  // of the sequence it fuses, run on the same machine into another
  // destination: vec.rescale of each input into i32 (the second
  // accumulating for add), vec.alu sub or mul for the others, then ppu.
  std::mt19937_64 rng(2718);
  auto uniform = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  auto pick = [&](std::initializer_list<int64_t> values) {
    return *(values.begin() + uniform(0, int64_t(values.size()) - 1));
  };
  const DType types[] = {DType::I8, DType::I16, DType::I32, DType::U8};
  for (int round = 0; round < 400; ++round) {
    Harness h(makeConfig(8, 8));
    for (Buffer b : {Buffer::IBuf, Buffer::WBuf, Buffer::PBuf})
      for (uint8_t &byte : h.m.sram(b))
        byte = static_cast<uint8_t>(rng());
    const bool small = round % 2; // small values: fewer saturations
    if (small)
      for (uint8_t &byte : h.m.sram(Buffer::IBuf))
        byte = static_cast<uint8_t>(int8_t(byte) / 16);

    EltwiseConfig cfg;
    cfg.op = EltOp(uniform(0, 2));
    cfg.zp1 = int32_t(uniform(-32768, 32767));
    cfg.zp2 = int32_t(uniform(-32768, 32767));
    cfg.mult1 = int32_t(uniform(0, INT32_MAX));
    cfg.mult2 = int32_t(uniform(0, INT32_MAX));
    cfg.shift1 = uint32_t(uniform(kMinScaleShift, kMaxScaleShift));
    cfg.shift2 = uint32_t(uniform(kMinScaleShift, kMaxScaleShift));
    if (small) {
      cfg.zp1 = int32_t(uniform(-128, 127));
      cfg.zp2 = int32_t(uniform(-128, 127));
      cfg.shift1 = uint32_t(uniform(28, 40));
      cfg.shift2 = uint32_t(uniform(28, 40));
    }
    cfg.doubleRound1 = uniform(0, 1);
    cfg.doubleRound2 = uniform(0, 1);
    cfg.mulShift =
        cfg.op == EltOp::Mul ? uint32_t(pick({0, 0, 1, 7, 31, 62})) : 0;
    PpuConfig out;
    out.outType = DType(pick({0, 1, 3})); // i8, i16, u8
    out.mult = int32_t(uniform(0, INT32_MAX));
    out.shift = uint32_t(uniform(kMinScaleShift, kMaxScaleShift));
    if (small)
      out.shift = uint32_t(uniform(28, 40));
    out.doubleRound = uniform(0, 1);
    out.outZp = int32_t(uniform(-300, 300));
    const int64_t lo = elementMin(out.outType), hi = elementMax(out.outType);
    out.clampMin = int32_t(uniform(0, 1) ? lo : uniform(lo, hi));
    out.clampMax = int32_t(uniform(0, 1) ? hi : uniform(out.clampMin, hi));
    out.hasLut = out.outType == DType::I8 && uniform(0, 3) == 0;
    out.lutAddr = 2048;

    Eltwise e;
    e.nOuter = uint32_t(uniform(1, 5));
    e.nInner = uint32_t(uniform(1, 24));
    const int64_t n = int64_t(e.nOuter) * e.nInner;
    // Sources anywhere in ibuf, wbuf and pbuf's first 2 KiB, with any
    // type and strides (0 broadcasts, negative reverses).
    auto source = [&](Buffer buf, int64_t capacity) {
      Operand op;
      op.buf = buf;
      op.type = types[uniform(0, 3)];
      op.strideInner = int32_t(pick({1, 1, 0, 2, -1}));
      op.strideOuter = int32_t(pick(
          {int64_t(e.nInner), 0, -int64_t(e.nInner), int64_t(e.nInner) + 3}));
      const int64_t size = elementBytes(op.type);
      const int64_t extent = std::abs(op.strideOuter) * (e.nOuter - 1) +
                             std::abs(op.strideInner) * (e.nInner - 1) + 1;
      int64_t low = 0;
      low += std::min<int64_t>(0, op.strideOuter) * (e.nOuter - 1);
      low += std::min<int64_t>(0, op.strideInner) * (e.nInner - 1);
      const int64_t base = uniform(0, (capacity / size - extent)) * size;
      op.addr = uint32_t(base - low * size);
      return op;
    };
    e.src1 = source(uniform(0, 1) ? Buffer::IBuf : Buffer::WBuf, 8192);
    e.src2 = source(uniform(0, 1) ? Buffer::IBuf : Buffer::PBuf, 2048);
    const int64_t outSize = elementBytes(out.outType);
    e.dst = {Buffer::OBuf, 0, out.outType, int32_t(e.nInner), 1};

    // The sequence: i32 temporaries in abuf, its result at obuf 4096.
    Rescale r1;
    r1.src = e.src1;
    r1.dst = {Buffer::ABuf, 0, DType::I32, int32_t(e.nInner), 1};
    r1.nOuter = e.nOuter;
    r1.nInner = e.nInner;
    r1.inZp = cfg.zp1;
    r1.mult = cfg.mult1;
    r1.shift = cfg.shift1;
    r1.doubleRound = cfg.doubleRound1;
    Rescale r2 = r1;
    r2.src = e.src2;
    r2.inZp = cfg.zp2;
    r2.mult = cfg.mult2;
    r2.shift = cfg.shift2;
    r2.doubleRound = cfg.doubleRound2;
    if (cfg.op == EltOp::Add)
      r2.accumulate = true;
    else
      r2.dst.addr = 4096;
    Alu alu;
    alu.op = cfg.op == EltOp::Sub ? AluOp::Sub : AluOp::Mul;
    alu.src1 = r1.dst;
    alu.src2 = r2.dst;
    alu.dst = r1.dst;
    alu.nOuter = e.nOuter;
    alu.nInner = e.nInner;
    alu.shift = cfg.mulShift;
    Ppu p;
    p.srcStride = 4 * e.nInner;
    p.pixels = e.nOuter;
    p.channels = e.nInner;
    p.dstBuf = Buffer::OBuf;
    p.dstAddr = 4096;
    p.dstStride = uint32_t(outSize * e.nInner);

    const std::string what = "case " + std::to_string(round) + " (" +
                             EnumInfo<EltOp>::names[int(cfg.op)] + ")";
    h.run(out);
    h.run(cfg);
    h.run(e);
    const Counters fused = h.counters;
    h.run(r1);
    h.run(r2);
    if (cfg.op != EltOp::Add)
      h.run(alu);
    h.run(p);
    const std::vector<uint8_t> &obuf = h.m.sram(Buffer::OBuf);
    EXPECT_TRUE(std::equal(obuf.begin(), obuf.begin() + n * outSize,
                           obuf.begin() + 4096))
        << what;
    EXPECT_EQ(fused.saturation, h.counters.saturation - fused.saturation)
        << what;
    EXPECT_EQ(h.counters.accOverflow, 0u) << what;
    if (HasFailure())
      return;
  }
}
