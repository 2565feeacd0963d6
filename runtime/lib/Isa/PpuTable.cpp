//===- PpuTable.cpp - The PPU's requantization tables in PBUF -------------===//
#include "npu/Isa/PpuTable.h"

#include "npu/Support/ByteIO.h"

#include <cstdint>

namespace npu::isa {

std::string_view ppuFormName(PpuForm form) {
  switch (form) {
  case PpuForm::PerLayer:
    return "per_layer";
  case PpuForm::ShiftTable:
    return "shift_table";
  case PpuForm::PerChannel:
    return "per_channel";
  }
  return "?";
}

PpuForm ppuFormOf(const PpuConfig &cfg) {
  if (cfg.perChannel)
    return PpuForm::PerChannel;
  return cfg.hasKshift ? PpuForm::ShiftTable : PpuForm::PerLayer;
}

unsigned ppuTableBytesPerChannel(const PpuConfig &cfg) {
  return (cfg.hasBias ? kBiasEntryBytes : 0) +
         (cfg.perChannel ? kMultEntryBytes + kShiftEntryBytes : 0) +
         (cfg.hasKshift ? kKshiftEntryBytes : 0);
}

namespace {

unsigned bytesPerChannel(const PpuParams &p) {
  return (p.bias.empty() ? 0 : kBiasEntryBytes) +
         (p.form == PpuForm::PerChannel ? kMultEntryBytes + kShiftEntryBytes
                                        : 0) +
         (p.form == PpuForm::ShiftTable ? kKshiftEntryBytes : 0);
}

void align(std::vector<uint8_t> &bytes) {
  while (bytes.size() % kPpuTableAlignment)
    bytes.push_back(0);
}

void appendI32(std::vector<uint8_t> &bytes, int32_t value) {
  const size_t at = bytes.size();
  bytes.resize(at + 4);
  storeLE<int32_t>(bytes.data() + at, value);
}

} // namespace

PpuImage packPpuTables(const PpuParams &p, size_t first, size_t count,
                       uint32_t base) {
  PpuImage image;
  std::vector<uint8_t> &bytes = image.bytes;
  PpuConfig &cfg = image.config;
  auto here = [&] { return base + static_cast<uint32_t>(bytes.size()); };
  const size_t end = first + count;
  if (!p.bias.empty()) {
    cfg.hasBias = true;
    cfg.biasAddr = here();
    for (size_t c = first; c < end; ++c)
      appendI32(bytes, p.bias[c]);
  }
  if (p.form == PpuForm::PerChannel) {
    cfg.perChannel = true;
    cfg.multAddr = here();
    for (size_t c = first; c < end; ++c)
      appendI32(bytes, p.mult[c]);
    cfg.shiftAddr = here();
    for (size_t c = first; c < end; ++c)
      bytes.push_back(static_cast<uint8_t>(p.shift[c]));
    align(bytes);
  }
  if (p.form == PpuForm::ShiftTable) {
    cfg.hasKshift = true;
    cfg.kshiftAddr = here();
    for (size_t c = first; c < end; ++c)
      bytes.push_back(static_cast<uint8_t>(p.kshift[c]));
    align(bytes);
  }
  if (!p.lut.empty()) {
    cfg.hasLut = true;
    cfg.lutAddr = here();
    for (int32_t v : p.lut)
      bytes.push_back(static_cast<uint8_t>(v));
  }
  // The per-layer registers (ignored by the per-channel form, which reads
  // its tables) hold the first entry.
  cfg.mult = p.mult.empty() ? 0 : p.mult[0];
  cfg.shift = p.shift.empty() ? 0 : static_cast<uint32_t>(p.shift[0]);
  cfg.outType = p.outType;
  cfg.outZp = p.outZp;
  cfg.clampMin = p.clampMin;
  cfg.clampMax = p.clampMax;
  cfg.doubleRound = p.doubleRound;
  return image;
}

size_t ppuMaxChannels(const PpuParams &p, size_t pbufBytes) {
  // Two byte tables may each leave an alignment gap.
  const size_t fixed = p.lut.size() + 2 * kPpuTableAlignment;
  if (pbufBytes < fixed)
    return 0;
  const unsigned perChannel = bytesPerChannel(p);
  return perChannel ? (pbufBytes - fixed) / perChannel : SIZE_MAX;
}

Result<PpuChannel> readPpuChannel(const PpuConfig &cfg, const uint8_t *pbuf,
                                  int64_t ch) {
  PpuChannel out;
  out.mult = cfg.perChannel
                 ? loadLE<int32_t>(pbuf + cfg.multAddr + kMultEntryBytes * ch)
                 : cfg.mult;
  out.shift = cfg.perChannel ? pbuf[cfg.shiftAddr + kShiftEntryBytes * ch]
                             : static_cast<int>(cfg.shift);
  if (cfg.hasKshift) {
    const int k = pbuf[cfg.kshiftAddr + kKshiftEntryBytes * ch];
    if (k > kMaxKshift)
      return makeError("channel ", ch, ": channel shift ", k, " exceeds ",
                       kMaxKshift);
    out.shift += k;
  }
  if (out.mult < 0)
    return makeError("channel ", ch, ": multiplier ", out.mult,
                     " is negative");
  if (out.shift < kMinScaleShift || out.shift > kMaxScaleShift)
    return makeError("channel ", ch, ": effective shift ", out.shift,
                     " is outside [", kMinScaleShift, ", ", kMaxScaleShift,
                     "]");
  out.bias = cfg.hasBias ? loadLE<int32_t>(pbuf + cfg.biasAddr +
                                           kBiasEntryBytes * ch)
                         : 0;
  return out;
}

size_t ppuTableRanges(const PpuConfig &cfg, int64_t first, int64_t last,
                      PbufRange (&out)[5]) {
  size_t n = 0;
  auto table = [&](uint32_t addr, unsigned entry, const char *what) {
    out[n++] = {addr + entry * first, addr + entry * last, what};
  };
  if (cfg.hasBias)
    table(cfg.biasAddr, kBiasEntryBytes, "bias table");
  if (cfg.perChannel) {
    table(cfg.multAddr, kMultEntryBytes, "multiplier table");
    table(cfg.shiftAddr, kShiftEntryBytes, "shift table");
  }
  if (cfg.hasKshift)
    table(cfg.kshiftAddr, kKshiftEntryBytes, "channel shift table");
  if (cfg.hasLut)
    out[n++] = {cfg.lutAddr, int64_t(cfg.lutAddr) + kPpuLutEntries, "LUT"};
  return n;
}

} // namespace npu::isa
