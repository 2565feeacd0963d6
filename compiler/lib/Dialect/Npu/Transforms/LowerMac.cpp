//===- LowerMac.cpp - MAC layers as gemm sequences on the array -----------===//
//
// conv2d, fully_connected and matmul become weight-stationary gemm
// sequences. The weights are re-laid out at compile time as a K x OC matrix
// whose K order follows the reduction steps: for each input-channel group
// and kernel row, the (kx, ic) run that is contiguous in an NHWC input tile
// (implicit im2col), split into chunks of at most array.rows. Per output
// tile: one load.weights + one gemm per chunk and column pass, accumulating
// in ABUF, then the PPU and a store.
//
//===----------------------------------------------------------------------===//
#include "MacLayer.h"

#include "npu/Isa/Cost.h"

#include "mlir/IR/Matchers.h"

#include <functional>
#include <optional>

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::lowering;

namespace {

// Field limits the tiling respects.
constexpr int64_t kMaxAccStride = npuisa::fieldMax<npuisa::Gemm>("acc_stride");
constexpr int64_t kMaxInStrideX = npuisa::fieldMax<npuisa::Gemm>("in_stride_x");
/// An input tile row (tile columns x channels) is kept within the vector
/// unit's input row stride, as the depthwise tiles are; no gemm field needs
/// it.
constexpr int64_t kMaxInputRow =
    npuisa::fieldMax<npuisa::DwConv>("in_row_stride");
/// Element strides of the vector unit's im2col copies.
constexpr int64_t kMaxCopyStride =
    npuisa::fieldMax<npuisa::Alu>("src1_stride_outer");
static_assert(kMaxCopyStride ==
                  npuisa::fieldMax<npuisa::Alu>("dst_stride_outer") &&
              kMaxCopyStride ==
                  npuisa::fieldMax<npuisa::Alu>("src1_stride_inner"));

/// Geometry of a single-input-channel window layer for the im2col choice.
struct Im2colShape {
  int64_t pixels, OC, KH, KW, OH, OW;
};

/// Cycles (cost model, npu/Isa/Cost.h) of the vector copy of one (ky, kx)
/// plane of a th x tw tile: the longer side runs along the lanes.
int64_t im2colCopyCycles(const ::npu::ArchConfig &arch, int64_t th,
                         int64_t tw) {
  npuisa::Alu copy;
  copy.op = npuisa::AluOp::Copy;
  copy.nOuter = static_cast<uint32_t>(std::min(th, tw));
  copy.nInner = static_cast<uint32_t>(std::max(th, tw));
  return static_cast<int64_t>(
      npuisa::cost::vectorSteps(copy,
                                static_cast<uint32_t>(arch.vector.lanes)) +
      npuisa::cost::kVectorLatency + 1); // + 1: issue
}

/// The im2col buffer's size, when its copies cost less than the array
/// passes it saves (one per kernel row -> one per `rows` kernel taps).
int64_t im2colBytesFor(const ::npu::ArchConfig &arch, const Im2colShape &s) {
  const int64_t R = arch.array.rows, C = arch.array.cols;
  const int64_t taps = s.KH * s.KW;
  const int64_t passesNow = s.KH * ceilDiv(s.KW, R);
  const int64_t passesIm2col = ceilDiv(taps, R);
  if (taps < 2 || passesIm2col >= passesNow)
    return 0;
  const int64_t accBytes = ::npu::bufferBytes(arch, Buffer::ABuf);
  const int64_t oct = std::min<int64_t>(s.OC, kMaxPpuChannels);
  const int64_t pixels = std::min<int64_t>(
      {s.pixels, accBytes / (4 * oct), kMaxPpuPixels});
  const int64_t tiles = ceilDiv(s.pixels, pixels);
  const int64_t tw = std::min(s.OW, pixels);
  const int64_t th = std::min(s.OH, pixels / tw);
  const int64_t copies = tiles * taps * im2colCopyCycles(arch, th, tw);
  const int64_t saved =
      tiles * ceilDiv(s.OC, C) *
      arrayPassCycles(arch, passesNow - passesIm2col, th * tw, s.OC);
  return saved > copies ? pixels * taps : 0;
}

/// Copies the windows of a th x tw output tile of a one-channel input (at
/// `input`, the tile's top-left window corner) into im2col rows at `dst`:
/// row p = y * tw + x holds its KH x KW window, tap ky * KW + kx at byte
/// offset ky * KW + kx. One vector copy per tap.
void emitIm2col(ProgramEmitter &e, const GemmLayer &g, int64_t input,
                int64_t rowStride, int64_t pixStride, int64_t dst, int64_t th,
                int64_t tw) {
  const int64_t K = g.KH * g.KW;
  // The longer side of the tile runs along the lanes.
  const bool rowsOuter = tw >= th;
  for (int64_t ky = 0; ky < g.KH; ++ky)
    for (int64_t kx = 0; kx < g.KW; ++kx) {
      npuisa::Alu a;
      a.op = npuisa::AluOp::Copy;
      const auto ys = static_cast<int32_t>(g.SH * rowStride);
      const auto xs = static_cast<int32_t>(g.SW * pixStride);
      const auto dys = static_cast<int32_t>(tw * K);
      const auto dxs = static_cast<int32_t>(K);
      a.src1 = {Buffer::IBuf,
                static_cast<uint32_t>(input + ky * g.DH * rowStride +
                                      kx * g.DW * pixStride),
                npuisa::DType::I8, rowsOuter ? ys : xs, rowsOuter ? xs : ys};
      a.src2 = a.src1;
      a.dst = {Buffer::IBuf, static_cast<uint32_t>(dst + ky * g.KW + kx),
               npuisa::DType::I8, rowsOuter ? dys : dxs,
               rowsOuter ? dxs : dys};
      a.nOuter = static_cast<uint32_t>(rowsOuter ? th : tw);
      a.nInner = static_cast<uint32_t>(rowsOuter ? tw : th);
      e.emit(a);
    }
}

LogicalResult lowerGemm(ProgramEmitter &e, Operation *src, GemmLayer &g) {
  const ::npu::ArchConfig &arch = e.arch();
  const int64_t R = arch.array.rows, C = arch.array.cols;
  // im2col (one input channel): each tile's windows are copied into rows of
  // K bytes at the end of the working area, so a pass reduces over up to R
  // kernel taps instead of one kernel row.
  std::optional<int64_t> im2col;
  if (g.im2colBytes > 0 && g.IC == 1 &&
      (!g.inHome || g.SH * g.inHome->rowPitch() <= kMaxCopyStride) &&
      (g.inHome || e.currentWorkAreas().ibufSize > g.im2colBytes))
    im2col = e.takeIbufTail(g.im2colBytes);
  const int64_t hi = e.half(Buffer::IBuf), hw = e.weightHalf();
  const int64_t accBytes = e.bufferBytes(Buffer::ABuf);
  const int64_t ho = e.half(Buffer::OBuf);
  const int64_t outSize = ::npu::elementBytes(g.ppu.outType);
  const int64_t winH = (g.KH - 1) * g.DH + 1, winW = (g.KW - 1) * g.DW + 1;
  // Multi-point weights (npu-weight-points): on a 4-bit (2-bit) array
  // each int8 weight is the sum of its 2 (4) base-16 (base-4) digits, one
  // pass per point (isa::weightDigit); a layer whose lower digits are all
  // zero needs only its leading points. Weight rows are packed 8 / bits per
  // byte, so column offsets must be multiples of that.
  const unsigned wbits = static_cast<unsigned>(arch.array.weightBits);
  const bool packed = wbits < 8;
  const int64_t perByte = 8 / wbits;
  if (packed && !g.constWeights)
    return src->emitError("a product of two activations needs "
                          "array.weight_bits = 8 (low-bit arrays take "
                          "constant weights as multi-point digits)");
  if (packed && C % perByte != 0 && g.OC > C)
    return src->emitError("")
           << wbits << "-bit weights need array.cols a multiple of " << perByte
           << " when a layer has more output channels than columns";
  int64_t points = 1;
  if (packed)
    for (int64_t v : *g.constWeights)
      for (unsigned p = 1; p < npuisa::maxWeightPoints(wbits); ++p)
        if (npuisa::weightDigit(static_cast<int>(v), wbits, p) != 0)
          points = std::max<int64_t>(points, p + 1);
  // WBUF / DRAM bytes of a weight row of n columns, all points.
  auto rowBytes = [&](int64_t n) {
    return points * (packed ? (n + perByte - 1) / perByte : n);
  };

  // Largest input-channel group: the whole window of one output pixel must
  // fit. (One window pixel's channels are one DMA element.) An on-chip
  // input is read in place, all channels at once.
  const int64_t ictMax =
      g.inHome
          ? g.IC
          : std::min<int64_t>({g.IC, hi / (winH * winW), kMaxDmaElemBytes});
  if (ictMax < 1)
    return src->emitError("sram.ibuf_kib is too small for one ")
           << winH << "x" << winW << " input window";

  // Largest output-channel group (its PPU tables must fit pbuf; an output
  // going to DRAM is staged in OBUF).
  int64_t octMax = std::min<int64_t>(
      {g.OC, accBytes / 4, g.outHome ? g.OC : ho / outSize,
       packed ? perByte * (hw / R / points) : hw / R, kMaxPpuChannels,
       kMaxAccStride / 4, ppuMaxChannels(e, g.ppu)});
  if (octMax < g.OC && octMax >= C)
    octMax = octMax / C * C;
  if (packed && octMax < g.OC) // packed rows start on a byte
    octMax -= octMax % perByte;
  if (octMax < 1)
    return src->emitError("scratchpads too small for one output channel "
                          "(wbuf must hold array.rows weights, abuf 4 bytes)");

  // Reduction rows: KH x KW x IC, or the im2col matrix's KH x KW taps.
  const int64_t K = g.KH * g.KW * g.IC;
  auto inRows = [&](int64_t oh) { return (oh - 1) * g.SH + winH; };
  auto inCols = [&](int64_t ow) { return (ow - 1) * g.SW + winW; };
  // im2col copies step through a tile row and an im2col row (owt x K
  // bytes) with 16-bit strides.
  auto copyStridesFit = [&](int64_t ow) {
    return !im2col || (ow * K <= kMaxCopyStride &&
                       (g.inHome || g.SH * inCols(ow) <= kMaxCopyStride));
  };
  // The spatial tile (rows, columns) at `ict` input and `oct` output
  // channels: its accumulators in ABUF, its output staged in OBUF, its
  // input window in an IBUF half (an on-chip input needs no tile there).
  auto spatialTile =
      [&](int64_t ict,
          int64_t oct) -> std::optional<std::pair<int64_t, int64_t>> {
    const int64_t maxPixels = std::min<int64_t>(
        {accBytes / (4 * oct), g.outHome ? kMaxPpuPixels : ho / (oct * outSize),
         kMaxPpuPixels, im2col ? g.im2colBytes / K : kMaxPpuPixels});
    auto tileFits = [&](int64_t oh, int64_t ow) {
      return g.inHome || inRows(oh) * inCols(ow) * ict <= hi;
    };
    const int64_t pix = g.inHome ? g.inHome->pixPitch() : ict;
    int64_t owt = std::min(g.OW, maxPixels);
    while (owt > 1 && (!tileFits(1, owt) || !copyStridesFit(owt) ||
                       (!g.inHome && inCols(owt) * ict > kMaxInputRow) ||
                       g.SW * pix > kMaxInStrideX))
      --owt;
    int64_t oht = std::min(g.OH, std::max<int64_t>(1, maxPixels / owt));
    while (oht > 1 && !tileFits(oht, owt))
      --oht;
    if (!tileFits(oht, owt) || g.SW * pix > kMaxInStrideX ||
        !copyStridesFit(owt))
      return std::nullopt;
    return std::make_pair(oht, owt);
  };
  // Array passes per output column group over the whole reduction.
  auto passesPerColumn = [&](int64_t ict) {
    if (im2col)
      return ceilDiv(K, R);
    int64_t passes = 0;
    for (int64_t ic0 = 0; ic0 < g.IC; ic0 += ict) {
      const int64_t n = std::min(ict, g.IC - ic0);
      passes += g.DW == 1 && !g.splitInput ? g.KH * ceilDiv(g.KW * n, R)
                                           : g.KH * g.KW * ceilDiv(n, R);
    }
    return passes;
  };
  // The channel groups are priced with the cost model (npu/Isa/Cost.h):
  // ABUF holds oct x pixels accumulators and an IBUF half the input of
  // ict channels, so wide groups mean small tiles, i.e. short gemms (the
  // array's fill and drain and a weight preload per pass) and weights
  // fetched again per tile; narrow ones reload the input per group. The
  // estimate is the busier of the array and the DRAM port.
  auto tilingCost = [&](int64_t ict, int64_t oct) -> std::optional<int64_t> {
    const auto tile = spatialTile(ict, oct);
    if (!tile)
      return std::nullopt;
    const auto [oht, owt] = *tile;
    const int64_t tiles = g.batches * ceilDiv(g.OH, oht) * ceilDiv(g.OW, owt);
    const int64_t icGroups = ceilDiv(g.IC, ict);
    const int64_t compute = arrayPassCycles(
        arch, tiles * ceilDiv(g.OC, C) * passesPerColumn(ict) * points,
        oht * owt, g.OC);
    const bool resident =
        icGroups == 1 && K <= hw / rowBytes(oct) && oct == g.OC;
    const int64_t weightBytes = (resident ? 1 : tiles) * K * rowBytes(g.OC);
    const int64_t inputBytes =
        g.inHome ? 0
                 : tiles * inRows(oht) * inCols(owt) * g.IC *
                       (icGroups > 1 ? ceilDiv(g.OC, oct) : 1);
    return std::max(compute, ceilDiv(weightBytes + inputBytes,
                                     arch.dram.bandwidthBytesPerCycle));
  };
  // Candidates: the largest groups, and halvings down to one pass of the
  // array's rows (input) or columns (output); ties keep the larger group.
  int64_t ict = ictMax, oct = octMax;
  std::optional<int64_t> best = tilingCost(ict, oct);
  if (!best)
    return src->emitError("sram.ibuf_kib is too small for one output pixel");
  for (int64_t i = ictMax; i >= 1; i = i > R ? ceilDiv(i, 2) : 0) {
    if (im2col && i != ictMax)
      break;
    for (int64_t o = octMax; o >= 1; o = o > C ? ceilDiv(o, 2) : 0) {
      const int64_t oc = o < octMax && o >= C ? o / C * C : o;
      if (packed && oc % perByte != 0 && oc < g.OC)
        continue;
      const std::optional<int64_t> cost = tilingCost(i, oc);
      if (cost && *cost < *best) {
        best = cost;
        ict = i;
        oct = oc;
      }
    }
  }
  const int64_t icGroups = ceilDiv(g.IC, ict);
  const std::pair<int64_t, int64_t> tile = *spatialTile(ict, oct);
  const int64_t oht = tile.first, owt = tile.second;
  const int64_t pixStride = g.inHome ? g.inHome->pixPitch() : ict;

  // Reduction steps (chunks of at most R rows) and the K x OC row order.
  struct Chunk {
    int64_t icg;    ///< Input-channel group.
    int64_t ky;     ///< Kernel row.
    int64_t within; ///< Byte offset of the chunk within the window row.
    int64_t rows;   ///< Reduction length (array rows used).
    int64_t k;      ///< First row in the K x OC weight matrix.
    int64_t accShift = 0; ///< The gemm's acc_shift (split_input: 8 or 0).
  };
  struct WeightRow {
    int64_t ky, kx, ic;
  };
  std::vector<Chunk> chunks;
  std::vector<WeightRow> rows;
  for (int64_t gi = 0; gi < icGroups; ++gi) {
    const int64_t ic0 = gi * ict, n = std::min(ict, g.IC - ic0);
    for (int64_t ky = 0; ky < g.KH; ++ky) {
      // Runs of contiguous bytes in the tile: all (kx, ic) when DW == 1;
      // one kernel column each when the columns' passes shift differently.
      SmallVector<std::pair<int64_t, int64_t>> runs; // (kx0, kxCount)
      if (g.DW == 1 && !g.splitInput)
        runs.push_back({0, g.KW});
      else
        for (int64_t kx = 0; kx < g.KW; ++kx)
          runs.push_back({kx, 1});
      for (auto [kx0, kxn] : runs) {
        const int64_t len = kxn * n;
        for (int64_t j = 0; j < len; j += R) {
          const int64_t L = std::min(R, len - j);
          chunks.push_back({gi, ky, kx0 * g.DW * n + j, L,
                            static_cast<int64_t>(rows.size()),
                            g.splitInput && kx0 % 2 == 0 ? 8 : 0});
          for (int64_t t = j; t < j + L; ++t)
            rows.push_back({ky, kx0 + t / n, ic0 + t % n});
        }
      }
    }
  }
  assert(static_cast<int64_t>(rows.size()) == K);

  // With im2col the passes take R consecutive rows of the matrix (whose
  // rows keep their (ky, kx) order).
  if (im2col) {
    chunks.clear();
    for (int64_t j = 0; j < K; j += R)
      chunks.push_back({0, 0, j, std::min(R, K - j), j});
  }

  // Weight groups: consecutive chunks (of one input-channel group) whose
  // rows fit a wbuf half at oct columns.
  const int64_t maxRows = hw / rowBytes(oct);
  struct WeightGroup {
    size_t firstChunk, endChunk;
    int64_t k0, k1;
  };
  std::vector<WeightGroup> wgroups;
  for (size_t c = 0; c < chunks.size();) {
    WeightGroup wg{c, c, chunks[c].k, chunks[c].k};
    while (wg.endChunk < chunks.size() &&
           chunks[wg.endChunk].icg == chunks[c].icg &&
           chunks[wg.endChunk].k + chunks[wg.endChunk].rows - wg.k0 <=
               maxRows) {
      wg.k1 = chunks[wg.endChunk].k + chunks[wg.endChunk].rows;
      ++wg.endChunk;
    }
    wgroups.push_back(wg);
    c = wg.endChunk;
  }

  // Weights in DRAM as a K x OC matrix (row k = reduction index); packed,
  // row k holds each point's OC digits (lowest bits first), leading point
  // first.
  std::function<int64_t(int64_t)> weightsAt = g.weightMatrixAddr;
  const int64_t pointBytes = rowBytes(g.OC) / points;
  std::vector<int8_t> digits; // of point p, weight (k, oc); packed only
  if (g.constWeights) {
    const std::vector<int64_t> &w = *g.constWeights; // OHWI
    std::vector<uint8_t> matrix(K * rowBytes(g.OC));
    if (packed)
      digits.resize(points * K * g.OC);
    for (int64_t k = 0; k < K; ++k)
      for (int64_t oc = 0; oc < g.OC; ++oc) {
        const auto v = static_cast<int>(
            w[((oc * g.KH + rows[k].ky) * g.KW + rows[k].kx) * g.IC +
              rows[k].ic]);
        if (!packed) {
          matrix[k * g.OC + oc] = static_cast<uint8_t>(v);
          continue;
        }
        const auto shift = static_cast<unsigned>(wbits * (oc % perByte));
        uint8_t *row = &matrix[k * rowBytes(g.OC) + oc / perByte];
        for (int64_t p = 0; p < points; ++p) {
          const int d = npuisa::weightDigit(v, wbits, static_cast<unsigned>(p));
          digits[(p * K + k) * g.OC + oc] = static_cast<int8_t>(d);
          row[p * pointBytes] |=
              static_cast<uint8_t>((d & ((1 << wbits) - 1)) << shift);
        }
      }
    const int64_t addr = e.addSegment(matrix, src->getLoc());
    weightsAt = [addr](int64_t) { return addr; };
  }
  // True when point p > 0 of rows [k, k + n) x columns [oc, oc + cols) is
  // all zero: its pass would add nothing and is not emitted.
  auto pointPassEmpty = [&](int64_t p, int64_t k, int64_t n, int64_t oc,
                            int64_t cols) {
    if (p == 0)
      return false;
    for (int64_t r = k; r < k + n; ++r)
      for (int64_t c = oc; c < oc + cols; ++c)
        if (digits[(p * K + r) * g.OC + c] != 0)
          return false;
    return true;
  };

  // PPU tables: layer-wide when they fit pbuf, else per output-channel group.
  const TablePlacement tables = placePpuTables(e, g.ppu, g.OC, oct);
  const bool layerTables = tables == TablePlacement::Layer;
  if (tables == TablePlacement::TooLarge)
    return src->emitError("sram.pbuf_kib is too small for the PPU tables of ")
           << oct << " channels";

  // Spatial tile.

  const bool weightsResident = wgroups.size() == 1 && oct == g.OC;
  int64_t loads = 0, wloads = 0, stores = 0; // slot counters

  auto loadWeights = [&](int64_t b, const WeightGroup &wg, int64_t oc0,
                         int64_t ocn) -> int64_t {
    // Weights that stay for the whole layer go to its half of WBUF (the
    // next layer's load there meanwhile); streamed groups alternate halves.
    const int64_t base = weightsResident ? e.layerHalf(Buffer::WBuf).first
                                         : e.slot(Buffer::WBuf, wloads++);
    DramView v;
    v.base =
        weightsAt(b) + wg.k0 * rowBytes(g.OC) + (packed ? oc0 / perByte : oc0);
    v.shape = {wg.k1 - wg.k0, rowBytes(ocn)};
    v.strides = {rowBytes(g.OC), 1};
    if (points > 1) { // each point's part of the row
      v.shape = {wg.k1 - wg.k0, points, rowBytes(ocn) / points};
      v.strides = {rowBytes(g.OC), pointBytes, 1};
    }
    v.elem = 1;
    (void)e.gather(v, Buffer::WBuf, base);
    return base;
  };

  // With fewer output channels than half the PPU's lanes, two pixels (their
  // accumulators and outputs both contiguous) go through as one pixel of
  // twice the channels, over tables written twice.
  std::optional<npuisa::PpuParams> twice;
  if (layerTables && oct == g.OC && 2 * g.OC <= arch.ppu.lanes &&
      oht * owt >= 2)
    twice = repeatChannels(g.ppu, g.OC);
  const bool pairPixels =
      twice &&
      placePpuTables(e, *twice, 2 * g.OC, 2 * g.OC) == TablePlacement::Layer;
  if (pairPixels)
    loadPpuTables(e, *twice, 0, 2 * g.OC);
  else if (layerTables)
    loadPpuTables(e, g.ppu, 0, g.OC);
  auto requantize = [&](int64_t src, int64_t pixels, int64_t ocn, int64_t oc0,
                        Buffer dst, int64_t dstAddr, int64_t dstStride) {
    const int64_t pairs =
        pairPixels && dstStride == ocn * outSize ? pixels / 2 : 0;
    if (pairs > 0)
      emitPpu(e, src, 8 * ocn, pairs, 2 * ocn, 0, dst, dstAddr,
              2 * ocn * outSize, outSize);
    if (pixels > 2 * pairs)
      emitPpu(e, src + 8 * ocn * pairs, 4 * ocn, pixels - 2 * pairs, ocn,
              layerTables ? oc0 : 0, dst, dstAddr + 2 * pairs * dstStride,
              dstStride, outSize);
  };
  std::optional<int64_t> residentBase;
  for (int64_t b = 0; b < g.batches; ++b) {
    if (weightsResident && (!residentBase || !g.constWeights))
      residentBase = loadWeights(b, wgroups[0], 0, g.OC);
    for (int64_t oy0 = 0; oy0 < g.OH; oy0 += oht)
      for (int64_t ox0 = 0; ox0 < g.OW; ox0 += owt) {
        const int64_t th = std::min(oht, g.OH - oy0);
        const int64_t tw = std::min(owt, g.OW - ox0);
        const int64_t pixels = th * tw;
        const int64_t tileRows = inRows(th), tileCols = inCols(tw);
        std::optional<int64_t> inputBase;
        int64_t inputGroup = -1;
        bool copied = false; // the tile's im2col rows
        for (int64_t oc0 = 0; oc0 < g.OC; oc0 += oct) {
          const int64_t ocn = std::min(oct, g.OC - oc0);
          if (!layerTables)
            loadPpuTables(e, g.ppu, oc0, ocn);
          bool first = true;
          for (const WeightGroup &wg : wgroups) {
            const int64_t gi = chunks[wg.firstChunk].icg;
            const int64_t ic0 = gi * ict, icn = std::min(ict, g.IC - ic0);
            if (g.inHome && !inputBase) {
              // In place: the halo holds the convolution's padding.
              inputBase =
                  g.inHome->addr(b, oy0 * g.SH - g.PT, ox0 * g.SW - g.PL, 0);
              inputGroup = gi;
            }
            if (inputGroup != gi || !inputBase) {
              // Input tile with convolution padding filled with the zero
              // point.
              const int64_t iy = oy0 * g.SH - g.PT, ix = ox0 * g.SW - g.PL;
              const int64_t y0 = std::max<int64_t>(0, iy);
              const int64_t y1 = std::min(g.IH, iy + tileRows);
              const int64_t x0 = std::max<int64_t>(0, ix);
              const int64_t x1 = std::min(g.IW, ix + tileCols);
              npuisa::DmaLoad d;
              d.buf = Buffer::IBuf;
              d.sramAddr = static_cast<uint32_t>(e.slot(Buffer::IBuf, loads++));
              d.sramRowStride = static_cast<uint32_t>(tileCols * icn);
              d.elemBytes = static_cast<uint32_t>(icn);
              d.padValue = g.inZp;
              const int64_t dataRows = std::max<int64_t>(0, y1 - y0);
              const int64_t dataCols = std::max<int64_t>(0, x1 - x0);
              d.padTop = static_cast<uint32_t>(dataRows ? y0 - iy : tileRows);
              d.rows = static_cast<uint32_t>(dataCols ? dataRows : 0);
              d.padBottom = static_cast<uint32_t>(
                  dataRows ? tileRows - d.padTop - dataRows : 0);
              if (!dataCols) {
                d.padTop = static_cast<uint32_t>(tileRows);
                d.padBottom = 0;
              }
              d.padLeft = static_cast<uint32_t>(dataCols ? x0 - ix : tileCols);
              d.cols = static_cast<uint32_t>(dataCols);
              d.padRight = static_cast<uint32_t>(
                  dataCols ? tileCols - d.padLeft - dataCols : 0);
              d.dramAddr = static_cast<uint32_t>(g.inAddr(b) +
                                                 (y0 * g.IW + x0) * g.IC + ic0);
              d.dramRowStride = static_cast<uint32_t>(g.IW * g.IC);
              d.dramColStride = static_cast<uint32_t>(g.IC);
              if (d.padTop > kMaxDmaPad || d.padBottom > kMaxDmaPad ||
                  d.padLeft > kMaxDmaPad || d.padRight > kMaxDmaPad)
                return src->emitError("padding wider than ")
                       << kMaxDmaPad << " elements";
              e.emit(d);
              inputBase = d.sramAddr;
              inputGroup = gi;
            }
            const int64_t wbase =
                weightsResident ? *residentBase : loadWeights(b, wg, oc0, ocn);
            const int64_t rowStride =
                g.inHome ? g.inHome->rowPitch() : tileCols * icn;
            if (im2col && !copied) {
              emitIm2col(e, g, *inputBase, rowStride, pixStride, *im2col, th,
                         tw);
              copied = true;
            }
            for (size_t c = wg.firstChunk; c < wg.endChunk; ++c) {
              const Chunk &ch = chunks[c];
              for (int64_t cp = 0; cp < ocn; cp += C)
                for (int64_t p = 0; p < points; ++p) {
                  const int64_t cols = std::min(C, ocn - cp);
                  if (pointPassEmpty(p, ch.k, ch.rows, oc0 + cp, cols))
                    continue;
                  npuisa::LoadWeights lw;
                  lw.wAddr = static_cast<uint32_t>(
                      wbase + (ch.k - wg.k0) * rowBytes(ocn) +
                      p * (rowBytes(ocn) / points) +
                      (packed ? cp / perByte : cp));
                  lw.wStride = static_cast<uint32_t>(rowBytes(ocn));
                  lw.rows = static_cast<uint32_t>(ch.rows);
                  lw.cols = static_cast<uint32_t>(cols);
                  lw.int4 = wbits == 4;
                  lw.int2 = wbits == 2;
                  lw.lowPoint = p > 0;
                  e.emit(lw);
                  npuisa::Gemm gm;
                  gm.inAddr = static_cast<uint32_t>(
                      *inputBase + ch.ky * g.DH * rowStride + ch.within);
                  gm.inStrideY = static_cast<uint32_t>(g.SH * rowStride);
                  gm.inStrideX = static_cast<uint32_t>(g.SW * pixStride);
                  if (im2col) {
                    gm.inAddr = static_cast<uint32_t>(*im2col + ch.k);
                    gm.inStrideY = static_cast<uint32_t>(tw * K);
                    gm.inStrideX = static_cast<uint32_t>(K);
                  }
                  gm.outH = static_cast<uint32_t>(th);
                  gm.outW = static_cast<uint32_t>(tw);
                  gm.k = static_cast<uint32_t>(ch.rows);
                  gm.inZp = g.inZp;
                  gm.accAddr = static_cast<uint32_t>(4 * cp);
                  gm.accStride = static_cast<uint32_t>(4 * ocn);
                  gm.cols = static_cast<uint32_t>(cols);
                  gm.accumulate = !first || p > 0;
                  gm.accShift = static_cast<uint32_t>(
                      ch.accShift +
                      (packed
                           ? npuisa::pointShift(wbits, static_cast<unsigned>(p))
                           : 0));
                  e.emit(gm);
                }
              first = false;
            }
          }
          // Requantize into the output's home, row by row where its rows
          // are not contiguous.
          if (g.outHome) {
            const SramHome &o = *g.outHome;
            const bool contiguous = tw == g.OW && o.dense();
            for (int64_t r = 0; r < (contiguous ? 1 : th); ++r)
              requantize(4 * ocn * tw * r, contiguous ? pixels : tw, ocn, oc0,
                         o.buf, o.addr(b, oy0 + r, ox0, oc0), o.pixPitch());
            continue;
          }
          // Requantize and store the tile.
          const int64_t obase = e.slot(Buffer::OBuf, stores++);
          requantize(0, pixels, ocn, oc0, Buffer::OBuf, obase, ocn * outSize);
          DramView out;
          out.base = g.outAddr(b) + ((oy0 * g.OW + ox0) * g.OC + oc0) * outSize;
          out.shape = {th, tw, ocn};
          out.strides = {g.OW * g.OC * outSize, g.OC * outSize, outSize};
          out.elem = outSize;
          if (failed(e.scatter(Buffer::OBuf, obase, out)))
            return failure();
        }
      }
  }
  return success();
}

/// The PPU parameters, bias and constant weights shared by conv2d and
/// fully_connected.
template <typename OpT>
LogicalResult constantWeightsAndBias(OpT op, GemmLayer &g) {
  DenseIntElementsAttr weights;
  g.ppu = ppuParams(op, g.OC);
  if (!matchPattern(op.getWeights(), m_Constant(&weights)) ||
      failed(addBias(g.ppu, op.getBias())))
    return op.emitError("weights and bias must be constants");
  g.constWeights = constantInts(weights);
  return success();
}

} // namespace

namespace {

/// The geometry and operand addresses shared by conv2d and a depthwise
/// convolution run as one; weights and PPU tables are set by the caller.
template <typename OpT>
LogicalResult windowLayer(ProgramEmitter &e, OpT op, int64_t KH, int64_t KW,
                          GemmLayer &g) {
  auto in = shapeOf(op.getInput()), out = shapeOf(op.getOutput());
  g.batches = in[0];
  g.IH = in[1], g.IW = in[2], g.IC = in[3];
  g.OH = out[1], g.OW = out[2], g.OC = out[3];
  g.KH = KH, g.KW = KW;
  g.SH = op.getStride()[0], g.SW = op.getStride()[1];
  g.DH = op.getDilation()[0], g.DW = op.getDilation()[1];
  g.PT = op.getPad()[0], g.PB = op.getPad()[1];
  g.PL = op.getPad()[2], g.PR = op.getPad()[3];
  g.inZp = op.getInputZp();
  FailureOr<int64_t> inAddr = e.dramAddrOrZero(op.getInput()),
                     outAddr = e.dramAddrOrZero(op.getOutput());
  if (failed(inAddr) || failed(outAddr))
    return failure();
  const int64_t inImage = g.IH * g.IW * g.IC, outImage = g.OH * g.OW * g.OC;
  const int64_t outSize =
      ::npu::elementBytes(dtypeOf(op.getOutput().getType()));
  g.inAddr = [=](int64_t b) { return *inAddr + b * inImage; };
  g.outAddr = [=](int64_t b) { return *outAddr + b * outImage * outSize; };
  g.inHome = getSramHome(op.getInput());
  g.outHome = getSramHome(op.getOutput());
  return success();
}

} // namespace

LogicalResult lowering::lowerOp(ProgramEmitter &e, Conv2DOp op) {
  auto w = shapeOf(op.getWeights());
  GemmLayer g;
  if (failed(windowLayer(e, op, w[1], w[2], g)) ||
      failed(constantWeightsAndBias(op, g)))
    return failure();
  g.splitInput = op.getSplitInput();
  g.im2colBytes = im2colBytes(e.arch(), op);
  e.beginLayer(op, LayerKind::Conv2D, op.getMacCount());
  // 1x1 on a small map: activations stationary where the cost model
  // chose it (npu-plan-sram reserved its weight area) and it fits.
  if (const int64_t bytes = transposedWeightBytes(e.arch(), op); bytes > 0)
    if (std::optional<int64_t> area = e.takeIbufTail(bytes);
        area && activationStationaryFits(e, g))
      return lowerActivationStationary(e, op, g, *area);
  return lowerGemm(e, op, g);
}

int64_t lowering::im2colBytes(const ::npu::ArchConfig &arch, Operation *op) {
  auto shape = [&](Value in, Value out, int64_t KH, int64_t KW) {
    auto i = shapeOf(in), o = shapeOf(out);
    return i[3] != 1 ? 0
                     : im2colBytesFor(arch, {o[0] * o[1] * o[2], o[3], KH,
                                             KW, o[1], o[2]});
  };
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    // im2col mixes kernel columns in a pass; split columns must not mix.
    if (conv.getSplitInput())
      return 0;
    auto w = shapeOf(conv.getWeights());
    return shape(conv.getInput(), conv.getOutput(), w[1], w[2]);
  }
  if (auto dw = dyn_cast<DepthwiseConv2DOp>(op)) {
    if (!depthwiseFasterOnArray(arch, dw))
      return 0;
    auto w = shapeOf(dw.getWeights());
    return shape(dw.getInput(), dw.getOutput(), w[0], w[1]);
  }
  return 0;
}

bool lowering::depthwiseFasterOnArray(const ::npu::ArchConfig &arch,
                                      DepthwiseConv2DOp op) {
  auto in = shapeOf(op.getInput()), w = shapeOf(op.getWeights()),
       out = shapeOf(op.getOutput());
  // A depthwise convolution is a convolution whose weight matrix is block
  // diagonal: output channel c * M + m reads input channel c only. With one
  // input channel nothing is wasted; with a few, most of each pass's rows
  // multiply zeros, which can still beat a vector unit whose lanes the
  // channels do not fill.
  if (arch.array.weightBits != 8)
    return false;
  const int64_t R = arch.array.rows, C = arch.array.cols;
  const int64_t pixels = out[0] * out[1] * out[2], OC = out[3];
  const int64_t KH = w[0], KW = w[1], IC = in[3];
  // Cost model (npu/Isa/Cost.h): the vector unit does one tap of `lanes`
  // channels per step; the array streams every pixel once per reduction
  // chunk (kernel row) and column group.
  npuisa::DwConv dw;
  dw.outH = static_cast<uint32_t>(out[0] * out[1]);
  dw.outW = static_cast<uint32_t>(out[2]);
  dw.channels = static_cast<uint32_t>(OC);
  dw.kh = static_cast<uint32_t>(KH);
  dw.kw = static_cast<uint32_t>(KW);
  const auto vector = static_cast<int64_t>(npuisa::cost::vectorSteps(
      dw, static_cast<uint32_t>(arch.vector.lanes)));
  const int64_t chunks = KH * (op.getDilation()[1] == 1 ? ceilDiv(KW * IC, R)
                                                        : KW * ceilDiv(IC, R));
  const int64_t array =
      ceilDiv(OC, C) * arrayPassCycles(arch, chunks, pixels, OC);
  return array < vector;
}

LogicalResult lowering::lowerDepthwiseOnArray(ProgramEmitter &e,
                                              DepthwiseConv2DOp op) {
  auto w = shapeOf(op.getWeights());
  const int64_t KH = w[0], KW = w[1], M = w[3];
  GemmLayer g;
  if (failed(windowLayer(e, op, KH, KW, g)))
    return failure();
  // [KH, KW, C, M] to a block-diagonal OHWI [C * M, KH, KW, C]: output
  // channel o = c * M + m has tap weights at input channel c, zeros else.
  const int64_t IC = g.IC, OC = IC * M;
  g.ppu = ppuParams(op, OC);
  DenseIntElementsAttr weights;
  if (!matchPattern(op.getWeights(), m_Constant(&weights)) ||
      failed(addBias(g.ppu, op.getBias())))
    return op.emitError("weights and bias must be constants");
  const std::vector<int64_t> hwcm = constantInts(weights);
  std::vector<int64_t> ohwi(OC * KH * KW * IC, 0);
  for (int64_t t = 0; t < KH * KW; ++t)
    for (int64_t o = 0; o < OC; ++o)
      ohwi[(o * KH * KW + t) * IC + o / M] = hwcm[t * OC + o];
  g.constWeights = std::move(ohwi);
  g.im2colBytes = im2colBytes(e.arch(), op);
  e.beginLayer(op, LayerKind::DepthwiseConv2D, op.getMacCount());
  return lowerGemm(e, op, g);
}

LogicalResult lowering::lowerOp(ProgramEmitter &e, FullyConnectedOp op) {
  auto in = shapeOf(op.getInput()), w = shapeOf(op.getWeights());
  GemmLayer g;
  g.IW = g.OW = in[0];
  g.IC = in[1];
  g.OC = w[0];
  g.inZp = op.getInputZp();
  // [OC, IC] weights are OHWI with H = W = 1.
  if (failed(constantWeightsAndBias(op, g)))
    return failure();
  FailureOr<int64_t> inAddr = e.dramAddrOrZero(op.getInput()),
                     outAddr = e.dramAddrOrZero(op.getOutput());
  if (failed(inAddr) || failed(outAddr))
    return failure();
  g.inAddr = [=](int64_t) { return *inAddr; };
  g.outAddr = [=](int64_t) { return *outAddr; };
  g.inHome = getSramHome(op.getInput());
  g.outHome = getSramHome(op.getOutput());
  e.beginLayer(op, LayerKind::FullyConnected, op.getMacCount());
  return lowerGemm(e, op, g);
}

LogicalResult lowering::lowerOp(ProgramEmitter &e, MatMulOp op) {
  auto a = shapeOf(op.getA()), b = shapeOf(op.getB());
  GemmLayer g;
  g.batches = a[0];
  g.IW = g.OW = a[1];
  g.IC = b[1];
  g.OC = b[2];
  g.inZp = op.getAZp();
  g.ppu = ppuParams(op, g.OC);
  FailureOr<int64_t> aAddr = e.dramAddrOrZero(op.getA()),
                     bAddr = e.dramAddr(op.getB()),
                     outAddr = e.dramAddrOrZero(op.getOutput());
  if (failed(aAddr) || failed(bAddr) || failed(outAddr))
    return failure();
  const int64_t outSize = ::npu::elementBytes(g.ppu.outType);
  const int64_t H = a[1], C = b[1], W = b[2];
  g.inAddr = [=](int64_t n) { return *aAddr + n * H * C; };
  g.outAddr = [=](int64_t n) { return *outAddr + n * H * W * outSize; };
  g.weightMatrixAddr = [=](int64_t n) { return *bAddr + n * C * W; };
  g.inHome = getSramHome(op.getA());
  g.outHome = getSramHome(op.getOutput());
  e.beginLayer(op, LayerKind::MatMul, op.getMacCount());
  return lowerGemm(e, op, g);
}
