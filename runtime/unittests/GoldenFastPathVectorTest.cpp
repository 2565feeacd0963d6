// Randomized differential tests, as GoldenFastPathTest.cpp, of the
// instructions the Machine runs through the reference itself: vec.pool,
// vec.rescale, vec.alu (recip included), vec.reduce, vec.table (all three
// modes), vec.ecfg and vec.eltwise, token and halt, a few in a row on each
// random machine.
#include "GoldenFastPathHarness.h"

#include "npu/Isa/Access.h"
#include "npu/Isa/PpuTable.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

using namespace npu;
using namespace npu::golden;
using namespace npu::golden::fastpath;
using namespace npu::isa;

namespace {

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
  t.mode = rng.pick<TableMode>({TableMode::I8, TableMode::I16, TableMode::I32});
  switch (t.mode) {
  case TableMode::I8:
    t.src.type = t.dst.type = DType::I8;
    break;
  case TableMode::I16:
    t.src.type = DType::I16;
    t.dst.type = DType::I32;
    break;
  case TableMode::I32:
    t.src.type = rng.pick<DType>({DType::I8, DType::U8});
    t.dst.type = DType::I32;
    break;
  }
  t.nOuter = uint32_t(rng.uniform(0, 6));
  t.nInner = uint32_t(rng.uniform(1, 40));
  t.tableAddr = uint32_t(placeIn(rng, int64_t(s.sram(Buffer::PBuf).size()),
                                 tableBytes(t.mode), 4));
  placeOperand(rng, s, t.src, t.nOuter, t.nInner);
  placeOperand(rng, s, t.dst, t.nOuter, t.nInner);
  return t;
}

EltwiseConfig randomEltwiseConfig(Rng &rng) {
  EltwiseConfig e;
  e.op = rng.pick<EltOp>({EltOp::Add, EltOp::Sub, EltOp::Mul});
  e.zp1 = int32_t(rng.uniform(-32768, 32767));
  e.zp2 = int32_t(rng.uniform(-300, 300));
  e.mult1 = int32_t(rng.uniform(0, INT32_MAX));
  e.mult2 = int32_t(rng.uniform(1 << 29, INT32_MAX));
  e.shift1 = uint32_t(rng.uniform(kMinScaleShift, kMaxScaleShift));
  e.shift2 = uint32_t(rng.uniform(28, 40));
  e.doubleRound1 = rng.chance(0.5);
  e.doubleRound2 = rng.chance(0.5);
  e.mulShift = e.op == EltOp::Mul && rng.chance(0.5)
                   ? uint32_t(rng.uniform(0, kMaxScaleShift))
                   : 0;
  return e;
}

/// A ppu.cfg vec.eltwise accepts, mostly: per layer, no bias or k_c (one
/// in ten has a bias, which vec.eltwise must reject).
PpuConfig randomOutputStage(Rng &rng, const ArchState &s) {
  PpuConfig p;
  p.outType = rng.pick<DType>({DType::I8, DType::I16, DType::U8});
  p.mult = int32_t(rng.uniform(0, INT32_MAX));
  p.shift = uint32_t(rng.uniform(kMinScaleShift, kMaxScaleShift));
  p.doubleRound = rng.chance(0.5);
  p.outZp = int32_t(rng.uniform(-300, 300));
  const int64_t lo = elementMin(p.outType), hi = elementMax(p.outType);
  p.clampMin = int32_t(rng.chance(0.5) ? lo : rng.uniform(lo, hi));
  p.clampMax = int32_t(rng.chance(0.5) ? hi : rng.uniform(p.clampMin, hi));
  p.hasLut = p.outType == DType::I8 && rng.chance(0.3);
  p.lutAddr = uint32_t(
      placeIn(rng, int64_t(s.sram(Buffer::PBuf).size()), kPpuLutEntries, 1));
  p.hasBias = rng.chance(0.1);
  return p;
}

Instruction randomEltwise(Rng &rng, const ArchState &s) {
  Eltwise e;
  e.nOuter = uint32_t(rng.uniform(0, 6));
  e.nInner = uint32_t(rng.uniform(1, 40));
  e.src1.type = randomType(rng);
  e.src2.type = randomType(rng);
  e.dst.type = s.ppu ? s.ppu->outType : DType::I8;
  placeOperand(rng, s, e.src1, e.nOuter, e.nInner);
  placeOperand(rng, s, e.src2, e.nOuter, e.nInner);
  placeOperand(rng, s, e.dst, e.nOuter, e.nInner);
  return e;
}

/// The instructions the Machine runs through the reference itself, a few
/// in a row on each random machine.
TEST(GoldenFastPath, VectorAndControlInstructionsMatchTheReference) {
  Rng rng(8086);
  int cases = 0, eltwiseCases = 0;
  for (int attempts = 0; cases < 800 && attempts < 8000;) {
    Executors ex(randomConfig(rng), 64);
    fillState(rng, ex.reference);
    ex.sync();
    const ArchState &s = ex.reference;
    for (int i = 0; i < 8 && cases < 800; ++i, ++attempts) {
      Instruction instr;
      switch (rng.uniform(0, 7)) {
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
      case 5:
        // The configurations first (run like any instruction), then the
        // element-wise instruction that reads them.
        if (rng.chance(0.3)) {
          expectSame(ex, randomEltwiseConfig(rng), "vec.ecfg");
          expectSame(ex, randomOutputStage(rng, s), "ppu.cfg");
        }
        instr = randomEltwise(rng, s);
        break;
      case 6: {
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
      eltwiseCases += std::holds_alternative<Eltwise>(instr);
    }
  }
  EXPECT_EQ(cases, 800) << "too few valid random instructions";
  EXPECT_GE(eltwiseCases, 40) << "too few valid vec.eltwise";
}

} // namespace
