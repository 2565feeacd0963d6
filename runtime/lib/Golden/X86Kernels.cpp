//===- X86Kernels.cpp - Kernels for AVX-512 and VNNI hosts ----------------===//
//
// Compiled only when the compiler targets x86-64, with the AVX-512 flags
// of runtime/CMakeLists.txt (GCC is also told to auto-vectorize with
// 256-bit vectors, which suits the 16-lane blocks). The Machine selects
// this table only on hosts that have every feature (Machine.cpp), so no
// code of this file may run before that check: it has no static
// initializers, and it defines nothing the linker could merge with the
// baseline code of other files (PortableKernels.h is included into an
// anonymous namespace; everything else is intrinsics or always inlined).
//
// gemm's dot products use VNNI (vpdpbusd) and ppu is written in AVX-512
// intrinsics; the other kernels are the portable ones, vectorized by the
// compiler for AVX-512.
//
//===----------------------------------------------------------------------===//
#if !defined(__x86_64__) || !defined(__AVX512F__) || !defined(__AVX512BW__) || \
    !defined(__AVX512VL__) || !defined(__AVX512DQ__) ||                        \
    !defined(__AVX512VNNI__)
#error "X86Kernels.cpp needs x86-64 with the AVX-512 flags of CMakeLists.txt"
#endif

#include "Kernels.h"
#include "PortableKernels.h"

#include <immintrin.h>

#include <cstdint>
#include <cstring>

// GCC 12 warns about the unspecified pass-through operand inside some
// AVX-512 intrinsics (a false positive, GCC bug 105593).
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace npu::golden::kernels {
namespace {

/// Four input bytes broadcast to every 32-bit lane as unsigned x + 128.
inline __m512i quadOf(const uint8_t *x) {
  int32_t v;
  std::memcpy(&v, x, 4);
  return _mm512_xor_si512(_mm512_set1_epi32(v),
                          _mm512_set1_epi32(int32_t(0x80808080u)));
}

/// The last `tail` (< 4) input bytes as in quadOf, zero beyond.
inline __m512i tailQuadOf(const uint8_t *x, unsigned tail) {
  uint32_t v = 0;
  for (unsigned t = 0; t < tail; ++t)
    v |= uint32_t(x[t] ^ 0x80u) << (8 * t);
  return _mm512_set1_epi32(static_cast<int32_t>(v));
}

/// Kernels::gemmSums with VNNI: four rows at a time as unsigned x signed
/// byte dot products (vpdpbusd). With u = x + 128 (x ^ 0x80, 0..255),
/// sum (x - zp) * w = sum u * w - (128 + zp) * sum w; every intermediate is
/// below 2^24 in magnitude. The rows of the last group beyond k get u = 0.
/// Rows of `out` are `cols` apart.
void gemmSums(const GemmArgs &a) {
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

uint64_t gemmOrdered(const GemmArgs &a) { return gemmOrderedBody(a); }
uint64_t storeResults(const StoreArgs &a) { return storeResultsBody(a); }
void dwSums(const DwArgs &a) { dwSumsBody(a); }
uint64_t dwOrdered(const DwArgs &a) { return dwOrderedBody(a); }

/// apply_scale_32 of Kernels::ppu on 8 lanes: the 64-bit product and shift.
inline __m256i ppuScale(const PpuArgs &a, __m256i t, __mmask8 negative,
                        size_t c, __mmask8 keep) {
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

/// Kernels::ppu, 16 channels at a time: the portable kernel's integer
/// operations, with apply_scale_32 in two halves of 8 lanes.
PpuEvents ppu(const PpuArgs &a) {
  const __m512i intMax = _mm512_set1_epi32(INT32_MAX);
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
      const __m256i low = ppuScale(a, _mm512_castsi512_si256(t),
                                   static_cast<__mmask8>(negative), c,
                                   static_cast<__mmask8>(keep));
      const __m256i high = ppuScale(a, _mm512_extracti64x4_epi64(t, 1),
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

} // namespace

constexpr Kernels kAvx512VnniKernels{gemmSums, gemmOrdered, storeResults,
                                     dwSums,   dwOrdered,   ppu};

} // namespace npu::golden::kernels
