//===- Machine.cpp - Golden semantics of every instruction ----------------===//
//
// Each operator() below is the normative definition of one instruction; the
// pseudo-code in docs/isa.md is written from it. Operands are bounds-checked
// by checkInstruction before any of them runs.
//
//===----------------------------------------------------------------------===//
#include "npu/Golden/Machine.h"

#include "npu/Golden/Arith.h"
#include "npu/Program/Verify.h"
#include "npu/Support/ByteIO.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace npu::golden {

using namespace isa;

namespace {

int64_t typeMin(DType t) {
  switch (t) {
  case DType::I8:
    return -128;
  case DType::I16:
    return -32768;
  case DType::I32:
    return std::numeric_limits<int32_t>::min();
  case DType::U8:
    return 0;
  }
  return 0;
}

int64_t typeMax(DType t) {
  switch (t) {
  case DType::I8:
    return 127;
  case DType::I16:
    return 32767;
  case DType::I32:
    return std::numeric_limits<int32_t>::max();
  case DType::U8:
    return 255;
  }
  return 0;
}

unsigned typeBits(DType t) { return dtypeBytes(t) * 8; }

/// Reads one element, sign-extended (zero-extended for u8).
int64_t readElem(const std::vector<uint8_t> &buf, int64_t addr, DType t) {
  const uint8_t *p = buf.data() + addr;
  switch (t) {
  case DType::I8:
    return static_cast<int8_t>(p[0]);
  case DType::U8:
    return p[0];
  case DType::I16:
    return loadLE<int16_t>(p);
  case DType::I32:
    return loadLE<int32_t>(p);
  }
  return 0;
}

/// Writes one element, truncating `value` to the type's width.
void writeElem(std::vector<uint8_t> &buf, int64_t addr, DType t,
               int64_t value) {
  uint8_t *p = buf.data() + addr;
  switch (t) {
  case DType::I8:
  case DType::U8:
    p[0] = static_cast<uint8_t>(value);
    break;
  case DType::I16:
    storeLE<int16_t>(p, static_cast<int16_t>(value));
    break;
  case DType::I32:
    storeLE<int32_t>(p, static_cast<int32_t>(value));
    break;
  }
}

int32_t load32(const std::vector<uint8_t> &buf, int64_t addr) {
  return loadLE<int32_t>(buf.data() + addr);
}

void store32(std::vector<uint8_t> &buf, int64_t addr, int32_t value) {
  storeLE<int32_t>(buf.data() + addr, value);
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
                       int64_t(dtypeBytes(op.type));
}

} // namespace

Machine::Machine(const ArchConfig &config, uint64_t dramSize)
    : arch(config), dramBytes(dramSize, 0) {
  for (unsigned b = 0; b < sramBytes.size(); ++b)
    sramBytes[b].assign(bufferBytes(config, static_cast<Buffer>(b)), 0);
  weightsT.assign(size_t(config.array.rows) * config.array.cols, 0);
  columnAbsSum.assign(config.array.cols, 0);
}

std::vector<uint8_t> &Machine::sram(Buffer buffer) {
  return sramBytes[static_cast<unsigned>(buffer)];
}

struct Machine::Exec {
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
    const uint32_t colsTotal = d.padLeft + d.cols + d.padRight;
    const auto pad = static_cast<uint8_t>(d.padValue);
    for (uint32_t r = 0; r < rowsTotal; ++r) {
      uint8_t *row = dst.data() + d.sramAddr + int64_t(r) * d.sramRowStride;
      const bool padRow = r < d.padTop || r >= d.padTop + d.rows;
      for (uint32_t c = 0; c < colsTotal; ++c) {
        uint8_t *out = row + int64_t(c) * d.elemBytes;
        if (padRow || c < d.padLeft || c >= d.padLeft + d.cols) {
          std::memset(out, pad, d.elemBytes);
          continue;
        }
        const int64_t src = int64_t(d.dramAddr) +
                            int64_t(r - d.padTop) * d.dramRowStride +
                            int64_t(c - d.padLeft) * d.dramColStride;
        std::memcpy(out, m.dramBytes.data() + src, d.elemBytes);
      }
    }
    return Status::success();
  }

  Status operator()(const DmaStore &d) {
    const std::vector<uint8_t> &src = buf(d.buf);
    for (uint32_t r = 0; r < d.rows; ++r)
      for (uint32_t c = 0; c < d.cols; ++c) {
        const int64_t to = int64_t(d.dramAddr) + int64_t(r) * d.dramRowStride +
                           int64_t(c) * d.dramColStride;
        const int64_t from = int64_t(d.sramAddr) +
                             int64_t(r) * d.sramRowStride +
                             int64_t(c) * d.elemBytes;
        std::memcpy(m.dramBytes.data() + to, src.data() + from, d.elemBytes);
      }
    return Status::success();
  }

  Status operator()(const LoadWeights &l) {
    const std::vector<uint8_t> &wbuf = buf(Buffer::WBuf);
    const unsigned rows = m.arch.array.rows;
    std::fill(m.weightsT.begin(), m.weightsT.end(), 0);
    std::fill(m.columnAbsSum.begin(), m.columnAbsSum.end(), 0);
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
        m.columnAbsSum[c] += std::abs(w);
      }
    return Status::success();
  }

  Status operator()(const Gemm &g) {
    const std::vector<uint8_t> &ibuf = buf(Buffer::IBuf);
    std::vector<uint8_t> &abuf = buf(Buffer::ABuf);
    const unsigned rows = m.arch.array.rows;
    const AccumulatorFit fit = accFit();
    // Columns whose partial sums provably stay in range take the fast path:
    // any summation order then gives the same bits.
    const int64_t maxInput =
        std::max(std::abs(-128 - g.inZp), std::abs(127 - g.inZp));
    std::vector<char> fast(g.cols);
    for (uint32_t c = 0; c < g.cols; ++c)
      fast[c] = maxInput * m.columnAbsSum[c] <= (fit.hi >> g.accShift);
    std::vector<int32_t> a(g.k);
    uint64_t &events = counters.accOverflow;
    for (uint32_t y = 0; y < g.outH; ++y)
      for (uint32_t x = 0; x < g.outW; ++x) {
        const int64_t base = int64_t(g.inAddr) + int64_t(y) * g.inStrideY +
                             int64_t(x) * g.inStrideX;
        for (uint32_t r = 0; r < g.k; ++r)
          a[r] = static_cast<int8_t>(ibuf[base + r]) - g.inZp;
        const int64_t n = int64_t(y) * g.outW + x;
        for (uint32_t c = 0; c < g.cols; ++c) {
          const int16_t *w = m.weightsT.data() + size_t(c) * rows;
          int64_t p;
          if (fast[c]) {
            int32_t sum = 0;
            for (uint32_t r = 0; r < g.k; ++r)
              sum += a[r] * w[r];
            p = int64_t(sum) * (int64_t(1) << g.accShift);
          } else {
            p = 0;
            for (uint32_t r = 0; r < g.k; ++r)
              p = fit(p + int64_t(a[r]) * w[r], events);
            p = fit(p * (int64_t(1) << g.accShift), events);
          }
          const int64_t addr = int64_t(g.accAddr) + n * g.accStride + 4 * c;
          if (g.accumulate)
            p = fit(int64_t(load32(abuf, addr)) + p, events);
          store32(abuf, addr, static_cast<int32_t>(p));
        }
      }
    counters.macs += uint64_t(g.outH) * g.outW * g.cols * g.k;
    return Status::success();
  }

  Status operator()(const PpuConfig &p) {
    m.ppu = p;
    return Status::success();
  }

  Status operator()(const Ppu &p) {
    const PpuConfig &cfg = *m.ppu;
    const std::vector<uint8_t> &pbuf = buf(Buffer::PBuf);
    // Resolve per-channel parameters first so an invalid table entry
    // changes nothing.
    std::vector<int32_t> mults(p.channels), biases(p.channels, 0);
    std::vector<int> shifts(p.channels);
    for (uint32_t c = 0; c < p.channels; ++c) {
      const int64_t ch = int64_t(p.chOffset) + c;
      int32_t mult =
          cfg.perChannel ? load32(pbuf, cfg.multAddr + 4 * ch) : cfg.mult;
      int shift = cfg.perChannel ? pbuf[cfg.shiftAddr + ch]
                                 : static_cast<int>(cfg.shift);
      if (cfg.hasKshift) {
        int k = pbuf[cfg.kshiftAddr + ch];
        if (k > 15)
          return makeError("channel ", ch, ": channel shift ", k,
                           " exceeds 15");
        shift += k;
      }
      if (mult < 0)
        return makeError("channel ", ch, ": multiplier ", mult, " is negative");
      if (shift < 2 || shift > 62)
        return makeError("channel ", ch, ": effective shift ", shift,
                         " is outside [2, 62]");
      mults[c] = mult;
      shifts[c] = shift;
      if (cfg.hasBias)
        biases[c] = load32(pbuf, cfg.biasAddr + 4 * ch);
    }
    const std::vector<uint8_t> &abuf = buf(Buffer::ABuf);
    std::vector<uint8_t> &dst = buf(p.dstBuf);
    const int64_t lo = typeMin(cfg.outType), hi = typeMax(cfg.outType);
    const int64_t clampLo = std::max<int64_t>(cfg.clampMin, lo);
    const int64_t clampHi = std::min<int64_t>(cfg.clampMax, hi);
    const AccumulatorFit fit32(32, m.arch.array.overflow);
    const int64_t outSize = dtypeBytes(cfg.outType);
    for (uint32_t px = 0; px < p.pixels; ++px)
      for (uint32_t c = 0; c < p.channels; ++c) {
        const int64_t acc = load32(abuf, int64_t(p.srcAddr) +
                                             int64_t(px) * p.srcStride + 4 * c);
        const auto t =
            static_cast<int32_t>(fit32(acc + biases[c], counters.accOverflow));
        const int32_t r = applyScale32(t, mults[c], shifts[c], cfg.doubleRound);
        int64_t v = wrap32(int64_t(r) + cfg.outZp);
        if (v < lo || v > hi)
          ++counters.saturation;
        v = std::clamp(v, clampLo, clampHi);
        if (cfg.hasLut)
          v = static_cast<int8_t>(pbuf[cfg.lutAddr + (v + 128)]);
        writeElem(dst,
                  int64_t(p.dstAddr) + int64_t(px) * p.dstStride + outSize * c,
                  cfg.outType, v);
      }
    return Status::success();
  }

  Status operator()(const DwConv &d) {
    const std::vector<uint8_t> &ibuf = buf(Buffer::IBuf);
    const std::vector<uint8_t> &wbuf = buf(Buffer::WBuf);
    std::vector<uint8_t> &abuf = buf(Buffer::ABuf);
    const AccumulatorFit fit = accFit();
    uint64_t &events = counters.accOverflow;
    for (uint32_t y = 0; y < d.outH; ++y)
      for (uint32_t x = 0; x < d.outW; ++x)
        for (uint32_t oc = 0; oc < d.channels; ++oc) {
          const uint32_t ic = oc / d.depthMult;
          int64_t p = 0;
          for (uint32_t ky = 0; ky < d.kh; ++ky)
            for (uint32_t kx = 0; kx < d.kw; ++kx) {
              const int64_t iy = int64_t(y) * d.strideH + int64_t(ky) * d.dilH;
              const int64_t ix = int64_t(x) * d.strideW + int64_t(kx) * d.dilW;
              const int32_t a =
                  static_cast<int8_t>(ibuf[d.inAddr + iy * d.inRowStride +
                                           ix * d.inPixStride + ic]) -
                  d.inZp;
              const int32_t w = static_cast<int8_t>(
                  wbuf[d.wAddr + (int64_t(ky) * d.kw + kx) * d.channels + oc]);
              p = fit(p + int64_t(a) * w, events);
            }
          const int64_t addr = int64_t(d.accAddr) +
                               (int64_t(y) * d.outW + x) * d.accStride + 4 * oc;
          if (d.accumulate)
            p = fit(int64_t(load32(abuf, addr)) + p, events);
          store32(abuf, addr, static_cast<int32_t>(p));
        }
    counters.macs += uint64_t(d.outH) * d.outW * d.channels * d.kh * d.kw;
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
    const int64_t lo = typeMin(r.dst.type), hi = typeMax(r.dst.type);
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
    return std::clamp<int64_t>(s, 0, typeBits(type) - 1);
  }

  Status operator()(const Alu &a) {
    std::vector<uint8_t> &s1 = buf(a.src1.buf);
    std::vector<uint8_t> &s2 = buf(a.src2.buf);
    std::vector<uint8_t> &dst = buf(a.dst.buf);
    const unsigned width = typeBits(a.src1.type);
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
    const int64_t size = dtypeBytes(r.srcType);
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
  for (const ConstSegment &segment : program.constants)
    std::copy(segment.data.begin(), segment.data.end(),
              machine.dram().begin() + segment.dramAddr);

  const std::vector<size_t> inputIndices = program.inputIndices();
  if (inputs.empty()) {
    for (size_t index : inputIndices) {
      auto it = std::find_if(
          program.defaultInputs.begin(), program.defaultInputs.end(),
          [&](const DefaultInput &d) { return d.tensorIndex == index; });
      if (it == program.defaultInputs.end())
        return makeError("no data for input '", program.tensors[index].name,
                         "' and the program embeds no default for it");
      std::copy(it->data.begin(), it->data.end(),
                machine.dram().begin() + program.tensors[index].dramAddr);
    }
  } else {
    if (inputs.size() != inputIndices.size())
      return makeError("program has ", inputIndices.size(), " inputs, got ",
                       inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
      const size_t index = inputIndices[i];
      NPU_TRY(checkInputTensor(program, index, inputs[i]));
      std::copy(inputs[i].data.begin(), inputs[i].data.end(),
                machine.dram().begin() + program.tensors[index].dramAddr);
    }
  }

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

  for (size_t index : program.outputIndices()) {
    const TensorDesc &desc = program.tensors[index];
    Tensor out(desc.type, desc.shape);
    std::copy_n(machine.dram().begin() + desc.dramAddr, out.data.size(),
                out.data.begin());
    result.outputs.push_back(std::move(out));
  }
  return result;
}

} // namespace npu::golden
