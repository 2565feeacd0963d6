//===- Access.cpp - Memory footprint of instructions ----------------------===//
#include "npu/Isa/Access.h"
#include "npu/Isa/PpuTable.h"

#include <algorithm>

namespace npu::isa {

const char *spaceName(Space s) {
  switch (s) {
  case Space::IBuf:
    return "ibuf";
  case Space::WBuf:
    return "wbuf";
  case Space::ABuf:
    return "abuf";
  case Space::OBuf:
    return "obuf";
  case Space::PBuf:
    return "pbuf";
  case Space::Dram:
    return "dram";
  }
  return "?";
}

int64_t tableBytes(TableMode mode) {
  switch (mode) {
  case TableMode::I8:
    return 256;
  case TableMode::I16:
    return 513 * 2;
  case TableMode::I32:
    return 256 * 4;
  }
  return 0;
}

namespace {

class Footprint {
public:
  explicit Footprint(const PpuConfig *ppu) : ppu(ppu) {}

  AccessList accesses;

  void add(Space space, int64_t lo, int64_t hi, bool write, const char *what) {
    if (hi > lo)
      accesses.push_back({space, lo, hi, write, what});
  }

  /// Bounding box of a strided 2-D operand.
  void operand(const Operand &op, uint32_t nOuter, uint32_t nInner, bool write,
               const char *what) {
    if (nOuter == 0 || nInner == 0)
      return;
    const int64_t size = elementBytes(op.type);
    int64_t lo = 0, hi = 0;
    for (int64_t i : {int64_t(0), int64_t(nOuter) - 1})
      for (int64_t j : {int64_t(0), int64_t(nInner) - 1}) {
        const int64_t off = i * op.strideOuter + j * op.strideInner;
        lo = std::min(lo, off);
        hi = std::max(hi, off);
      }
    add(spaceOf(op.buf), op.addr + lo * size, op.addr + hi * size + size, write,
        what);
  }

  void operator()(const Halt &) {}
  void operator()(const Token &) {}

  void operator()(const DmaLoad &d) {
    const int64_t rowsTotal = int64_t(d.padTop) + d.rows + d.padBottom;
    const int64_t rowBytes =
        (int64_t(d.padLeft) + d.cols + d.padRight) * d.elemBytes;
    if (rowsTotal > 0 && rowBytes > 0)
      add(spaceOf(d.buf), d.sramAddr,
          d.sramAddr + (rowsTotal - 1) * d.sramRowStride + rowBytes, true,
          "destination");
    if (d.rows > 0 && d.cols > 0 && d.elemBytes > 0)
      add(Space::Dram, d.dramAddr,
          int64_t(d.dramAddr) + int64_t(d.rows - 1) * d.dramRowStride +
              int64_t(d.cols - 1) * d.dramColStride + d.elemBytes,
          false, "source");
  }

  void operator()(const DmaStore &d) {
    const int64_t rowBytes = int64_t(d.cols) * d.elemBytes;
    if (d.rows == 0 || rowBytes == 0)
      return;
    add(spaceOf(d.buf), d.sramAddr,
        d.sramAddr + int64_t(d.rows - 1) * d.sramRowStride + rowBytes, false,
        "source");
    add(Space::Dram, d.dramAddr,
        int64_t(d.dramAddr) + int64_t(d.rows - 1) * d.dramRowStride +
            int64_t(d.cols - 1) * d.dramColStride + d.elemBytes,
        true, "destination");
  }

  void operator()(const LoadWeights &l) {
    if (l.rows == 0 || l.cols == 0)
      return;
    const int64_t rowBytes = static_cast<int64_t>(weightRowBytes(l));
    add(Space::WBuf, l.wAddr,
        l.wAddr + int64_t(l.rows - 1) * l.wStride + rowBytes, false, "weights");
  }

  void operator()(const Gemm &g) {
    if (g.outH == 0 || g.outW == 0)
      return;
    const int64_t vectors = int64_t(g.outH) * g.outW;
    add(Space::IBuf, g.inAddr,
        g.inAddr + int64_t(g.outH - 1) * g.inStrideY +
            int64_t(g.outW - 1) * g.inStrideX + g.k,
        false, "input");
    add(Space::ABuf, g.accAddr,
        g.accAddr + (vectors - 1) * g.accStride + 4 * int64_t(g.cols), true,
        "accumulators");
  }

  void operator()(const PpuConfig &) {}

  void operator()(const Ppu &p) {
    if (p.pixels == 0 || p.channels == 0)
      return;
    add(Space::ABuf, p.srcAddr,
        p.srcAddr + int64_t(p.pixels - 1) * p.srcStride +
            4 * int64_t(p.channels),
        false, "accumulators");
    if (!ppu)
      return;
    const int64_t outSize = elementBytes(ppu->outType);
    // Transposed, row px is channel ch_offset + px and lands in column px.
    const int64_t rows = p.transpose ? p.channels : p.pixels;
    const int64_t cols = p.transpose ? p.pixels : p.channels;
    add(spaceOf(p.dstBuf), p.dstAddr,
        p.dstAddr + (rows - 1) * p.dstStride + outSize * cols, true, "output");
    const int64_t firstChannel = p.chOffset;
    const int64_t channels = p.transpose ? p.pixels : p.channels;
    PbufRange tables[5];
    const size_t n =
        ppuTableRanges(*ppu, firstChannel, firstChannel + channels, tables);
    for (size_t i = 0; i < n; ++i)
      add(Space::PBuf, tables[i].begin, tables[i].end, false, tables[i].what);
  }

  void operator()(const DwConv &d) {
    if (d.outH == 0 || d.outW == 0 || d.channels == 0 || d.depthMult == 0)
      return;
    const int64_t pixels = int64_t(d.outH) * d.outW;
    const int64_t lastRow =
        int64_t(d.outH - 1) * d.strideH + int64_t(d.kh - 1) * d.dilH;
    const int64_t lastCol =
        int64_t(d.outW - 1) * d.strideW + int64_t(d.kw - 1) * d.dilW;
    const int64_t lastChannel = (d.channels - 1) / d.depthMult;
    add(Space::IBuf, d.inAddr,
        d.inAddr + lastRow * d.inRowStride + lastCol * d.inPixStride +
            lastChannel + 1,
        false, "input");
    add(Space::WBuf, d.wAddr, d.wAddr + int64_t(d.kh) * d.kw * d.channels,
        false, "weights");
    add(Space::ABuf, d.accAddr,
        d.accAddr + (pixels - 1) * d.accStride + 4 * int64_t(d.channels), true,
        "accumulators");
  }

  void operator()(const Pool &p) {
    if (p.outH == 0 || p.outW == 0 || p.channels == 0 || p.inH == 0 ||
        p.inW == 0)
      return;
    add(Space::IBuf, p.inAddr,
        p.inAddr + int64_t(p.inH - 1) * p.inRowStride +
            int64_t(p.inW - 1) * p.inPixStride + p.channels,
        false, "input");
    add(spaceOf(p.dstBuf), p.dstAddr,
        p.dstAddr + int64_t(p.outH) * p.outW * p.channels, true, "output");
  }

  void operator()(const Rescale &r) {
    operand(r.src, r.nOuter, r.nInner, false, "source");
    operand(r.dst, r.nOuter, r.nInner, true, "destination");
    if (r.accumulate)
      operand(r.dst, r.nOuter, r.nInner, false, "destination");
  }

  void operator()(const Alu &a) {
    operand(a.src1, a.nOuter, a.nInner, false, "src1");
    if (!isUnaryAluOp(a.op))
      operand(a.src2, a.nOuter, a.nInner, false, "src2");
    operand(a.dst, a.nOuter, a.nInner, true, "destination");
  }

  void operator()(const Reduce &r) {
    if (r.nOuter == 0 || r.nInner == 0 || r.nRed == 0)
      return;
    const int64_t size = elementBytes(r.srcType);
    int64_t lo = 0, hi = 0;
    for (int64_t i : {int64_t(0), int64_t(r.nOuter) - 1})
      for (int64_t k : {int64_t(0), int64_t(r.nRed) - 1})
        for (int64_t j : {int64_t(0), int64_t(r.nInner) - 1}) {
          const int64_t off =
              i * r.srcStrideOuter + k * r.srcStrideRed + j * r.srcStrideInner;
          lo = std::min(lo, off);
          hi = std::max(hi, off);
        }
    add(spaceOf(r.srcBuf), r.srcAddr + lo * size, r.srcAddr + hi * size + size,
        false, "source");
    operand(Operand{r.dstBuf, r.dstAddr, r.dstType, r.dstStrideOuter,
                    r.dstStrideInner},
            r.nOuter, r.nInner, true, "destination");
  }

  void operator()(const Table &t) {
    operand(t.src, t.nOuter, t.nInner, false, "source");
    operand(t.dst, t.nOuter, t.nInner, true, "destination");
    add(Space::PBuf, t.tableAddr, t.tableAddr + tableBytes(t.mode), false,
        "table");
  }

  void operator()(const EltwiseConfig &) {}

  void operator()(const Eltwise &e) {
    operand(e.src1, e.nOuter, e.nInner, false, "src1");
    operand(e.src2, e.nOuter, e.nInner, false, "src2");
    operand(e.dst, e.nOuter, e.nInner, true, "destination");
    if (ppu && ppu->hasLut && e.nOuter > 0 && e.nInner > 0)
      add(Space::PBuf, ppu->lutAddr, int64_t(ppu->lutAddr) + kPpuLutEntries,
          false, "LUT");
  }

private:
  const PpuConfig *ppu;
};

} // namespace

AccessList accessesOf(const Instruction &instr, const PpuConfig *ppu) {
  Footprint footprint(ppu);
  std::visit(footprint, instr);
  return footprint.accesses;
}

} // namespace npu::isa
