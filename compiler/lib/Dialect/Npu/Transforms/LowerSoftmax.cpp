//===- LowerSoftmax.cpp - TFLite's int8 softmax on the vector unit --------===//
//
// npu.softmax in eleven vector instructions per group of rows, its
// intermediates in ABUF (free between MAC layers; the compute queue runs in
// order) and its exp table and two constants in PBUF:
//
//   m = reduce max(x)                       i8 rows -> i32
//   d = m - x                               u8, in [0, 255]
//   e = exp_table[d]                        vec.table i32
//   f = e >> 12 (rounded)                   gemmlowp Rescale<12>
//   s = reduce sum(f)
//   r = recip(s), h = 35 - clz(s)           TFLite's GetReciprocal
//   q = ((e * r) >> 31 rounded) >> h rounded
//   y = saturate_i8(q - 128)                vec.rescale, identity scale
//
//===----------------------------------------------------------------------===//
#include "Lowering.h"

#include "npu/Support/ByteIO.h"

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::lowering;
using npuisa::Buffer;
using npuisa::DType;
using npuisa::fieldMax;

namespace {

constexpr int32_t kSumShift = 12;    // Q0.31 exponentials summed in Q12.19
constexpr int32_t kOutputShift = 35; // 31 - 8 + 12: Q0.31 -> 1/256 units
constexpr int64_t kTableBytes = 256 * 4;

/// A row-major group of rows of the input or the output: row i, column j at
/// addr + (i * rowStride + j * colStride) elements.
struct Rows {
  Buffer buf;
  int64_t addr, rowStride, colStride;
};

npuisa::Operand operand(Buffer buf, int64_t addr, DType type,
                        int64_t strideOuter, int64_t strideInner) {
  return npuisa::Operand{buf, static_cast<uint32_t>(addr), type,
                         static_cast<int32_t>(strideOuter),
                         static_cast<int32_t>(strideInner)};
}

/// ABUF scratch of a group of n rows of depth D.
struct Scratch {
  int64_t max, index, exp, part, sum, recip, shift, end;
  Scratch(int64_t n, int64_t D) {
    max = 0;
    index = alignTo(max + 4 * n, 4);
    exp = alignTo(index + n * D, 4);
    part = exp + 4 * n * D;
    sum = part + 4 * n * D;
    recip = sum + 4 * n;
    shift = recip + 4 * n;
    end = shift + 4 * n;
  }
};

class SoftmaxEmitter {
public:
  SoftmaxEmitter(ProgramEmitter &e, int64_t depth, int64_t pbuf)
      : e(e), D(depth), table(pbuf), sumShift(pbuf + kTableBytes),
        outShift(pbuf + kTableBytes + 4) {}

  /// Rows per group that fit ABUF (0 when one does not).
  int64_t maxRows() const {
    const int64_t abuf = e.bufferBytes(Buffer::ABuf);
    int64_t n = std::min<int64_t>({fieldMax<npuisa::Alu>("n_outer"),
                                   fieldMax<npuisa::Reduce>("n_outer"),
                                   abuf / (9 * D + 16)});
    while (n > 0 && Scratch(n, D).end > abuf)
      --n;
    return n;
  }

  void emit(const Rows &in, const Rows &out, int64_t n) {
    const Scratch s(n, D);
    const Buffer A = Buffer::ABuf;
    auto xIn = operand(in.buf, in.addr, DType::I8, in.rowStride, in.colStride);
    auto rowVec = [&](int64_t addr) { // one i32 per row, broadcast on a row
      return operand(A, addr, DType::I32, 1, 0);
    };
    auto full = [&](int64_t addr, DType t) {
      return operand(A, addr, t, D, 1);
    };
    auto column = [&](int64_t addr) { // one i32 per row, n x 1
      return operand(A, addr, DType::I32, 1, 1);
    };
    auto pbufConst = [&](int64_t addr) {
      return operand(Buffer::PBuf, addr, DType::I32, 0, 0);
    };
    auto alu = [&](npuisa::AluOp op, npuisa::Operand a, npuisa::Operand b,
                   npuisa::Operand dst, int64_t outer, int64_t inner) {
      npuisa::Alu x;
      x.op = op;
      x.src1 = a;
      x.src2 = b;
      x.dst = dst;
      x.nOuter = static_cast<uint32_t>(outer);
      x.nInner = static_cast<uint32_t>(inner);
      return x;
    };
    auto reduce = [&](npuisa::ReduceOp op, npuisa::Operand src,
                      int64_t strideRed, int64_t dst) {
      npuisa::Reduce r;
      r.op = op;
      r.srcBuf = src.buf;
      r.srcAddr = src.addr;
      r.srcType = src.type;
      r.srcStrideOuter = src.strideOuter;
      r.srcStrideRed = static_cast<int32_t>(strideRed);
      r.srcStrideInner = 0;
      r.dstBuf = A;
      r.dstAddr = static_cast<uint32_t>(dst);
      r.dstType = DType::I32;
      r.dstStrideOuter = 1;
      r.dstStrideInner = 0;
      r.nOuter = static_cast<uint32_t>(n);
      r.nRed = static_cast<uint32_t>(D);
      r.nInner = 1;
      e.emit(r);
    };
    using npuisa::AluOp;
    // m = max(x); d = m - x as u8.
    reduce(npuisa::ReduceOp::Max, xIn, in.colStride, s.max);
    e.emit(alu(AluOp::Sub, rowVec(s.max), xIn, full(s.index, DType::U8), n, D));
    // e = exp_table[d].
    npuisa::Table t;
    t.mode = npuisa::TableMode::I32;
    t.src = full(s.index, DType::U8);
    t.dst = full(s.exp, DType::I32);
    t.nOuter = static_cast<uint32_t>(n);
    t.nInner = static_cast<uint32_t>(D);
    t.tableAddr = static_cast<uint32_t>(table);
    e.emit(t);
    // sum = sum(e >> 12, rounded).
    npuisa::Alu part = alu(AluOp::AShr, full(s.exp, DType::I32),
                           pbufConst(sumShift), full(s.part, DType::I32), n, D);
    part.round = true;
    e.emit(part);
    reduce(npuisa::ReduceOp::Sum, full(s.part, DType::I32), 1, s.sum);
    // r = recip(sum); h = 35 - clz(sum).
    e.emit(
        alu(AluOp::Recip, column(s.sum), column(s.sum), column(s.recip), n, 1));
    e.emit(
        alu(AluOp::Clz, column(s.sum), column(s.sum), column(s.shift), n, 1));
    e.emit(alu(AluOp::Sub, pbufConst(outShift), column(s.shift),
               column(s.shift), n, 1));
    // q = ((e * r) >> 31 rounded) >> h rounded.
    npuisa::Alu scale = alu(AluOp::Mul, full(s.exp, DType::I32),
                            rowVec(s.recip), full(s.part, DType::I32), n, D);
    scale.shift = 31;
    e.emit(scale);
    npuisa::Alu shift = alu(AluOp::AShr, full(s.part, DType::I32),
                            rowVec(s.shift), full(s.exp, DType::I32), n, D);
    shift.round = true;
    e.emit(shift);
    // y = saturate_i8(q - 128).
    npuisa::Rescale y;
    y.src = full(s.exp, DType::I32);
    y.dst = operand(out.buf, out.addr, DType::I8, out.rowStride, out.colStride);
    y.nOuter = static_cast<uint32_t>(n);
    y.nInner = static_cast<uint32_t>(D);
    y.mult = 1 << 30;
    y.shift = 30;
    y.outZp = -128;
    e.emit(y);
  }

private:
  ProgramEmitter &e;
  int64_t D;
  int64_t table, sumShift, outShift;
};

/// Element offset of row `r` (over the leading dims of `shape`) of a tensor
/// with per-dim element `strides`.
int64_t rowOffset(ArrayRef<int64_t> shape, ArrayRef<int64_t> strides,
                  int64_t r) {
  int64_t offset = 0;
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d) {
    offset += (r % shape[d]) * strides[d];
    r /= shape[d];
  }
  return offset;
}

bool stridesFit(int64_t rowStride, int64_t colStride) {
  const int64_t limit = fieldMax<npuisa::Alu>("src2_stride_outer");
  return std::abs(rowStride) <= limit && std::abs(colStride) <= limit;
}

} // namespace

LogicalResult lowering::lowerOp(ProgramEmitter &e, SoftmaxOp op) {
  ArrayRef<int64_t> shape = shapeOf(op.getInput());
  const int64_t D = shape.back();
  int64_t N = 1;
  for (int64_t dim : shape.drop_back())
    N *= dim;
  e.beginLayer(op, LayerKind::Softmax, 0);

  // The exp table and the two shift amounts, in the layer's half of PBUF
  // when they fit (the next layer's tables load meanwhile), else at 0.
  ::npu::ByteWriter bytes;
  for (int32_t v : op.getExpTable())
    bytes.put<int32_t>(v);
  bytes.put<int32_t>(kSumShift);
  bytes.put<int32_t>(kOutputShift);
  const int64_t size = static_cast<int64_t>(bytes.data().size());
  if (size > e.bufferBytes(Buffer::PBuf))
    return op.emitError("sram.pbuf_kib is too small for the softmax's ")
           << size << "-byte exp table";
  const int64_t pbuf = e.layerConstantBase(Buffer::PBuf, size);
  e.loadConstant(bytes.data(), Buffer::PBuf, pbuf);

  SoftmaxEmitter emitter(e, D, pbuf);
  const int64_t maxRows = emitter.maxRows();
  if (maxRows < 1)
    return op.emitError("sram.abuf_kib is too small for one softmax row of ")
           << D;

  if (canRunOnChip(e, op)) {
    // Input and output in place (homes or the working areas).
    int64_t cursor = e.currentWorkAreas().ibufBase;
    FailureOr<OnChipTensor> inT =
        onChipOperand(e, op.getInput(), shape, cursor);
    FailureOr<OnChipTensor> outT = onChipResult(e, op.getOutput());
    if (failed(inT) || failed(outT))
      return failure();
    const OnChipTensor &in = *inT, &out = *outT;
    // Groups of consecutive rows at one row stride.
    for (int64_t r0 = 0; r0 < N;) {
      const int64_t inStride = r0 + 1 < N
                                   ? rowOffset(shape, in.strides, r0 + 1) -
                                         rowOffset(shape, in.strides, r0)
                                   : 0;
      const int64_t outStride = r0 + 1 < N
                                    ? rowOffset(shape, out.strides, r0 + 1) -
                                          rowOffset(shape, out.strides, r0)
                                    : 0;
      int64_t n = 1;
      while (r0 + n < N && n < maxRows &&
             rowOffset(shape, in.strides, r0 + n) -
                     rowOffset(shape, in.strides, r0) ==
                 n * inStride &&
             rowOffset(shape, out.strides, r0 + n) -
                     rowOffset(shape, out.strides, r0) ==
                 n * outStride)
        ++n;
      const int64_t inCol = in.strides.back(), outCol = out.strides.back();
      if (!stridesFit(inStride, inCol) || !stridesFit(outStride, outCol))
        return op.emitError("softmax rows exceed the vector unit's strides");
      emitter.emit(Rows{in.buf, in.base + rowOffset(shape, in.strides, r0),
                        inStride, inCol},
                   Rows{out.buf, out.base + rowOffset(shape, out.strides, r0),
                        outStride, outCol},
                   n);
      r0 += n;
    }
    return storeResult(e, op.getOutput(), out);
  }

  // Rows through IBUF and OBUF tiles.
  FailureOr<DramView> in = e.denseView(op.getInput());
  FailureOr<DramView> out = e.denseView(op.getOutput());
  if (failed(in) || failed(out))
    return failure();
  const int64_t rows = std::min<int64_t>(
      {maxRows, e.half(Buffer::IBuf) / D, e.half(Buffer::OBuf) / D});
  if (rows < 1 || !stridesFit(D, 1))
    return op.emitError("scratchpads too small for one softmax row of ") << D;
  DramView in2 = *in, out2 = *out;
  in2.shape = out2.shape = {N, D};
  in2.strides = out2.strides = {D, 1};
  for (int64_t r0 = 0, tile = 0; r0 < N; r0 += rows, ++tile) {
    const int64_t n = std::min(rows, N - r0);
    const int64_t ib = e.slot(Buffer::IBuf, tile),
                  ob = e.slot(Buffer::OBuf, tile);
    if (failed(e.gather(in2.box({r0, 0}, {n, D}), Buffer::IBuf, ib)))
      return failure();
    emitter.emit(Rows{Buffer::IBuf, ib, D, 1}, Rows{Buffer::OBuf, ob, D, 1}, n);
    if (failed(e.scatter(Buffer::OBuf, ob, out2.box({r0, 0}, {n, D}))))
      return failure();
  }
  return success();
}
