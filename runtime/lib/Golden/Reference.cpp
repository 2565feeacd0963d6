//===- Reference.cpp - Normative semantics of every instruction -----------===//
//
// One function per instruction, each a transcription of its pseudo-code in
// docs/isa.md: 64-bit integers, loops in the pseudo-code's order, one
// fitAcc, fit32 or saturate wherever it names one. Operands were checked by
// checkInstruction (execute below, or the Machine) before any of these runs.
//
//===----------------------------------------------------------------------===//
#include "npu/Golden/Reference.h"

#include "npu/Golden/Arith.h"
#include "npu/Isa/PpuTable.h"
#include "npu/Program/Verify.h"
#include "npu/Support/ByteIO.h"
#include "npu/Support/ElementType.h"

#include <algorithm>
#include <limits>

namespace npu::golden {

using namespace isa;

ArchState::ArchState(const ArchConfig &config, uint64_t dramSize)
    : arch(config), dram(dramSize, 0),
      weights(size_t(config.array.rows) * config.array.cols, 0) {
  for (unsigned b = 0; b < scratchpads.size(); ++b)
    scratchpads[b].assign(bufferBytes(config, static_cast<Buffer>(b)), 0);
}

namespace reference {

namespace {

/// fitAcc of docs/isa.md for a `bits`-wide accumulator (fit32 with
/// bits = 32) under the overflow policy, counting an event whenever its
/// input is out of range.
class AccumulatorFit {
public:
  AccumulatorFit(unsigned bits, OverflowPolicy policy)
      : bits(bits), saturate(policy == OverflowPolicy::Saturate) {}

  int64_t operator()(int64_t x, uint64_t &events) const {
    bool overflowed = false;
    const int64_t v = fitAccumulator(x, bits, saturate, overflowed);
    events += overflowed;
    return v;
  }

private:
  unsigned bits;
  bool saturate;
};

/// fitAcc for the array's and the vector unit's accumulators.
AccumulatorFit fitAcc(const ArchState &s) {
  return AccumulatorFit(static_cast<unsigned>(s.arch.array.accBits),
                        s.arch.array.overflow);
}

/// saturate(x, t): x clamped to range(t), counting an event when it was
/// outside.
int64_t saturate(int64_t x, DType type, uint64_t &events) {
  const int64_t lo = elementMin(type), hi = elementMax(type);
  if (x < lo || x > hi)
    ++events;
  return std::clamp(x, lo, hi);
}

/// abuf32[addr]: the little-endian int32 accumulator at byte `addr`.
int64_t loadAcc(const ArchState &s, int64_t addr) {
  return loadLE<int32_t>(s.sram(Buffer::ABuf).data() + addr);
}
void storeAcc(ArchState &s, int64_t addr, int64_t value) {
  storeLE<int32_t>(s.sram(Buffer::ABuf).data() + addr,
                   static_cast<int32_t>(value));
}

/// Reads one element, sign-extended (zero-extended for u8).
int64_t readElem(const std::vector<uint8_t> &buf, int64_t addr, DType type) {
  return loadElement(buf.data() + addr, type);
}

/// Writes one element, truncating `value` to the type's width.
void writeElem(std::vector<uint8_t> &buf, int64_t addr, DType type,
               int64_t value) {
  storeElement(buf.data() + addr, type, value);
}

/// Byte address of element (i, j) of a vector operand.
int64_t elemAddr(const Operand &op, int64_t i, int64_t j) {
  return op.addr + (i * op.strideOuter + j * op.strideInner) *
                       int64_t(elementBytes(op.type));
}

} // namespace

//===----------------------------------------------------------------------===//
// Control, DMA
//===----------------------------------------------------------------------===//

Status run(ArchState &, const Halt &, Counters &) { return Status::success(); }
Status run(ArchState &, const Token &, Counters &) { return Status::success(); }

Status run(ArchState &s, const DmaLoad &d, Counters &) {
  std::vector<uint8_t> &buf = s.sram(d.buf);
  for (uint32_t r = 0; r < d.padTop + d.rows + d.padBottom; ++r)
    for (uint32_t c = 0; c < d.padLeft + d.cols + d.padRight; ++c) {
      const int64_t dst = int64_t(d.sramAddr) + int64_t(r) * d.sramRowStride +
                          int64_t(c) * d.elemBytes;
      const bool padding = r < d.padTop || r >= d.padTop + d.rows ||
                           c < d.padLeft || c >= d.padLeft + d.cols;
      const int64_t src = int64_t(d.dramAddr) +
                          (int64_t(r) - d.padTop) * d.dramRowStride +
                          (int64_t(c) - d.padLeft) * d.dramColStride;
      for (uint32_t b = 0; b < d.elemBytes; ++b)
        buf[dst + b] =
            padding ? static_cast<uint8_t>(d.padValue) : s.dram[src + b];
    }
  return Status::success();
}

Status run(ArchState &s, const DmaStore &d, Counters &) {
  const std::vector<uint8_t> &buf = s.sram(d.buf);
  // In row-major order: where DRAM elements overlap, the later one wins.
  for (uint32_t r = 0; r < d.rows; ++r)
    for (uint32_t c = 0; c < d.cols; ++c) {
      const int64_t src = int64_t(d.sramAddr) + int64_t(r) * d.sramRowStride +
                          int64_t(c) * d.elemBytes;
      const int64_t dst = int64_t(d.dramAddr) + int64_t(r) * d.dramRowStride +
                          int64_t(c) * d.dramColStride;
      for (uint32_t b = 0; b < d.elemBytes; ++b)
        s.dram[dst + b] = buf[src + b];
    }
  return Status::success();
}

//===----------------------------------------------------------------------===//
// Systolic array
//===----------------------------------------------------------------------===//

Status run(ArchState &s, const LoadWeights &l, Counters &) {
  const std::vector<uint8_t> &wbuf = s.sram(Buffer::WBuf);
  const size_t cols = s.arch.array.cols;
  std::fill(s.weights.begin(), s.weights.end(), 0);
  for (uint32_t r = 0; r < l.rows; ++r)
    for (uint32_t c = 0; c < l.cols; ++c) {
      const int64_t row = int64_t(l.wAddr) + int64_t(r) * l.wStride;
      s.weights[r * cols + c] =
          static_cast<int8_t>(isa::weightAt(l, wbuf.data() + row, c));
    }
  return Status::success();
}

Status run(ArchState &s, const Gemm &g, Counters &counters) {
  const AccumulatorFit fit = fitAcc(s);
  uint64_t &events = counters.accOverflow;
  const std::vector<uint8_t> &ibuf = s.sram(Buffer::IBuf);
  for (uint32_t y = 0; y < g.outH; ++y)
    for (uint32_t x = 0; x < g.outW; ++x) {
      const int64_t in = int64_t(g.inAddr) + int64_t(y) * g.inStrideY +
                         int64_t(x) * g.inStrideX;
      for (uint32_t c = 0; c < g.cols; ++c) {
        int64_t p = 0;
        for (uint32_t r = 0; r < g.k; ++r) {
          const int64_t a = static_cast<int8_t>(ibuf[in + r]) - g.inZp;
          p = fit(p + a * s.weight(r, c), events);
        }
        p = fit(p * (int64_t(1) << g.accShift), events);
        const int64_t dst = int64_t(g.accAddr) +
                            (int64_t(y) * g.outW + x) * g.accStride + 4 * c;
        storeAcc(s, dst, g.accumulate ? fit(loadAcc(s, dst) + p, events) : p);
      }
    }
  counters.macs += uint64_t(g.outH) * g.outW * g.cols * g.k;
  return Status::success();
}

//===----------------------------------------------------------------------===//
// Post-processing unit
//===----------------------------------------------------------------------===//

Status run(ArchState &s, const PpuConfig &p, Counters &) {
  s.ppu = p;
  return Status::success();
}

Status run(ArchState &s, const Ppu &p, Counters &counters) {
  const PpuConfig &cfg = *s.ppu;
  const std::vector<uint8_t> &pbuf = s.sram(Buffer::PBuf);
  // Every channel's parameters first: an invalid entry changes nothing.
  // Transposed, the channels are the rows.
  std::vector<PpuChannel> channels;
  const uint32_t numChannels = p.transpose ? p.pixels : p.channels;
  for (uint32_t c = 0; c < numChannels; ++c) {
    Result<PpuChannel> channel =
        readPpuChannel(cfg, pbuf.data(), int64_t(p.chOffset) + c);
    if (!channel)
      return channel.error();
    channels.push_back(*channel);
  }
  const AccumulatorFit fit32(32, s.arch.array.overflow);
  const int64_t lo = std::max<int64_t>(cfg.clampMin, elementMin(cfg.outType));
  const int64_t hi = std::min<int64_t>(cfg.clampMax, elementMax(cfg.outType));
  std::vector<uint8_t> &dst = s.sram(p.dstBuf);
  const int64_t outSize = elementBytes(cfg.outType);
  for (uint32_t px = 0; px < p.pixels; ++px)
    for (uint32_t c = 0; c < p.channels; ++c) {
      const PpuChannel &ch = channels[p.transpose ? px : c];
      const int64_t acc =
          loadAcc(s, int64_t(p.srcAddr) + int64_t(px) * p.srcStride + 4 * c);
      const int64_t t = fit32(acc + ch.bias, counters.accOverflow);
      int64_t v = wrap32(int64_t(applyScale32(static_cast<int32_t>(t), ch.mult,
                                              ch.shift, cfg.doubleRound)) +
                         cfg.outZp);
      v = saturate(v, cfg.outType, counters.saturation);
      v = std::clamp(v, lo, hi);
      if (cfg.hasLut)
        v = static_cast<int8_t>(pbuf[cfg.lutAddr + v + 128]);
      const int64_t to =
          p.transpose
              ? int64_t(p.dstAddr) + int64_t(c) * p.dstStride + px * outSize
              : int64_t(p.dstAddr) + int64_t(px) * p.dstStride + c * outSize;
      writeElem(dst, to, cfg.outType, v);
    }
  return Status::success();
}

//===----------------------------------------------------------------------===//
// Vector unit
//===----------------------------------------------------------------------===//

Status run(ArchState &s, const DwConv &d, Counters &counters) {
  const AccumulatorFit fit = fitAcc(s);
  uint64_t &events = counters.accOverflow;
  const std::vector<uint8_t> &ibuf = s.sram(Buffer::IBuf);
  const std::vector<uint8_t> &wbuf = s.sram(Buffer::WBuf);
  for (uint32_t y = 0; y < d.outH; ++y)
    for (uint32_t x = 0; x < d.outW; ++x)
      for (uint32_t oc = 0; oc < d.channels; ++oc) {
        int64_t p = 0;
        for (uint32_t ky = 0; ky < d.kh; ++ky)
          for (uint32_t kx = 0; kx < d.kw; ++kx) {
            const int64_t in = int64_t(d.inAddr) +
                               (int64_t(y) * d.strideH + int64_t(ky) * d.dilH) *
                                   d.inRowStride +
                               (int64_t(x) * d.strideW + int64_t(kx) * d.dilW) *
                                   d.inPixStride +
                               oc / d.depthMult;
            const int64_t a = static_cast<int8_t>(ibuf[in]) - d.inZp;
            const int64_t w = static_cast<int8_t>(
                wbuf[int64_t(d.wAddr) + (int64_t(ky) * d.kw + kx) * d.channels +
                     oc]);
            p = fit(p + a * w, events);
          }
        const int64_t dst = int64_t(d.accAddr) +
                            (int64_t(y) * d.outW + x) * d.accStride + 4 * oc;
        storeAcc(s, dst, d.accumulate ? fit(loadAcc(s, dst) + p, events) : p);
      }
  counters.macs += uint64_t(d.outH) * d.outW * d.channels * d.kh * d.kw;
  return Status::success();
}

Status run(ArchState &s, const Pool &p, Counters &counters) {
  const std::vector<uint8_t> &ibuf = s.sram(Buffer::IBuf);
  std::vector<uint8_t> &dst = s.sram(p.dstBuf);
  for (uint32_t y = 0; y < p.outH; ++y)
    for (uint32_t x = 0; x < p.outW; ++x)
      for (uint32_t c = 0; c < p.channels; ++c) {
        int64_t sum = 0, best = std::numeric_limits<int64_t>::min();
        uint32_t count = 0;
        for (uint32_t ky = 0; ky < p.kh; ++ky)
          for (uint32_t kx = 0; kx < p.kw; ++kx) {
            const int64_t iy = int64_t(y) * p.strideH + ky - int64_t(p.padTop);
            const int64_t ix = int64_t(x) * p.strideW + kx - int64_t(p.padLeft);
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
          out = saturate(wrap32(int64_t(r) + p.outZp), DType::I8,
                         counters.saturation);
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

Status run(ArchState &s, const Rescale &r, Counters &counters) {
  std::vector<uint8_t> &src = s.sram(r.src.buf);
  std::vector<uint8_t> &dst = s.sram(r.dst.buf);
  for (uint32_t i = 0; i < r.nOuter; ++i)
    for (uint32_t j = 0; j < r.nInner; ++j) {
      const int32_t value =
          wrap32(readElem(src, elemAddr(r.src, i, j), r.src.type) - r.inZp);
      const int32_t scaled =
          applyScale32(value, r.mult, static_cast<int>(r.shift), r.doubleRound);
      int64_t v = saturate(wrap32(int64_t(scaled) + r.outZp), r.dst.type,
                           counters.saturation);
      const int64_t to = elemAddr(r.dst, i, j);
      if (r.accumulate)
        v = wrap32(readElem(dst, to, DType::I32) + v);
      writeElem(dst, to, r.dst.type, v);
    }
  return Status::success();
}

namespace {

/// A shift amount s = y of vec.alu, clamped to 0 .. w - 1.
int64_t clampShift(int64_t s, DType type) {
  return std::clamp<int64_t>(s, 0, elementBits(type) - 1);
}

/// One vec.alu result (before truncation to the destination type); `width`
/// is w, the bit width of src1's type, and `mask` has its low w bits set.
int64_t aluResult(const Alu &a, unsigned width, uint64_t mask, int64_t x,
                  int64_t y) {
  switch (a.op) {
  case AluOp::Add:
    return x + y;
  case AluOp::Sub:
    return x - y;
  case AluOp::Mul: {
    int64_t v = x * y;
    if (a.shift > 0)
      v = (v + (int64_t(1) << (a.shift - 1))) >> a.shift;
    return v;
  }
  case AluOp::Max:
    return std::max(x, y);
  case AluOp::Min:
    return std::min(x, y);
  case AluOp::Shl:
    return static_cast<int64_t>(static_cast<uint64_t>(x)
                                << clampShift(y, a.src1.type));
  case AluOp::AShr: {
    const int64_t s = clampShift(y, a.src1.type);
    int64_t v = x >> s;
    if (a.round && s > 0 && ((x >> (s - 1)) & 1))
      v += 1;
    return v;
  }
  case AluOp::LShr:
    return static_cast<int64_t>((static_cast<uint64_t>(x) & mask) >>
                                clampShift(y, a.src1.type));
  case AluOp::And:
    return x & y;
  case AluOp::Or:
    return x | y;
  case AluOp::Xor:
    return x ^ y;
  case AluOp::Clz: {
    const uint64_t u = static_cast<uint64_t>(x) & mask;
    int64_t n = 0;
    for (int bit = static_cast<int>(width) - 1; bit >= 0; --bit, ++n)
      if ((u >> bit) & 1)
        break;
    return n;
  }
  case AluOp::Abs:
    return x < 0 ? -x : x;
  case AluOp::Neg:
    return -x;
  case AluOp::Copy:
    return x;
  case AluOp::Recip:
    return reciprocalQ31(static_cast<int32_t>(x));
  }
  return 0;
}

} // namespace

Status run(ArchState &s, const Alu &a, Counters &) {
  std::vector<uint8_t> &s1 = s.sram(a.src1.buf);
  std::vector<uint8_t> &s2 = s.sram(a.src2.buf);
  std::vector<uint8_t> &dst = s.sram(a.dst.buf);
  const unsigned width = elementBits(a.src1.type);
  const uint64_t mask =
      width >= 64 ? ~uint64_t(0) : ((uint64_t(1) << width) - 1);
  const bool unary = isUnaryAluOp(a.op);
  for (uint32_t i = 0; i < a.nOuter; ++i)
    for (uint32_t j = 0; j < a.nInner; ++j) {
      const int64_t x = readElem(s1, elemAddr(a.src1, i, j), a.src1.type);
      const int64_t y =
          unary ? 0 : readElem(s2, elemAddr(a.src2, i, j), a.src2.type);
      writeElem(dst, elemAddr(a.dst, i, j), a.dst.type,
                aluResult(a, width, mask, x, y));
    }
  return Status::success();
}

Status run(ArchState &s, const Reduce &r, Counters &) {
  const std::vector<uint8_t> &src = s.sram(r.srcBuf);
  std::vector<uint8_t> &dst = s.sram(r.dstBuf);
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

Status run(ArchState &s, const Table &t, Counters &) {
  std::vector<uint8_t> &src = s.sram(t.src.buf);
  std::vector<uint8_t> &dst = s.sram(t.dst.buf);
  const std::vector<uint8_t> &pbuf = s.sram(Buffer::PBuf);
  std::vector<int16_t> table16;
  if (t.mode == TableMode::I16) {
    table16.resize(513);
    for (unsigned e = 0; e < 513; ++e)
      table16[e] = loadLE<int16_t>(pbuf.data() + t.tableAddr + 2 * e);
  }
  for (uint32_t i = 0; i < t.nOuter; ++i)
    for (uint32_t j = 0; j < t.nInner; ++j) {
      const int64_t x = readElem(src, elemAddr(t.src, i, j), t.src.type);
      int64_t v = 0;
      switch (t.mode) {
      case TableMode::I8:
        v = static_cast<int8_t>(pbuf[t.tableAddr + (x + 128)]);
        break;
      case TableMode::I16:
        v = tableLookup16(table16.data(), static_cast<int32_t>(x));
        break;
      case TableMode::I32:
        v = loadLE<int32_t>(pbuf.data() + t.tableAddr +
                            4 * (x - elementMin(t.src.type)));
        break;
      }
      writeElem(dst, elemAddr(t.dst, i, j), t.dst.type, v);
    }
  return Status::success();
}

Status run(ArchState &s, const EltwiseConfig &e, Counters &) {
  s.eltwise = e;
  return Status::success();
}

Status run(ArchState &s, const Eltwise &e, Counters &counters) {
  const EltwiseConfig &in = *s.eltwise;
  const PpuConfig &out = *s.ppu;
  const std::vector<uint8_t> &s1 = s.sram(e.src1.buf);
  const std::vector<uint8_t> &s2 = s.sram(e.src2.buf);
  std::vector<uint8_t> &dst = s.sram(e.dst.buf);
  const std::vector<uint8_t> &pbuf = s.sram(Buffer::PBuf);
  const int64_t lo = std::max<int64_t>(out.clampMin, elementMin(out.outType));
  const int64_t hi = std::min<int64_t>(out.clampMax, elementMax(out.outType));
  for (uint32_t i = 0; i < e.nOuter; ++i)
    for (uint32_t j = 0; j < e.nInner; ++j) {
      const int64_t x1 = readElem(s1, elemAddr(e.src1, i, j), e.src1.type);
      const int64_t x2 = readElem(s2, elemAddr(e.src2, i, j), e.src2.type);
      // The left shift is exact: |wrap32(x - zp)| << 31 <= 2^62.
      const int64_t a = applyScale32Wide(
          int64_t(wrap32(x1 - in.zp1)) * (int64_t(1) << in.leftShift),
          in.mult1, static_cast<int>(in.shift1), in.doubleRound1);
      const int64_t b = applyScale32Wide(
          int64_t(wrap32(x2 - in.zp2)) * (int64_t(1) << in.leftShift),
          in.mult2, static_cast<int>(in.shift2), in.doubleRound2);
      int64_t r = 0;
      switch (in.op) {
      case EltOp::Add:
        r = wrap32(a + b);
        break;
      case EltOp::Sub:
        r = wrap32(a - b);
        break;
      case EltOp::Mul: {
        int64_t product = a * b; // |a * b| <= 2^62
        if (in.mulShift > 0)
          product =
              (product + (int64_t(1) << (in.mulShift - 1))) >> in.mulShift;
        r = wrap32(product);
        break;
      }
      }
      int64_t v = wrap32(
          int64_t(applyScale32(static_cast<int32_t>(r), out.mult,
                               static_cast<int>(out.shift), out.doubleRound)) +
          out.outZp);
      v = saturate(v, out.outType, counters.saturation);
      v = std::clamp(v, lo, hi);
      if (out.hasLut)
        v = static_cast<int8_t>(pbuf[out.lutAddr + v + 128]);
      writeElem(dst, elemAddr(e.dst, i, j), e.dst.type, v);
    }
  return Status::success();
}

//===----------------------------------------------------------------------===//
// Execution
//===----------------------------------------------------------------------===//

Status check(const ArchState &state, const Instruction &instr) {
  return checkInstruction(instr, state.arch, state.dram.size(),
                          state.ppu ? &*state.ppu : nullptr,
                          state.eltwise ? &*state.eltwise : nullptr);
}

Status execute(ArchState &state, const Instruction &instr, Counters &counters) {
  NPU_TRY(check(state, instr));
  Counters local;
  NPU_TRY(
      std::visit([&](const auto &i) { return run(state, i, local); }, instr));
  ++local.instructions;
  counters += local;
  return Status::success();
}

} // namespace reference
} // namespace npu::golden
