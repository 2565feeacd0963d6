//===- LowerVector.cpp - Depthwise convolution and pooling ----------------===//
//
// The vector unit's windowed ops, per output tile and channel group: the
// zero-point-padded input tile is loaded, vec.dwconv accumulates in ABUF and
// the PPU requantizes, or vec.pool writes OBUF directly.
//
//===----------------------------------------------------------------------===//
#include "Lowering.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::lowering;
using npuisa::fieldMax;

LogicalResult lowering::lowerOp(ProgramEmitter &e, DepthwiseConv2DOp op) {
  if (depthwiseFasterOnArray(e.arch(), op))
    return lowerDepthwiseOnArray(e, op);
  auto in = shapeOf(op.getInput()), w = shapeOf(op.getWeights()),
       out = shapeOf(op.getOutput());
  const int64_t N = in[0], IH = in[1], IW = in[2], IC = in[3];
  const int64_t KH = w[0], KW = w[1], M = w[3];
  const int64_t OH = out[1], OW = out[2], OC = out[3];
  auto s = op.getStride(), d = op.getDilation(), p = op.getPad();
  if (KH > fieldMax<npuisa::DwConv>("kh") ||
      KW > fieldMax<npuisa::DwConv>("kw") ||
      s[0] > fieldMax<npuisa::DwConv>("stride_h") ||
      s[1] > fieldMax<npuisa::DwConv>("stride_w") ||
      d[0] > fieldMax<npuisa::DwConv>("dil_h") ||
      d[1] > fieldMax<npuisa::DwConv>("dil_w") ||
      M > fieldMax<npuisa::DwConv>("depth_mult"))
    return op.emitError("depthwise kernel, stride, dilation or depth "
                        "multiplier exceeds the vector unit's limits");
  npuisa::PpuParams tables = ppuParams(op, OC);
  if (failed(addBias(tables, op.getBias())))
    return op.emitError("bias must be a constant");
  DenseIntElementsAttr weights;
  if (!matchPattern(op.getWeights(), m_Constant(&weights)))
    return op.emitError("weights must be a constant");
  // [KH, KW, C, M] is already [KH*KW][OC] row-major.
  const int64_t wAddr = e.addSegment(constantBytes(weights), op.getLoc());
  FailureOr<int64_t> inAddr = e.dramAddrOrZero(op.getInput());
  FailureOr<int64_t> outAddr = e.dramAddrOrZero(op.getOutput());
  if (failed(inAddr) || failed(outAddr))
    return failure();
  // On-chip input and output are read and written in place.
  const std::optional<SramHome> inHome = getSramHome(op.getInput());
  const std::optional<SramHome> outHome = getSramHome(op.getOutput());

  const int64_t hi = e.half(Buffer::IBuf), hw = e.weightHalf();
  const int64_t accBytes = e.bufferBytes(Buffer::ABuf);
  const int64_t ho = e.half(Buffer::OBuf);
  const int64_t outSize = ::npu::elementBytes(tables.outType);
  const int64_t winH = (KH - 1) * d[0] + 1, winW = (KW - 1) * d[1] + 1;

  // Channel group: a multiple of the depth multiplier.
  int64_t ict = std::min<int64_t>({IC, inHome ? IC : hi / (winH * winW),
                                   hw / (KH * KW * M), accBytes / (4 * M),
                                   outHome ? IC : ho / (M * outSize),
                                   fieldMax<npuisa::DwConv>("channels") / M,
                                   ppuMaxChannels(e, tables) / M});
  if (ict < 1)
    return op.emitError("scratchpads too small for one depthwise channel");
  const int64_t oct = ict * M;
  const TablePlacement placement = placePpuTables(e, tables, OC, oct);
  const bool layerTables = placement == TablePlacement::Layer;
  if (placement == TablePlacement::TooLarge)
    return op.emitError("sram.pbuf_kib is too small for the PPU tables");

  const int64_t maxPixels = std::min<int64_t>(
      {accBytes / (4 * oct), outHome ? kMaxPpuPixels : ho / (oct * outSize),
       kMaxPpuPixels});
  constexpr int64_t kMaxRow = fieldMax<npuisa::DwConv>("in_row_stride");
  constexpr int64_t kMaxPix = fieldMax<npuisa::DwConv>("in_pix_stride");
  auto inRows = [&](int64_t oh) { return (oh - 1) * s[0] + winH; };
  auto inCols = [&](int64_t ow) { return (ow - 1) * s[1] + winW; };
  auto fits = [&](int64_t oh, int64_t ow) {
    if (inHome)
      return inHome->rowPitch() <= kMaxRow && inHome->pixPitch() <= kMaxPix;
    return inRows(oh) * inCols(ow) * ict <= hi && inCols(ow) * ict <= kMaxRow;
  };
  int64_t owt =
      std::min<int64_t>({OW, maxPixels, fieldMax<npuisa::DwConv>("out_w")});
  while (owt > 1 && !fits(1, owt))
    --owt;
  int64_t oht = std::min<int64_t>({OH, std::max<int64_t>(1, maxPixels / owt),
                                   fieldMax<npuisa::DwConv>("out_h")});
  while (oht > 1 && !fits(oht, owt))
    --oht;
  if (!fits(oht, owt))
    return op.emitError("sram.ibuf_kib is too small for one output pixel");

  const auto mac = static_cast<int64_t>(N * OH * OW * OC * KH * KW);
  e.beginLayer(op, LayerKind::DepthwiseConv2D, mac);
  const bool weightsResident = oct == OC;
  auto loadWeights = [&](int64_t oc0, int64_t ocn, int64_t base) {
    DramView v;
    v.base = wAddr + oc0;
    v.shape = {KH * KW, ocn};
    v.strides = {OC, 1};
    v.elem = 1;
    (void)e.gather(v, Buffer::WBuf, base);
  };
  if (layerTables)
    loadPpuTables(e, tables, 0, OC);
  if (weightsResident)
    loadWeights(0, OC, e.layerHalf(Buffer::WBuf).first);
  int64_t loads = 0, wloads = 0, stores = 0;
  for (int64_t b = 0; b < N; ++b)
    for (int64_t oy0 = 0; oy0 < OH; oy0 += oht)
      for (int64_t ox0 = 0; ox0 < OW; ox0 += owt)
        for (int64_t oc0 = 0; oc0 < OC; oc0 += oct) {
          const int64_t th = std::min(oht, OH - oy0),
                        tw = std::min(owt, OW - ox0);
          const int64_t ocn = std::min(oct, OC - oc0), icn = ocn / M;
          const int64_t ic0 = oc0 / M;
          const int64_t tileRows = inRows(th), tileCols = inCols(tw);
          if (!layerTables)
            loadPpuTables(e, tables, oc0, ocn);
          const int64_t iy = oy0 * s[0] - p[0], ix = ox0 * s[1] - p[2];
          npuisa::DwConv dw;
          if (inHome) {
            // In place: the halo holds the padding.
            dw.inAddr = static_cast<uint32_t>(inHome->addr(b, iy, ix, ic0));
            dw.inRowStride = static_cast<uint32_t>(inHome->rowPitch());
            dw.inPixStride = static_cast<uint32_t>(inHome->pixPitch());
          } else {
            const int64_t y0 = std::max<int64_t>(0, iy),
                          y1 = std::min(IH, iy + tileRows);
            const int64_t x0 = std::max<int64_t>(0, ix),
                          x1 = std::min(IW, ix + tileCols);
            const int64_t dataRows = std::max<int64_t>(0, y1 - y0);
            const int64_t dataCols = std::max<int64_t>(0, x1 - x0);
            npuisa::DmaLoad dl;
            dl.buf = Buffer::IBuf;
            dl.sramAddr = static_cast<uint32_t>(e.slot(Buffer::IBuf, loads++));
            dl.sramRowStride = static_cast<uint32_t>(tileCols * icn);
            dl.elemBytes = static_cast<uint32_t>(icn);
            dl.padValue = op.getInputZp();
            if (dataRows && dataCols) {
              dl.padTop = static_cast<uint32_t>(y0 - iy);
              dl.rows = static_cast<uint32_t>(dataRows);
              dl.padBottom =
                  static_cast<uint32_t>(tileRows - dl.padTop - dataRows);
              dl.padLeft = static_cast<uint32_t>(x0 - ix);
              dl.cols = static_cast<uint32_t>(dataCols);
              dl.padRight =
                  static_cast<uint32_t>(tileCols - dl.padLeft - dataCols);
            } else {
              dl.padTop = static_cast<uint32_t>(tileRows);
              dl.padLeft = static_cast<uint32_t>(tileCols);
            }
            if (dl.padTop > kMaxDmaPad || dl.padBottom > kMaxDmaPad ||
                dl.padLeft > kMaxDmaPad || dl.padRight > kMaxDmaPad)
              return op.emitError("padding wider than ")
                     << kMaxDmaPad << " elements";
            dl.dramAddr = static_cast<uint32_t>(
                *inAddr + ((b * IH + y0) * IW + x0) * IC + ic0);
            dl.dramRowStride = static_cast<uint32_t>(IW * IC);
            dl.dramColStride = static_cast<uint32_t>(IC);
            e.emit(dl);
            dw.inAddr = dl.sramAddr;
            dw.inRowStride = static_cast<uint32_t>(tileCols * icn);
            dw.inPixStride = static_cast<uint32_t>(icn);
          }
          int64_t wbase = e.layerHalf(Buffer::WBuf).first;
          if (!weightsResident) {
            wbase = e.slot(Buffer::WBuf, wloads++);
            loadWeights(oc0, ocn, wbase);
          }
          dw.channels = static_cast<uint32_t>(ocn);
          dw.depthMult = static_cast<uint32_t>(M);
          dw.outH = static_cast<uint32_t>(th);
          dw.outW = static_cast<uint32_t>(tw);
          dw.kh = static_cast<uint32_t>(KH);
          dw.kw = static_cast<uint32_t>(KW);
          dw.strideH = static_cast<uint32_t>(s[0]);
          dw.strideW = static_cast<uint32_t>(s[1]);
          dw.dilH = static_cast<uint32_t>(d[0]);
          dw.dilW = static_cast<uint32_t>(d[1]);
          dw.inZp = op.getInputZp();
          dw.wAddr = static_cast<uint32_t>(wbase);
          dw.accAddr = 0;
          dw.accStride = static_cast<uint32_t>(4 * ocn);
          e.emit(dw);
          if (outHome) {
            const bool contiguous = tw == OW && outHome->dense();
            for (int64_t r = 0; r < (contiguous ? 1 : th); ++r)
              emitPpu(e, 4 * ocn * tw * r, 4 * ocn, contiguous ? th * tw : tw,
                      ocn, layerTables ? oc0 : 0, outHome->buf,
                      outHome->addr(b, oy0 + r, ox0, oc0), outHome->pixPitch(),
                      outSize);
            continue;
          }
          const int64_t obase = e.slot(Buffer::OBuf, stores++);
          emitPpu(e, 0, 4 * ocn, th * tw, ocn, layerTables ? oc0 : 0,
                  Buffer::OBuf, obase, ocn * outSize, outSize);
          DramView o;
          o.base =
              *outAddr + (((b * OH + oy0) * OW + ox0) * OC + oc0) * outSize;
          o.shape = {th, tw, ocn};
          o.strides = {OW * OC * outSize, OC * outSize, outSize};
          o.elem = outSize;
          if (failed(e.scatter(Buffer::OBuf, obase, o)))
            return failure();
        }
  return success();
}

LogicalResult lowering::lowerOp(ProgramEmitter &e, PoolOp op) {
  auto in = shapeOf(op.getInput()), out = shapeOf(op.getOutput());
  const int64_t N = in[0], IH = in[1], IW = in[2], C = in[3];
  const int64_t OH = out[1], OW = out[2];
  auto k = op.getKernel(), s = op.getStride(), p = op.getPad();
  if (!PoolOp::fitsInstruction(k, s, p))
    return op.emitError("pooling window, stride or padding exceeds the "
                        "vector unit's limits ")
           << PoolOp::instructionLimits();
  FailureOr<int64_t> inAddr = e.dramAddrOrZero(op.getInput());
  FailureOr<int64_t> outAddr = e.dramAddrOrZero(op.getOutput());
  if (failed(inAddr) || failed(outAddr))
    return failure();
  // On-chip input and output are read and written in place.
  const std::optional<SramHome> inHome = getSramHome(op.getInput());
  const std::optional<SramHome> outHome = getSramHome(op.getOutput());
  const int64_t hi = e.half(Buffer::IBuf), ho = e.half(Buffer::OBuf);
  const int64_t winH = k[0], winW = k[1];
  constexpr int64_t kMaxRow = fieldMax<npuisa::Pool>("in_row_stride");
  constexpr int64_t kMaxPix = fieldMax<npuisa::Pool>("in_pix_stride");
  constexpr int64_t kMaxChannels = fieldMax<npuisa::Pool>("channels");
  if (inHome && (inHome->rowPitch() > kMaxRow || inHome->pixPitch() > kMaxPix))
    return op.emitError("pooling input rows exceed the vector unit's strides");
  // vec.pool writes dense pixels of the tile's channels: an on-chip output
  // takes whole rows of whole pixels when it is dense, one pixel at a time
  // otherwise or when the channels are split (the input does not fit).
  const int64_t ct = std::min<int64_t>(
      {C, inHome ? C : hi / (winH * winW), outHome ? C : ho, kMaxChannels});
  if (ct < 1)
    return op.emitError("sram.ibuf_kib is too small for one pooling window");
  const bool pixelTiles = outHome && ct < C;
  auto inRows = [&](int64_t oh) { return (oh - 1) * s[0] + winH; };
  auto inCols = [&](int64_t ow) { return (ow - 1) * s[1] + winW; };
  auto fits = [&](int64_t oh, int64_t ow) {
    return inHome ||
           (inRows(oh) * inCols(ow) * ct <= hi && inCols(ow) * ct <= kMaxRow);
  };
  const int64_t outRoom = outHome ? INT64_MAX : ho / ct;
  int64_t owt =
      pixelTiles
          ? 1
          : std::min<int64_t>({OW, outRoom, fieldMax<npuisa::Pool>("out_w")});
  while (owt > 1 && !fits(1, owt))
    --owt;
  int64_t oht = std::min<int64_t>({OH, std::max<int64_t>(1, outRoom / owt),
                                   fieldMax<npuisa::Pool>("out_h")});
  if (outHome && (pixelTiles || !(owt == OW && outHome->dense())))
    oht = 1;
  while (oht > 1 && !fits(oht, owt))
    --oht;

  const PoolKind kind = op.getKind();
  e.beginLayer(
      op, kind == PoolKind::Max ? LayerKind::MaxPool2D : LayerKind::AvgPool2D,
      0);
  int64_t loads = 0, stores = 0;
  for (int64_t b = 0; b < N; ++b)
    for (int64_t oy0 = 0; oy0 < OH; oy0 += oht)
      for (int64_t ox0 = 0; ox0 < OW; ox0 += owt)
        for (int64_t c0 = 0; c0 < C; c0 += ct) {
          const int64_t th = std::min(oht, OH - oy0),
                        tw = std::min(owt, OW - ox0);
          const int64_t cn = std::min(ct, C - c0);
          const int64_t iy = oy0 * s[0] - p[0], ix = ox0 * s[1] - p[2];
          const int64_t y0 = std::max<int64_t>(0, iy);
          const int64_t y1 = std::min(IH, iy + inRows(th));
          const int64_t x0 = std::max<int64_t>(0, ix);
          const int64_t x1 = std::min(IW, ix + inCols(tw));
          npuisa::Pool pl;
          if (inHome) {
            pl.inAddr = static_cast<uint32_t>(inHome->addr(b, y0, x0, c0));
            pl.inRowStride = static_cast<uint32_t>(inHome->rowPitch());
            pl.inPixStride = static_cast<uint32_t>(inHome->pixPitch());
          } else {
            const int64_t ibase = e.slot(Buffer::IBuf, loads++);
            DramView v;
            v.base = *inAddr + ((b * IH + y0) * IW + x0) * C + c0;
            v.shape = {y1 - y0, x1 - x0, cn};
            v.strides = {IW * C, C, 1};
            if (failed(e.gather(v, Buffer::IBuf, ibase)))
              return failure();
            pl.inAddr = static_cast<uint32_t>(ibase);
            pl.inRowStride = static_cast<uint32_t>((x1 - x0) * cn);
            pl.inPixStride = static_cast<uint32_t>(cn);
          }
          pl.mode = toRuntime(kind);
          pl.channels = static_cast<uint32_t>(cn);
          pl.outH = static_cast<uint32_t>(th);
          pl.outW = static_cast<uint32_t>(tw);
          pl.kh = static_cast<uint32_t>(k[0]);
          pl.kw = static_cast<uint32_t>(k[1]);
          pl.strideH = static_cast<uint32_t>(s[0]);
          pl.strideW = static_cast<uint32_t>(s[1]);
          pl.padTop = static_cast<uint32_t>(y0 - iy);
          pl.padLeft = static_cast<uint32_t>(x0 - ix);
          pl.padBottom =
              static_cast<uint32_t>(std::max<int64_t>(0, iy + inRows(th) - y1));
          pl.padRight =
              static_cast<uint32_t>(std::max<int64_t>(0, ix + inCols(tw) - x1));
          pl.inH = static_cast<uint32_t>(y1 - y0);
          pl.inW = static_cast<uint32_t>(x1 - x0);
          pl.inZp = op.getInputZp();
          pl.outZp = op.getOutputZp();
          pl.clampMin = op.getClampMin();
          pl.clampMax = op.getClampMax();
          if (outHome) {
            pl.dstBuf = outHome->buf;
            pl.dstAddr = static_cast<uint32_t>(outHome->addr(b, oy0, ox0, c0));
            e.emit(pl);
            continue;
          }
          pl.dstBuf = Buffer::OBuf;
          pl.dstAddr = static_cast<uint32_t>(e.slot(Buffer::OBuf, stores++));
          e.emit(pl);
          DramView o;
          o.base = *outAddr + ((b * OH + oy0) * OW + ox0) * C + c0;
          o.shape = {th, tw, cn};
          o.strides = {OW * C, C, 1};
          if (failed(e.scatter(Buffer::OBuf, pl.dstAddr, o)))
            return failure();
        }
  return success();
}
