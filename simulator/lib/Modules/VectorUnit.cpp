//===- VectorUnit.cpp - Lane-parallel unit for everything else ------------===//
#include "npusim/Modules/VectorUnit.h"

#include "npusim/Modules/Lanes.h"

#include "npu/Isa/Cost.h"

#include <string>

namespace npu::sim {

using namespace isa;

namespace {

uint64_t ceilDiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

LaneStream streamOf(const Operand &o) {
  const uint32_t bytes = elementBytes(o.type);
  return {o.buf, o.addr, bytes, int64_t(o.strideInner) * bytes};
}

} // namespace

/// Steps, operand streams and traffic of one vec.* instruction.
struct VectorUnit::Work {
  uint64_t steps = 0; ///< isa::cost::vectorSteps
  /// Lane-parallel dimension of a step (for the first group's pattern).
  uint64_t inner = 0;
  std::vector<LaneStream> streams;
  /// Streams accessed once per `stepsPerResult` steps (results kept in the
  /// lanes meanwhile); empty when every stream is accessed every step.
  std::vector<LaneStream> resultStreams;
  uint64_t stepsPerResult = 1;
  uint64_t ops = 0;
  struct Traffic {
    Buffer buf;
    uint64_t bytes;
    bool write;
  };
  std::vector<Traffic> traffic;
  std::string detail;

  /// `ppu` is the ppu.cfg in force (vec.eltwise's output stage).
  Work(uint32_t lanes, const Instruction &instr, const PpuConfig *ppu,
       bool withDetail)
      : ppu(ppu) {
    std::visit([&](const auto &v) { describe(lanes, v); }, instr);
    steps = isa::cost::vectorSteps(instr, lanes);
    if (!withDetail)
      detail.clear();
  }

  void describe(uint32_t lanes, const DwConv &d) {
    // `channels` counts output channels; each reads input channel
    // oc / depth_mult.
    const uint64_t pixels = uint64_t(d.outH) * d.outW;
    const uint64_t outCh = d.channels;
    const uint64_t inCh = (outCh + d.depthMult - 1) / d.depthMult;
    const uint64_t taps = uint64_t(d.kh) * d.kw;
    inner = outCh;
    // A tap per step; the sum stays in the lane until the pixel's last
    // tap, then goes to ABUF once (read first when accumulating).
    streams = {{Buffer::IBuf, d.inAddr, 1, d.depthMult == 1 ? 1 : 0},
               {Buffer::WBuf, d.wAddr, 1, 1}};
    resultStreams = {{Buffer::ABuf, d.accAddr, 4, 4}};
    if (d.accumulate)
      resultStreams.push_back({Buffer::ABuf, d.accAddr, 4, 4});
    stepsPerResult = taps;
    ops = pixels * taps * outCh;
    traffic = {{Buffer::IBuf, pixels * taps * inCh, false},
               {Buffer::WBuf, ops, false},
               {Buffer::ABuf, pixels * outCh * 4, true}};
    if (d.accumulate)
      traffic.push_back({Buffer::ABuf, pixels * outCh * 4, false});
    detail = std::to_string(d.outH) + "x" + std::to_string(d.outW) + "x" +
             std::to_string(outCh) + ", " + std::to_string(d.kh) + "x" +
             std::to_string(d.kw) + " kernel";
  }

  void describe(uint32_t lanes, const Pool &p) {
    const uint64_t pixels = uint64_t(p.outH) * p.outW;
    const uint64_t taps = uint64_t(p.kh) * p.kw;
    inner = p.channels;
    // A window element per step (and a division step for averages); the
    // result is written once per pixel.
    streams = {{Buffer::IBuf, p.inAddr, 1, 1}};
    resultStreams = {{p.dstBuf, p.dstAddr, 1, 1}};
    stepsPerResult = taps + (p.mode != PoolMode::Max ? 1 : 0);
    ops = pixels * taps * p.channels;
    traffic = {{Buffer::IBuf, ops, false},
               {p.dstBuf, pixels * p.channels, true}};
    detail = std::to_string(p.outH) + "x" + std::to_string(p.outW) + "x" +
             std::to_string(p.channels) + ", " + std::to_string(p.kh) + "x" +
             std::to_string(p.kw) + " window";
  }

  void elementwise(uint32_t lanes, uint32_t nOuter, uint32_t nInner,
                   std::vector<Operand> reads, const Operand &dst,
                   bool readsDst) {
    const uint64_t n = uint64_t(nOuter) * nInner;
    inner = nInner;
    if (readsDst)
      reads.push_back(dst);
    for (const Operand &o : reads) {
      streams.push_back(streamOf(o));
      traffic.push_back({o.buf, n * elementBytes(o.type), false});
    }
    streams.push_back(streamOf(dst));
    traffic.push_back({dst.buf, n * elementBytes(dst.type), true});
    ops = n;
    detail = std::to_string(nOuter) + "x" + std::to_string(nInner);
  }

  void describe(uint32_t lanes, const Rescale &r) {
    elementwise(lanes, r.nOuter, r.nInner, {r.src}, r.dst, r.accumulate);
  }

  void describe(uint32_t lanes, const Alu &a) {
    elementwise(lanes, a.nOuter, a.nInner,
                isUnaryAluOp(a.op) ? std::vector<Operand>{a.src1}
                                   : std::vector<Operand>{a.src1, a.src2},
                a.dst, false);
  }

  void describe(uint32_t lanes, const Table &t) {
    elementwise(lanes, t.nOuter, t.nInner, {t.src}, t.dst, false);
    // Bytes read per element: an i8 entry, two i16 entries to interpolate,
    // or an i32 entry.
    const uint64_t entryBytes = t.mode == TableMode::I8 ? 1 : 4;
    streams.push_back({Buffer::PBuf, t.tableAddr, 1, 0});
    traffic.push_back({Buffer::PBuf, ops * entryBytes, false});
  }

  /// vec.ecfg loads registers: one cycle, like ppu.cfg (no steps).
  void describe(uint32_t, const EltwiseConfig &) {}

  /// Both inputs' rescales, the operation and the output stage are one
  /// pipeline: a step reads src1 and src2 and writes dst, like a binary
  /// vec.alu, plus one LUT byte per element with the ppu.cfg's has_lut.
  void describe(uint32_t lanes, const Eltwise &e) {
    elementwise(lanes, e.nOuter, e.nInner, {e.src1, e.src2}, e.dst, false);
    if (ppu && ppu->hasLut) {
      streams.push_back({Buffer::PBuf, ppu->lutAddr, 1, 0});
      traffic.push_back({Buffer::PBuf, ops, false});
    }
  }

  void describe(uint32_t lanes, const Reduce &r) {
    const uint32_t srcBytes = elementBytes(r.srcType);
    const uint32_t dstBytes = elementBytes(r.dstType);
    inner = r.nInner;
    // A reduced term per step; the result is written once.
    streams = {
        {r.srcBuf, r.srcAddr, srcBytes, int64_t(r.srcStrideInner) * srcBytes}};
    resultStreams = {
        {r.dstBuf, r.dstAddr, dstBytes, int64_t(r.dstStrideInner) * dstBytes}};
    stepsPerResult = std::max<uint64_t>(1, r.nRed);
    ops = uint64_t(r.nOuter) * r.nRed * r.nInner;
    traffic = {{r.srcBuf, ops * srcBytes, false},
               {r.dstBuf, uint64_t(r.nOuter) * r.nInner * dstBytes, true}};
    detail = std::to_string(r.nOuter) + "x" + std::to_string(r.nRed) + "x" +
             std::to_string(r.nInner);
  }

  template <typename T> void describe(uint32_t, const T &) {}

private:
  const PpuConfig *ppu;
};

VectorUnit::VectorUnit(sc_core::sc_module_name name, const ArchConfig &config,
                       Functional &functional, Recorder &recorder)
    : sc_core::sc_module(name), busyOut("busy"), sram("sram"),
      functional(functional), recorder(recorder),
      lanes(static_cast<uint32_t>(config.vector.lanes)) {}

void VectorUnit::run(const Instruction &v, uint32_t instr, UnitClock &clock) {
  const uint64_t start = clock.now();
  if (clock.isCoupled())
    busyOut.write(true);
  if (!functional.execute(instr))
    return;
  const Work work(lanes, v, functional.machine().ppuConfig(),
                  recorder.tracing());
  if (work.steps && !work.resultStreams.empty())
    clock.advance(work.steps / work.stepsPerResult *
                      laneResultCycles(sram, work.streams, work.resultStreams,
                                       work.stepsPerResult, work.inner, lanes) +
                  kLatency);
  else if (work.steps)
    clock.advance(work.steps *
                      laneStepCycles(sram, work.streams, work.inner, lanes) +
                  kLatency);
  else
    clock.advance(1);
  ActivityStats &a = recorder.activity(instr);
  a.vectorOps += work.ops;
  for (const Work::Traffic &t : work.traffic) {
    ScratchpadIf &sp = *sram[static_cast<int>(t.buf)];
    if (t.write)
      sp.write(t.bytes, instr);
    else
      sp.read(t.bytes, instr);
  }
  recorder.busy(Unit::Vector, instr, start, clock.now(), mnemonicOf(v),
                work.detail);
  if (clock.isCoupled())
    busyOut.write(false);
}

} // namespace npu::sim
