//===- Kernels.h - Data-parallel kernels of the golden executor -*- C++ -*-===//
//
// Internal to NpuGolden. The Machine (Machine.cpp) runs the hot
// instructions (gemm, vec.dwconv, ppu) through a table of kernels that
// compute exactly the integers and events of the reference semantics
// (Reference.cpp) for the cases the Machine hands them. This header
// declares the kernels' arguments and the table; the kernels are
//   PortableKernels.h    plain C++ written for auto-vectorization,
//   PortableKernels.cpp  ... compiled for the baseline instruction set,
//   X86Kernels.cpp       ... compiled for AVX-512, with hand-written VNNI
//                        gemm and AVX-512 ppu kernels (x86-64 only).
// The Machine picks a table when it is constructed.
//
// Everything here is exact integer arithmetic with no overflow in the
// types used, so every table computes the same values and events.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_GOLDEN_LIB_KERNELS_H
#define NPU_GOLDEN_LIB_KERNELS_H

#include <cstddef>
#include <cstdint>

// Nothing here may need out-of-line code: X86Kernels.cpp includes this
// header with AVX-512 code generation, and an inline function emitted there
// could be the copy the linker keeps for every caller.
#if defined(__GNUC__)
#define NPU_ALWAYS_INLINE inline __attribute__((always_inline))
#define NPU_RESTRICT __restrict
#else
#define NPU_ALWAYS_INLINE inline
#define NPU_RESTRICT
#endif

namespace npu::golden::kernels {

/// Columns (gemm) and channels (dwconv, ppu) go in blocks of kLanes, whose
/// accumulators stay in registers; the array's padded width is a multiple
/// (the VNNI kernel's 16 int32 lanes per 512-bit register rely on it).
constexpr size_t kLanes = 16;

//===----------------------------------------------------------------------===//
// Exact accumulator arithmetic on int32 lanes
//===----------------------------------------------------------------------===//

/// fitAcc of docs/isa.md for acc_bits = B in 16..32, in int32 arithmetic
/// that vectorizes (Reference.cpp has the int64 form).
struct LaneFit {
  NPU_ALWAYS_INLINE LaneFit(unsigned bits, bool saturate)
      : lo(static_cast<int32_t>(-(int64_t(1) << (bits - 1)))),
        hi(static_cast<int32_t>((int64_t(1) << (bits - 1)) - 1)),
        extendShift(32 - bits), saturate(saturate) {}

  /// fitAcc(a + b) for any int32 a, b, counting an event in `events`. The
  /// exact sum lies within (-2^32, 2^32): when the wrapped 32-bit sum
  /// overflowed, the exact sum is out of range and has the operands' sign;
  /// otherwise the wrapped sum is exact. Wrapping to B bits only needs the
  /// low 32 bits.
  NPU_ALWAYS_INLINE int32_t add(int32_t a, int32_t b, uint32_t &events) const {
    const auto sum = static_cast<int32_t>(static_cast<uint32_t>(a) +
                                          static_cast<uint32_t>(b));
    const bool wrapped32 = ((a ^ sum) & (b ^ sum)) < 0;
    const bool below = sum < lo;
    const bool event = wrapped32 | below | (sum > hi);
    events += event;
    const bool negative = (wrapped32 & (a < 0)) | (!wrapped32 & below);
    return fix(sum, event, negative);
  }

  /// `value` if !event, else the policy's result for an out-of-range value
  /// with those low 32 bits and that sign. Branch-free, so that it
  /// vectorizes under either policy.
  NPU_ALWAYS_INLINE int32_t fix(int32_t value, bool event,
                                bool negative) const {
    const int32_t bound = hi ^ ((lo ^ hi) & -int32_t(negative));
    const int32_t fixed = saturate ? bound : extend(value);
    return value ^ ((value ^ fixed) & -int32_t(event));
  }

  /// Sign-extends the low B bits.
  NPU_ALWAYS_INLINE int32_t extend(int32_t v) const {
    return static_cast<int32_t>(static_cast<uint32_t>(v) << extendShift) >>
           extendShift;
  }

  int32_t lo, hi;
  unsigned extendShift;
  bool saturate;
};

/// fitAcc(p * 2^shift) (gemm's acc_shift) for p in the accumulator range.
struct LaneShiftFit {
  NPU_ALWAYS_INLINE LaneShiftFit(const LaneFit &fit, unsigned shift)
      : fit(fit), shift(shift),
        // The p with p * 2^shift in [lo, hi].
        pLo(static_cast<int32_t>(-((-int64_t(fit.lo)) >> shift))),
        pHi(fit.hi >> shift) {}

  NPU_ALWAYS_INLINE int32_t operator()(int32_t p, uint32_t &events) const {
    const auto shifted =
        static_cast<int32_t>(static_cast<uint32_t>(p) << shift);
    const bool event = (p < pLo) | (p > pHi);
    events += event;
    // Wrapping keeps the low B bits of p * 2^shift, those of `shifted`.
    return fit.fix(shifted, event, p < 0);
  }

  LaneFit fit;
  unsigned shift;
  int32_t pLo, pHi;
};

//===----------------------------------------------------------------------===//
// Kernel arguments
//===----------------------------------------------------------------------===//

/// One chunk of a gemm: `count` input vectors against the weight registers.
struct GemmArgs {
  const uint8_t *const *inputs;
  size_t count;
  unsigned k;
  int32_t zp;
  /// Columns computed (gemm's cols) and the padded width of the layouts.
  size_t cols, width;
  /// W[r][c] row-major, [row][width].
  const int16_t *weightRows;
  /// W in groups of four rows, [row / 4][width][row % 4] (VNNI).
  const int8_t *weightQuads;
  /// -(128 + zp) * sum over r < k of W[r][c], per padded column (VNNI).
  const int32_t *negCorrection;
  LaneShiftFit shiftFit;
  /// Results, rows `cols` apart.
  int32_t *out;
};

/// Writes gemm or dwconv results to abuf: dst(n)[c] = value << shift, or
/// fitAcc(dst(n)[c] + (value << shift)) when accumulating. The shifted
/// values must be in the accumulator range.
struct StoreArgs {
  const int32_t *values;
  size_t valueStride;
  size_t count, cols;
  uint8_t *dst;
  size_t dstStride;
  unsigned shift;
  bool accumulate;
  LaneFit fit;
};

/// One output pixel of a depthwise convolution with depth multiplier 1
/// (callers gather the input otherwise): tap t of channel c reads
/// window[tapOffsets[t] + c] and weights[t * channels + c].
struct DwArgs {
  const uint8_t *window;
  const int32_t *tapOffsets;
  size_t taps;
  const uint8_t *weights;
  size_t channels;
  int32_t zp;
  LaneFit fit;
  int32_t *out;
};

/// How the ppu writes a result.
enum class PpuStore { Byte, Int16, Lut };

/// A whole ppu instruction (docs/isa.md), parameters resolved per channel:
/// dst[px][c] = lut?(clamp(saturate(wrap32(apply_scale_32(
///     fit32(acc[px][c] + bias[c]), M[c], S[c]) + zp)))).
struct PpuArgs {
  const uint8_t *src;
  size_t srcStride, pixels, channels;
  uint8_t *dst;
  size_t dstStride;
  PpuStore store;
  const uint8_t *lut;
  /// Per channel: bias, multiplier, shift, and apply_scale_32's rounding
  /// term for non-negative and for negative values.
  const int32_t *bias, *mult;
  const int64_t *shift, *roundUp, *roundDown;
  bool saturateBias;
  int32_t outZp, lo, hi, clampLo, clampHi;
  /// Scratch for one row of clamped results (LUT only).
  int32_t *row;
};

struct PpuEvents {
  uint64_t accOverflow = 0;
  uint64_t saturation = 0;
};

//===----------------------------------------------------------------------===//
// Kernel tables
//===----------------------------------------------------------------------===//

/// The kernels of one host instruction set.
struct Kernels {
  /// Exact dot products, out[n][c] = sum over r < k of (x[r] - zp) * W[r][c].
  /// Only valid where no ordered partial sum can leave the accumulator
  /// range (then it is the ordered result before the shift).
  void (*gemmSums)(const GemmArgs &);
  /// The gemm pseudo-code itself: every column's accumulator fitted after
  /// each MAC, in row order, then shifted. Returns the events.
  uint64_t (*gemmOrdered)(const GemmArgs &);
  /// Returns the events.
  uint64_t (*storeResults)(const StoreArgs &);
  /// Exact sums over the taps; valid where no partial sum can overflow.
  void (*dwSums)(const DwArgs &);
  /// The dwconv pseudo-code: each channel's accumulator fitted after every
  /// tap, taps in order. Returns the events.
  uint64_t (*dwOrdered)(const DwArgs &);
  PpuEvents (*ppu)(const PpuArgs &);
};

/// The baseline instruction set's kernels (PortableKernels.cpp).
extern const Kernels kPortableKernels;

#if NPU_GOLDEN_X86_KERNELS
/// Kernels for x86-64 hosts with AVX-512 F/BW/VL/DQ/CD and VNNI, and the
/// AVX2, BMI, BMI2, FMA and POPCNT they imply (X86Kernels.cpp). Only for
/// hosts that have them all.
extern const Kernels kAvx512VnniKernels;
#endif

} // namespace npu::golden::kernels

#endif // NPU_GOLDEN_LIB_KERNELS_H
