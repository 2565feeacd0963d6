//===- Ppu.cpp - Requantization tables and ppu instructions ---------------===//
//
// The PBUF layout of a layer's tables is the runtime's (npuisa::packPpuTables);
// this file only turns a RequantOpInterface op into npuisa::PpuParams, decides
// whether the tables of all channels fit PBUF at once, and emits the loads,
// the ppu.cfg and the ppu instructions.
//
//===----------------------------------------------------------------------===//
#include "Lowering.h"

#include "mlir/IR/Matchers.h"

#include <cstdint>

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::lowering;

npuisa::PpuParams lowering::ppuParams(RequantOpInterface op, int64_t channels) {
  npuisa::PpuParams p;
  ArrayRef<int32_t> mult = op.getMultiplier(), shift = op.getShift();
  // npu-fold-rescale picks the form; unfolded ops use tables unless the
  // parameters are per layer already.
  if (std::optional<PpuForm> form = op.getPpuForm())
    p.form = toRuntime(*form);
  else
    p.form = mult.size() == 1 ? npuisa::PpuForm::PerLayer
                              : npuisa::PpuForm::PerChannel;
  if (p.form == npuisa::PpuForm::PerChannel) {
    for (int64_t c = 0; c < channels; ++c) {
      p.mult.push_back(mult.size() == 1 ? mult[0] : mult[c]);
      p.shift.push_back(shift.size() == 1 ? shift[0] : shift[c]);
    }
  } else {
    p.mult.assign(mult.begin(),
                  mult.begin() + std::min<size_t>(1, mult.size()));
    p.shift.assign(shift.begin(),
                   shift.begin() + std::min<size_t>(1, shift.size()));
  }
  if (auto k = op.getKshift())
    p.kshift.assign(k->begin(), k->end());
  if (auto lut = op.getLut())
    p.lut.assign(lut->begin(), lut->end());
  p.outType = dtypeOf(op.getOutput().getType());
  p.outZp = op.getOutputZp();
  p.clampMin = op.getClampMin();
  p.clampMax = op.getClampMax();
  p.doubleRound = op.getDoubleRound();
  return p;
}

LogicalResult lowering::addBias(npuisa::PpuParams &params, Value bias) {
  DenseIntElementsAttr values;
  if (!matchPattern(bias, m_Constant(&values)))
    return failure();
  for (const APInt &v : values.getValues<APInt>())
    params.bias.push_back(static_cast<int32_t>(v.getSExtValue()));
  return success();
}

int64_t lowering::ppuMaxChannels(const ProgramEmitter &e,
                                 const npuisa::PpuParams &params) {
  const size_t n = npuisa::ppuMaxChannels(
      params, static_cast<size_t>(e.bufferBytes(Buffer::PBuf)));
  return n > static_cast<size_t>(INT64_MAX) ? INT64_MAX
                                            : static_cast<int64_t>(n);
}

TablePlacement lowering::placePpuTables(const ProgramEmitter &e,
                                        const npuisa::PpuParams &params,
                                        int64_t channels,
                                        int64_t groupChannels) {
  const auto pbufBytes = static_cast<size_t>(e.bufferBytes(Buffer::PBuf));
  if (npuisa::packPpuTables(params, 0, channels).bytes.size() <= pbufBytes)
    return TablePlacement::Layer;
  if (npuisa::packPpuTables(params, 0, groupChannels).bytes.size() <= pbufBytes)
    return TablePlacement::PerGroup;
  return TablePlacement::TooLarge;
}

void lowering::loadPpuTables(ProgramEmitter &e, const npuisa::PpuParams &params,
                             int64_t first, int64_t count) {
  // In the layer's half of PBUF when they fit, so that the next layer's
  // tables can load meanwhile; else from address 0.
  const size_t bytes = npuisa::packPpuTables(params, first, count).bytes.size();
  const int64_t base =
      e.layerConstantBase(Buffer::PBuf, static_cast<int64_t>(bytes));
  npuisa::PpuImage image =
      npuisa::packPpuTables(params, first, count, static_cast<uint32_t>(base));
  if (!image.bytes.empty())
    e.loadConstant(image.bytes, Buffer::PBuf, base);
  e.emit(image.config);
}

void lowering::emitPpu(ProgramEmitter &e, int64_t srcAddr, int64_t srcStride,
                       int64_t pixels, int64_t channels, int64_t chOffset,
                       Buffer dst, int64_t dstAddr, int64_t dstStride,
                       int64_t outSize) {
  for (int64_t c0 = 0; c0 < channels; c0 += kMaxPpuChannels) {
    const int64_t n = std::min(kMaxPpuChannels, channels - c0);
    for (int64_t p0 = 0; p0 < pixels; p0 += kMaxPpuPixels) {
      const int64_t np = std::min(kMaxPpuPixels, pixels - p0);
      npuisa::Ppu p;
      p.srcAddr = static_cast<uint32_t>(srcAddr + p0 * srcStride + 4 * c0);
      p.srcStride = static_cast<uint32_t>(srcStride);
      p.pixels = static_cast<uint32_t>(np);
      p.channels = static_cast<uint32_t>(n);
      p.chOffset = static_cast<uint32_t>(chOffset + c0);
      p.dstBuf = dst;
      p.dstAddr =
          static_cast<uint32_t>(dstAddr + p0 * dstStride + c0 * outSize);
      p.dstStride = static_cast<uint32_t>(dstStride);
      e.emit(p);
    }
  }
}

npuisa::PpuParams lowering::repeatChannels(const npuisa::PpuParams &params,
                                           int64_t channels) {
  npuisa::PpuParams twice = params;
  auto repeat = [&](std::vector<int32_t> &v) {
    if (static_cast<int64_t>(v.size()) == channels)
      v.insert(v.end(), v.begin(), v.end());
  };
  repeat(twice.bias);
  if (params.form == npuisa::PpuForm::PerChannel) {
    repeat(twice.mult);
    repeat(twice.shift);
  }
  if (params.form == npuisa::PpuForm::ShiftTable)
    repeat(twice.kshift);
  return twice;
}
