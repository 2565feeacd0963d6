//===- Machine.cpp - Golden semantics of every instruction ----------------===//
//
// Each operator() below is the normative definition of one instruction; the
// pseudo-code in docs/isa.md is written from it. Operands are bounds-checked
// by checkInstruction before any of them runs.
//
// The simulator calls execute for the data of every instruction, so the hot
// instructions (gemm, vec.dwconv, ppu, DMA) run data-parallel kernels that
// compute exactly the pseudo-code's integers and events. A sum is reordered
// (e.g. into a dot product) only where no partial sum can leave the
// accumulator range for any input, so that every order gives the same bits
// and no event; otherwise the MACs run in the pseudo-code's order, fitted
// one by one, in parallel across independent accumulators. Kernels are
// plain C++ written for auto-vectorization; on x86-64 they are compiled a
// second time for AVX-512 (with hand-written VNNI gemm and AVX-512 ppu
// kernels) and chosen at run time. NPU_GOLDEN_KERNELS=portable in the
// environment, read when a Machine is constructed, forces the baseline
// kernels (the unit tests compare both).
//
//===----------------------------------------------------------------------===//
#include "npu/Golden/Machine.h"
#include "npu/Golden/Loader.h"

#include "npu/Golden/Arith.h"
#include "npu/Isa/PpuTable.h"
#include "npu/Program/Verify.h"
#include "npu/Support/ByteIO.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <limits>

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define NPU_X86_KERNELS 1
/// Code generation for hosts with AVX-512 F/BW/VL/DQ and VNNI. GCC is told
/// to auto-vectorize with 256-bit vectors, which suits the 16-lane blocks.
#define NPU_AVX512_FEATURES                                                    \
  "avx2,bmi,bmi2,fma,popcnt,avx512f,avx512bw,avx512vl,avx512dq,avx512cd,"      \
  "avx512vnni"
#if defined(__clang__)
#define NPU_TARGET_AVX512 __attribute__((target(NPU_AVX512_FEATURES)))
#else
#define NPU_TARGET_AVX512                                                      \
  __attribute__((target(NPU_AVX512_FEATURES ",prefer-vector-width=256")))
#endif
#else
#define NPU_X86_KERNELS 0
#endif

#if defined(__GNUC__)
#define NPU_ALWAYS_INLINE inline __attribute__((always_inline))
#define NPU_RESTRICT __restrict
#else
#define NPU_ALWAYS_INLINE inline
#define NPU_RESTRICT
#endif

namespace npu::golden {

using namespace isa;

namespace {

/// Reads one element, sign-extended (zero-extended for u8).
int64_t readElem(const std::vector<uint8_t> &buf, int64_t addr, DType t) {
  return loadElement(buf.data() + addr, t);
}

/// Writes one element, truncating `value` to the type's width.
void writeElem(std::vector<uint8_t> &buf, int64_t addr, DType t,
               int64_t value) {
  storeElement(buf.data() + addr, t, value);
}

/// Brings a sum back into a `bits`-wide accumulator under the overflow
/// policy, counting an event whenever it was out of range.
struct AccumulatorFit {
  AccumulatorFit(unsigned bits, OverflowPolicy policy)
      : bits(bits), policy(policy), lo(-(int64_t(1) << (bits - 1))),
        hi((int64_t(1) << (bits - 1)) - 1) {}

  int64_t operator()(int64_t value, uint64_t &events) const {
    if (value >= lo && value <= hi)
      return value;
    ++events;
    return policy == OverflowPolicy::Wrap ? wrapBits(value, bits)
                                          : std::clamp(value, lo, hi);
  }

  unsigned bits;
  OverflowPolicy policy;
  int64_t lo, hi;
};

/// Element address of a strided 2-D operand.
int64_t elemAddr(const Operand &op, int64_t i, int64_t j) {
  return op.addr + (i * op.strideOuter + j * op.strideInner) *
                       int64_t(elementBytes(op.type));
}

//===----------------------------------------------------------------------===//
// Bulk little-endian int32 access
//===----------------------------------------------------------------------===//

constexpr bool kLittleEndianHost =
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__)
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
#else
    false;
#endif

NPU_ALWAYS_INLINE int32_t loadI32(const uint8_t *p) {
  if (!kLittleEndianHost)
    return loadLE<int32_t>(p);
  int32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

NPU_ALWAYS_INLINE void storeI32(uint8_t *p, int32_t v) {
  if (!kLittleEndianHost)
    return storeLE<int32_t>(p, v);
  std::memcpy(p, &v, 4);
}

//===----------------------------------------------------------------------===//
// Exact accumulator arithmetic on int32 lanes
//===----------------------------------------------------------------------===//

/// fitAcc of docs/isa.md for acc_bits = B in 16..32, in int32 arithmetic
/// that vectorizes (AccumulatorFit is the int64 reference form).
struct LaneFit {
  explicit LaneFit(const AccumulatorFit &fit)
      : lo(static_cast<int32_t>(fit.lo)), hi(static_cast<int32_t>(fit.hi)),
        extendShift(32 - fit.bits),
        saturate(fit.policy == OverflowPolicy::Saturate) {}

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
  LaneShiftFit(const LaneFit &fit, unsigned shift)
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
// Kernels
//
// The *Body functions are portable C++ written for auto-vectorization. Each
// is instantiated for the baseline ISA and, on x86-64, once more inside an
// AVX-512 wrapper; gemm also has a VNNI dot product. Everything is exact
// integer arithmetic (no overflow in the types used), so all instantiations
// compute the same values and events.
//===----------------------------------------------------------------------===//

/// Largest |x - zp| of an int8 input x. Products with an int8 weight are at
/// most 255 * 128 = 32640 in magnitude and fit in int16.
int64_t maxAbsInput(int32_t zp) {
  return std::max(std::abs(-128 - zp), std::abs(127 - zp));
}

/// Columns (gemm) and channels (dwconv) go in blocks of kLanes, whose
/// accumulators stay in registers; the array's padded width is a multiple
/// (the VNNI kernel's 16 int32 lanes per 512-bit register rely on it).
constexpr size_t kLanes = 16;

/// One chunk of a gemm: `count` input vectors against the weight registers.
struct GemmArgs {
  const uint8_t *const *inputs;
  size_t count;
  unsigned k;
  int32_t zp;
  /// Columns computed (gemm's cols) and the padded width of the layouts.
  size_t cols, width;
  const int16_t *weightRows;
  const int8_t *weightQuads;
  /// -(128 + zp) * sum over r < k of W[r][c], per padded column (VNNI).
  const int32_t *negCorrection;
  LaneShiftFit shiftFit;
  /// Results, rows `cols` apart.
  int32_t *out;
};

/// Exact dot products, out[n][c] = sum over r < k of (x[r] - zp) * W[r][c].
/// Only valid where no ordered partial sum can leave the accumulator range
/// (then it is the ordered result before the shift). Lanes (8 or 16)
/// columns at a time.
template <size_t Lanes> NPU_ALWAYS_INLINE void gemmSumsBody(const GemmArgs &a) {
  const size_t width = a.width, cols = a.cols;
  const unsigned k = a.k;
  const auto zp = static_cast<int16_t>(a.zp);
  for (size_t n = 0; n < a.count; ++n) {
    const uint8_t *x = a.inputs[n];
    for (size_t col = 0; col < cols; col += Lanes) {
      int32_t s[Lanes] = {};
      for (unsigned r = 0; r < k; ++r) {
        const auto v = static_cast<int16_t>(static_cast<int8_t>(x[r]) - zp);
        const int16_t *NPU_RESTRICT w = a.weightRows + r * width + col;
        for (size_t c = 0; c < Lanes; ++c)
          s[c] += static_cast<int16_t>(v * w[c]);
      }
      std::copy_n(s, std::min(Lanes, cols - col), a.out + n * cols + col);
    }
  }
}

/// The gemm pseudo-code itself, vectorized across columns: every column's
/// accumulator is fitted after each MAC, in row order, then shifted.
/// out[n][c] is the fitted column sum; returns the events.
NPU_ALWAYS_INLINE uint64_t gemmOrderedBody(const GemmArgs &a) {
  constexpr size_t Lanes = kLanes;
  const LaneShiftFit shiftFit = a.shiftFit;
  const LaneFit fit = shiftFit.fit;
  const size_t width = a.width, cols = a.cols;
  const unsigned k = a.k;
  const auto zp = static_cast<int16_t>(a.zp);
  uint64_t events = 0;
  for (size_t n = 0; n < a.count; ++n) {
    const uint8_t *x = a.inputs[n];
    for (size_t col = 0; col < cols; col += Lanes) {
      int32_t p[Lanes] = {};
      uint32_t laneEvents[Lanes] = {};
      for (unsigned r = 0; r < k; ++r) {
        const auto v = static_cast<int16_t>(static_cast<int8_t>(x[r]) - zp);
        const int16_t *NPU_RESTRICT w = a.weightRows + r * width + col;
        for (size_t c = 0; c < Lanes; ++c)
          p[c] = fit.add(p[c], static_cast<int16_t>(v * w[c]), laneEvents[c]);
      }
      for (size_t c = 0; c < Lanes; ++c)
        p[c] = shiftFit(p[c], laneEvents[c]);
      // Columns beyond cols (weights of unused columns) do not count.
      const size_t used = std::min(Lanes, cols - col);
      std::copy_n(p, used, a.out + n * cols + col);
      for (size_t c = 0; c < used; ++c)
        events += laneEvents[c];
    }
  }
  return events;
}

/// Dot products 8 columns at a time for narrow arrays (compilers vectorize
/// the ordered body better at 16).
NPU_ALWAYS_INLINE void gemmSumsBody(const GemmArgs &a) {
  a.cols <= 8 ? gemmSumsBody<8>(a) : gemmSumsBody<kLanes>(a);
}

/// Writes gemm or dwconv results to abuf: dst(n)[c] = value << shift, or
/// fitAcc(dst(n)[c] + (value << shift)) when accumulating. The shifted
/// values must be in the accumulator range. Returns the events.
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

NPU_ALWAYS_INLINE uint64_t storeResultsBody(const StoreArgs &a) {
  // Locals, not loads through `a`, so that the compiler sees invariants.
  const LaneFit fit = a.fit;
  const unsigned shift = a.shift;
  size_t rows = a.count, cols = a.cols;
  if (a.valueStride == cols && a.dstStride == 4 * cols)
    cols *= rows, rows = 1; // both dense: one run
  uint64_t events = 0;
  for (size_t n = 0; n < rows; ++n) {
    const int32_t *NPU_RESTRICT v = a.values + n * a.valueStride;
    uint8_t *NPU_RESTRICT d = a.dst + n * a.dstStride;
    if (!a.accumulate) {
      for (size_t c = 0; c < cols; ++c)
        storeI32(d + 4 * c,
                 static_cast<int32_t>(static_cast<uint32_t>(v[c]) << shift));
      continue;
    }
    uint32_t rowEvents = 0;
    for (size_t c = 0; c < cols; ++c) {
      const auto p = static_cast<int32_t>(static_cast<uint32_t>(v[c]) << shift);
      storeI32(d + 4 * c, fit.add(loadI32(d + 4 * c), p, rowEvents));
    }
    events += rowEvents;
  }
  return events;
}

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

/// Exact sums over the taps; valid where no partial sum can overflow.
NPU_ALWAYS_INLINE void dwSumsBody(const DwArgs &a) {
  const uint8_t *window = a.window, *weights = a.weights;
  const int32_t *tapOffsets = a.tapOffsets;
  const size_t taps = a.taps, channels = a.channels;
  const auto zp = static_cast<int16_t>(a.zp);
  size_t c0 = 0;
  for (; c0 + kLanes <= channels; c0 += kLanes) {
    int32_t acc[kLanes] = {};
    for (size_t t = 0; t < taps; ++t) {
      const uint8_t *NPU_RESTRICT in = window + tapOffsets[t] + c0;
      const uint8_t *NPU_RESTRICT w = weights + t * channels + c0;
      for (size_t c = 0; c < kLanes; ++c)
        acc[c] += static_cast<int16_t>(
            static_cast<int16_t>(static_cast<int8_t>(in[c]) - zp) *
            static_cast<int8_t>(w[c]));
    }
    std::copy_n(acc, kLanes, a.out + c0);
  }
  for (size_t c = c0; c < channels; ++c) {
    int32_t acc = 0;
    for (size_t t = 0; t < taps; ++t)
      acc += (static_cast<int8_t>(window[tapOffsets[t] + c]) - zp) *
             static_cast<int8_t>(weights[t * channels + c]);
    a.out[c] = acc;
  }
}

/// The dwconv pseudo-code, vectorized across channels: each channel's
/// accumulator is fitted after every tap, taps in order. Returns the events.
NPU_ALWAYS_INLINE uint64_t dwOrderedBody(const DwArgs &a) {
  const LaneFit fit = a.fit;
  const uint8_t *window = a.window, *weights = a.weights;
  const int32_t *tapOffsets = a.tapOffsets;
  const size_t taps = a.taps, channels = a.channels;
  const auto zp = static_cast<int16_t>(a.zp);
  auto product = [zp](uint8_t in, uint8_t w) {
    return static_cast<int16_t>(
        static_cast<int16_t>(static_cast<int8_t>(in) - zp) *
        static_cast<int8_t>(w));
  };
  uint64_t events = 0;
  size_t c0 = 0;
  for (; c0 + kLanes <= channels; c0 += kLanes) {
    int32_t p[kLanes] = {};
    uint32_t laneEvents[kLanes] = {};
    for (size_t t = 0; t < taps; ++t) {
      const uint8_t *NPU_RESTRICT in = window + tapOffsets[t] + c0;
      const uint8_t *NPU_RESTRICT w = weights + t * channels + c0;
      for (size_t c = 0; c < kLanes; ++c)
        p[c] = fit.add(p[c], product(in[c], w[c]), laneEvents[c]);
    }
    std::copy_n(p, kLanes, a.out + c0);
    for (size_t c = 0; c < kLanes; ++c)
      events += laneEvents[c];
  }
  uint32_t tailEvents = 0;
  for (size_t c = c0; c < channels; ++c) {
    int32_t p = 0;
    for (size_t t = 0; t < taps; ++t)
      p = fit.add(p,
                  product(window[tapOffsets[t] + c], weights[t * channels + c]),
                  tailEvents);
    a.out[c] = p;
  }
  return events + tailEvents;
}

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

/// Channels c0 .. c0 + Count - 1 of one ppu pixel (Count = kLanes lets the
/// compiler vectorize with no remainder).
template <PpuStore Store, size_t Count>
NPU_ALWAYS_INLINE void ppuChannels(const PpuArgs &a, const uint8_t *from,
                                   uint8_t *to, size_t c0, size_t count,
                                   uint32_t &overflows, uint32_t &saturations) {
  const int32_t *NPU_RESTRICT bias = a.bias + c0;
  const int32_t *NPU_RESTRICT mult = a.mult + c0;
  const int64_t *NPU_RESTRICT shift = a.shift + c0;
  const int64_t *NPU_RESTRICT roundUp = a.roundUp + c0;
  const int64_t *NPU_RESTRICT roundDown = a.roundDown + c0;
  int32_t *NPU_RESTRICT row = a.row + c0;
  const bool saturateBias = a.saturateBias;
  const int32_t outZp = a.outZp, lo = a.lo, hi = a.hi, clampLo = a.clampLo,
                clampHi = a.clampHi;
  from += 4 * c0;
  to += c0 * (Store == PpuStore::Int16 ? 2 : 1);
  const size_t n = Count ? Count : count;
  for (size_t c = 0; c < n; ++c) {
    // fit32(acc + bias): wrap, or saturate, at 32 bits. On overflow both
    // addends have the exact sum's sign.
    const int32_t acc = loadI32(from + 4 * c);
    const auto sum = static_cast<int32_t>(static_cast<uint32_t>(acc) +
                                          static_cast<uint32_t>(bias[c]));
    const bool overflow = ((acc ^ sum) & (bias[c] ^ sum)) < 0;
    overflows += overflow;
    const int32_t bound = (acc >> 31) ^ std::numeric_limits<int32_t>::max();
    const int32_t t = (overflow & saturateBias) ? bound : sum;
    // apply_scale_32: |t * M| < 2^62, the rounding term <= 2^61 + 2^30.
    const int64_t round = t >= 0 ? roundUp[c] : roundDown[c];
    const auto r = static_cast<int32_t>(static_cast<uint64_t>(
        (int64_t(t) * int64_t(mult[c]) + round) >> shift[c]));
    const auto v = static_cast<int32_t>(static_cast<uint32_t>(r) +
                                        static_cast<uint32_t>(outZp));
    saturations += (v < lo) | (v > hi);
    // std::clamp's order, also for an empty range (clampLo > clampHi).
    const int32_t out = v < clampLo ? clampLo : std::min(v, clampHi);
    if (Store == PpuStore::Byte)
      to[c] = static_cast<uint8_t>(out);
    else if (Store == PpuStore::Int16)
      storeLE<int16_t>(to + 2 * c, static_cast<int16_t>(out));
    else
      row[c] = out;
  }
}

template <PpuStore Store>
NPU_ALWAYS_INLINE PpuEvents ppuBody(const PpuArgs &a) {
  const size_t channels = a.channels;
  PpuEvents events;
  for (size_t px = 0; px < a.pixels; ++px) {
    const uint8_t *from = a.src + px * a.srcStride;
    uint8_t *to = a.dst + px * a.dstStride;
    uint32_t overflows = 0, saturations = 0;
    size_t c0 = 0;
    for (; c0 + kLanes <= channels; c0 += kLanes)
      ppuChannels<Store, kLanes>(a, from, to, c0, kLanes, overflows,
                                 saturations);
    if (c0 < channels)
      ppuChannels<Store, 0>(a, from, to, c0, channels - c0, overflows,
                            saturations);
    if (Store == PpuStore::Lut)
      for (size_t c = 0; c < channels; ++c)
        to[c] = a.lut[a.row[c] + 128];
    events.accOverflow += overflows;
    events.saturation += saturations;
  }
  return events;
}

NPU_ALWAYS_INLINE PpuEvents ppuBody(const PpuArgs &a) {
  switch (a.store) {
  case PpuStore::Byte:
    return ppuBody<PpuStore::Byte>(a);
  case PpuStore::Int16:
    return ppuBody<PpuStore::Int16>(a);
  case PpuStore::Lut:
    return ppuBody<PpuStore::Lut>(a);
  }
  return {};
}

/// The kernels of one host instruction set.
struct Kernels {
  void (*gemmSums)(const GemmArgs &);
  uint64_t (*gemmOrdered)(const GemmArgs &);
  uint64_t (*storeResults)(const StoreArgs &);
  void (*dwSums)(const DwArgs &);
  uint64_t (*dwOrdered)(const DwArgs &);
  PpuEvents (*ppu)(const PpuArgs &);
};

void gemmSumsPortable(const GemmArgs &a) { gemmSumsBody(a); }
uint64_t gemmOrderedPortable(const GemmArgs &a) { return gemmOrderedBody(a); }
uint64_t storeResultsPortable(const StoreArgs &a) {
  return storeResultsBody(a);
}
void dwSumsPortable(const DwArgs &a) { dwSumsBody(a); }
uint64_t dwOrderedPortable(const DwArgs &a) { return dwOrderedBody(a); }
PpuEvents ppuPortable(const PpuArgs &a) { return ppuBody(a); }

constexpr Kernels kPortableKernels{gemmSumsPortable,     gemmOrderedPortable,
                                   storeResultsPortable, dwSumsPortable,
                                   dwOrderedPortable,    ppuPortable};

#if NPU_X86_KERNELS
// GCC 12 warns about the unspecified pass-through operand inside some
// AVX-512 intrinsics (a false positive, GCC bug 105593).
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

/// Four input bytes broadcast to every 32-bit lane as unsigned x + 128.
NPU_TARGET_AVX512 inline __m512i quadOf(const uint8_t *x) {
  int32_t v;
  std::memcpy(&v, x, 4);
  return _mm512_xor_si512(_mm512_set1_epi32(v),
                          _mm512_set1_epi32(int32_t(0x80808080u)));
}

/// The last `tail` (< 4) input bytes as in quadOf, zero beyond.
NPU_TARGET_AVX512 inline __m512i tailQuadOf(const uint8_t *x, unsigned tail) {
  uint32_t v = 0;
  for (unsigned t = 0; t < tail; ++t)
    v |= uint32_t(x[t] ^ 0x80u) << (8 * t);
  return _mm512_set1_epi32(static_cast<int32_t>(v));
}

/// gemmSumsBody with VNNI: four rows at a time as unsigned x signed byte
/// dot products (vpdpbusd). With u = x + 128 (x ^ 0x80, 0..255),
/// sum (x - zp) * w = sum u * w - (128 + zp) * sum w; every intermediate is
/// below 2^24 in magnitude. The rows of the last group beyond k get u = 0.
/// Rows of `out` are `cols` apart.
NPU_TARGET_AVX512 void gemmSumsAvx512(const GemmArgs &a) {
  const unsigned groups = a.k / 4, tail = a.k % 4;
  const int8_t *quads = a.weightQuads;
  const int8_t *tailQuads = quads + groups * a.width * 4;
  const size_t cols = a.cols;
  for (size_t col = 0; col < cols; col += 16) {
    const __mmask16 keep = cols - col >= 16
                               ? __mmask16(0xffff)
                               : __mmask16((1u << (cols - col)) - 1);
    const __m512i start = _mm512_loadu_si512(a.negCorrection + col);
    size_t n = 0;
    // Four vectors at a time share each weight load and hide latency.
    for (; n + 4 <= a.count; n += 4) {
      const uint8_t *x0 = a.inputs[n], *x1 = a.inputs[n + 1],
                    *x2 = a.inputs[n + 2], *x3 = a.inputs[n + 3];
      __m512i s0 = start, s1 = start, s2 = start, s3 = start;
      for (unsigned g = 0; g < groups; ++g) {
        const __m512i w = _mm512_loadu_si512(quads + (g * a.width + col) * 4);
        s0 = _mm512_dpbusd_epi32(s0, quadOf(x0 + 4 * g), w);
        s1 = _mm512_dpbusd_epi32(s1, quadOf(x1 + 4 * g), w);
        s2 = _mm512_dpbusd_epi32(s2, quadOf(x2 + 4 * g), w);
        s3 = _mm512_dpbusd_epi32(s3, quadOf(x3 + 4 * g), w);
      }
      if (tail) {
        const __m512i w = _mm512_loadu_si512(tailQuads + col * 4);
        s0 = _mm512_dpbusd_epi32(s0, tailQuadOf(x0 + 4 * groups, tail), w);
        s1 = _mm512_dpbusd_epi32(s1, tailQuadOf(x1 + 4 * groups, tail), w);
        s2 = _mm512_dpbusd_epi32(s2, tailQuadOf(x2 + 4 * groups, tail), w);
        s3 = _mm512_dpbusd_epi32(s3, tailQuadOf(x3 + 4 * groups, tail), w);
      }
      _mm512_mask_storeu_epi32(a.out + n * cols + col, keep, s0);
      _mm512_mask_storeu_epi32(a.out + (n + 1) * cols + col, keep, s1);
      _mm512_mask_storeu_epi32(a.out + (n + 2) * cols + col, keep, s2);
      _mm512_mask_storeu_epi32(a.out + (n + 3) * cols + col, keep, s3);
    }
    for (; n < a.count; ++n) {
      const uint8_t *x = a.inputs[n];
      __m512i s = start;
      for (unsigned g = 0; g < groups; ++g)
        s = _mm512_dpbusd_epi32(
            s, quadOf(x + 4 * g),
            _mm512_loadu_si512(quads + (g * a.width + col) * 4));
      if (tail)
        s = _mm512_dpbusd_epi32(s, tailQuadOf(x + 4 * groups, tail),
                                _mm512_loadu_si512(tailQuads + col * 4));
      _mm512_mask_storeu_epi32(a.out + n * cols + col, keep, s);
    }
  }
}

NPU_TARGET_AVX512 uint64_t gemmOrderedAvx512(const GemmArgs &a) {
  return gemmOrderedBody(a);
}
NPU_TARGET_AVX512 uint64_t storeResultsAvx512(const StoreArgs &a) {
  return storeResultsBody(a);
}
NPU_TARGET_AVX512 void dwSumsAvx512(const DwArgs &a) { dwSumsBody(a); }
NPU_TARGET_AVX512 uint64_t dwOrderedAvx512(const DwArgs &a) {
  return dwOrderedBody(a);
}
/// ppuBody for 16 channels at a time: the same integer operations, with
/// apply_scale_32's 64-bit product and shift in two halves of 8 lanes.
NPU_TARGET_AVX512 inline __m256i ppuScaleAvx512(const PpuArgs &a, __m256i t,
                                                __mmask8 negative, size_t c,
                                                __mmask8 keep) {
  const __m512i t64 = _mm512_cvtepi32_epi64(t);
  const __m512i m64 =
      _mm512_cvtepi32_epi64(_mm256_maskz_loadu_epi32(keep, a.mult + c));
  const __m512i round = _mm512_mask_blend_epi64(
      negative, _mm512_maskz_loadu_epi64(keep, a.roundUp + c),
      _mm512_maskz_loadu_epi64(keep, a.roundDown + c));
  const __m512i shift = _mm512_maskz_loadu_epi64(keep, a.shift + c);
  const __m512i x = _mm512_add_epi64(_mm512_mul_epi32(t64, m64), round);
  return _mm512_cvtepi64_epi32(_mm512_srav_epi64(x, shift));
}

NPU_TARGET_AVX512 PpuEvents ppuAvx512(const PpuArgs &a) {
  const __m512i intMax = _mm512_set1_epi32(std::numeric_limits<int32_t>::max());
  const __m512i outZp = _mm512_set1_epi32(a.outZp);
  const __m512i lo = _mm512_set1_epi32(a.lo), hi = _mm512_set1_epi32(a.hi);
  const __m512i clampLo = _mm512_set1_epi32(a.clampLo);
  const __m512i clampHi = _mm512_set1_epi32(a.clampHi);
  PpuEvents events;
  for (size_t px = 0; px < a.pixels; ++px) {
    const uint8_t *from = a.src + px * a.srcStride;
    uint8_t *to = a.dst + px * a.dstStride;
    for (size_t c = 0; c < a.channels; c += 16) {
      const size_t left = a.channels - c;
      const auto keep =
          static_cast<__mmask16>(left >= 16 ? 0xffffu : (1u << left) - 1);
      const __m512i acc = _mm512_maskz_loadu_epi32(keep, from + 4 * c);
      const __m512i bias = _mm512_maskz_loadu_epi32(keep, a.bias + c);
      const __m512i sum = _mm512_add_epi32(acc, bias);
      const __mmask16 overflow = _mm512_movepi32_mask(_mm512_and_si512(
          _mm512_xor_si512(acc, sum), _mm512_xor_si512(bias, sum)));
      events.accOverflow += __builtin_popcount(overflow & keep);
      const __m512i t =
          a.saturateBias
              ? _mm512_mask_blend_epi32(
                    overflow, sum,
                    _mm512_xor_si512(_mm512_srai_epi32(acc, 31), intMax))
              : sum;
      const __mmask16 negative = _mm512_movepi32_mask(t);
      const __m256i low = ppuScaleAvx512(a, _mm512_castsi512_si256(t),
                                         static_cast<__mmask8>(negative), c,
                                         static_cast<__mmask8>(keep));
      const __m256i high =
          ppuScaleAvx512(a, _mm512_extracti64x4_epi64(t, 1),
                         static_cast<__mmask8>(negative >> 8), c + 8,
                         static_cast<__mmask8>(keep >> 8));
      const __m512i v = _mm512_add_epi32(
          _mm512_inserti64x4(_mm512_castsi256_si512(low), high, 1), outZp);
      const __mmask16 saturated =
          _mm512_cmplt_epi32_mask(v, lo) | _mm512_cmpgt_epi32_mask(v, hi);
      events.saturation += __builtin_popcount(saturated & keep);
      const __m512i out =
          _mm512_mask_blend_epi32(_mm512_cmplt_epi32_mask(v, clampLo),
                                  _mm512_min_epi32(v, clampHi), clampLo);
      switch (a.store) {
      case PpuStore::Byte:
        _mm512_mask_cvtepi32_storeu_epi8(to + c, keep, out);
        break;
      case PpuStore::Int16:
        _mm512_mask_cvtepi32_storeu_epi16(to + 2 * c, keep, out);
        break;
      case PpuStore::Lut:
        _mm512_mask_storeu_epi32(a.row + c, keep, out);
        break;
      }
    }
    if (a.store == PpuStore::Lut)
      for (size_t c = 0; c < a.channels; ++c)
        to[c] = a.lut[a.row[c] + 128];
  }
  return events;
}

constexpr Kernels kAvx512Kernels{gemmSumsAvx512,     gemmOrderedAvx512,
                                 storeResultsAvx512, dwSumsAvx512,
                                 dwOrderedAvx512,    ppuAvx512};

bool hostHasAvx512Vnni() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") &&
         __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512cd") &&
         __builtin_cpu_supports("avx512vnni") &&
         __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
         __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
         __builtin_cpu_supports("popcnt");
}

#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif // NPU_X86_KERNELS

/// Scratch space of `size` int32s, grown on demand and kept.
int32_t *scratchOf(std::vector<int32_t> &scratch, size_t size) {
  if (scratch.size() < size)
    scratch.resize(size);
  return scratch.data();
}

} // namespace

Machine::Machine(const ArchConfig &config, uint64_t dramSize)
    : arch(config), dramBytes(dramSize, 0) {
  for (unsigned b = 0; b < sramBytes.size(); ++b)
    sramBytes[b].assign(bufferBytes(config, static_cast<Buffer>(b)), 0);
  weightsT.assign(size_t(config.array.rows) * config.array.cols, 0);
  paddedCols = (size_t(config.array.cols) + kLanes - 1) / kLanes * kLanes;
#if NPU_X86_KERNELS
  static const bool hasAvx512Vnni = hostHasAvx512Vnni();
  const char *kernels = std::getenv("NPU_GOLDEN_KERNELS");
  const bool portable = kernels && std::strcmp(kernels, "portable") == 0;
  if (hasAvx512Vnni && !portable)
    simd = Simd::Avx512Vnni;
#endif
  repackWeights();
}

void Machine::repackWeights() {
  const size_t rows = arch.array.rows, cols = arch.array.cols;
  weightRows.assign(rows * paddedCols, 0);
  weightQuads.assign((rows + 3) / 4 * paddedCols * 4, 0);
  columnSums.assign((rows + 1) * cols, 0);
  columnAbsSums.assign((rows + 1) * cols, 0);
  for (size_t r = 0; r < rows; ++r)
    for (size_t c = 0; c < cols; ++c) {
      const int16_t w = weightsT[c * rows + r];
      weightRows[r * paddedCols + c] = w;
      weightQuads[((r / 4) * paddedCols + c) * 4 + r % 4] =
          static_cast<int8_t>(w);
      columnSums[(r + 1) * cols + c] = columnSums[r * cols + c] + w;
      columnAbsSums[(r + 1) * cols + c] =
          columnAbsSums[r * cols + c] + std::abs(w);
    }
}

std::vector<uint8_t> &Machine::sram(Buffer buffer) {
  return sramBytes[static_cast<unsigned>(buffer)];
}

struct Machine::Exec {
  /// Most input vectors a gemm kernel call takes.
  static constexpr size_t kMaxGemmChunk = 64;

  Machine &m;
  Counters &counters;

  std::vector<uint8_t> &buf(Buffer b) { return m.sram(b); }
  AccumulatorFit accFit() const {
    return AccumulatorFit(static_cast<unsigned>(m.arch.array.accBits),
                          m.arch.array.overflow);
  }

  Status operator()(const Halt &) { return Status::success(); }
  Status operator()(const Token &) { return Status::success(); }

  Status operator()(const DmaLoad &d) {
    std::vector<uint8_t> &dst = buf(d.buf);
    const uint32_t rowsTotal = d.padTop + d.rows + d.padBottom;
    const int64_t leftBytes = int64_t(d.padLeft) * d.elemBytes;
    const int64_t dataBytes = int64_t(d.cols) * d.elemBytes;
    const int64_t rightBytes = int64_t(d.padRight) * d.elemBytes;
    const int64_t rowBytes = leftBytes + dataBytes + rightBytes;
    if (rowsTotal == 0 || rowBytes == 0)
      return Status::success();
    const auto pad = static_cast<uint8_t>(d.padValue);
    // Rows do not overlap (checked), DRAM is not a scratchpad: each row is
    // padding, data and padding, in any order.
    for (uint32_t r = 0; r < rowsTotal; ++r) {
      uint8_t *row = dst.data() + d.sramAddr + int64_t(r) * d.sramRowStride;
      if (r < d.padTop || r >= d.padTop + d.rows) {
        std::memset(row, pad, rowBytes);
        continue;
      }
      std::memset(row, pad, leftBytes);
      std::memset(row + leftBytes + dataBytes, pad, rightBytes);
      if (dataBytes == 0)
        continue;
      const uint8_t *src = m.dramBytes.data() + d.dramAddr +
                           int64_t(r - d.padTop) * d.dramRowStride;
      uint8_t *out = row + leftBytes;
      if (d.dramColStride == d.elemBytes) {
        std::memcpy(out, src, dataBytes);
        continue;
      }
      for (uint32_t c = 0; c < d.cols; ++c)
        std::memcpy(out + int64_t(c) * d.elemBytes,
                    src + int64_t(c) * d.dramColStride, d.elemBytes);
    }
    return Status::success();
  }

  Status operator()(const DmaStore &d) {
    const std::vector<uint8_t> &src = buf(d.buf);
    const int64_t rowBytes = int64_t(d.cols) * d.elemBytes;
    if (d.rows == 0 || rowBytes == 0)
      return Status::success();
    // Rows in order: DRAM rows and elements may overlap (the later wins).
    for (uint32_t r = 0; r < d.rows; ++r) {
      uint8_t *to =
          m.dramBytes.data() + d.dramAddr + int64_t(r) * d.dramRowStride;
      const uint8_t *from =
          src.data() + d.sramAddr + int64_t(r) * d.sramRowStride;
      if (d.dramColStride == d.elemBytes) {
        std::memcpy(to, from, rowBytes);
      } else if (d.dramColStride == 0) {
        // Every element lands on the same bytes; the last one stays.
        std::memcpy(to, from + rowBytes - d.elemBytes, d.elemBytes);
      } else {
        for (uint32_t c = 0; c < d.cols; ++c)
          std::memcpy(to + int64_t(c) * d.dramColStride,
                      from + int64_t(c) * d.elemBytes, d.elemBytes);
      }
    }
    return Status::success();
  }

  Status operator()(const LoadWeights &l) {
    const std::vector<uint8_t> &wbuf = buf(Buffer::WBuf);
    const unsigned rows = m.arch.array.rows;
    std::fill(m.weightsT.begin(), m.weightsT.end(), 0);
    for (uint32_t r = 0; r < l.rows; ++r)
      for (uint32_t c = 0; c < l.cols; ++c) {
        const int64_t rowAddr = int64_t(l.wAddr) + int64_t(r) * l.wStride;
        int32_t w;
        if (l.int4) {
          uint8_t byte = wbuf[rowAddr + c / 2];
          int nibble = (c % 2 == 0) ? (byte & 0xf) : (byte >> 4);
          w = nibble >= 8 ? nibble - 16 : nibble;
        } else {
          w = static_cast<int8_t>(wbuf[rowAddr + c]);
        }
        m.weightsT[size_t(c) * rows + r] = static_cast<int16_t>(w);
      }
    m.repackWeights();
    return Status::success();
  }

  const Kernels &kernels() const {
#if NPU_X86_KERNELS
    if (m.simd == Simd::Avx512Vnni)
      return kAvx512Kernels;
#endif
    return kPortableKernels;
  }

  Status operator()(const Gemm &g) {
    const uint64_t vectors = uint64_t(g.outH) * g.outW;
    counters.macs += vectors * g.cols * g.k;
    if (vectors == 0)
      return Status::success();
    const Kernels &kernel = kernels();
    const std::vector<uint8_t> &ibuf = buf(Buffer::IBuf);
    std::vector<uint8_t> &abuf = buf(Buffer::ABuf);
    const AccumulatorFit fit = accFit();
    const size_t arrayCols = m.arch.array.cols, width = m.paddedCols;

    // If no partial sum of a column can leave the accumulator range for
    // any input, the column is a plain dot product: every summation order
    // gives the same bits and no event. Otherwise the columns are
    // accumulated as written (in order, fitted after every MAC).
    const int64_t maxInput = maxAbsInput(g.inZp);
    const int32_t *absSums = m.columnAbsSums.data() + g.k * arrayCols;
    bool ordered = false;
    for (uint32_t c = 0; c < g.cols; ++c)
      ordered |= maxInput * absSums[c] > (fit.hi >> g.accShift);

    // Chunks of vectors whose results stay in L1.
    const size_t chunk = std::clamp<size_t>(4096 / width, 1, kMaxGemmChunk);
    int32_t *out = scratchOf(m.scratch, chunk * width + width);
    int32_t *negCorrection = out + chunk * width;
    if (!ordered) {
      const int32_t *sums = m.columnSums.data() + g.k * arrayCols;
      std::fill_n(negCorrection, width, 0);
      for (size_t c = 0; c < arrayCols; ++c)
        negCorrection[c] = -(128 + g.inZp) * sums[c];
    }
    GemmArgs args{/*inputs=*/nullptr,
                  /*count=*/0,
                  g.k,
                  g.inZp,
                  g.cols,
                  width,
                  m.weightRows.data(),
                  m.weightQuads.data(),
                  negCorrection,
                  LaneShiftFit(LaneFit(fit), g.accShift),
                  out};
    StoreArgs store{/*values=*/out,
                    /*valueStride=*/g.cols,
                    /*count=*/0, g.cols,
                    /*dst=*/nullptr,
                    /*dstStride=*/g.accStride,
                    // The ordered kernel's results are already shifted.
                    /*shift=*/ordered ? 0 : g.accShift, g.accumulate,
                    LaneFit(fit)};

    std::array<const uint8_t *, kMaxGemmChunk> inputs;
    args.inputs = inputs.data();
    uint32_t y = 0, x = 0;
    for (uint64_t first = 0; first < vectors; first += chunk) {
      args.count = std::min<uint64_t>(chunk, vectors - first);
      for (size_t i = 0; i < args.count; ++i) {
        inputs[i] = ibuf.data() + g.inAddr + int64_t(y) * g.inStrideY +
                    int64_t(x) * g.inStrideX;
        if (++x == g.outW)
          x = 0, ++y;
      }
      if (ordered)
        counters.accOverflow += kernel.gemmOrdered(args);
      else
        kernel.gemmSums(args);
      store.count = args.count;
      store.dst = abuf.data() + g.accAddr + first * g.accStride;
      counters.accOverflow += kernel.storeResults(store);
    }
    return Status::success();
  }

  Status operator()(const PpuConfig &p) {
    m.ppu = p;
    return Status::success();
  }

  Status operator()(const Ppu &p) {
    const PpuConfig &cfg = *m.ppu;
    const std::vector<uint8_t> &pbuf = buf(Buffer::PBuf);
    const size_t channels = p.channels;
    int32_t *biases = scratchOf(m.scratch, 3 * channels);
    int32_t *mults = biases + channels, *row = mults + channels;
    if (m.scratchWide.size() < 3 * channels)
      m.scratchWide.resize(3 * channels);
    int64_t *shifts = m.scratchWide.data(), *roundUp = shifts + channels;
    int64_t *roundDown = roundUp + channels;
    // Resolve per-channel parameters first so an invalid table entry
    // changes nothing.
    for (uint32_t c = 0; c < p.channels; ++c) {
      Result<PpuChannel> params =
          readPpuChannel(cfg, pbuf.data(), int64_t(p.chOffset) + c);
      if (!params)
        return params.error();
      const int shift = params->shift;
      mults[c] = params->mult;
      shifts[c] = shift;
      biases[c] = params->bias;
      // apply_scale_32's rounding term (Arith.h).
      const int64_t round = int64_t(1) << (shift - 1);
      const int64_t doubleRound =
          cfg.doubleRound && shift > 31 ? int64_t(1) << 30 : 0;
      roundUp[c] = round + doubleRound;
      roundDown[c] = round - doubleRound;
    }
    if (p.pixels == 0 || p.channels == 0)
      return Status::success(); // no operand addresses to form
    const auto lo = static_cast<int32_t>(elementMin(cfg.outType));
    const auto hi = static_cast<int32_t>(elementMax(cfg.outType));
    const PpuArgs args{buf(Buffer::ABuf).data() + p.srcAddr,
                       p.srcStride,
                       p.pixels,
                       channels,
                       buf(p.dstBuf).data() + p.dstAddr,
                       p.dstStride,
                       cfg.hasLut                  ? PpuStore::Lut
                       : cfg.outType == DType::I16 ? PpuStore::Int16
                                                   : PpuStore::Byte,
                       cfg.hasLut ? pbuf.data() + cfg.lutAddr : nullptr,
                       biases,
                       mults,
                       shifts,
                       roundUp,
                       roundDown,
                       m.arch.array.overflow == OverflowPolicy::Saturate,
                       cfg.outZp,
                       lo,
                       hi,
                       std::max(cfg.clampMin, lo),
                       std::min(cfg.clampMax, hi),
                       row};
    const PpuEvents events = kernels().ppu(args);
    counters.accOverflow += events.accOverflow;
    counters.saturation += events.saturation;
    return Status::success();
  }

  Status operator()(const DwConv &d) {
    counters.macs += uint64_t(d.outH) * d.outW * d.channels * d.kh * d.kw;
    if (uint64_t(d.outH) * d.outW == 0)
      return Status::success();
    const Kernels &kernel = kernels();
    const std::vector<uint8_t> &ibuf = buf(Buffer::IBuf);
    const uint8_t *weights = buf(Buffer::WBuf).data() + d.wAddr;
    std::vector<uint8_t> &abuf = buf(Buffer::ABuf);
    const AccumulatorFit fit = accFit();
    const size_t channels = d.channels, taps = size_t(d.kh) * d.kw;
    // With depth_mult > 1 each pixel's window is first gathered into
    // [tap][output channel] bytes.
    const bool gather = d.depthMult != 1;
    const size_t gatherWords = gather ? (taps * channels + 3) / 4 : 0;
    int32_t *out = scratchOf(m.scratch, channels + 2 * taps + gatherWords);
    int32_t *tapOffsets = out + channels, *denseOffsets = tapOffsets + taps;
    auto *gathered = reinterpret_cast<uint8_t *>(denseOffsets + taps);
    for (uint32_t ky = 0; ky < d.kh; ++ky)
      for (uint32_t kx = 0; kx < d.kw; ++kx) {
        const size_t t = size_t(ky) * d.kw + kx;
        tapOffsets[t] =
            static_cast<int32_t>(int64_t(ky) * d.dilH * d.inRowStride +
                                 int64_t(kx) * d.dilW * d.inPixStride);
        denseOffsets[t] = static_cast<int32_t>(t * channels);
      }

    // As for gemm: sums whose partial sums provably stay in range for any
    // input are plain sums; otherwise every channel accumulates as written.
    const int64_t maxInput = maxAbsInput(d.inZp);
    bool ordered = false;
    for (size_t oc = 0; oc < channels && !ordered; ++oc) {
      int64_t absSum = 0;
      for (size_t t = 0; t < taps; ++t)
        absSum += std::abs(static_cast<int8_t>(weights[t * channels + oc]));
      ordered = maxInput * absSum > fit.hi;
    }

    DwArgs args{/*window=*/nullptr,
                /*tapOffsets=*/gather ? denseOffsets : tapOffsets,
                taps,
                weights,
                channels,
                d.inZp,
                LaneFit(fit),
                out};
    StoreArgs store{/*values=*/out,
                    /*valueStride=*/channels,
                    /*count=*/1,
                    /*cols=*/channels,
                    /*dst=*/nullptr,
                    /*dstStride=*/0,
                    /*shift=*/0,
                    d.accumulate,
                    LaneFit(fit)};
    for (uint32_t y = 0; y < d.outH; ++y)
      for (uint32_t x = 0; x < d.outW; ++x) {
        const uint8_t *window = ibuf.data() + d.inAddr +
                                int64_t(y) * d.strideH * d.inRowStride +
                                int64_t(x) * d.strideW * d.inPixStride;
        if (gather) {
          for (size_t t = 0; t < taps; ++t)
            for (size_t oc = 0; oc < channels; ++oc)
              gathered[t * channels + oc] =
                  window[tapOffsets[t] + oc / d.depthMult];
          window = gathered;
        }
        args.window = window;
        if (ordered)
          counters.accOverflow += kernel.dwOrdered(args);
        else
          kernel.dwSums(args);
        store.dst =
            abuf.data() + d.accAddr + (int64_t(y) * d.outW + x) * d.accStride;
        counters.accOverflow += kernel.storeResults(store);
      }
    return Status::success();
  }

  Status operator()(const Pool &p) {
    const std::vector<uint8_t> &ibuf = buf(Buffer::IBuf);
    std::vector<uint8_t> &dst = buf(p.dstBuf);
    for (uint32_t y = 0; y < p.outH; ++y)
      for (uint32_t x = 0; x < p.outW; ++x)
        for (uint32_t c = 0; c < p.channels; ++c) {
          int64_t sum = 0, best = std::numeric_limits<int64_t>::min();
          uint32_t count = 0;
          for (uint32_t ky = 0; ky < p.kh; ++ky)
            for (uint32_t kx = 0; kx < p.kw; ++kx) {
              const int64_t iy =
                  int64_t(y) * p.strideH + ky - int64_t(p.padTop);
              const int64_t ix =
                  int64_t(x) * p.strideW + kx - int64_t(p.padLeft);
              if (iy < 0 || iy >= p.inH || ix < 0 || ix >= p.inW)
                continue;
              const int64_t v = static_cast<int8_t>(
                  ibuf[p.inAddr + iy * p.inRowStride + ix * p.inPixStride + c]);
              ++count;
              sum += p.mode == PoolMode::AvgTosa ? v - p.inZp : v;
              best = std::max(best, v);
            }
          int64_t out = 0;
          switch (p.mode) {
          case PoolMode::Max:
            out = best;
            break;
          case PoolMode::AvgTosa: {
            const ScaleFactor scale = reciprocalScale(count);
            const int32_t r =
                applyScale32(wrap32(sum), scale.multiplier, scale.shift, false);
            out = wrap32(int64_t(r) + p.outZp);
            if (out < -128 || out > 127)
              ++counters.saturation;
            out = std::clamp<int64_t>(out, -128, 127);
            break;
          }
          case PoolMode::AvgTflite:
            out = tfliteRoundedDivide(wrap32(sum), static_cast<int32_t>(count));
            break;
          }
          out = std::clamp<int64_t>(out, p.clampMin, p.clampMax);
          dst[p.dstAddr + (int64_t(y) * p.outW + x) * p.channels + c] =
              static_cast<uint8_t>(out);
        }
    return Status::success();
  }

  Status operator()(const Rescale &r) {
    std::vector<uint8_t> &src = buf(r.src.buf);
    std::vector<uint8_t> &dst = buf(r.dst.buf);
    const int64_t lo = elementMin(r.dst.type), hi = elementMax(r.dst.type);
    for (uint32_t i = 0; i < r.nOuter; ++i)
      for (uint32_t j = 0; j < r.nInner; ++j) {
        const int32_t value =
            wrap32(readElem(src, elemAddr(r.src, i, j), r.src.type) - r.inZp);
        const int32_t scaled = applyScale32(
            value, r.mult, static_cast<int>(r.shift), r.doubleRound);
        int64_t v = wrap32(int64_t(scaled) + r.outZp);
        if (v < lo || v > hi)
          ++counters.saturation;
        v = std::clamp(v, lo, hi);
        const int64_t to = elemAddr(r.dst, i, j);
        if (r.accumulate)
          v = wrap32(readElem(dst, to, DType::I32) + v);
        writeElem(dst, to, r.dst.type, v);
      }
    return Status::success();
  }

  static int64_t clampShift(int64_t s, DType type) {
    return std::clamp<int64_t>(s, 0, elementBits(type) - 1);
  }

  Status operator()(const Alu &a) {
    std::vector<uint8_t> &s1 = buf(a.src1.buf);
    std::vector<uint8_t> &s2 = buf(a.src2.buf);
    std::vector<uint8_t> &dst = buf(a.dst.buf);
    const unsigned width = elementBits(a.src1.type);
    const uint64_t mask =
        width >= 64 ? ~uint64_t(0) : ((uint64_t(1) << width) - 1);
    const bool unary = a.op == AluOp::Clz || a.op == AluOp::Abs ||
                       a.op == AluOp::Neg || a.op == AluOp::Copy;
    for (uint32_t i = 0; i < a.nOuter; ++i)
      for (uint32_t j = 0; j < a.nInner; ++j) {
        const int64_t x = readElem(s1, elemAddr(a.src1, i, j), a.src1.type);
        const int64_t y =
            unary ? 0 : readElem(s2, elemAddr(a.src2, i, j), a.src2.type);
        int64_t v = 0;
        switch (a.op) {
        case AluOp::Add:
          v = x + y;
          break;
        case AluOp::Sub:
          v = x - y;
          break;
        case AluOp::Mul:
          v = x * y;
          if (a.shift > 0)
            v = (v + (int64_t(1) << (a.shift - 1))) >> a.shift;
          break;
        case AluOp::Max:
          v = std::max(x, y);
          break;
        case AluOp::Min:
          v = std::min(x, y);
          break;
        case AluOp::Shl:
          v = static_cast<int64_t>(static_cast<uint64_t>(x)
                                   << clampShift(y, a.src1.type));
          break;
        case AluOp::AShr: {
          const int64_t s = clampShift(y, a.src1.type);
          v = x >> s;
          if (a.round && s > 0 && ((x >> (s - 1)) & 1))
            v += 1;
          break;
        }
        case AluOp::LShr:
          v = static_cast<int64_t>((static_cast<uint64_t>(x) & mask) >>
                                   clampShift(y, a.src1.type));
          break;
        case AluOp::And:
          v = x & y;
          break;
        case AluOp::Or:
          v = x | y;
          break;
        case AluOp::Xor:
          v = x ^ y;
          break;
        case AluOp::Clz: {
          const uint64_t u = static_cast<uint64_t>(x) & mask;
          int64_t n = 0;
          for (int bit = static_cast<int>(width) - 1; bit >= 0; --bit, ++n)
            if ((u >> bit) & 1)
              break;
          v = n;
          break;
        }
        case AluOp::Abs:
          v = x < 0 ? -x : x;
          break;
        case AluOp::Neg:
          v = -x;
          break;
        case AluOp::Copy:
          v = x;
          break;
        }
        writeElem(dst, elemAddr(a.dst, i, j), a.dst.type, v);
      }
    return Status::success();
  }

  Status operator()(const Reduce &r) {
    std::vector<uint8_t> &src = buf(r.srcBuf);
    std::vector<uint8_t> &dst = buf(r.dstBuf);
    const int64_t size = elementBytes(r.srcType);
    const Operand out{r.dstBuf, r.dstAddr, r.dstType, r.dstStrideOuter,
                      r.dstStrideInner};
    for (uint32_t i = 0; i < r.nOuter; ++i)
      for (uint32_t j = 0; j < r.nInner; ++j) {
        int64_t acc = 0;
        for (uint32_t k = 0; k < r.nRed; ++k) {
          const int64_t addr = r.srcAddr + (int64_t(i) * r.srcStrideOuter +
                                            int64_t(k) * r.srcStrideRed +
                                            int64_t(j) * r.srcStrideInner) *
                                               size;
          const int64_t v = readElem(src, addr, r.srcType);
          if (k == 0)
            acc = v;
          else if (r.op == ReduceOp::Sum)
            acc += v; // at most 2^16 terms of 32 bits: no 64-bit overflow
          else if (r.op == ReduceOp::Max)
            acc = std::max(acc, v);
          else
            acc = std::min(acc, v);
        }
        writeElem(dst, elemAddr(out, i, j), r.dstType, acc);
      }
    return Status::success();
  }

  Status operator()(const Table &t) {
    std::vector<uint8_t> &src = buf(t.src.buf);
    std::vector<uint8_t> &dst = buf(t.dst.buf);
    const std::vector<uint8_t> &pbuf = buf(Buffer::PBuf);
    std::vector<int16_t> table16;
    if (t.mode == TableMode::I16) {
      table16.resize(513);
      for (unsigned e = 0; e < 513; ++e)
        table16[e] = loadLE<int16_t>(pbuf.data() + t.tableAddr + 2 * e);
    }
    for (uint32_t i = 0; i < t.nOuter; ++i)
      for (uint32_t j = 0; j < t.nInner; ++j) {
        const int64_t x = readElem(src, elemAddr(t.src, i, j), t.src.type);
        int64_t v;
        if (t.mode == TableMode::I8)
          v = static_cast<int8_t>(pbuf[t.tableAddr + (x + 128)]);
        else
          v = tableLookup16(table16.data(), static_cast<int32_t>(x));
        writeElem(dst, elemAddr(t.dst, i, j), t.dst.type, v);
      }
    return Status::success();
  }
};

Status Machine::execute(const Instruction &instr, Counters &counters) {
  NPU_TRY(
      checkInstruction(instr, arch, dramBytes.size(), ppu ? &*ppu : nullptr));
  Counters local;
  Exec exec{*this, local};
  Status status = std::visit(exec, instr);
  if (!status)
    return status;
  ++local.instructions;
  counters += local;
  return Status::success();
}

Status checkInputTensor(const Program &program, size_t index,
                        const Tensor &tensor) {
  const TensorDesc &desc = program.tensors[index];
  if (tensor.type != desc.type)
    return makeError("input '", desc.name, "' expects ",
                     elementTypeName(desc.type), ", got ",
                     elementTypeName(tensor.type));
  if (tensor.shape != desc.shape)
    return makeError("input '", desc.name, "' expects shape ",
                     formatShape(desc.shape), ", got ",
                     formatShape(tensor.shape));
  if (tensor.data.size() != desc.byteSize())
    return makeError("input '", desc.name, "' holds ", tensor.data.size(),
                     " bytes, expected ", desc.byteSize());
  return Status::success();
}

Result<RunResult> runProgram(const Program &program,
                             const std::vector<Tensor> &inputs) {
  NPU_TRY(verifyProgram(program));
  Result<ArchConfig> config = program.recordedArch();
  if (!config)
    return config.error();
  if (program.dramSize > static_cast<uint64_t>(config->dramBytes()))
    return makeError("program needs ", program.dramSize,
                     " bytes of DRAM, the configuration provides ",
                     config->dramBytes());
  Machine machine(*config, program.dramSize);
  NPU_TRY(loadProgram(machine, program, inputs));

  std::vector<uint32_t> layerOf(program.instructions.size(),
                                DebugRange::kNoLayer);
  for (const DebugRange &r : program.debug)
    std::fill_n(layerOf.begin() + r.firstInstr, r.numInstrs, r.layer);

  RunResult result;
  result.perLayer.resize(program.layers.size());
  for (size_t i = 0; i < program.instructions.size(); ++i) {
    Counters counters;
    Status status = machine.execute(program.instructions[i], counters);
    if (!status)
      return status.error().withContext(
          "instruction " + std::to_string(i) + " (" +
          mnemonicOf(program.instructions[i]) + ")");
    result.total += counters;
    if (layerOf[i] != DebugRange::kNoLayer)
      result.perLayer[layerOf[i]] += counters;
  }

  result.outputs = readOutputs(machine, program);
  return result;
}

} // namespace npu::golden
