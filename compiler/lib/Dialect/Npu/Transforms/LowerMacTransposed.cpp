//===- LowerMacTransposed.cpp - 1x1 convolutions, activations stationary -===//
//
// A 1x1 convolution on a small map keeps few pixels per weight-stationary
// pass, so the array's fill, drain and weight preload dominate (a 3x3 map:
// 9 of every 56 cycles). With the roles swapped the array holds array.rows
// input channels of up to array.cols positions and the output channels'
// weights stream through it, one vector per output channel:
//
//   WBUF  activations transposed, [input channel][position] (vec.alu copy
//         from the input's home, or from an IBUF tile the DMA loaded)
//   IBUF  weights per chunk of array.rows input channels, [oc][chunk]
//   ABUF  per column group of positions, [oc][position] int32
//   ppu   transpose: row oc of the block to column oc of each position
//
// The input zero point moves into the bias (sum over ic of (x - zp) w =
// sum x w - zp sum w, with |sum x w| far inside int32), the weights are
// read once, chunk by chunk, for every column group.
//
//===----------------------------------------------------------------------===//
#include "MacLayer.h"

#include "npu/Golden/Arith.h"

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::lowering;
using npuisa::Buffer;
using npuisa::DType;
using npuisa::fieldMax;

namespace {

/// Positions [p0, p0 + n) of a row-major OH x OW map cut at row ends:
/// (first position, row, column, count) per segment.
struct Segment {
  int64_t pos, y, x, n;
};
SmallVector<Segment> rowSegments(int64_t p0, int64_t n, int64_t OW) {
  SmallVector<Segment> segs;
  for (int64_t p = p0; p < p0 + n;) {
    const int64_t y = p / OW, x = p % OW;
    const int64_t len = std::min(OW - x, p0 + n - p);
    segs.push_back({p, y, x, len});
    p += len;
  }
  return segs;
}

bool applies(const GemmLayer &g) {
  return g.KH == 1 && g.KW == 1 && g.SH == 1 && g.SW == 1 && g.PT == 0 &&
         g.PB == 0 && g.PL == 0 && g.PR == 0 && g.constWeights &&
         g.IH == g.OH && g.IW == g.OW;
}

} // namespace

int64_t lowering::transposedWeightBytes(const ::npu::ArchConfig &arch,
                                        Operation *op) {
  auto conv = dyn_cast<Conv2DOp>(op);
  if (!conv || arch.array.weightBits != 8 || arch.array.accBits < 32)
    return 0;
  auto in = shapeOf(conv.getInput()), w = shapeOf(conv.getWeights()),
       out = shapeOf(conv.getOutput());
  if (w[1] != 1 || w[2] != 1 || conv.getStride()[0] != 1 ||
      conv.getStride()[1] != 1 ||
      llvm::any_of(conv.getPad(), [](int64_t p) { return p != 0; }))
    return 0;
  const int64_t R = arch.array.rows, C = arch.array.cols;
  const int64_t IC = in[3], OC = out[3], P = out[1] * out[2];
  const int64_t groups = ceilDiv(P, C), chunks = ceilDiv(IC, R);
  const int64_t bytes = 2 * OC * R; // a weight chunk per IBUF half
  // Activations in a WBUF half, accumulators of the whole map in ABUF,
  // two weight chunks in at most a quarter of IBUF.
  if (IC * P > ::npu::bufferBytes(arch, Buffer::WBuf) / 2 ||
      groups * OC * C * 4 > ::npu::bufferBytes(arch, Buffer::ABuf) ||
      bytes > ::npu::bufferBytes(arch, Buffer::IBuf) / 4 ||
      OC > fieldMax<npuisa::Gemm>("out_w") ||
      IC > fieldMax<npuisa::Alu>("n_outer") ||
      P > fieldMax<npuisa::Alu>("dst_stride_outer"))
    return 0;
  // Cost model: the transposing copy of the input and the PPU's transposed
  // writes touch one scratchpad bank per element (their lanes stride by a
  // pixel or a row), about a cycle per element each; then per column group
  // and chunk one preload and one pass streaming OC weight vectors. Weight
  // stationary: per column group of output channels and chunk, one pass
  // streaming the map's pixels.
  const int64_t activationStationary =
      (IC + OC) * P +
      arrayPassCycles(arch, groups * chunks, OC, std::min(P, C));
  const int64_t weightStationary =
      arrayPassCycles(arch, ceilDiv(OC, C) * chunks, P, OC);
  return activationStationary < weightStationary ? bytes : 0;
}

bool lowering::activationStationaryFits(const ProgramEmitter &e,
                                        const GemmLayer &g) {
  const int64_t P = g.OH * g.OW;
  const int64_t outSize = ::npu::elementBytes(g.ppu.outType);
  return applies(g) && (g.inHome || P * g.IC <= e.half(Buffer::IBuf)) &&
         (g.outHome || P * g.OC * outSize <= e.half(Buffer::OBuf)) &&
         placePpuTables(e, g.ppu, g.OC, g.OC) == TablePlacement::Layer &&
         (!g.inHome ||
          g.inHome->pixPitch() <= fieldMax<npuisa::Alu>("src1_stride_inner")) &&
         (!g.outHome ||
          g.outHome->pixPitch() <= fieldMax<npuisa::Ppu>("dst_stride")) &&
         g.OC * outSize <= fieldMax<npuisa::Ppu>("dst_stride");
}

LogicalResult lowering::lowerActivationStationary(ProgramEmitter &e,
                                                  Operation *src, GemmLayer &g,
                                                  int64_t weightArea) {
  const ::npu::ArchConfig &arch = e.arch();
  const int64_t R = arch.array.rows, C = arch.array.cols;
  const int64_t P = g.OH * g.OW, IC = g.IC, OC = g.OC;
  const int64_t outSize = ::npu::elementBytes(g.ppu.outType);
  const int64_t chunks = ceilDiv(IC, R);

  // Weights chunk-major in DRAM: chunk j holds, per output channel, its
  // input channels [j R, j R + k_j) contiguously (one gemm vector each).
  const std::vector<int64_t> &w = *g.constWeights; // [OC][IC]
  std::vector<uint8_t> matrix;
  matrix.reserve(OC * IC);
  std::vector<int64_t> chunkAt;
  for (int64_t j = 0; j < chunks; ++j) {
    chunkAt.push_back(static_cast<int64_t>(matrix.size()));
    const int64_t ic0 = j * R, k = std::min(R, IC - ic0);
    for (int64_t oc = 0; oc < OC; ++oc)
      for (int64_t ic = ic0; ic < ic0 + k; ++ic)
        matrix.push_back(static_cast<uint8_t>(w[oc * IC + ic]));
  }
  const int64_t weightsAddr = e.addSegment(matrix, src->getLoc());

  // The input zero point, folded into the bias.
  npuisa::PpuParams params = g.ppu;
  if (g.inZp != 0) {
    params.bias.resize(OC, 0);
    for (int64_t oc = 0; oc < OC; ++oc) {
      int64_t sum = 0;
      for (int64_t ic = 0; ic < IC; ++ic)
        sum += w[oc * IC + ic];
      params.bias[oc] = ::npu::golden::wrap32(int64_t(params.bias[oc]) -
                                              int64_t(g.inZp) * sum);
    }
  }
  loadPpuTables(e, params, 0, OC);

  const int64_t groups = ceilDiv(P, C);
  int64_t loads = 0, stores = 0;
  for (int64_t b = 0; b < g.batches; ++b) {
    // Activations, transposed into WBUF: row ic holds the P positions.
    const int64_t act = e.slot(Buffer::WBuf, b);
    Buffer inBuf = Buffer::IBuf;
    std::function<int64_t(int64_t, int64_t)> inAt; // (y, x) -> address
    int64_t pixPitch = IC;
    if (g.inHome) {
      const SramHome home = *g.inHome;
      inBuf = home.buf;
      pixPitch = home.pixPitch();
      inAt = [home, b](int64_t y, int64_t x) { return home.addr(b, y, x, 0); };
    } else {
      const int64_t tile = e.slot(Buffer::IBuf, loads++);
      DramView v;
      v.base = g.inAddr(b);
      v.shape = {P * IC};
      v.strides = {1};
      v.elem = 1;
      if (failed(e.gather(v, Buffer::IBuf, tile)))
        return failure();
      const int64_t OW = g.OW;
      inAt = [tile, OW, IC](int64_t y, int64_t x) {
        return tile + (y * OW + x) * IC;
      };
    }
    for (const Segment &s : rowSegments(0, P, g.OW)) {
      npuisa::Alu copy;
      copy.op = npuisa::AluOp::Copy;
      copy.src1 = {inBuf, static_cast<uint32_t>(inAt(s.y, s.x)), DType::I8, 1,
                   static_cast<int32_t>(pixPitch)};
      copy.src2 = copy.src1;
      copy.dst = {Buffer::WBuf, static_cast<uint32_t>(act + s.pos), DType::I8,
                  static_cast<int32_t>(P), 1};
      copy.nOuter = static_cast<uint32_t>(IC);
      copy.nInner = static_cast<uint32_t>(s.n);
      e.emit(copy);
    }

    // Per chunk of input channels: its weights into IBUF once, one pass
    // per column group accumulating [oc][position] in ABUF.
    for (int64_t j = 0; j < chunks; ++j) {
      const int64_t ic0 = j * R, k = std::min(R, IC - ic0);
      const int64_t wb = weightArea + (j % 2) * OC * R;
      DramView v;
      v.base = weightsAddr + chunkAt[j];
      v.shape = {OC * k};
      v.strides = {1};
      v.elem = 1;
      if (failed(e.gather(v, Buffer::IBuf, wb)))
        return failure();
      for (int64_t grp = 0; grp < groups; ++grp) {
        const int64_t cols = std::min(C, P - grp * C);
        npuisa::LoadWeights lw;
        lw.wAddr = static_cast<uint32_t>(act + ic0 * P + grp * C);
        lw.wStride = static_cast<uint32_t>(P);
        lw.rows = static_cast<uint32_t>(k);
        lw.cols = static_cast<uint32_t>(cols);
        e.emit(lw);
        npuisa::Gemm gm;
        gm.inAddr = static_cast<uint32_t>(wb);
        gm.inStrideY = static_cast<uint32_t>(OC * k);
        gm.inStrideX = static_cast<uint32_t>(k);
        gm.outH = 1;
        gm.outW = static_cast<uint32_t>(OC);
        gm.k = static_cast<uint32_t>(k);
        gm.inZp = 0;
        gm.accAddr = static_cast<uint32_t>(grp * OC * C * 4);
        gm.accStride = static_cast<uint32_t>(4 * cols);
        gm.cols = static_cast<uint32_t>(cols);
        gm.accumulate = j > 0;
        e.emit(gm);
      }
    }

    // Requantize: block row oc, column position -> the position's pixel.
    const int64_t obase = g.outHome ? 0 : e.slot(Buffer::OBuf, stores++);
    for (int64_t grp = 0; grp < groups; ++grp) {
      const int64_t p0 = grp * C, cols = std::min(C, P - p0);
      for (const Segment &s : rowSegments(p0, cols, g.OW))
        for (int64_t oc0 = 0; oc0 < OC; oc0 += kMaxPpuPixels) {
          const int64_t rows = std::min(kMaxPpuPixels, OC - oc0);
          npuisa::Ppu pp;
          pp.srcAddr = static_cast<uint32_t>(grp * OC * C * 4 + oc0 * 4 * cols +
                                             (s.pos - p0) * 4);
          pp.srcStride = static_cast<uint32_t>(4 * cols);
          pp.pixels = static_cast<uint32_t>(rows);
          pp.channels = static_cast<uint32_t>(s.n);
          pp.chOffset = static_cast<uint32_t>(oc0);
          pp.transpose = true;
          if (g.outHome) {
            pp.dstBuf = g.outHome->buf;
            pp.dstAddr = static_cast<uint32_t>(g.outHome->addr(b, s.y, s.x, 0) +
                                               oc0 * outSize);
            pp.dstStride = static_cast<uint32_t>(g.outHome->pixPitch());
          } else {
            pp.dstBuf = Buffer::OBuf;
            pp.dstAddr =
                static_cast<uint32_t>(obase + (s.pos * OC + oc0) * outSize);
            pp.dstStride = static_cast<uint32_t>(OC * outSize);
          }
          e.emit(pp);
        }
    }
    if (!g.outHome) {
      DramView out;
      out.base = g.outAddr(b);
      out.shape = {P * OC * outSize};
      out.strides = {1};
      out.elem = 1;
      if (failed(e.scatter(Buffer::OBuf, obase, out)))
        return failure();
    }
  }
  return success();
}
