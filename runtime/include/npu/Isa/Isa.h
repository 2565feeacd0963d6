//===- Isa.h - NPU instruction set ------------------------------*- C++ -*-===//
//
// Every instruction is 32 bytes (256 bits, little-endian). Bits [0,8) hold the
// opcode, bits [8,12) the dependency-token flags, and the instruction's fields
// follow from bit 12 in the order listed by its visitFields(); unused high
// bits are reserved and must be zero. docs/isa.md describes the semantics.
//
// Each instruction is a plain struct. `visitFields(self, visitor)` calls
// `visitor(name, member, widthInBits)` for every field in encoding order; the
// encoder, decoder, disassembler, assembler, documentation checks and tests
// all use it, so a field is declared exactly once.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_ISA_ISA_H
#define NPU_ISA_ISA_H

#include "npu/Support/ElementType.h"

#include <array>
#include <cstdint>
#include <iterator>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace npu::isa {

inline constexpr unsigned kInstrBytes = 32;
inline constexpr unsigned kInstrBits = kInstrBytes * 8;
inline constexpr unsigned kFirstFieldBit = 12;

/// Version of the instruction set; prog.bin carries the same major version.
inline constexpr unsigned kIsaVersionMajor = 2;
inline constexpr unsigned kIsaVersionMinor = 1;

enum class Opcode : uint8_t {
  Halt = 0x01,
  Token = 0x02,
  DmaLoad = 0x10,
  DmaStore = 0x11,
  LoadWeights = 0x20,
  Gemm = 0x21,
  PpuConfig = 0x30,
  Ppu = 0x31,
  DwConv = 0x40,
  Pool = 0x41,
  Rescale = 0x42,
  Alu = 0x43,
  Reduce = 0x44,
  Table = 0x45,
  EltwiseConfig = 0x46,
  Eltwise = 0x47,
};

/// The three instruction queues of the controller. HALT is handled by the
/// controller itself (see queueOf).
enum class Queue : uint8_t { Load, Compute, Store };

/// On-chip scratchpads, byte addressed.
enum class Buffer : uint8_t { IBuf, WBuf, ABuf, OBuf, PBuf };

/// Element types of vector-unit operands and PPU outputs: the integer
/// element types (F32 is not encodable).
using DType = ::npu::ElementType;

enum class PoolMode : uint8_t { Max, AvgTosa, AvgTflite };

enum class AluOp : uint8_t {
  Add,
  Sub,
  Mul,
  Max,
  Min,
  Shl,
  AShr,
  LShr,
  And,
  Or,
  Xor,
  Clz,
  Abs,
  Neg,
  Copy,
  Recip,
};

/// vec.alu operations that read only src1.
constexpr bool isUnaryAluOp(AluOp op) {
  return op == AluOp::Clz || op == AluOp::Abs || op == AluOp::Neg ||
         op == AluOp::Copy || op == AluOp::Recip;
}

enum class ReduceOp : uint8_t { Sum, Max, Min };

enum class TableMode : uint8_t { I8, I16, I32 };

/// Operation of vec.eltwise (set by vec.ecfg).
enum class EltOp : uint8_t { Add, Sub, Mul };

/// Number of valid values and their assembly names, per enum.
template <typename E> struct EnumInfo;
template <> struct EnumInfo<Queue> {
  static constexpr const char *names[] = {"load", "compute", "store"};
};
template <> struct EnumInfo<Buffer> {
  static constexpr const char *names[] = {"ibuf", "wbuf", "abuf", "obuf",
                                          "pbuf"};
};
template <> struct EnumInfo<DType> {
  static constexpr const char *names[] = {"i8", "i16", "i32", "u8"};
  static_assert(std::size(names) == kIntegerElementTypes);
};
template <> struct EnumInfo<PoolMode> {
  static constexpr const char *names[] = {"max", "avg_tosa", "avg_tflite"};
};
template <> struct EnumInfo<AluOp> {
  static constexpr const char *names[] = {
      "add", "sub", "mul", "max", "min", "shl", "ashr", "lshr",
      "and", "or",  "xor", "clz", "abs", "neg", "copy", "recip"};
};
template <> struct EnumInfo<ReduceOp> {
  static constexpr const char *names[] = {"sum", "max", "min"};
};
template <> struct EnumInfo<TableMode> {
  static constexpr const char *names[] = {"i8", "i16", "i32"};
};
template <> struct EnumInfo<EltOp> {
  static constexpr const char *names[] = {"add", "sub", "mul"};
};
template <typename E> constexpr unsigned enumCount() {
  return sizeof(EnumInfo<E>::names) / sizeof(EnumInfo<E>::names[0]);
}

/// Smallest and largest value a field of member type T and `width` bits can
/// encode.
template <typename T>
constexpr std::pair<int64_t, int64_t> fieldRange(unsigned width) {
  if constexpr (std::is_enum_v<T>)
    return {0, int64_t(enumCount<T>()) - 1};
  else if constexpr (std::is_same_v<T, bool>)
    return {0, 1};
  else if constexpr (std::is_signed_v<T>)
    return {-(int64_t(1) << (width - 1)), (int64_t(1) << (width - 1)) - 1};
  else
    return {0, (int64_t(1) << width) - 1};
}

/// Dependency-token flags, present in every instruction (bits 8..11). "prev"
/// and "next" are the neighbouring queues in the load -> compute -> store
/// pipeline. Pops happen before the instruction starts, pushes after it
/// completes.
struct Deps {
  bool popPrev = false;
  bool popNext = false;
  bool pushPrev = false;
  bool pushNext = false;
  bool any() const { return popPrev || popNext || pushPrev || pushNext; }
  bool operator==(const Deps &o) const {
    return popPrev == o.popPrev && popNext == o.popNext &&
           pushPrev == o.pushPrev && pushNext == o.pushNext;
  }
};

/// A strided 2-D vector operand: element (i, j) of an n_outer x n_inner
/// iteration is at addr + (i * stride_outer + j * stride_inner) * size(type)
/// in buffer `buf`. Strides are in elements and may be 0 (broadcast) or
/// negative.
struct Operand {
  Buffer buf = Buffer::IBuf;
  uint32_t addr = 0;
  DType type = DType::I8;
  int32_t strideOuter = 0;
  int32_t strideInner = 1;
  bool operator==(const Operand &o) const {
    return buf == o.buf && addr == o.addr && type == o.type &&
           strideOuter == o.strideOuter && strideInner == o.strideInner;
  }
};

/// Field names of an operand, one set per operand position.
struct OperandNames {
  const char *buf, *addr, *type, *strideOuter, *strideInner;
};
inline constexpr OperandNames kSrcNames{"src_buf", "src_addr", "src_type",
                                        "src_stride_outer", "src_stride_inner"};
inline constexpr OperandNames kSrc1Names{"src1_buf", "src1_addr", "src1_type",
                                         "src1_stride_outer",
                                         "src1_stride_inner"};
inline constexpr OperandNames kSrc2Names{"src2_buf", "src2_addr", "src2_type",
                                         "src2_stride_outer",
                                         "src2_stride_inner"};
inline constexpr OperandNames kDstNames{"dst_buf", "dst_addr", "dst_type",
                                        "dst_stride_outer", "dst_stride_inner"};

template <typename O, typename V>
constexpr void visitOperand(O &op, const OperandNames &n, V &&v) {
  v(n.buf, op.buf, 3);
  v(n.addr, op.addr, 24);
  v(n.type, op.type, 2);
  v(n.strideOuter, op.strideOuter, 16);
  v(n.strideInner, op.strideInner, 16);
}

/// Fields shared by dma.load and dma.store, in encoding order.
template <typename S, typename V> constexpr void visitDmaFields(S &s, V &&v) {
  v("buf", s.buf, 3);
  v("dram_addr", s.dramAddr, 32);
  v("dram_row_stride", s.dramRowStride, 24);
  v("dram_col_stride", s.dramColStride, 24);
  v("sram_addr", s.sramAddr, 24);
  v("sram_row_stride", s.sramRowStride, 24);
  v("rows", s.rows, 16);
  v("cols", s.cols, 16);
  v("elem_bytes", s.elemBytes, 16);
}

// Instruction definitions. Field widths are in bits; members of signed type
// are encoded in two's complement and sign-extended on decode.

/// Stop fetching; the program ends when every queue has drained.
struct Halt {
  static constexpr Opcode kOpcode = Opcode::Halt;
  static constexpr const char *kMnemonic = "halt";
  Deps deps;
  template <typename S, typename V>
  static constexpr void visitFields(S &, V &&) {}
};

/// No operation on `queue`; carries dependency-token flags only.
struct Token {
  static constexpr Opcode kOpcode = Opcode::Token;
  static constexpr const char *kMnemonic = "token";
  Deps deps;
  Queue queue = Queue::Compute;
  template <typename S, typename V>
  static constexpr void visitFields(S &s, V &&v) {
    v("queue", s.queue, 2);
  }
};

/// DRAM -> scratchpad copy of a 2-D block of elements, with padding.
struct DmaLoad {
  static constexpr Opcode kOpcode = Opcode::DmaLoad;
  static constexpr const char *kMnemonic = "dma.load";
  Deps deps;
  Buffer buf = Buffer::IBuf;
  uint32_t dramAddr = 0;
  uint32_t dramRowStride = 0;
  uint32_t dramColStride = 0;
  uint32_t sramAddr = 0;
  uint32_t sramRowStride = 0;
  uint32_t rows = 0;
  uint32_t cols = 0;
  uint32_t elemBytes = 0;
  uint32_t padTop = 0;
  uint32_t padBottom = 0;
  uint32_t padLeft = 0;
  uint32_t padRight = 0;
  int32_t padValue = 0;
  template <typename S, typename V>
  static constexpr void visitFields(S &s, V &&v) {
    visitDmaFields(s, v);
    v("pad_top", s.padTop, 8);
    v("pad_bottom", s.padBottom, 8);
    v("pad_left", s.padLeft, 8);
    v("pad_right", s.padRight, 8);
    v("pad_value", s.padValue, 8);
  }
};

/// Scratchpad -> DRAM copy of a 2-D block of elements.
struct DmaStore {
  static constexpr Opcode kOpcode = Opcode::DmaStore;
  static constexpr const char *kMnemonic = "dma.store";
  Deps deps;
  Buffer buf = Buffer::OBuf;
  uint32_t dramAddr = 0;
  uint32_t dramRowStride = 0;
  uint32_t dramColStride = 0;
  uint32_t sramAddr = 0;
  uint32_t sramRowStride = 0;
  uint32_t rows = 0;
  uint32_t cols = 0;
  uint32_t elemBytes = 0;
  template <typename S, typename V>
  static constexpr void visitFields(S &s, V &&v) {
    visitDmaFields(s, v);
  }
};

/// Bytes a DMA moves to or from DRAM: its rows x cols block (padding is
/// written in SRAM only).
template <typename Dma> constexpr uint64_t dramBytes(const Dma &d) {
  return uint64_t(d.rows) * d.cols * d.elemBytes;
}

/// Preloads a rows x cols weight block from WBUF into the systolic array.
struct LoadWeights {
  static constexpr Opcode kOpcode = Opcode::LoadWeights;
  static constexpr const char *kMnemonic = "load.weights";
  Deps deps;
  uint32_t wAddr = 0;
  uint32_t wStride = 0;
  uint32_t rows = 0;
  uint32_t cols = 0;
  bool int4 = false;
  /// With int4 or int2: the packed weights are unsigned (0..15 or 0..3), a
  /// lower point of multi-point weights (see weightDigit).
  bool lowPoint = false;
  /// Weights are 2-bit, four per byte (lowest bits first).
  bool int2 = false;
  template <typename S, typename V>
  static constexpr void visitFields(S &s, V &&v) {
    v("w_addr", s.wAddr, 24);
    v("w_stride", s.wStride, 16);
    v("rows", s.rows, 9);
    v("cols", s.cols, 9);
    v("int4", s.int4, 1);
    v("low_point", s.lowPoint, 1);
    v("int2", s.int2, 1);
  }
};

/// Bits of one weight in WBUF as load.weights `l` reads it: 8, 4 or 2.
inline unsigned packedWeightBits(const LoadWeights &l) {
  return l.int2 ? 2 : l.int4 ? 4 : 8;
}

/// WBUF bytes of one load.weights row (int4: two weights per byte, int2:
/// four).
inline uint64_t weightRowBytes(const LoadWeights &l) {
  const uint64_t perByte = 8 / packedWeightBits(l);
  return (uint64_t(l.cols) + perByte - 1) / perByte;
}

/// Weight c of the load.weights row starting at `row` in WBUF: an int8, or
/// with int4 (int2) the c % 2 (c % 4)'th field, lowest bits first, of byte
/// c / 2 (c / 4), sign-extended, or zero-extended with low_point. The one
/// decode of WBUF weights (the golden executor and the simulator's array
/// both use it).
inline int weightAt(const LoadWeights &l, const uint8_t *row, unsigned c) {
  const unsigned bits = packedWeightBits(l);
  if (bits == 8)
    return static_cast<int8_t>(row[c]);
  const unsigned perByte = 8 / bits;
  const int field =
      (row[c / perByte] >> (bits * (c % perByte))) & ((1 << bits) - 1);
  return l.lowPoint || field < (1 << (bits - 1)) ? field : field - (1 << bits);
}

/// Multi-point weights on a low-bit array of `bits` (4 or 2) per weight:
/// an int8 weight is the sum over its 8 / bits points p (0 first) of
/// digit_p * 2^pointShift(bits, p), the base-2^bits digits of w, the first
/// signed (-2^(bits-1)..2^(bits-1)-1, load.weights without low_point) and
/// the others unsigned (0..2^bits-1, low_point). Each point is one array
/// pass whose column sums gemm shifts left by pointShift (acc_shift). Every
/// int8 weight has exactly one such split; signed digits throughout would
/// miss the top of the range (two signed nibbles reach only -136..119).
inline constexpr unsigned maxWeightPoints(unsigned bits) { return 8 / bits; }
inline constexpr unsigned pointShift(unsigned bits, unsigned p) {
  return 8 - bits * (p + 1);
}
inline constexpr int weightDigit(int w, unsigned bits, unsigned p) {
  const unsigned u = static_cast<uint8_t>(w) >> pointShift(bits, p);
  const int digit = static_cast<int>(u & ((1u << bits) - 1));
  return p == 0 && digit >= (1 << (bits - 1)) ? digit - (1 << bits) : digit;
}

/// Streams out_h x out_w input vectors of k bytes from IBUF through the
/// array and writes (or accumulates) `cols` 32-bit sums per vector in ABUF.
struct Gemm {
  static constexpr Opcode kOpcode = Opcode::Gemm;
  static constexpr const char *kMnemonic = "gemm";
  Deps deps;
  uint32_t inAddr = 0;
  uint32_t inStrideY = 0;
  uint32_t inStrideX = 0;
  uint32_t outH = 0;
  uint32_t outW = 0;
  uint32_t k = 0;
  int32_t inZp = 0;
  uint32_t accAddr = 0;
  uint32_t accStride = 0;
  uint32_t cols = 0;
  bool accumulate = false;
  uint32_t accShift = 0;
  template <typename S, typename V>
  static constexpr void visitFields(S &s, V &&v) {
    v("in_addr", s.inAddr, 24);
    v("in_stride_y", s.inStrideY, 24);
    v("in_stride_x", s.inStrideX, 16);
    v("out_h", s.outH, 16);
    v("out_w", s.outW, 16);
    v("k", s.k, 9);
    v("in_zp", s.inZp, 16);
    v("acc_addr", s.accAddr, 24);
    v("acc_stride", s.accStride, 16);
    v("cols", s.cols, 9);
    v("accumulate", s.accumulate, 1);
    v("acc_shift", s.accShift, 5);
  }
};

/// Sets the post-processing unit's requantization registers.
struct PpuConfig {
  static constexpr Opcode kOpcode = Opcode::PpuConfig;
  static constexpr const char *kMnemonic = "ppu.cfg";
  Deps deps;
  bool perChannel = false;
  int32_t mult = 0;
  uint32_t shift = 0;
  uint32_t multAddr = 0;
  uint32_t shiftAddr = 0;
  bool hasBias = false;
  uint32_t biasAddr = 0;
  bool hasKshift = false;
  uint32_t kshiftAddr = 0;
  DType outType = DType::I8;
  int32_t outZp = 0;
  int32_t clampMin = 0;
  int32_t clampMax = 0;
  bool hasLut = false;
  uint32_t lutAddr = 0;
  bool doubleRound = false;
  template <typename S, typename V>
  static constexpr void visitFields(S &s, V &&v) {
    v("per_channel", s.perChannel, 1);
    v("mult", s.mult, 32);
    v("shift", s.shift, 6);
    v("mult_addr", s.multAddr, 24);
    v("shift_addr", s.shiftAddr, 24);
    v("has_bias", s.hasBias, 1);
    v("bias_addr", s.biasAddr, 24);
    v("has_kshift", s.hasKshift, 1);
    v("kshift_addr", s.kshiftAddr, 24);
    v("out_type", s.outType, 2);
    v("out_zp", s.outZp, 16);
    v("clamp_min", s.clampMin, 16);
    v("clamp_max", s.clampMax, 16);
    v("has_lut", s.hasLut, 1);
    v("lut_addr", s.lutAddr, 24);
    v("double_round", s.doubleRound, 1);
  }
};

/// Requantizes `pixels` x `channels` accumulators from ABUF into dst_buf.
struct Ppu {
  static constexpr Opcode kOpcode = Opcode::Ppu;
  static constexpr const char *kMnemonic = "ppu";
  Deps deps;
  uint32_t srcAddr = 0;
  uint32_t srcStride = 0;
  uint32_t pixels = 0;
  uint32_t channels = 0;
  uint32_t chOffset = 0;
  Buffer dstBuf = Buffer::OBuf;
  uint32_t dstAddr = 0;
  uint32_t dstStride = 0;
  /// Row px is output channel ch_offset + px, column c a position: element
  /// (px, c) goes to dst_addr + c * dst_stride + px * size(out_type).
  bool transpose = false;
  template <typename S, typename V>
  static constexpr void visitFields(S &s, V &&v) {
    v("src_addr", s.srcAddr, 24);
    v("src_stride", s.srcStride, 16);
    v("pixels", s.pixels, 16);
    v("channels", s.channels, 12);
    v("ch_offset", s.chOffset, 12);
    v("dst_buf", s.dstBuf, 3);
    v("dst_addr", s.dstAddr, 24);
    v("dst_stride", s.dstStride, 16);
    v("transpose", s.transpose, 1);
  }
};

/// Depthwise convolution on the vector unit: IBUF x WBUF -> ABUF (32-bit).
struct DwConv {
  static constexpr Opcode kOpcode = Opcode::DwConv;
  static constexpr const char *kMnemonic = "vec.dwconv";
  Deps deps;
  uint32_t inAddr = 0;
  uint32_t inRowStride = 0;
  uint32_t inPixStride = 0;
  uint32_t channels = 0;
  uint32_t depthMult = 1;
  uint32_t outH = 0;
  uint32_t outW = 0;
  uint32_t kh = 1;
  uint32_t kw = 1;
  uint32_t strideH = 1;
  uint32_t strideW = 1;
  uint32_t dilH = 1;
  uint32_t dilW = 1;
  int32_t inZp = 0;
  uint32_t wAddr = 0;
  uint32_t accAddr = 0;
  uint32_t accStride = 0;
  bool accumulate = false;
  template <typename S, typename V>
  static constexpr void visitFields(S &s, V &&v) {
    v("in_addr", s.inAddr, 24);
    v("in_row_stride", s.inRowStride, 16);
    v("in_pix_stride", s.inPixStride, 16);
    v("channels", s.channels, 12);
    v("depth_mult", s.depthMult, 8);
    v("out_h", s.outH, 12);
    v("out_w", s.outW, 12);
    v("kh", s.kh, 5);
    v("kw", s.kw, 5);
    v("stride_h", s.strideH, 4);
    v("stride_w", s.strideW, 4);
    v("dil_h", s.dilH, 4);
    v("dil_w", s.dilW, 4);
    v("in_zp", s.inZp, 16);
    v("w_addr", s.wAddr, 24);
    v("acc_addr", s.accAddr, 24);
    v("acc_stride", s.accStride, 16);
    v("accumulate", s.accumulate, 1);
  }
};

/// Max or average pooling of int8 data on the vector unit.
struct Pool {
  static constexpr Opcode kOpcode = Opcode::Pool;
  static constexpr const char *kMnemonic = "vec.pool";
  Deps deps;
  PoolMode mode = PoolMode::Max;
  uint32_t inAddr = 0;
  uint32_t inRowStride = 0;
  uint32_t inPixStride = 0;
  uint32_t channels = 0;
  uint32_t outH = 0;
  uint32_t outW = 0;
  uint32_t kh = 1;
  uint32_t kw = 1;
  uint32_t strideH = 1;
  uint32_t strideW = 1;
  uint32_t padTop = 0;
  uint32_t padBottom = 0;
  uint32_t padLeft = 0;
  uint32_t padRight = 0;
  uint32_t inH = 0;
  uint32_t inW = 0;
  int32_t inZp = 0;
  int32_t outZp = 0;
  int32_t clampMin = -128;
  int32_t clampMax = 127;
  Buffer dstBuf = Buffer::OBuf;
  uint32_t dstAddr = 0;
  template <typename S, typename V>
  static constexpr void visitFields(S &s, V &&v) {
    v("mode", s.mode, 2);
    v("in_addr", s.inAddr, 24);
    v("in_row_stride", s.inRowStride, 16);
    v("in_pix_stride", s.inPixStride, 16);
    v("channels", s.channels, 12);
    v("out_h", s.outH, 12);
    v("out_w", s.outW, 12);
    v("kh", s.kh, 6);
    v("kw", s.kw, 6);
    v("stride_h", s.strideH, 4);
    v("stride_w", s.strideW, 4);
    v("pad_top", s.padTop, 4);
    v("pad_bottom", s.padBottom, 4);
    v("pad_left", s.padLeft, 4);
    v("pad_right", s.padRight, 4);
    v("in_h", s.inH, 12);
    v("in_w", s.inW, 12);
    v("in_zp", s.inZp, 8);
    v("out_zp", s.outZp, 8);
    v("clamp_min", s.clampMin, 8);
    v("clamp_max", s.clampMax, 8);
    v("dst_buf", s.dstBuf, 3);
    v("dst_addr", s.dstAddr, 24);
  }
};

/// Element-wise TOSA RESCALE between any two vector operands.
struct Rescale {
  static constexpr Opcode kOpcode = Opcode::Rescale;
  static constexpr const char *kMnemonic = "vec.rescale";
  Deps deps;
  Operand src;
  Operand dst;
  uint32_t nOuter = 0;
  uint32_t nInner = 0;
  int32_t inZp = 0;
  int32_t outZp = 0;
  int32_t mult = 0;
  uint32_t shift = 0;
  bool doubleRound = false;
  bool accumulate = false;
  template <typename S, typename V>
  static constexpr void visitFields(S &s, V &&v) {
    visitOperand(s.src, kSrcNames, v);
    visitOperand(s.dst, kDstNames, v);
    v("n_outer", s.nOuter, 16);
    v("n_inner", s.nInner, 16);
    v("in_zp", s.inZp, 16);
    v("out_zp", s.outZp, 16);
    v("mult", s.mult, 32);
    v("shift", s.shift, 6);
    v("double_round", s.doubleRound, 1);
    v("accumulate", s.accumulate, 1);
  }
};

/// Element-wise integer ALU operation: dst = op(src1, src2).
struct Alu {
  static constexpr Opcode kOpcode = Opcode::Alu;
  static constexpr const char *kMnemonic = "vec.alu";
  Deps deps;
  AluOp op = AluOp::Add;
  Operand src1;
  Operand src2;
  Operand dst;
  uint32_t nOuter = 0;
  uint32_t nInner = 0;
  uint32_t shift = 0;
  bool round = false;
  template <typename S, typename V>
  static constexpr void visitFields(S &s, V &&v) {
    v("op", s.op, 5);
    visitOperand(s.src1, kSrc1Names, v);
    visitOperand(s.src2, kSrc2Names, v);
    visitOperand(s.dst, kDstNames, v);
    v("n_outer", s.nOuter, 16);
    v("n_inner", s.nInner, 16);
    v("shift", s.shift, 6);
    v("round", s.round, 1);
  }
};

/// Reduction along the middle axis of an n_outer x n_red x n_inner block.
struct Reduce {
  static constexpr Opcode kOpcode = Opcode::Reduce;
  static constexpr const char *kMnemonic = "vec.reduce";
  Deps deps;
  ReduceOp op = ReduceOp::Sum;
  Buffer srcBuf = Buffer::ABuf;
  uint32_t srcAddr = 0;
  DType srcType = DType::I32;
  int32_t srcStrideOuter = 0;
  int32_t srcStrideRed = 0;
  int32_t srcStrideInner = 0;
  Buffer dstBuf = Buffer::ABuf;
  uint32_t dstAddr = 0;
  DType dstType = DType::I32;
  int32_t dstStrideOuter = 0;
  int32_t dstStrideInner = 0;
  uint32_t nOuter = 0;
  uint32_t nRed = 0;
  uint32_t nInner = 0;
  template <typename S, typename V>
  static constexpr void visitFields(S &s, V &&v) {
    v("op", s.op, 2);
    v("src_buf", s.srcBuf, 3);
    v("src_addr", s.srcAddr, 24);
    v("src_type", s.srcType, 2);
    v("src_stride_outer", s.srcStrideOuter, 16);
    v("src_stride_red", s.srcStrideRed, 16);
    v("src_stride_inner", s.srcStrideInner, 16);
    v("dst_buf", s.dstBuf, 3);
    v("dst_addr", s.dstAddr, 24);
    v("dst_type", s.dstType, 2);
    v("dst_stride_outer", s.dstStrideOuter, 16);
    v("dst_stride_inner", s.dstStrideInner, 16);
    v("n_outer", s.nOuter, 16);
    v("n_red", s.nRed, 16);
    v("n_inner", s.nInner, 16);
  }
};

/// TOSA TABLE: 256-entry int8 lookup, 513-entry interpolated int16 lookup,
/// or 256-entry int32 lookup of an 8-bit index.
struct Table {
  static constexpr Opcode kOpcode = Opcode::Table;
  static constexpr const char *kMnemonic = "vec.table";
  Deps deps;
  TableMode mode = TableMode::I8;
  Operand src;
  Operand dst;
  uint32_t nOuter = 0;
  uint32_t nInner = 0;
  uint32_t tableAddr = 0;
  template <typename S, typename V>
  static constexpr void visitFields(S &s, V &&v) {
    v("mode", s.mode, 2);
    visitOperand(s.src, kSrcNames, v);
    visitOperand(s.dst, kDstNames, v);
    v("n_outer", s.nOuter, 16);
    v("n_inner", s.nInner, 16);
    v("table_addr", s.tableAddr, 24);
  }
};

/// Loads the element-wise input registers used by every following
/// vec.eltwise: the operation, a left shift shared by both inputs, and per
/// input a zero point and rescale.
struct EltwiseConfig {
  static constexpr Opcode kOpcode = Opcode::EltwiseConfig;
  static constexpr const char *kMnemonic = "vec.ecfg";
  Deps deps;
  EltOp op = EltOp::Add;
  /// Both inputs minus their zero points are shifted left by this (exact,
  /// in 64 bits) before their rescale: TFLite ADD/SUB's left_shift.
  uint32_t leftShift = 0;
  int32_t zp1 = 0;
  int32_t mult1 = 0;
  uint32_t shift1 = 0;
  bool doubleRound1 = false;
  int32_t zp2 = 0;
  int32_t mult2 = 0;
  uint32_t shift2 = 0;
  bool doubleRound2 = false;
  uint32_t mulShift = 0;
  template <typename S, typename V>
  static constexpr void visitFields(S &s, V &&v) {
    v("op", s.op, 2);
    v("left_shift", s.leftShift, 5);
    v("zp1", s.zp1, 16);
    v("mult1", s.mult1, 32);
    v("shift1", s.shift1, 6);
    v("double_round1", s.doubleRound1, 1);
    v("zp2", s.zp2, 16);
    v("mult2", s.mult2, 32);
    v("shift2", s.shift2, 6);
    v("double_round2", s.doubleRound2, 1);
    v("mul_shift", s.mulShift, 6);
  }
};

/// Fused element-wise add, sub or mul of two rescaled inputs, requantized
/// by the PPU's per-layer registers (vec.ecfg, ppu.cfg).
struct Eltwise {
  static constexpr Opcode kOpcode = Opcode::Eltwise;
  static constexpr const char *kMnemonic = "vec.eltwise";
  Deps deps;
  Operand src1;
  Operand src2;
  Operand dst;
  uint32_t nOuter = 0;
  uint32_t nInner = 0;
  template <typename S, typename V>
  static constexpr void visitFields(S &s, V &&v) {
    visitOperand(s.src1, kSrc1Names, v);
    visitOperand(s.src2, kSrc2Names, v);
    visitOperand(s.dst, kDstNames, v);
    v("n_outer", s.nOuter, 16);
    v("n_inner", s.nInner, 16);
  }
};

namespace detail {
/// Not constexpr: reached only when a field name is wrong, which makes the
/// constant evaluation of fieldLimits fail to compile.
inline void noSuchField() {}
} // namespace detail

/// Smallest and largest value field `name` of instruction I can encode,
/// derived from the field's one declaration in I::visitFields. Usable in
/// constant expressions, where a name I does not have fails to compile
/// (at run time it gives {0, -1}).
template <typename I>
constexpr std::pair<int64_t, int64_t> fieldLimits(std::string_view name) {
  I instr{};
  int64_t lo = 0, hi = -1;
  I::visitFields(instr, [&](const char *field, auto &member, unsigned width) {
    if (std::string_view(field) == name) {
      const auto range =
          fieldRange<std::remove_reference_t<decltype(member)>>(width);
      lo = range.first;
      hi = range.second;
    }
  });
  if (hi < lo)
    detail::noSuchField();
  return {lo, hi};
}
template <typename I> constexpr int64_t fieldMax(std::string_view name) {
  return fieldLimits<I>(name).second;
}
template <typename I> constexpr int64_t fieldMin(std::string_view name) {
  return fieldLimits<I>(name).first;
}

using Instruction = std::variant<Halt, Token, DmaLoad, DmaStore, LoadWeights,
                                 Gemm, PpuConfig, Ppu, DwConv, Pool, Rescale,
                                 Alu, Reduce, Table, EltwiseConfig, Eltwise>;

/// The queue that executes an instruction. HALT reports Queue::Compute but
/// is consumed by the controller's fetch stage.
Queue queueOf(const Instruction &instr);
Opcode opcodeOf(const Instruction &instr);
const char *mnemonicOf(const Instruction &instr);
const Deps &depsOf(const Instruction &instr);
Deps &depsOf(Instruction &instr);

/// Every opcode, in numeric order.
const std::array<Opcode, std::variant_size_v<Instruction>> &allOpcodes();

/// A default-constructed instruction of the given opcode.
Instruction makeInstruction(Opcode opcode);

} // namespace npu::isa

#endif // NPU_ISA_ISA_H
