// Tests the whole SystemC model on small programs: bit-exactness with the
// golden executor in both array models (with accumulator overflow), the
// array's fill/drain formula, DMA time, bank conflicts, the timing of
// vec.ecfg / vec.eltwise and of a transposed ppu, token ordering and
// load/compute overlap, deadlock and configuration errors. Each test
// simulates at most one program (SystemC elaborates once per process).
#include "SimTestPrograms.h"

#include "npusim/Array/CycleArrayModel.h"
#include "npusim/Modules/DmaEngine.h"
#include "npusim/Modules/PostProcessor.h"
#include "npusim/Modules/SystolicArray.h"
#include "npusim/Modules/VectorUnit.h"
#include "npusim/Simulator.h"

#include "npu/Golden/Machine.h"

#include <gtest/gtest.h>

using namespace npu;
using namespace npu::sim;
using namespace npu::sim::test;

namespace {

/// Runs gemmProgram on `model` and checks bits, counters and the array's
/// cycle formula.
void checkArrayModel(ArrayModel model) {
  const ArchConfig c = config("npu-tiny", {"array.acc_bits=16"});
  const uint32_t vectors = 40, k = 8, cols = 6;
  const Program p = gemmProgram(c, vectors, k, cols, 7);
  Result<golden::RunResult> golden = golden::runProgram(p, {});
  ASSERT_TRUE(static_cast<bool>(golden)) << golden.error().getMessage();
  Result<SimResult> sim = simulateTraced(p, c, model);
  ASSERT_TRUE(static_cast<bool>(sim)) << sim.error().getMessage();

  ASSERT_EQ(sim->outputs.size(), golden->outputs.size());
  for (size_t i = 0; i < sim->outputs.size(); ++i)
    EXPECT_EQ(sim->outputs[i].data, golden->outputs[i].data) << "output " << i;
  const golden::Counters &g = golden->total, &s = sim->stats.total.counters;
  EXPECT_EQ(s.instructions, g.instructions);
  EXPECT_EQ(s.macs, g.macs);
  EXPECT_EQ(s.accOverflow, g.accOverflow);
  EXPECT_EQ(s.saturation, g.saturation);
  EXPECT_GT(g.accOverflow, 0u) << "the test should overflow 16 bits";

  const unsigned rows = static_cast<unsigned>(c.array.rows);
  const auto preloads = eventsOf(*sim, Unit::Array, "preload");
  ASSERT_EQ(preloads.size(), 1u);
  EXPECT_EQ(preloads[0]->durationCycles,
            SystolicArray::preloadCycles(
                rows, cols, uint64_t(c.sram.banks * c.sram.bankWidthBytes)));
  const auto gemms = eventsOf(*sim, Unit::Array, "gemm");
  ASSERT_EQ(gemms.size(), 2u);
  for (const TraceEvent *e : gemms)
    EXPECT_EQ(e->durationCycles, uint64_t(vectors) + rows + cols - 1);
}

TEST(Simulator, TileArrayIsBitExactAndFollowsTheFormula) {
  checkArrayModel(ArrayModel::Tile);
}

TEST(Simulator, CycleArrayIsBitExactAndFollowsTheFormula) {
  checkArrayModel(ArrayModel::Cycle);
}

TEST(Simulator, DmaLoadTakesSetupLatencyAndBandwidth) {
  const ArchConfig c = config("npu-base", {"dram.max_outstanding=64"});
  ProgramBuilder b(c);
  const uint64_t addr = b.addConstant(std::vector<uint8_t>(4096, 1));
  b.emit(dmaLoad(isa::Buffer::IBuf, addr, 64, 64));
  const Program p = b.finish();
  Result<SimResult> r = simulateTraced(p, c);
  ASSERT_TRUE(static_cast<bool>(r)) << r.error().getMessage();
  const auto loads = eventsOf(*r, Unit::Load, "dma.load");
  ASSERT_EQ(loads.size(), 1u);
  // Setup, latency of the first burst, then 4096 bytes at 16 B/cycle.
  EXPECT_EQ(loads[0]->durationCycles,
            DmaEngine::kSetupCycles + uint64_t(c.dram.latencyCycles) +
                4096 / uint64_t(c.dram.bandwidthBytesPerCycle));
  EXPECT_EQ(r->stats.total.dramReadBytes, 4096u);
  EXPECT_EQ(r->stats.total.sramWriteBytes[0], 4096u);
}

TEST(Simulator, StridedVectorOperandsPayForBankConflicts) {
  const ArchConfig c = config("npu-base"); // 16 lanes, 4 banks x 16 bytes
  ProgramBuilder b(c);
  isa::Alu dense;
  dense.op = isa::AluOp::Copy;
  dense.src1 = {isa::Buffer::IBuf, 0, isa::DType::I8, 0, 1};
  dense.src2 = dense.src1;
  dense.dst = {isa::Buffer::OBuf, 0, isa::DType::I8, 0, 1};
  dense.nOuter = 1;
  dense.nInner = 64;
  b.emit(dense);
  isa::Alu strided = dense;
  strided.src1.strideInner = 64; // every lane in bank 0
  b.emit(strided);
  const Program p = b.finish();
  Result<SimResult> r = simulateTraced(p, c);
  ASSERT_TRUE(static_cast<bool>(r)) << r.error().getMessage();
  const auto ops = eventsOf(*r, Unit::Vector);
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0]->durationCycles, 4 * 1 + VectorUnit::kLatency);
  EXPECT_EQ(ops[1]->durationCycles, 4 * 16 + VectorUnit::kLatency);
}

TEST(Simulator, WindowResultsGoToTheirScratchpadOncePerPixel) {
  // npu-tiny: 8 lanes, 2 banks x 8 bytes. A 3x3 depthwise step reads 8
  // input and 8 weight bytes (one cycle each, in different scratchpads);
  // the 8 int32 sums (32 bytes, 2 cycles of ABUF's port) are written once
  // per pixel after its 9 taps, so a pixel takes 9 cycles, not 9 x 2. An
  // accumulating one reads and writes them (4 cycles, still under 9); a
  // 1x1 accumulating one is bound by ABUF: 4 cycles per pixel.
  const ArchConfig c = config("npu-tiny");
  ProgramBuilder b(c);
  isa::DwConv d;
  d.inRowStride = 8 * 8;
  d.inPixStride = 8;
  d.channels = 8;
  d.outH = 4;
  d.outW = 4;
  d.kh = d.kw = 3;
  d.accStride = 32;
  b.emit(d);
  isa::DwConv acc = d;
  acc.accumulate = true;
  b.emit(acc);
  isa::DwConv one = acc;
  one.kh = one.kw = 1;
  b.emit(one);
  const Program p = b.finish();
  Result<SimResult> r = simulateTraced(p, c);
  ASSERT_TRUE(static_cast<bool>(r)) << r.error().getMessage();
  const auto ops = eventsOf(*r, Unit::Vector);
  ASSERT_EQ(ops.size(), 3u);
  EXPECT_EQ(ops[0]->durationCycles, 16 * 9 + VectorUnit::kLatency);
  EXPECT_EQ(ops[1]->durationCycles, 16 * 9 + VectorUnit::kLatency);
  EXPECT_EQ(ops[2]->durationCycles, 16 * 4 + VectorUnit::kLatency);
}

TEST(Simulator, EltwiseIsTimedLikeATwoInputAluAndReadsItsLut) {
  const ArchConfig c = config("npu-base"); // 16 lanes, 4 banks x 16 bytes
  ProgramBuilder b(c);
  isa::PpuConfig out;
  out.mult = 1 << 30;
  out.shift = 30;
  out.clampMin = -128;
  out.clampMax = 127;
  out.hasLut = true;
  out.lutAddr = 256;
  b.emit(out);
  isa::EltwiseConfig in;
  in.leftShift = 20;
  in.mult1 = in.mult2 = 1 << 30;
  in.shift1 = in.shift2 = 50;
  b.emit(in);
  isa::Eltwise e;
  e.src1 = {isa::Buffer::IBuf, 0, isa::DType::I8, 0, 1};
  e.src2 = {isa::Buffer::WBuf, 0, isa::DType::I8, 0, 1};
  e.dst = {isa::Buffer::OBuf, 0, isa::DType::I8, 0, 1};
  e.nOuter = 1;
  e.nInner = 64;
  b.emit(e);
  isa::Alu a;
  a.op = isa::AluOp::Add;
  a.src1 = e.src1;
  a.src2 = e.src2;
  a.dst = e.dst;
  a.nOuter = 1;
  a.nInner = 64;
  b.emit(a);
  const Program p = b.finish();
  Result<SimResult> r = simulateTraced(p, c);
  ASSERT_TRUE(static_cast<bool>(r)) << r.error().getMessage();
  const auto ops = eventsOf(*r, Unit::Vector);
  ASSERT_EQ(ops.size(), 3u);
  EXPECT_EQ(ops[0]->name, "vec.ecfg");
  EXPECT_EQ(ops[0]->durationCycles, 1u);
  // 64 elements in 4 steps of one cycle (the LUT reads one pbuf line).
  EXPECT_EQ(ops[1]->name, "vec.eltwise");
  EXPECT_EQ(ops[1]->durationCycles, 4 * 1 + VectorUnit::kLatency);
  EXPECT_EQ(ops[2]->durationCycles, ops[1]->durationCycles);
  const ActivityStats &t = r->stats.total;
  EXPECT_EQ(t.sramReadBytes[int(isa::Buffer::IBuf)], 2 * 64u);
  EXPECT_EQ(t.sramReadBytes[int(isa::Buffer::WBuf)], 2 * 64u);
  EXPECT_EQ(t.sramReadBytes[int(isa::Buffer::PBuf)], 64u); // the LUT
  EXPECT_EQ(t.sramWriteBytes[int(isa::Buffer::OBuf)], 2 * 64u);
  EXPECT_EQ(t.vectorOps, 2 * 64u);
}

TEST(Simulator, TransposedPpuWritesColumnsAndPaysForTheirConflicts) {
  const ArchConfig c = config("npu-base"); // 16 lanes, 4 banks x 16 bytes
  ProgramBuilder b(c);
  isa::PpuConfig cfg;
  cfg.mult = 1 << 30;
  cfg.shift = 30;
  cfg.clampMin = -128;
  cfg.clampMax = 127;
  b.emit(cfg);
  isa::Ppu q = ppuToObuf(16, 16); // rows of 16 bytes: one line per step
  b.emit(q);
  q.transpose = true;
  q.dstStride = 64; // a column: every lane in bank 0, 16 lines per step
  b.emit(q);
  const Program p = b.finish();
  Result<SimResult> r = simulateTraced(p, c);
  ASSERT_TRUE(static_cast<bool>(r)) << r.error().getMessage();
  const auto ppus = eventsOf(*r, Unit::Ppu, "ppu");
  ASSERT_EQ(ppus.size(), 2u);
  EXPECT_EQ(ppus[0]->durationCycles, 16 * 1 + PostProcessor::kLatency);
  EXPECT_EQ(ppus[1]->durationCycles, 16 * 16 + PostProcessor::kLatency);
}

TEST(Simulator, TokensOrderComputeAfterLoadAndLetLoadsOverlapCompute) {
  const ArchConfig c = config("npu-base");
  ProgramBuilder b(c);
  const uint64_t x0 = b.addConstant(std::vector<uint8_t>(2048, 1));
  const uint64_t x1 = b.addConstant(std::vector<uint8_t>(2048, 2));
  isa::DmaLoad l0 = dmaLoad(isa::Buffer::IBuf, x0, 1, 2048);
  l0.deps.pushNext = true;
  b.emit(l0);
  isa::DmaLoad l1 = dmaLoad(isa::Buffer::IBuf, x1, 1, 2048);
  l1.sramAddr = 2048;
  l1.deps.pushNext = true;
  b.emit(l1);
  isa::Rescale r;
  r.src = {isa::Buffer::IBuf, 0, isa::DType::I8, 0, 1};
  r.dst = {isa::Buffer::OBuf, 0, isa::DType::I8, 0, 1};
  r.nOuter = 1;
  r.nInner = 2048;
  r.mult = 1 << 30;
  r.shift = 30;
  r.deps.popPrev = true;
  b.emit(r);
  r.src.addr = r.dst.addr = 2048;
  b.emit(r);
  const Program p = b.finish();
  Result<SimResult> sim = simulateTraced(p, c);
  ASSERT_TRUE(static_cast<bool>(sim)) << sim.error().getMessage();

  const auto loads = eventsOf(*sim, Unit::Load, "dma.load");
  const auto computes = eventsOf(*sim, Unit::Compute, "vec.rescale");
  ASSERT_EQ(loads.size(), 2u);
  ASSERT_EQ(computes.size(), 2u);
  auto end = [](const TraceEvent *e) {
    return e->startCycle + e->durationCycles;
  };
  // Each rescale starts only once its load has completed...
  EXPECT_GE(computes[0]->startCycle, end(loads[0]));
  // ... the second load runs while the first rescale computes...
  EXPECT_LT(loads[1]->startCycle, end(computes[0]));
  EXPECT_GT(end(loads[1]), computes[0]->startCycle);
  // ... and the compute queue's wait for the first token is a stall.
  EXPECT_GT(
      sim->stats.total.units[static_cast<unsigned>(Unit::Compute)].stallCycles,
      0u);
  EXPECT_EQ(sim->stats.cycles, end(computes[1]));
}

TEST(Simulator, FullTokenQueuesThatNeverDrainAreADeadlock) {
  // Load and compute each push two tokens to the other before popping any;
  // with room for one token per direction both block on their second push.
  const ArchConfig c = config("npu-base", {"control.token_depth=1"});
  ProgramBuilder b(c);
  isa::Token t;
  t.queue = isa::Queue::Load;
  t.deps.pushNext = true;
  b.emit(t);
  b.emit(t);
  t.queue = isa::Queue::Compute;
  t.deps = {};
  t.deps.pushPrev = true;
  b.emit(t);
  b.emit(t);
  t.deps = {};
  t.deps.popPrev = true;
  b.emit(t);
  b.emit(t);
  t.queue = isa::Queue::Load;
  t.deps = {};
  t.deps.popNext = true;
  b.emit(t);
  b.emit(t);
  const Program p = b.finish();
  Result<SimResult> r = simulate(p, c, {}, {});
  ASSERT_FALSE(static_cast<bool>(r));
  const std::string &message = r.error().getMessage();
  EXPECT_NE(message.find("deadlock"), std::string::npos) << message;
  EXPECT_NE(message.find("load_queue waits for room for a token"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("compute_queue waits for room for a token"),
            std::string::npos)
      << message;
}

TEST(Simulator, ProgramForAnotherArrayIsRejected) {
  const ArchConfig tiny = config("npu-tiny");
  const Program p = gemmProgram(tiny, 4, 8, 8, 1);
  Result<SimResult> r = simulate(p, config("npu-base"), {}, {});
  ASSERT_FALSE(static_cast<bool>(r));
  EXPECT_NE(r.error().getMessage().find("array.rows"), std::string::npos)
      << r.error().getMessage();
}

} // namespace
