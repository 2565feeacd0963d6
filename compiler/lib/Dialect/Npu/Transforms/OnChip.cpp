//===- OnChip.cpp - Element-wise operands addressed in the scratchpads ----===//
//
// An element-wise op whose operands and result live on chip (their homes,
// or whole in the op's working areas) runs in place: every tensor is a base
// address plus one element stride per dimension of the result's index space
// (0 where it broadcasts), and the index space is cut into the 2-d pieces
// the vector unit's strided operands can address.
//
//===----------------------------------------------------------------------===//
#include "Lowering.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::lowering;

namespace {

constexpr int64_t kMinStride =
    npuisa::fieldMin<npuisa::Alu>("src1_stride_outer");
constexpr int64_t kMaxStride =
    npuisa::fieldMax<npuisa::Alu>("src1_stride_outer");
static_assert(kMaxStride == npuisa::fieldMax<npuisa::Alu>("src1_stride_inner"));

bool strideFits(int64_t s) { return s >= kMinStride && s <= kMaxStride; }

/// Element strides of a tensor of `shape` in `home`, per dimension.
SmallVector<int64_t> homeStrides(ArrayRef<int64_t> shape,
                                 const SramHome &home) {
  const int64_t e = home.elem;
  const int64_t rank = static_cast<int64_t>(shape.size());
  SmallVector<int64_t> s(rank, 0);
  auto pitch = [&](int64_t bytes) { return bytes / e; };
  switch (rank) {
  case 0:
    break;
  case 1:
    s[0] = 1;
    break;
  case 2:
    s = {pitch(home.pixPitch()), 1};
    break;
  case 3:
    s = {pitch(home.imagePitch()), pitch(home.pixPitch()), 1};
    break;
  default: {
    s[rank - 1] = 1;
    s[rank - 2] = pitch(home.pixPitch());
    s[rank - 3] = pitch(home.rowPitch());
    int64_t lead = pitch(home.imagePitch());
    for (int64_t d = rank - 4; d >= 0; --d) {
      s[d] = lead;
      lead *= shape[d];
    }
    break;
  }
  }
  return s;
}

SmallVector<int64_t> denseElementStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> s(shape.size());
  int64_t stride = 1;
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    s[d] = stride;
    stride *= shape[d];
  }
  return s;
}

/// Strides of `own` broadcast against `shape`.
void broadcast(SmallVector<int64_t> &strides, ArrayRef<int64_t> own,
               ArrayRef<int64_t> shape) {
  for (size_t d = 0; d < shape.size(); ++d)
    if (own[d] == 1 && shape[d] != 1)
      strides[d] = 0;
}

int64_t typeBytes(Value v) {
  auto type = cast<ShapedType>(v.getType());
  return type.getNumElements() * elemBytes(type);
}

} // namespace

bool lowering::canRunOnChip(const ProgramEmitter &e, Operation *op) {
  int64_t dramIn = 0;
  for (Value v : op->getOperands()) {
    // A table op's table goes to PBUF.
    if (isa<TableOp>(op) && v == op->getOperand(1))
      continue;
    if (getSramHome(v))
      continue;
    if (auto type = dyn_cast<ShapedType>(v.getType()))
      dramIn += alignTo(typeBytes(v), kSramAlignment);
  }
  const WorkAreas &w = e.currentWorkAreas();
  if (dramIn > w.ibufSize)
    return false;
  if (op->getNumResults() == 1 && !getSramHome(op->getResult(0)) &&
      typeBytes(op->getResult(0)) > w.obufSize)
    return false;
  return true;
}

FailureOr<OnChipTensor> lowering::onChipOperand(ProgramEmitter &e, Value v,
                                                ArrayRef<int64_t> shape,
                                                int64_t &cursor) {
  OnChipTensor t;
  t.type = dtypeOf(v.getType());
  ArrayRef<int64_t> own = shapeOf(v);
  if (std::optional<SramHome> home = getSramHome(v)) {
    t.buf = home->buf;
    t.base = home->addr(0, 0, 0);
    t.strides = homeStrides(own, *home);
  } else {
    // A constant or a DRAM tensor, loaded whole into the working area.
    FailureOr<DramView> view = e.denseView(v);
    if (failed(view))
      return failure();
    t.buf = Buffer::IBuf;
    t.base = cursor;
    if (failed(e.gather(*view, Buffer::IBuf, cursor)))
      return failure();
    cursor = alignTo(cursor + typeBytes(v), kSramAlignment);
    t.strides = denseElementStrides(own);
  }
  broadcast(t.strides, own, shape);
  return t;
}

FailureOr<OnChipTensor> lowering::onChipResult(ProgramEmitter &e, Value v) {
  OnChipTensor t;
  t.type = dtypeOf(v.getType());
  if (std::optional<SramHome> home = getSramHome(v)) {
    t.buf = home->buf;
    t.base = home->addr(0, 0, 0);
    t.strides = homeStrides(shapeOf(v), *home);
    return t;
  }
  t.buf = Buffer::OBuf;
  t.base = e.currentWorkAreas().obufBase;
  t.strides = denseElementStrides(shapeOf(v));
  t.staged = true;
  return t;
}

LogicalResult lowering::storeResult(ProgramEmitter &e, Value v,
                                    const OnChipTensor &t) {
  if (!t.staged)
    return success();
  FailureOr<DramView> view = e.denseView(v);
  if (failed(view))
    return failure();
  return e.scatter(Buffer::OBuf, t.base, *view);
}

LogicalResult lowering::forEachPiece(
    ProgramEmitter &e, ArrayRef<int64_t> shape,
    ArrayRef<const OnChipTensor *> tensors, int64_t maxOuter, int64_t maxInner,
    int64_t maxElems,
    llvm::function_ref<void(ArrayRef<npuisa::Operand>, int64_t, int64_t)> fn) {
  // Merge dimensions every tensor steps through uniformly; drop unit ones.
  SmallVector<int64_t> dims;
  SmallVector<SmallVector<int64_t>> strides(tensors.size());
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1)
      continue;
    bool merge = !dims.empty();
    for (size_t k = 0; k < tensors.size() && merge; ++k)
      merge = strides[k].back() == tensors[k]->strides[d] * shape[d];
    if (merge) {
      dims.back() *= shape[d];
      for (size_t k = 0; k < tensors.size(); ++k)
        strides[k].back() = tensors[k]->strides[d];
      continue;
    }
    dims.push_back(shape[d]);
    for (size_t k = 0; k < tensors.size(); ++k)
      strides[k].push_back(tensors[k]->strides[d]);
  }
  // The innermost dimension runs along the lanes, the next one is the
  // outer loop of one instruction, the rest are loops of instructions.
  const int64_t rank = static_cast<int64_t>(dims.size());
  auto fits = [&](int64_t d) {
    for (const auto &s : strides)
      if (!strideFits(s[d]))
        return false;
    return true;
  };
  int64_t innerDim = rank - 1, outerDim = rank - 2;
  if (innerDim >= 0 && !fits(innerDim))
    return emitError(e.loc(), "element-wise operand strides exceed the "
                              "vector unit's fields");
  if (outerDim >= 0 && !fits(outerDim))
    outerDim = -1; // looped instead
  const int64_t loops = outerDim >= 0 ? outerDim : innerDim;
  SmallVector<int64_t> index(std::max<int64_t>(loops, 0), 0);
  const int64_t inner = innerDim >= 0 ? dims[innerDim] : 1;
  const int64_t outer = outerDim >= 0 ? dims[outerDim] : 1;
  maxInner = std::max<int64_t>(1, std::min(maxInner, maxElems));
  maxOuter = std::max<int64_t>(
      1, std::min(maxOuter, maxElems / std::min(inner, maxInner)));
  while (true) {
    for (int64_t o0 = 0; o0 < outer; o0 += maxOuter)
      for (int64_t i0 = 0; i0 < inner; i0 += maxInner) {
        SmallVector<npuisa::Operand, 3> ops;
        for (size_t k = 0; k < tensors.size(); ++k) {
          const OnChipTensor &t = *tensors[k];
          const int64_t size = ::npu::elementBytes(t.type);
          int64_t elem = 0;
          for (int64_t d = 0; d < loops; ++d)
            elem += index[d] * strides[k][d];
          const int64_t so = outerDim >= 0 ? strides[k][outerDim] : 0;
          const int64_t si = innerDim >= 0 ? strides[k][innerDim] : 0;
          elem += o0 * so + i0 * si;
          ops.push_back({t.buf, static_cast<uint32_t>(t.base + elem * size),
                         t.type, static_cast<int32_t>(so),
                         static_cast<int32_t>(si)});
        }
        fn(ops, std::min(maxOuter, outer - o0), std::min(maxInner, inner - i0));
      }
    int64_t d = loops - 1;
    while (d >= 0 && ++index[d] == dims[d])
      index[d--] = 0;
    if (d < 0)
      break;
  }
  return success();
}
