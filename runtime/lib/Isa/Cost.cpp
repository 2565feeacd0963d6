//===- Cost.cpp - Cycle formulas of the NPU's units -----------------------===//
#include "npu/Isa/Cost.h"

#include <algorithm>
#include <deque>

namespace npu::isa::cost {

namespace {

constexpr uint64_t ceilDiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

struct Steps {
  uint32_t lanes;
  uint64_t operator()(const DwConv &d) const {
    return uint64_t(d.outH) * d.outW * d.kh * d.kw * ceilDiv(d.channels, lanes);
  }
  uint64_t operator()(const Pool &p) const {
    const uint64_t pixels = uint64_t(p.outH) * p.outW;
    const uint64_t groups = ceilDiv(p.channels, lanes);
    // Averages add one division step per pixel and channel group.
    return pixels * uint64_t(p.kh) * p.kw * groups +
           (p.mode != PoolMode::Max ? pixels * groups : 0);
  }
  uint64_t elementwise(uint32_t nOuter, uint32_t nInner) const {
    return uint64_t(nOuter) * ceilDiv(nInner, lanes);
  }
  uint64_t operator()(const Rescale &r) const {
    return elementwise(r.nOuter, r.nInner);
  }
  uint64_t operator()(const Alu &a) const {
    return elementwise(a.nOuter, a.nInner);
  }
  uint64_t operator()(const Table &t) const {
    return elementwise(t.nOuter, t.nInner);
  }
  uint64_t operator()(const Eltwise &e) const {
    return elementwise(e.nOuter, e.nInner);
  }
  uint64_t operator()(const Reduce &r) const {
    return uint64_t(r.nOuter) * r.nRed * ceilDiv(r.nInner, lanes);
  }
  template <typename T> uint64_t operator()(const T &) const { return 0; }
};

} // namespace

uint64_t vectorSteps(const Instruction &instr, uint32_t lanes) {
  return std::visit(Steps{lanes}, instr);
}

std::vector<uint32_t> dmaBursts(uint64_t dramAddr, uint64_t rowStride,
                                uint64_t colStride, uint64_t rows,
                                uint64_t cols, uint64_t elemBytes,
                                uint64_t burstBytes) {
  std::vector<uint32_t> out;
  uint64_t runAddr = 0, runBytes = 0;
  auto flush = [&] {
    while (runBytes) {
      const uint64_t room = burstBytes - runAddr % burstBytes;
      const uint64_t n = std::min(room, runBytes);
      out.push_back(static_cast<uint32_t>(n));
      runAddr += n;
      runBytes -= n;
    }
  };
  auto run = [&](uint64_t addr, uint64_t bytes) {
    if (runBytes && addr == runAddr + runBytes) {
      runBytes += bytes;
      return;
    }
    flush();
    runAddr = addr;
    runBytes = bytes;
  };
  if (elemBytes == 0)
    return out;
  for (uint64_t r = 0; r < rows; ++r) {
    const uint64_t row = dramAddr + r * rowStride;
    if (colStride == elemBytes || cols == 1)
      run(row, cols * elemBytes);
    else
      for (uint64_t c = 0; c < cols; ++c)
        run(row + c * colStride, elemBytes);
  }
  flush();
  return out;
}

BurstSchedule scheduleBursts(const std::vector<uint32_t> &bursts,
                             uint64_t now, uint64_t bandwidth,
                             uint64_t latency, uint64_t maxOutstanding,
                             uint64_t &busFree) {
  BurstSchedule s;
  std::deque<uint64_t> inFlight; // completion cycles, oldest first
  uint64_t issue = now;
  for (size_t i = 0; i < bursts.size(); ++i) {
    if (inFlight.size() == maxOutstanding) {
      issue = std::max(issue, inFlight.front());
      inFlight.pop_front();
    }
    const uint64_t start = std::max(issue + latency, busFree);
    const uint64_t cycles = (bursts[i] + bandwidth - 1) / bandwidth;
    if (i == 0)
      s.firstData = start;
    busFree = start + cycles;
    s.busCycles += cycles;
    inFlight.push_back(busFree);
    s.done = busFree;
    ++issue; // one request per cycle
  }
  if (bursts.empty())
    s.done = s.firstData = now;
  return s;
}

} // namespace npu::isa::cost
