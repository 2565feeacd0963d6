//===- PpuTable.h - The PPU's requantization tables in PBUF -----*- C++ -*-===//
//
// The one definition of how the post-processing unit's parameters are laid
// out in PBUF and which values they may take. The compiler packs tables
// with packPpuTables, the golden executor and the simulator read them with
// readPpuChannel / ppuTableBytesPerChannel, and the access model and the
// verifier take their footprints and limits from here.
//
// Layout of one packed image (each table starts 4-byte aligned):
//   bias      int32 per channel              (when the layer has a bias)
//   mult      int32 per channel              (per-channel form)
//   shift     uint8 per channel              (per-channel form)
//   kshift    uint8 per channel, 0..15 (k_c)  (shift-table form, WESS)
//   lut       256 x int8, index = value + 128 (when the layer has a LUT)
//
//===----------------------------------------------------------------------===//
#ifndef NPU_ISA_PPUTABLE_H
#define NPU_ISA_PPUTABLE_H

#include "npu/Arch/ArchConfig.h"
#include "npu/Isa/Isa.h"
#include "npu/Support/Result.h"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace npu::isa {

/// Range of every effective shift of apply_scale_32 (ppu, vec.rescale).
inline constexpr int kMinScaleShift = 2;
inline constexpr int kMaxScaleShift = 62;
/// Largest per-channel shift k_c of the shift-table form (4 bits).
inline constexpr int kMaxKshift = 15;

/// Bytes per channel of each table, and the tables' alignment.
inline constexpr unsigned kBiasEntryBytes = 4;
inline constexpr unsigned kMultEntryBytes = 4;
inline constexpr unsigned kShiftEntryBytes = 1;
inline constexpr unsigned kKshiftEntryBytes = 1;
inline constexpr unsigned kPpuTableAlignment = 4;
/// Entries of the int8 output LUT.
inline constexpr unsigned kPpuLutEntries = 256;

/// The forms in which the PPU applies a layer's requantization:
/// one multiplier and shift (per layer); one multiplier, a base shift and
/// a 4-bit shift per channel (shift table, WESS); a multiplier and a shift
/// per channel (per channel).
enum class PpuForm : uint8_t { PerLayer, ShiftTable, PerChannel };

/// "per_layer", "shift_table", "per_channel".
std::string_view ppuFormName(PpuForm form);

/// The form a ppu.cfg applies.
PpuForm ppuFormOf(const PpuConfig &cfg);

/// Whether a PPU built with `rescale` (ArchConfig ppu.rescale) applies
/// `form`: each form includes the ones before it.
constexpr bool ppuSupports(PpuRescale rescale, PpuForm form) {
  return static_cast<int>(form) <= static_cast<int>(rescale);
}
static_assert(ppuSupports(PpuRescale::ShiftTable, PpuForm::ShiftTable) &&
                  !ppuSupports(PpuRescale::ShiftTable, PpuForm::PerChannel) &&
                  ppuSupports(PpuRescale::PerChannel, PpuForm::PerLayer),
              "PpuRescale and PpuForm list the forms in the same order");

/// PBUF bytes the per-channel tables of `cfg` hold for each channel.
unsigned ppuTableBytesPerChannel(const PpuConfig &cfg);

/// A layer's requantization parameters in one PPU form, for all its output
/// channels.
struct PpuParams {
  PpuForm form = PpuForm::PerLayer;
  /// One entry per channel; empty when the layer has no bias.
  std::vector<int32_t> bias;
  /// One entry per channel in the per-channel form, else one entry (the
  /// shift-table form's base shift).
  std::vector<int32_t> mult;
  std::vector<int32_t> shift;
  /// k_c per channel, shift-table form only.
  std::vector<int32_t> kshift;
  /// kPpuLutEntries int8 values, or empty.
  std::vector<int32_t> lut;
  DType outType = DType::I8;
  int32_t outZp = 0;
  int32_t clampMin = -128;
  int32_t clampMax = 127;
  bool doubleRound = false;
};

/// The PBUF image of channels [first, first + count) of `params`, placed at
/// PBUF address `base`, and the ppu.cfg that reads it (a `ppu` then counts
/// ch_offset from `first`).
struct PpuImage {
  std::vector<uint8_t> bytes;
  PpuConfig config;
};
PpuImage packPpuTables(const PpuParams &params, size_t first, size_t count,
                       uint32_t base = 0);

/// Most channels whose tables fit `pbufBytes` at once (every alignment gap
/// counted at its worst); SIZE_MAX when the tables do not grow with the
/// channel count, 0 when not even the fixed part fits.
size_t ppuMaxChannels(const PpuParams &params, size_t pbufBytes);

/// One channel's parameters as the PPU resolves them from `cfg` and PBUF.
struct PpuChannel {
  int32_t bias = 0;
  int32_t mult = 0;
  int shift = 0; ///< Effective shift, k_c included.
};
/// Fails (naming the channel) when the multiplier is negative, k_c exceeds
/// kMaxKshift or the effective shift is outside the scale-shift range.
/// `pbuf` must hold the channel's table entries.
Result<PpuChannel> readPpuChannel(const PpuConfig &cfg, const uint8_t *pbuf,
                                  int64_t channel);

/// A PBUF byte range [begin, end) a `ppu` instruction reads.
struct PbufRange {
  int64_t begin = 0, end = 0;
  const char *what = "";
};
/// The table ranges read by a `ppu` over channels [first, last), the LUT
/// included; returns how many of `out`'s entries were filled.
size_t ppuTableRanges(const PpuConfig &cfg, int64_t first, int64_t last,
                      PbufRange (&out)[5]);

} // namespace npu::isa

#endif // NPU_ISA_PPUTABLE_H
