//===- PortableKernels.h - Kernels for auto-vectorization -------*- C++ -*-===//
//
// Internal to NpuGolden. The portable kernels of Kernels.h: plain C++ for
// the compiler to vectorize, each computing exactly what the reference
// (Reference.cpp) computes for the cases the Machine hands it. Included by
// PortableKernels.cpp (baseline code generation) and X86Kernels.cpp
// (AVX-512 code generation); everything is in an anonymous namespace or
// always inlined, so that each includer keeps its own copy, compiled for
// its own instruction set.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_GOLDEN_LIB_PORTABLEKERNELS_H
#define NPU_GOLDEN_LIB_PORTABLEKERNELS_H

#include "Kernels.h"

#include <cstdint>
#include <cstring>

#if !(defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
#include "npu/Support/ByteIO.h"
#endif

namespace npu::golden::kernels {
namespace {

//===----------------------------------------------------------------------===//
// Little-endian scratchpad words
//===----------------------------------------------------------------------===//

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
NPU_ALWAYS_INLINE int32_t loadI32(const uint8_t *p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
NPU_ALWAYS_INLINE void storeI32(uint8_t *p, int32_t v) {
  std::memcpy(p, &v, 4);
}
NPU_ALWAYS_INLINE void storeI16(uint8_t *p, int16_t v) {
  std::memcpy(p, &v, 2);
}
#else
NPU_ALWAYS_INLINE int32_t loadI32(const uint8_t *p) {
  return loadLE<int32_t>(p);
}
NPU_ALWAYS_INLINE void storeI32(uint8_t *p, int32_t v) {
  storeLE<int32_t>(p, v);
}
NPU_ALWAYS_INLINE void storeI16(uint8_t *p, int16_t v) {
  storeLE<int16_t>(p, v);
}
#endif

/// std::min, and std::copy_n of int32s, private to each includer: nothing
/// of the standard library is instantiated with X86Kernels.cpp's code
/// generation. (The ordered gemm copies its results as fast as before only
/// with this form of the copy.)
template <typename T> inline const T &minOf(const T &a, const T &b) {
  return b < a ? b : a;
}
inline void copyInts(const int32_t *from, size_t count, int32_t *to) {
  if (count)
    std::memmove(to, from, count * sizeof(int32_t));
}

//===----------------------------------------------------------------------===//
// gemm
//===----------------------------------------------------------------------===//

/// Kernels::gemmSums, Lanes (8 or 16) columns at a time.
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
      copyInts(s, minOf(Lanes, cols - col), a.out + n * cols + col);
    }
  }
}

/// Kernels::gemmSums: 8 columns at a time for narrow arrays (compilers
/// vectorize the ordered body better at 16).
NPU_ALWAYS_INLINE void gemmSumsBody(const GemmArgs &a) {
  a.cols <= 8 ? gemmSumsBody<8>(a) : gemmSumsBody<kLanes>(a);
}

/// Kernels::gemmOrdered, vectorized across columns. out[n][c] is the
/// fitted, shifted column sum.
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
      const size_t used = minOf(Lanes, cols - col);
      copyInts(p, used, a.out + n * cols + col);
      for (size_t c = 0; c < used; ++c)
        events += laneEvents[c];
    }
  }
  return events;
}

/// Kernels::storeResults.
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

//===----------------------------------------------------------------------===//
// vec.dwconv
//===----------------------------------------------------------------------===//

/// Kernels::dwSums.
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
    std::memcpy(a.out + c0, acc, sizeof acc);
  }
  for (size_t c = c0; c < channels; ++c) {
    int32_t acc = 0;
    for (size_t t = 0; t < taps; ++t)
      acc += (static_cast<int8_t>(window[tapOffsets[t] + c]) - zp) *
             static_cast<int8_t>(weights[t * channels + c]);
    a.out[c] = acc;
  }
}

/// Kernels::dwOrdered, vectorized across channels.
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
    std::memcpy(a.out + c0, p, sizeof p);
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

//===----------------------------------------------------------------------===//
// ppu
//===----------------------------------------------------------------------===//

/// Channels c0 .. c0 + Count - 1 of one ppu pixel (Count = kLanes lets the
/// compiler vectorize with no remainder; Count = 0 takes `count`).
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
    const int32_t bound = (acc >> 31) ^ INT32_MAX;
    const int32_t t = (overflow & saturateBias) ? bound : sum;
    // apply_scale_32: |t * M| < 2^62, the rounding term <= 2^61 + 2^30.
    const int64_t round = t >= 0 ? roundUp[c] : roundDown[c];
    const auto r = static_cast<int32_t>(static_cast<uint64_t>(
        (int64_t(t) * int64_t(mult[c]) + round) >> shift[c]));
    const auto v = static_cast<int32_t>(static_cast<uint32_t>(r) +
                                        static_cast<uint32_t>(outZp));
    saturations += (v < lo) | (v > hi);
    // std::clamp's order, also for an empty range (clampLo > clampHi).
    const int32_t out = v < clampLo ? clampLo : minOf(v, clampHi);
    if (Store == PpuStore::Byte)
      to[c] = static_cast<uint8_t>(out);
    else if (Store == PpuStore::Int16)
      storeI16(to + 2 * c, static_cast<int16_t>(out));
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

/// Kernels::ppu.
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

} // namespace
} // namespace npu::golden::kernels

#endif // NPU_GOLDEN_LIB_PORTABLEKERNELS_H
