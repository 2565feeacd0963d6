//===- LowerElementwise.cpp - Element-wise ops on the vector unit ---------===//
//
// eltwise, alu, rescale, clamp, table and reduce move their operands through
// the scratchpads in tiles (strided DMA gathers of each input into IBUF, the
// vector instructions, a scatter of OBUF) and compute on the vector unit,
// eltwise requantizing through the PPU.
//
//===----------------------------------------------------------------------===//
#include "Lowering.h"

#include "npu/Support/ByteIO.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::lowering;
using npuisa::fieldMax;

namespace {

LayerKind layerKindOf(EltwiseKind kind) {
  switch (kind) {
  case EltwiseKind::Add:
    return LayerKind::Add;
  case EltwiseKind::Sub:
    return LayerKind::Sub;
  case EltwiseKind::Mul:
    return LayerKind::Mul;
  }
  llvm_unreachable("unknown EltwiseKind");
}

/// An alu layer is named after its operation; copy is a cast.
LayerKind layerKindOf(AluKind kind) {
  switch (kind) {
  case AluKind::Add:
    return LayerKind::Add;
  case AluKind::Sub:
    return LayerKind::Sub;
  case AluKind::Mul:
    return LayerKind::Mul;
  case AluKind::Max:
    return LayerKind::Max;
  case AluKind::Min:
    return LayerKind::Min;
  case AluKind::Shl:
    return LayerKind::Shl;
  case AluKind::AShr:
    return LayerKind::AShr;
  case AluKind::LShr:
    return LayerKind::LShr;
  case AluKind::And:
    return LayerKind::And;
  case AluKind::Or:
    return LayerKind::Or;
  case AluKind::Xor:
    return LayerKind::Xor;
  case AluKind::Clz:
    return LayerKind::Clz;
  case AluKind::Abs:
    return LayerKind::Abs;
  case AluKind::Neg:
    return LayerKind::Neg;
  case AluKind::Copy:
    return LayerKind::Cast;
  }
  llvm_unreachable("unknown AluKind");
}

LayerKind layerKindOf(ReduceKind kind) {
  switch (kind) {
  case ReduceKind::Sum:
    return LayerKind::ReduceSum;
  case ReduceKind::Max:
    return LayerKind::ReduceMax;
  case ReduceKind::Min:
    return LayerKind::ReduceMin;
  }
  llvm_unreachable("unknown ReduceKind");
}

/// A dense vector operand of `n` elements at `addr`.
npuisa::Operand dense(Buffer buf, int64_t addr, npuisa::DType type) {
  return npuisa::Operand{buf, static_cast<uint32_t>(addr), type, 0, 1};
}

LogicalResult
tiled(ProgramEmitter &e, ArrayRef<int64_t> shape, int64_t maxElems,
      ArrayRef<DramView> inputs, const DramView &out,
      llvm::function_ref<void(int64_t count, ArrayRef<int64_t> inAddrs,
                              int64_t outAddr)>
          compute) {
  if (maxElems < 1)
    return emitError(e.loc(), "scratchpads too small for one element "
                              "of this operation");
  int64_t tiles = 0;
  for (const Box &box : tileBoxes(shape, maxElems)) {
    const int64_t count = box.numElements();
    const int64_t ib = e.slot(Buffer::IBuf, tiles),
                  ob = e.slot(Buffer::OBuf, tiles);
    ++tiles;
    SmallVector<int64_t, 2> addrs;
    int64_t at = ib;
    for (const DramView &v : inputs) {
      addrs.push_back(at);
      if (failed(e.gather(v.box(box.start, box.sizes), Buffer::IBuf, at)))
        return failure();
      at = alignTo(at + count * v.elem, 4);
    }
    compute(count, addrs, ob);
    if (failed(e.scatter(Buffer::OBuf, ob, out.box(box.start, box.sizes))))
      return failure();
  }
  return success();
}

/// Bytes of IBUF a tile of n elements of `inputs` needs: each input 4-byte
/// aligned.
int64_t maxTileElems(int64_t ibufBytes, ArrayRef<DramView> inputs) {
  int64_t perElem = 0;
  for (const DramView &v : inputs)
    perElem += v.elem;
  return (ibufBytes - 4 * static_cast<int64_t>(inputs.size())) / perElem;
}

//===----------------------------------------------------------------------===//
// On chip: operands in place (or loaded whole), no tiles
//===----------------------------------------------------------------------===//

constexpr int64_t kAluOuter = fieldMax<npuisa::Alu>("n_outer");
constexpr int64_t kAluInner = fieldMax<npuisa::Alu>("n_inner");

/// Operands of `op` (in `values` order) and its result, on chip.
struct OnChipOperands {
  SmallVector<OnChipTensor, 3> in;
  OnChipTensor out;
};

FailureOr<OnChipOperands> onChipOperands(ProgramEmitter &e, ValueRange values,
                                         Value result) {
  OnChipOperands t;
  ArrayRef<int64_t> shape = shapeOf(result);
  int64_t cursor = e.currentWorkAreas().ibufBase;
  for (Value v : values) {
    FailureOr<OnChipTensor> x = onChipOperand(e, v, shape, cursor);
    if (failed(x))
      return failure();
    t.in.push_back(*x);
  }
  FailureOr<OnChipTensor> out = onChipResult(e, result);
  if (failed(out))
    return failure();
  t.out = *out;
  return t;
}

/// Loads int32 constants into the layer's half of PBUF; returns its base.
int64_t loadPbufConstants(ProgramEmitter &e, ArrayRef<int32_t> values) {
  ::npu::ByteWriter bytes;
  for (int32_t v : values)
    bytes.put<int32_t>(v);
  const int64_t base = e.layerConstantBase(
      Buffer::PBuf, static_cast<int64_t>(bytes.data().size()));
  e.loadConstant(bytes.data(), Buffer::PBuf, base);
  return base;
}

/// The layer header of an element-wise op: its output requantization
/// (ppu.cfg with the fused LUT, if any) and its input registers (vec.ecfg).
void beginEltwise(ProgramEmitter &e, EltwiseOp op) {
  npuisa::PpuParams params = ppuParams(op, 1);
  params.form = npuisa::PpuForm::PerLayer;
  e.beginLayer(op, layerKindOf(op.getKind()), 0);
  loadPpuTables(e, params, 0, 1);
  npuisa::EltwiseConfig cfg;
  cfg.op = op.getKind() == EltwiseKind::Add   ? npuisa::EltOp::Add
           : op.getKind() == EltwiseKind::Sub ? npuisa::EltOp::Sub
                                              : npuisa::EltOp::Mul;
  cfg.leftShift = static_cast<uint32_t>(op.getLeftShift());
  cfg.zp1 = op.getLhsZp();
  cfg.mult1 = op.getLhsMultiplier();
  cfg.shift1 = static_cast<uint32_t>(op.getLhsShift());
  cfg.doubleRound1 = op.getLhsDoubleRound();
  cfg.zp2 = op.getRhsZp();
  cfg.mult2 = op.getRhsMultiplier();
  cfg.shift2 = static_cast<uint32_t>(op.getRhsShift());
  cfg.doubleRound2 = op.getRhsDoubleRound();
  cfg.mulShift = static_cast<uint32_t>(op.getMulShift());
  e.emit(cfg);
}

void emitEltwise(ProgramEmitter &e, const npuisa::Operand &lhs,
                 const npuisa::Operand &rhs, const npuisa::Operand &dst,
                 int64_t nOuter, int64_t nInner) {
  npuisa::Eltwise x;
  x.src1 = lhs;
  x.src2 = rhs;
  x.dst = dst;
  x.nOuter = static_cast<uint32_t>(nOuter);
  x.nInner = static_cast<uint32_t>(nInner);
  e.emit(x);
}

constexpr int64_t kEltOuter = fieldMax<npuisa::Eltwise>("n_outer");
constexpr int64_t kEltInner = fieldMax<npuisa::Eltwise>("n_inner");

LogicalResult eltwiseOnChip(ProgramEmitter &e, EltwiseOp op) {
  beginEltwise(e, op);
  FailureOr<OnChipOperands> t =
      onChipOperands(e, {op.getLhs(), op.getRhs()}, op.getOutput());
  if (failed(t))
    return failure();
  LogicalResult status = forEachPiece(
      e, shapeOf(op.getOutput()), {&t->in[0], &t->in[1], &t->out}, kEltOuter,
      kEltInner, INT64_MAX,
      [&](ArrayRef<npuisa::Operand> o, int64_t no, int64_t ni) {
        emitEltwise(e, o[0], o[1], o[2], no, ni);
      });
  if (failed(status))
    return failure();
  return storeResult(e, op.getOutput(), t->out);
}

LogicalResult aluOnChip(ProgramEmitter &e, AluOp op) {
  e.beginLayer(op, layerKindOf(op.getOp()), 0);
  FailureOr<OnChipOperands> t =
      onChipOperands(e, op.getInputs(), op.getOutput());
  if (failed(t))
    return failure();
  SmallVector<const OnChipTensor *, 3> tensors;
  for (const OnChipTensor &x : t->in)
    tensors.push_back(&x);
  tensors.push_back(&t->out);
  const npuisa::AluOp aluOp = toRuntime(op.getOp());
  LogicalResult status = forEachPiece(
      e, shapeOf(op.getOutput()), tensors, kAluOuter, kAluInner, INT64_MAX,
      [&](ArrayRef<npuisa::Operand> o, int64_t no, int64_t ni) {
        npuisa::Alu a;
        a.op = aluOp;
        a.src1 = o[0];
        a.src2 = o.size() > 2 ? o[1] : o[0];
        a.dst = o.back();
        a.nOuter = static_cast<uint32_t>(no);
        a.nInner = static_cast<uint32_t>(ni);
        a.shift = static_cast<uint32_t>(op.getShift());
        a.round = op.getRound();
        e.emit(a);
      });
  if (failed(status))
    return failure();
  return storeResult(e, op.getOutput(), t->out);
}

LogicalResult rescaleOnChip(ProgramEmitter &e, RescaleOp op) {
  e.beginLayer(op, LayerKind::Rescale, 0);
  FailureOr<OnChipOperands> t =
      onChipOperands(e, op.getInput(), op.getOutput());
  if (failed(t))
    return failure();
  SmallVector<int64_t> shape(shapeOf(op.getOutput()));
  const bool perChannel = op.getMultiplier().size() > 1;
  const int64_t channels = perChannel ? shape.back() : 1;
  // Per channel: one instruction per channel over all its elements (lanes
  // along the pixels); per layer: all elements at once.
  OnChipTensor in = t->in[0], out = t->out;
  if (perChannel)
    shape.back() = 1;
  for (int64_t c = 0; c < channels; ++c) {
    OnChipTensor ic = in, oc = out;
    if (perChannel) {
      ic.base += c * in.strides.back() * ::npu::elementBytes(in.type);
      oc.base += c * out.strides.back() * ::npu::elementBytes(out.type);
    }
    LogicalResult status = forEachPiece(
        e, shape, {&ic, &oc}, fieldMax<npuisa::Rescale>("n_outer"),
        fieldMax<npuisa::Rescale>("n_inner"), INT64_MAX,
        [&](ArrayRef<npuisa::Operand> o, int64_t no, int64_t ni) {
          npuisa::Rescale r;
          r.src = o[0];
          r.dst = o[1];
          r.nOuter = static_cast<uint32_t>(no);
          r.nInner = static_cast<uint32_t>(ni);
          r.inZp = op.getInputZp();
          r.outZp = op.getOutputZp();
          r.mult = op.getMultiplier()[perChannel ? c : 0];
          r.shift = static_cast<uint32_t>(op.getShift()[perChannel ? c : 0]);
          r.doubleRound = op.getDoubleRound();
          e.emit(r);
        });
    if (failed(status))
      return failure();
  }
  return storeResult(e, op.getOutput(), t->out);
}

LogicalResult clampOnChip(ProgramEmitter &e, ClampOp op) {
  e.beginLayer(op, LayerKind::Clamp, 0);
  const int64_t bounds =
      loadPbufConstants(e, {static_cast<int32_t>(op.getMin()),
                            static_cast<int32_t>(op.getMax())});
  FailureOr<OnChipOperands> t =
      onChipOperands(e, op.getInput(), op.getOutput());
  if (failed(t))
    return failure();
  LogicalResult status = forEachPiece(
      e, shapeOf(op.getOutput()), {&t->in[0], &t->out}, kAluOuter, kAluInner,
      INT64_MAX, [&](ArrayRef<npuisa::Operand> o, int64_t no, int64_t ni) {
        npuisa::Alu lo;
        lo.op = npuisa::AluOp::Max;
        lo.src1 = o[0];
        lo.src2 = {Buffer::PBuf, static_cast<uint32_t>(bounds),
                   npuisa::DType::I32, 0, 0};
        lo.dst = o[1];
        lo.nOuter = static_cast<uint32_t>(no);
        lo.nInner = static_cast<uint32_t>(ni);
        e.emit(lo);
        npuisa::Alu up = lo;
        up.op = npuisa::AluOp::Min;
        up.src1 = o[1];
        up.src2.addr = static_cast<uint32_t>(bounds + 4);
        e.emit(up);
      });
  if (failed(status))
    return failure();
  return storeResult(e, op.getOutput(), t->out);
}

LogicalResult tableOnChip(ProgramEmitter &e, TableOp op,
                          DenseIntElementsAttr table) {
  e.beginLayer(op, LayerKind::Table, 0);
  const std::vector<uint8_t> bytes = constantBytes(table);
  const int64_t base =
      e.layerConstantBase(Buffer::PBuf, static_cast<int64_t>(bytes.size()));
  e.loadConstant(bytes, Buffer::PBuf, base);
  FailureOr<OnChipOperands> t =
      onChipOperands(e, op.getInput(), op.getOutput());
  if (failed(t))
    return failure();
  const bool wide = t->in[0].type == npuisa::DType::I16;
  LogicalResult status = forEachPiece(
      e, shapeOf(op.getOutput()), {&t->in[0], &t->out},
      fieldMax<npuisa::Table>("n_outer"), fieldMax<npuisa::Table>("n_inner"),
      INT64_MAX, [&](ArrayRef<npuisa::Operand> o, int64_t no, int64_t ni) {
        npuisa::Table x;
        x.mode = wide ? npuisa::TableMode::I16 : npuisa::TableMode::I8;
        x.src = o[0];
        x.dst = o[1];
        x.nOuter = static_cast<uint32_t>(no);
        x.nInner = static_cast<uint32_t>(ni);
        x.tableAddr = static_cast<uint32_t>(base);
        e.emit(x);
      });
  if (failed(status))
    return failure();
  return storeResult(e, op.getOutput(), t->out);
}

LogicalResult reduceOnChip(ProgramEmitter &e, ReduceOp op) {
  e.beginLayer(op, layerKindOf(op.getKind()), 0);
  int64_t cursor = e.currentWorkAreas().ibufBase;
  ArrayRef<int64_t> inShape = shapeOf(op.getInput());
  FailureOr<OnChipTensor> in = onChipOperand(e, op.getInput(), inShape, cursor);
  FailureOr<OnChipTensor> out = onChipResult(e, op.getOutput());
  if (failed(in) || failed(out))
    return failure();
  const int64_t axis = op.getAxis();
  // The index space of the result; the input steps over the reduced axis
  // with its own stride.
  SmallVector<int64_t> shape(inShape);
  shape[axis] = 1;
  const int64_t redStride = in->strides[axis];
  if (redStride > fieldMax<npuisa::Reduce>("src_stride_red"))
    return op.emitError("the reduced axis' stride exceeds the vector unit's "
                        "field");
  LogicalResult status =
      forEachPiece(e, shape, {&*in, &*out}, fieldMax<npuisa::Reduce>("n_outer"),
                   fieldMax<npuisa::Reduce>("n_inner"), INT64_MAX,
                   [&](ArrayRef<npuisa::Operand> o, int64_t no, int64_t ni) {
                     npuisa::Reduce r;
                     r.op = toRuntime(op.getKind());
                     r.srcBuf = o[0].buf;
                     r.srcAddr = o[0].addr;
                     r.srcType = o[0].type;
                     r.srcStrideOuter = o[0].strideOuter;
                     r.srcStrideRed = static_cast<int32_t>(redStride);
                     r.srcStrideInner = o[0].strideInner;
                     r.dstBuf = o[1].buf;
                     r.dstAddr = o[1].addr;
                     r.dstType = o[1].type;
                     r.dstStrideOuter = o[1].strideOuter;
                     r.dstStrideInner = o[1].strideInner;
                     r.nOuter = static_cast<uint32_t>(no);
                     r.nRed = static_cast<uint32_t>(inShape[axis]);
                     r.nInner = static_cast<uint32_t>(ni);
                     e.emit(r);
                   });
  if (failed(status))
    return failure();
  return storeResult(e, op.getOutput(), *out);
}

} // namespace

LogicalResult lowering::lowerOp(ProgramEmitter &e, EltwiseOp op) {
  if (canRunOnChip(e, op))
    return eltwiseOnChip(e, op);
  ArrayRef<int64_t> shape = shapeOf(op.getOutput());
  FailureOr<DramView> lhs = e.broadcastView(op.getLhs(), shape);
  FailureOr<DramView> rhs = e.broadcastView(op.getRhs(), shape);
  FailureOr<DramView> out = e.denseView(op.getOutput());
  if (failed(lhs) || failed(rhs) || failed(out))
    return failure();
  const int64_t n = std::min<int64_t>(
      {maxTileElems(e.half(Buffer::IBuf), {*lhs, *rhs}),
       e.half(Buffer::OBuf) / out->elem, kEltInner});
  beginEltwise(e, op);
  const npuisa::DType outType = dtypeOf(op.getOutput().getType());
  return tiled(e, shape, n, {*lhs, *rhs}, *out,
               [&](int64_t count, ArrayRef<int64_t> in, int64_t ob) {
                 emitEltwise(
                     e, dense(Buffer::IBuf, in[0], dtypeOf(op.getLhs().getType())),
                     dense(Buffer::IBuf, in[1], dtypeOf(op.getRhs().getType())),
                     dense(Buffer::OBuf, ob, outType), 1, count);
               });
}

LogicalResult lowering::lowerOp(ProgramEmitter &e, AluOp op) {
  if (canRunOnChip(e, op))
    return aluOnChip(e, op);
  ArrayRef<int64_t> shape = shapeOf(op.getOutput());
  SmallVector<DramView, 2> ins;
  for (Value v : op.getInputs()) {
    FailureOr<DramView> view = e.broadcastView(v, shape);
    if (failed(view))
      return failure();
    ins.push_back(*view);
  }
  FailureOr<DramView> out = e.denseView(op.getOutput());
  if (failed(out))
    return failure();
  const int64_t n = std::min<int64_t>({maxTileElems(e.half(Buffer::IBuf), ins),
                                       e.half(Buffer::OBuf) / out->elem,
                                       fieldMax<npuisa::Alu>("n_inner")});
  e.beginLayer(op, layerKindOf(op.getOp()), 0);
  const npuisa::AluOp aluOp = toRuntime(op.getOp());
  return tiled(
      e, shape, n, ins, *out,
      [&](int64_t count, ArrayRef<int64_t> in, int64_t ob) {
        npuisa::Alu a;
        a.op = aluOp;
        a.src1 =
            dense(Buffer::IBuf, in[0], dtypeOf(op.getInputs()[0].getType()));
        a.src2 = ins.size() > 1 ? dense(Buffer::IBuf, in[1],
                                        dtypeOf(op.getInputs()[1].getType()))
                                : a.src1;
        a.dst = dense(Buffer::OBuf, ob, dtypeOf(op.getOutput().getType()));
        a.nOuter = 1;
        a.nInner = static_cast<uint32_t>(count);
        a.shift = static_cast<uint32_t>(op.getShift());
        a.round = op.getRound();
        e.emit(a);
      });
}

LogicalResult lowering::lowerOp(ProgramEmitter &e, RescaleOp op) {
  if (canRunOnChip(e, op))
    return rescaleOnChip(e, op);
  ArrayRef<int64_t> shape = shapeOf(op.getOutput());
  FailureOr<DramView> in = e.denseView(op.getInput());
  FailureOr<DramView> out = e.denseView(op.getOutput());
  if (failed(in) || failed(out))
    return failure();
  const bool perChannel = op.getMultiplier().size() > 1;
  const int64_t channels = perChannel ? shape.back() : 1;
  // One instruction per channel iterates over the tile's pixels.
  int64_t n = std::min<int64_t>({maxTileElems(e.half(Buffer::IBuf), {*in}),
                                 e.half(Buffer::OBuf) / out->elem,
                                 fieldMax<npuisa::Rescale>("n_outer")});
  // Per-channel: tiles hold whole pixels (the last dimension stays whole).
  n = n / channels * channels;
  e.beginLayer(op, LayerKind::Rescale, 0);
  return tiled(
      e, shape, n, {*in}, *out,
      [&](int64_t count, ArrayRef<int64_t> ib, int64_t ob) {
        // One instruction per channel, stepping over pixels.
        for (int64_t c = 0; c < channels; ++c) {
          npuisa::Rescale r;
          r.src = {Buffer::IBuf, static_cast<uint32_t>(ib[0] + c * in->elem),
                   dtypeOf(op.getInput().getType()),
                   static_cast<int32_t>(channels), 0};
          r.dst = {Buffer::OBuf, static_cast<uint32_t>(ob + c * out->elem),
                   dtypeOf(op.getOutput().getType()),
                   static_cast<int32_t>(channels), 0};
          r.nOuter = static_cast<uint32_t>(count / channels);
          r.nInner = 1;
          r.inZp = op.getInputZp();
          r.outZp = op.getOutputZp();
          r.mult = op.getMultiplier()[perChannel ? c : 0];
          r.shift = static_cast<uint32_t>(op.getShift()[perChannel ? c : 0]);
          r.doubleRound = op.getDoubleRound();
          e.emit(r);
        }
      });
}

LogicalResult lowering::lowerOp(ProgramEmitter &e, ClampOp op) {
  if (canRunOnChip(e, op))
    return clampOnChip(e, op);
  ArrayRef<int64_t> shape = shapeOf(op.getOutput());
  FailureOr<DramView> in = e.denseView(op.getInput());
  FailureOr<DramView> out = e.denseView(op.getOutput());
  if (failed(in) || failed(out))
    return failure();
  const int64_t n = std::min<int64_t>(
      {maxTileElems(e.half(Buffer::IBuf), {*in}),
       e.half(Buffer::OBuf) / out->elem, fieldMax<npuisa::Alu>("n_inner")});
  e.beginLayer(op, LayerKind::Clamp, 0);
  // The bounds as two int32 constants in pbuf, broadcast with stride 0.
  ::npu::ByteWriter bounds;
  bounds.put<int32_t>(static_cast<int32_t>(op.getMin()));
  bounds.put<int32_t>(static_cast<int32_t>(op.getMax()));
  e.loadConstant(bounds.data(), Buffer::PBuf, 0);
  const npuisa::DType type = dtypeOf(op.getOutput().getType());
  return tiled(e, shape, n, {*in}, *out,
               [&](int64_t count, ArrayRef<int64_t> ib, int64_t ob) {
                 npuisa::Alu lo;
                 lo.op = npuisa::AluOp::Max;
                 lo.src1 = dense(Buffer::IBuf, ib[0], type);
                 lo.src2 = {Buffer::PBuf, 0, npuisa::DType::I32, 0, 0};
                 lo.dst = dense(Buffer::OBuf, ob, type);
                 lo.nOuter = 1;
                 lo.nInner = static_cast<uint32_t>(count);
                 e.emit(lo);
                 npuisa::Alu up = lo;
                 up.op = npuisa::AluOp::Min;
                 up.src1 = lo.dst;
                 up.src2 = {Buffer::PBuf, 4, npuisa::DType::I32, 0, 0};
                 e.emit(up);
               });
}

LogicalResult lowering::lowerOp(ProgramEmitter &e, TableOp op) {
  DenseIntElementsAttr table;
  if (!matchPattern(op.getTable(), m_Constant(&table)))
    return op.emitError("the table must be a constant");
  if (canRunOnChip(e, op))
    return tableOnChip(e, op, table);
  ArrayRef<int64_t> shape = shapeOf(op.getOutput());
  FailureOr<DramView> in = e.denseView(op.getInput());
  FailureOr<DramView> out = e.denseView(op.getOutput());
  if (failed(in) || failed(out))
    return failure();
  const int64_t n = std::min<int64_t>(
      {maxTileElems(e.half(Buffer::IBuf), {*in}),
       e.half(Buffer::OBuf) / out->elem, fieldMax<npuisa::Table>("n_inner")});
  e.beginLayer(op, LayerKind::Table, 0);
  e.loadConstant(constantBytes(table), Buffer::PBuf, 0);
  const bool wide = in->elem == 2;
  return tiled(e, shape, n, {*in}, *out,
               [&](int64_t count, ArrayRef<int64_t> ib, int64_t ob) {
                 npuisa::Table t;
                 t.mode = wide ? npuisa::TableMode::I16 : npuisa::TableMode::I8;
                 t.src = dense(Buffer::IBuf, ib[0],
                               wide ? npuisa::DType::I16 : npuisa::DType::I8);
                 t.dst = dense(Buffer::OBuf, ob,
                               wide ? npuisa::DType::I32 : npuisa::DType::I8);
                 t.nOuter = 1;
                 t.nInner = static_cast<uint32_t>(count);
                 t.tableAddr = 0;
                 e.emit(t);
               });
}

LogicalResult lowering::lowerOp(ProgramEmitter &e, ReduceOp op) {
  if (canRunOnChip(e, op))
    return reduceOnChip(e, op);
  ArrayRef<int64_t> shape = shapeOf(op.getInput());
  const int64_t axis = op.getAxis();
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  for (int64_t d = axis + 1; d < static_cast<int64_t>(shape.size()); ++d)
    inner *= shape[d];
  const int64_t red = shape[axis];
  FailureOr<DramView> in = e.denseView(op.getInput());
  FailureOr<DramView> out = e.denseView(op.getOutput());
  if (failed(in) || failed(out))
    return failure();
  const int64_t ie = in->elem, oe = out->elem;
  // 3-d views [outer, red, inner] and [outer, inner].
  DramView in3 = *in, out2 = *out;
  in3.shape = {outer, red, inner};
  in3.strides = {red * inner * ie, inner * ie, ie};
  out2.shape = {outer, inner};
  out2.strides = {inner * oe, oe};
  const int64_t hi = e.half(Buffer::IBuf), ho = e.half(Buffer::OBuf);
  if (red * ie > hi)
    return op.emitError("the reduced axis does not fit sram.ibuf_kib");
  // Tile over (outer, inner) with the whole reduced axis in each tile.
  const int64_t maxOut = std::min<int64_t>(
      {hi / (red * ie), ho / oe, fieldMax<npuisa::Reduce>("n_inner")});
  e.beginLayer(op, layerKindOf(op.getKind()), 0);
  int64_t tiles = 0;
  for (const Box &box : tileBoxes(out2.shape, maxOut)) {
    const int64_t to = box.sizes[0], ti = box.sizes[1];
    const int64_t ib = e.slot(Buffer::IBuf, tiles),
                  ob = e.slot(Buffer::OBuf, tiles);
    ++tiles;
    if (failed(e.gather(in3.box({box.start[0], 0, box.start[1]}, {to, red, ti}),
                        Buffer::IBuf, ib)))
      return failure();
    npuisa::Reduce r;
    r.op = toRuntime(op.getKind());
    r.srcBuf = Buffer::IBuf;
    r.srcAddr = static_cast<uint32_t>(ib);
    r.srcType = dtypeOf(op.getInput().getType());
    r.srcStrideOuter = static_cast<int32_t>(red * ti);
    r.srcStrideRed = static_cast<int32_t>(ti);
    r.srcStrideInner = 1;
    r.dstBuf = Buffer::OBuf;
    r.dstAddr = static_cast<uint32_t>(ob);
    r.dstType = dtypeOf(op.getOutput().getType());
    r.dstStrideOuter = static_cast<int32_t>(ti);
    r.dstStrideInner = 1;
    r.nOuter = static_cast<uint32_t>(to);
    r.nRed = static_cast<uint32_t>(red);
    r.nInner = static_cast<uint32_t>(ti);
    if (red * ti > fieldMax<npuisa::Reduce>("src_stride_outer") ||
        ti > fieldMax<npuisa::Reduce>("src_stride_red"))
      return op.emitError("reduction tile exceeds the vector unit's strides");
    e.emit(r);
    if (failed(e.scatter(Buffer::OBuf, ob, out2.box(box.start, box.sizes))))
      return failure();
  }
  return success();
}
