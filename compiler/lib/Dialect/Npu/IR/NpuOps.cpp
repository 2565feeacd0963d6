//===- NpuOps.cpp - npu dialect operations --------------------------------===//
#include "npu/Dialect/Npu/IR/NpuOps.h"

#include "npu/Isa/Encoding.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallSet.h"

using namespace mlir;
using namespace mlir::npu;
namespace npuisa = ::npu::isa;

#include "npu/Dialect/Npu/IR/NpuInterfaces.cpp.inc"
#include "npu/Dialect/Npu/IR/NpuOpsDialect.cpp.inc"

void NpuDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "npu/Dialect/Npu/IR/NpuOps.cpp.inc"
      >();
  registerAttributes();
}

//===----------------------------------------------------------------------===//
// Verification helpers
//===----------------------------------------------------------------------===//

namespace {

RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

bool isIntOfWidth(Type t, unsigned width) {
  auto i = dyn_cast<IntegerType>(t);
  return i && i.getWidth() == width;
}

/// Output size of a convolution or pooling window along one axis.
int64_t windowOutput(int64_t in, int64_t padLo, int64_t padHi, int64_t kernel,
                     int64_t stride, int64_t dilation) {
  const int64_t span = (kernel - 1) * dilation + 1;
  return (in + padLo + padHi - span) / stride + 1;
}

LogicalResult verifyWindow(Operation *op, ArrayRef<int64_t> stride,
                           ArrayRef<int64_t> dilation, ArrayRef<int64_t> pad) {
  if (stride.size() != 2 ||
      !llvm::all_of(stride, [](int64_t s) { return s > 0; }))
    return op->emitOpError("stride must hold 2 positive values");
  if (dilation.size() != 2 ||
      !llvm::all_of(dilation, [](int64_t d) { return d > 0; }))
    return op->emitOpError("dilation must hold 2 positive values");
  if (pad.size() != 4 || !llvm::all_of(pad, [](int64_t p) { return p >= 0; }))
    return op->emitOpError("pad must hold 4 non-negative values");
  return success();
}

LogicalResult verifyScaleShift(Operation *op, int32_t shift, StringRef what) {
  if (shift < npuisa::kMinScaleShift || shift > npuisa::kMaxScaleShift)
    return op->emitOpError()
           << what << " " << shift << " is outside [" << npuisa::kMinScaleShift
           << ", " << npuisa::kMaxScaleShift << "]";
  return success();
}

/// The right shift of a product (vec.alu mul): no rounding bit below 0.
LogicalResult verifyProductShift(Operation *op, int32_t shift, StringRef what) {
  if (shift < 0 || shift > npuisa::kMaxScaleShift)
    return op->emitOpError()
           << what << " must be in [0, " << npuisa::kMaxScaleShift << "]";
  return success();
}

/// Checks the requantization attributes (RequantOpInterface), once the op's
/// own verifier has checked the shapes its channel count comes from.
LogicalResult verifyRequant(RequantOpInterface op) {
  Operation *o = op;
  const int64_t channels = op.getRequantChannels();
  ArrayRef<int32_t> mult = op.getMultiplier(), shift = op.getShift();
  if (mult.size() != shift.size())
    return o->emitOpError("multiplier and shift must have the same length");
  if (mult.size() != 1 && static_cast<int64_t>(mult.size()) != channels)
    return o->emitOpError("expected 1 or ")
           << channels << " multipliers, got " << mult.size();
  for (int32_t m : mult)
    if (m < 0)
      return o->emitOpError("multiplier ") << m << " is negative";
  for (int32_t s : shift)
    if (failed(verifyScaleShift(o, s, "shift")))
      return failure();
  if (op.getClampMin() > op.getClampMax())
    return o->emitOpError("clamp_min exceeds clamp_max");
  Type out = getElementTypeOrSelf(op.getOutput().getType());
  if (!isIntOfWidth(out, 8) && !isIntOfWidth(out, 16))
    return o->emitOpError("result must be 8- or 16-bit integers, got ") << out;
  if (auto lut = op.getLut()) {
    if (lut->size() != npuisa::kPpuLutEntries || !isIntOfWidth(out, 8))
      return o->emitOpError("a LUT has ")
             << npuisa::kPpuLutEntries << " entries and needs an i8 result";
  }
  if (op.getPpuForm() == PpuForm::ShiftTable) {
    auto k = op.getKshift();
    if (!k || static_cast<int64_t>(k->size()) != channels)
      return o->emitOpError("shift_table form needs one kshift per channel");
    for (int32_t v : *k)
      if (v < 0 || v > npuisa::kMaxKshift)
        return o->emitOpError("kshift ")
               << v << " is outside [0, " << npuisa::kMaxKshift << "]";
  }
  return success();
}

LogicalResult verifyInt8(Operation *op, Value v, StringRef what) {
  if (!isIntOfWidth(getElementTypeOrSelf(v.getType()), 8))
    return op->emitOpError() << what << " must be int8";
  return success();
}

LogicalResult verifyZeroPoint8(Operation *op, int64_t zp, StringRef what) {
  if (zp < -128 || zp > 127)
    return op->emitOpError() << what << " " << zp << " is outside [-128, 127]";
  return success();
}

/// Shapes broadcast to `out`: same rank, each dim equal or 1.
bool broadcastsTo(ArrayRef<int64_t> in, ArrayRef<int64_t> out) {
  if (in.size() != out.size())
    return false;
  for (auto [a, b] : llvm::zip(in, out))
    if (a != b && a != 1)
      return false;
  return true;
}

/// Element types, window attributes and input zero point shared by the
/// convolutions.
template <typename ConvOp>
LogicalResult verifyConvOperands(ConvOp op, RankedTensorType bias) {
  if (failed(verifyInt8(op, op.getInput(), "input")) ||
      failed(verifyInt8(op, op.getWeights(), "weights")) ||
      !isIntOfWidth(bias.getElementType(), 32))
    return op.emitOpError("expected int8 input and weights and int32 bias");
  if (failed(verifyWindow(op, op.getStride(), op.getDilation(), op.getPad())))
    return failure();
  return verifyZeroPoint8(op, op.getInputZp(), "input_zp");
}

/// Bias and result channels, the result's spatial size for a KHxKW window,
/// and the requantization of `oc` channels.
template <typename ConvOp>
LogicalResult verifyConvResult(ConvOp op, RankedTensorType in,
                               RankedTensorType bias, RankedTensorType out,
                               int64_t kh, int64_t kw, int64_t oc) {
  if (bias.getDimSize(0) != oc || out.getDimSize(3) != oc)
    return op.emitOpError("bias and result must have ") << oc << " channels";
  auto s = op.getStride(), d = op.getDilation(), p = op.getPad();
  const int64_t oh = windowOutput(in.getDimSize(1), p[0], p[1], kh, s[0], d[0]);
  const int64_t ow = windowOutput(in.getDimSize(2), p[2], p[3], kw, s[1], d[1]);
  if (out.getDimSize(0) != in.getDimSize(0) || out.getDimSize(1) != oh ||
      out.getDimSize(2) != ow)
    return op.emitOpError(
               "result shape does not match the convolution (expected ")
           << oh << "x" << ow << ")";
  return verifyRequant(op);
}

} // namespace

//===----------------------------------------------------------------------===//
// Graph ops
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::verify() {
  auto in = tensorType(getInput()), w = tensorType(getWeights()),
       b = tensorType(getBias()), out = tensorType(getOutput());
  if (in.getRank() != 4 || w.getRank() != 4 || b.getRank() != 1 ||
      out.getRank() != 4)
    return emitOpError("expected NHWC input, OHWI weights, 1-D bias, NHWC "
                       "result");
  if (failed(verifyConvOperands(*this, b)))
    return failure();
  const int64_t oc = w.getDimSize(0);
  if (w.getDimSize(3) != in.getDimSize(3))
    return emitOpError("weights have ")
           << w.getDimSize(3) << " input channels, input has "
           << in.getDimSize(3);
  if (getSplitInput() &&
      (w.getDimSize(2) % 2 || getStride()[1] % 2 || getDilation()[1] != 1 ||
       llvm::any_of(getPad(), [](int64_t p) { return p != 0; }) ||
       getInputZp() != 0))
    return emitOpError("split_input needs an even kernel width and W "
                       "stride, W dilation 1, no padding and input_zp 0");
  return verifyConvResult(*this, in, b, out, w.getDimSize(1), w.getDimSize(2),
                          oc);
}

LogicalResult DepthwiseConv2DOp::verify() {
  auto in = tensorType(getInput()), w = tensorType(getWeights()),
       b = tensorType(getBias()), out = tensorType(getOutput());
  if (in.getRank() != 4 || w.getRank() != 4 || b.getRank() != 1 ||
      out.getRank() != 4)
    return emitOpError("expected NHWC input, [KH,KW,C,M] weights, 1-D bias, "
                       "NHWC result");
  if (failed(verifyConvOperands(*this, b)))
    return failure();
  if (w.getDimSize(2) != in.getDimSize(3))
    return emitOpError("weights have ")
           << w.getDimSize(2) << " channels, input has " << in.getDimSize(3);
  const int64_t oc = w.getDimSize(2) * w.getDimSize(3);
  return verifyConvResult(*this, in, b, out, w.getDimSize(0), w.getDimSize(1),
                          oc);
}

LogicalResult FullyConnectedOp::verify() {
  auto in = tensorType(getInput()), w = tensorType(getWeights()),
       b = tensorType(getBias()), out = tensorType(getOutput());
  if (in.getRank() != 2 || w.getRank() != 2 || b.getRank() != 1 ||
      out.getRank() != 2)
    return emitOpError("expected [N,IC] input, [OC,IC] weights, [OC] bias");
  if (failed(verifyInt8(*this, getInput(), "input")) ||
      failed(verifyInt8(*this, getWeights(), "weights")) ||
      !isIntOfWidth(b.getElementType(), 32) ||
      failed(verifyZeroPoint8(*this, getInputZp(), "input_zp")))
    return emitOpError("expected int8 input and weights and int32 bias");
  if (w.getDimSize(1) != in.getDimSize(1) ||
      b.getDimSize(0) != w.getDimSize(0) ||
      out.getDimSize(0) != in.getDimSize(0) ||
      out.getDimSize(1) != w.getDimSize(0))
    return emitOpError("operand shapes do not match");
  return verifyRequant(*this);
}

LogicalResult MatMulOp::verify() {
  auto a = tensorType(getA()), b = tensorType(getB()),
       out = tensorType(getOutput());
  if (a.getRank() != 3 || b.getRank() != 3 || out.getRank() != 3)
    return emitOpError("expected rank-3 operands and result");
  if (failed(verifyInt8(*this, getA(), "a")) ||
      failed(verifyInt8(*this, getB(), "b")) ||
      failed(verifyZeroPoint8(*this, getAZp(), "a_zp")))
    return failure();
  if (a.getDimSize(0) != b.getDimSize(0) ||
      a.getDimSize(2) != b.getDimSize(1) ||
      out.getDimSize(0) != a.getDimSize(0) ||
      out.getDimSize(1) != a.getDimSize(1) ||
      out.getDimSize(2) != b.getDimSize(2))
    return emitOpError("expected [N,H,C] x [N,C,W] -> [N,H,W]");
  return verifyRequant(*this);
}

LogicalResult EltwiseOp::verify() {
  auto out = tensorType(getOutput());
  if (!broadcastsTo(tensorType(getLhs()).getShape(), out.getShape()) ||
      !broadcastsTo(tensorType(getRhs()).getShape(), out.getShape()))
    return emitOpError("operands do not broadcast to the result shape");
  for (int32_t s : {getLhsShift(), getRhsShift()})
    if (failed(verifyScaleShift(*this, s, "input shift")))
      return failure();
  if (getLhsMultiplier() < 0 || getRhsMultiplier() < 0)
    return emitOpError("input multipliers must not be negative");
  if (failed(verifyProductShift(*this, getMulShift(), "mul_shift")))
    return failure();
  if (getKind() != EltwiseKind::Mul && getMulShift() != 0)
    return emitOpError("mul_shift is only set for mul");
  constexpr int64_t kMaxLeftShift =
      ::npu::isa::fieldMax<::npu::isa::EltwiseConfig>("left_shift");
  if (getLeftShift() < 0 || getLeftShift() > kMaxLeftShift)
    return emitOpError("left_shift must be in 0..") << kMaxLeftShift;
  return verifyRequant(*this);
}

namespace {
using ::npu::isa::fieldMax;
namespace npuisa = ::npu::isa;
constexpr int64_t kMaxPoolKernel = fieldMax<npuisa::Pool>("kh");
constexpr int64_t kMaxPoolStride = fieldMax<npuisa::Pool>("stride_h");
constexpr int64_t kMaxPoolPad = fieldMax<npuisa::Pool>("pad_top");
static_assert(kMaxPoolKernel == fieldMax<npuisa::Pool>("kw") &&
              kMaxPoolStride == fieldMax<npuisa::Pool>("stride_w") &&
              kMaxPoolPad == fieldMax<npuisa::Pool>("pad_bottom") &&
              kMaxPoolPad == fieldMax<npuisa::Pool>("pad_left") &&
              kMaxPoolPad == fieldMax<npuisa::Pool>("pad_right"));
} // namespace

bool PoolOp::fitsInstruction(ArrayRef<int64_t> kernel, ArrayRef<int64_t> stride,
                             ArrayRef<int64_t> pad) {
  return llvm::all_of(kernel, [](int64_t v) { return v <= kMaxPoolKernel; }) &&
         llvm::all_of(stride, [](int64_t v) { return v <= kMaxPoolStride; }) &&
         llvm::all_of(pad, [](int64_t v) { return v <= kMaxPoolPad; });
}

std::string PoolOp::instructionLimits() {
  return "(" + std::to_string(kMaxPoolKernel) + ", " +
         std::to_string(kMaxPoolStride) + ", " + std::to_string(kMaxPoolPad) +
         ")";
}

LogicalResult PoolOp::verify() {
  auto in = tensorType(getInput()), out = tensorType(getOutput());
  if (in.getRank() != 4 || out.getRank() != 4 ||
      in.getElementType() != out.getElementType() ||
      !isIntOfWidth(in.getElementType(), 8))
    return emitOpError("expected int8 NHWC input and result");
  auto k = getKernel(), s = getStride(), p = getPad();
  if (k.size() != 2 || s.size() != 2 || p.size() != 4 ||
      !llvm::all_of(k, [](int64_t v) { return v > 0; }) ||
      !llvm::all_of(s, [](int64_t v) { return v > 0; }) ||
      !llvm::all_of(p, [](int64_t v) { return v >= 0; }))
    return emitOpError("kernel and stride need 2 positive values, pad 4 "
                       "non-negative ones");
  const int64_t oh = windowOutput(in.getDimSize(1), p[0], p[1], k[0], s[0], 1);
  const int64_t ow = windowOutput(in.getDimSize(2), p[2], p[3], k[1], s[1], 1);
  if (out.getDimSize(0) != in.getDimSize(0) || out.getDimSize(1) != oh ||
      out.getDimSize(2) != ow || out.getDimSize(3) != in.getDimSize(3))
    return emitOpError("result shape does not match the pooling");
  if (getClampMin() > getClampMax())
    return emitOpError("clamp_min exceeds clamp_max");
  return success();
}

LogicalResult RescaleOp::verify() {
  ArrayRef<int32_t> mult = getMultiplier(), shift = getShift();
  auto in = tensorType(getInput()), out = tensorType(getOutput());
  if (in.getShape() != out.getShape())
    return emitOpError("input and result shapes differ");
  const int64_t channels = in.getRank() ? in.getShape().back() : 1;
  if (mult.size() != shift.size() ||
      (mult.size() != 1 && static_cast<int64_t>(mult.size()) != channels))
    return emitOpError("expected 1 or ") << channels << " multipliers/shifts";
  for (int32_t m : mult)
    if (m < 0)
      return emitOpError("multiplier ") << m << " is negative";
  for (int32_t s : shift)
    if (failed(verifyScaleShift(*this, s, "shift")))
      return failure();
  for (Type t : {in.getElementType(), out.getElementType()})
    if (!isa<IntegerType>(t) || t.getIntOrFloatBitWidth() > 32)
      return emitOpError("operands must be integers of at most 32 bits");
  return success();
}

static bool isUnary(AluKind kind) {
  return kind == AluKind::Clz || kind == AluKind::Abs || kind == AluKind::Neg ||
         kind == AluKind::Copy;
}

LogicalResult AluOp::verify() {
  const AluKind kind = getOp();
  const unsigned arity = isUnary(kind) ? 1 : 2;
  if (getInputs().size() != arity)
    return emitOpError("'")
           << stringifyAluKind(kind) << "' takes " << arity << " operands";
  auto out = tensorType(getOutput());
  for (Value in : getInputs()) {
    if (!broadcastsTo(tensorType(in).getShape(), out.getShape()))
      return emitOpError("operands do not broadcast to the result shape");
    Type t = tensorType(in).getElementType();
    if (!isa<IntegerType>(t) || t.getIntOrFloatBitWidth() > 32)
      return emitOpError("operands must be integers of at most 32 bits");
  }
  if (getShift() != 0 && kind != AluKind::Mul)
    return emitOpError("shift is only used by mul");
  if (failed(verifyProductShift(*this, getShift(), "shift")))
    return failure();
  if (getRound() && kind != AluKind::AShr)
    return emitOpError("round is only used by ashr");
  return success();
}

LogicalResult ClampOp::verify() {
  if (getMin() > getMax())
    return emitOpError("min exceeds max");
  if (tensorType(getInput()) != tensorType(getOutput()))
    return emitOpError("input and result types differ");
  return success();
}

LogicalResult ReduceOp::verify() {
  auto in = tensorType(getInput()), out = tensorType(getOutput());
  const int64_t axis = getAxis();
  if (axis < 0 || axis >= in.getRank())
    return emitOpError("axis ") << axis << " is out of range";
  if (out.getRank() != in.getRank())
    return emitOpError("the result keeps the reduced axis with size 1");
  for (int64_t d = 0; d < in.getRank(); ++d)
    if (out.getDimSize(d) != (d == axis ? 1 : in.getDimSize(d)))
      return emitOpError("result shape does not match the reduction");
  return success();
}

LogicalResult SoftmaxOp::verify() {
  auto in = tensorType(getInput()), out = tensorType(getOutput());
  if (in != out || !isIntOfWidth(in.getElementType(), 8))
    return emitOpError("input and result must be the same int8 tensor type");
  if (in.getRank() < 1 || in.getShape().back() < 1 ||
      in.getShape().back() > kMaxSoftmaxDepth)
    return emitOpError("the last axis must have 1 to ")
           << kMaxSoftmaxDepth << " elements";
  if (getExpTable().size() != 256)
    return emitOpError("exp_table has 256 entries");
  if (llvm::any_of(getExpTable(), [](int32_t v) { return v < 0; }))
    return emitOpError("exp_table entries are not negative");
  return success();
}

LogicalResult TableOp::verify() {
  auto in = tensorType(getInput()), table = tensorType(getTable()),
       out = tensorType(getOutput());
  if (in.getShape() != out.getShape())
    return emitOpError("input and result shapes differ");
  if (isIntOfWidth(in.getElementType(), 8)) {
    if (table.getNumElements() != 256 || !isIntOfWidth(out.getElementType(), 8))
      return emitOpError("an int8 table has 256 entries and an int8 result");
  } else if (isIntOfWidth(in.getElementType(), 16)) {
    if (table.getNumElements() != 513 ||
        !isIntOfWidth(table.getElementType(), 16) ||
        !isIntOfWidth(out.getElementType(), 32))
      return emitOpError("an int16 table has 513 int16 entries and an int32 "
                         "result");
  } else {
    return emitOpError("input must be int8 or int16");
  }
  return success();
}

LogicalResult ReshapeOp::verify() {
  auto in = tensorType(getInput()), out = tensorType(getOutput());
  if (in.getNumElements() != out.getNumElements() ||
      in.getElementType() != out.getElementType())
    return emitOpError("reshape must keep the element count and type");
  return success();
}

LogicalResult TransposeOp::verify() {
  auto in = tensorType(getInput()), out = tensorType(getOutput());
  ArrayRef<int64_t> perms = getPerms();
  if (static_cast<int64_t>(perms.size()) != in.getRank())
    return emitOpError("perms must have one entry per dimension");
  llvm::SmallSet<int64_t, 8> seen;
  for (int64_t p : perms)
    if (p < 0 || p >= in.getRank() || !seen.insert(p).second)
      return emitOpError("perms is not a permutation");
  for (int64_t d = 0; d < in.getRank(); ++d)
    if (out.getDimSize(d) != in.getDimSize(perms[d]))
      return emitOpError("result shape does not match the permutation");
  return success();
}

LogicalResult ConcatOp::verify() {
  auto out = tensorType(getOutput());
  const int64_t axis = getAxis();
  if (getInputs().empty() || axis < 0 || axis >= out.getRank())
    return emitOpError("needs inputs and an axis in range");
  int64_t total = 0;
  for (Value v : getInputs()) {
    auto t = tensorType(v);
    if (t.getRank() != out.getRank() ||
        t.getElementType() != out.getElementType())
      return emitOpError("inputs must match the result's rank and type");
    for (int64_t d = 0; d < t.getRank(); ++d)
      if (d != axis && t.getDimSize(d) != out.getDimSize(d))
        return emitOpError("inputs differ from the result off the axis");
    total += t.getDimSize(axis);
  }
  if (total != out.getDimSize(axis))
    return emitOpError("inputs do not add up to the result along the axis");
  return success();
}

LogicalResult PadOp::verify() {
  auto in = tensorType(getInput()), out = tensorType(getOutput());
  ArrayRef<int64_t> pad = getPadding();
  if (static_cast<int64_t>(pad.size()) != 2 * in.getRank())
    return emitOpError("padding needs two values per dimension");
  for (int64_t d = 0; d < in.getRank(); ++d)
    if (pad[2 * d] < 0 || pad[2 * d + 1] < 0 ||
        out.getDimSize(d) != in.getDimSize(d) + pad[2 * d] + pad[2 * d + 1])
      return emitOpError("result shape does not match the padding");
  return success();
}

LogicalResult SliceOp::verify() {
  auto in = tensorType(getInput()), out = tensorType(getOutput());
  ArrayRef<int64_t> start = getStart();
  if (static_cast<int64_t>(start.size()) != in.getRank() ||
      out.getRank() != in.getRank())
    return emitOpError("start needs one value per dimension");
  for (int64_t d = 0; d < in.getRank(); ++d)
    if (start[d] < 0 || start[d] + out.getDimSize(d) > in.getDimSize(d))
      return emitOpError("slice exceeds the input along dimension ") << d;
  return success();
}

//===----------------------------------------------------------------------===//
// RequantOpInterface and MacOpInterface
//===----------------------------------------------------------------------===//

static int64_t dim(Value v, int64_t d) { return tensorType(v).getDimSize(d); }

int64_t Conv2DOp::getRequantChannels() { return dim(getWeights(), 0); }
int64_t DepthwiseConv2DOp::getRequantChannels() {
  return dim(getWeights(), 2) * dim(getWeights(), 3);
}
int64_t FullyConnectedOp::getRequantChannels() { return dim(getWeights(), 0); }
int64_t MatMulOp::getRequantChannels() { return dim(getB(), 2); }
int64_t EltwiseOp::getRequantChannels() { return 1; }

Value Conv2DOp::getMacInput() { return getInput(); }
Value Conv2DOp::getMacBias() { return getBias(); }
Value Conv2DOp::getMacWeights() { return getWeights(); }
int32_t Conv2DOp::getMacInputZp() { return getInputZp(); }
int64_t Conv2DOp::getMacCount() {
  // Every output element sums KH * KW * IC products.
  return tensorType(getOutput()).getNumElements() *
         getMacWeightLayout().reduction;
}
MacWeightLayout Conv2DOp::getMacWeightLayout() {
  // OHWI: channel o sums its KH * KW * IC weights.
  auto w = tensorType(getWeights());
  return {w.getDimSize(0), w.getNumElements() / w.getDimSize(0), 1};
}

Value DepthwiseConv2DOp::getMacInput() { return getInput(); }
Value DepthwiseConv2DOp::getMacBias() { return getBias(); }
Value DepthwiseConv2DOp::getMacWeights() { return getWeights(); }
int32_t DepthwiseConv2DOp::getMacInputZp() { return getInputZp(); }
int64_t DepthwiseConv2DOp::getMacCount() {
  return tensorType(getOutput()).getNumElements() *
         getMacWeightLayout().reduction;
}
MacWeightLayout DepthwiseConv2DOp::getMacWeightLayout() {
  // [KH, KW, C, M]: channel c * M + m sums over the KH * KW window.
  auto w = tensorType(getWeights());
  return {1, w.getDimSize(0) * w.getDimSize(1),
          w.getDimSize(2) * w.getDimSize(3)};
}

Value FullyConnectedOp::getMacInput() { return getInput(); }
Value FullyConnectedOp::getMacBias() { return getBias(); }
Value FullyConnectedOp::getMacWeights() { return getWeights(); }
int32_t FullyConnectedOp::getMacInputZp() { return getInputZp(); }
int64_t FullyConnectedOp::getMacCount() {
  return tensorType(getOutput()).getNumElements() * dim(getWeights(), 1);
}
MacWeightLayout FullyConnectedOp::getMacWeightLayout() {
  // [OC, IC]: channel o sums its IC weights.
  return {dim(getWeights(), 0), dim(getWeights(), 1), 1};
}

Value MatMulOp::getMacInput() { return getA(); }
Value MatMulOp::getMacBias() { return {}; }
Value MatMulOp::getMacWeights() { return getB(); }
int32_t MatMulOp::getMacInputZp() { return getAZp(); }
int64_t MatMulOp::getMacCount() {
  return tensorType(getOutput()).getNumElements() * dim(getB(), 1);
}
MacWeightLayout MatMulOp::getMacWeightLayout() {
  // [N, C, W]: column (n, w) sums over C.
  return {dim(getB(), 0), dim(getB(), 1), dim(getB(), 2)};
}

//===----------------------------------------------------------------------===//
// Instruction level
//===----------------------------------------------------------------------===//

LogicalResult SegmentOp::verify() {
  auto type = dyn_cast<ShapedType>(getData().getType());
  if (!type || type.getRank() != 1 || !isIntOfWidth(type.getElementType(), 8))
    return emitOpError("data must be a 1-D i8 array");
  if (getAddr() < 0)
    return emitOpError("negative address");
  return success();
}

LogicalResult TensorOp::verify() {
  auto type = dyn_cast<RankedTensorType>(getType());
  if (!type || !type.hasStaticShape() ||
      !isa<IntegerType>(type.getElementType()))
    return emitOpError("type must be a static integer tensor");
  if (getAddr() < 0)
    return emitOpError("negative address");
  return success();
}

::npu::Result<::npu::isa::Instruction> mlir::npu::toInstruction(InstrOp op) {
  ::npu::Result<::npu::isa::Instruction> instr =
      ::npu::isa::makeInstruction(op.getMnemonic().str());
  if (!instr)
    return instr.error();
  for (NamedAttribute field : op.getFields()) {
    auto value = dyn_cast<IntegerAttr>(field.getValue());
    if (!value)
      return ::npu::makeError("field ", field.getName().str(),
                              " must be an integer");
    ::npu::Status status = ::npu::isa::setField(
        *instr, field.getName().str(), value.getValue().getSExtValue());
    if (!status)
      return status.error();
  }
  const int32_t deps = op.getDeps();
  if (deps & ~0xf)
    return ::npu::makeError("deps mask ", deps, " has unknown bits");
  ::npu::isa::Deps &d = ::npu::isa::depsOf(*instr);
  d.popPrev = deps & kPopPrev;
  d.popNext = deps & kPopNext;
  d.pushPrev = deps & kPushPrev;
  d.pushNext = deps & kPushNext;
  ::npu::Status ok = ::npu::isa::checkDeps(*instr);
  if (!ok)
    return ok.error();
  return instr;
}

InstrOp mlir::npu::createInstr(OpBuilder &builder, Location loc,
                               const ::npu::isa::Instruction &instr) {
  SmallVector<NamedAttribute> fields;
  for (const auto &[name, value] : ::npu::isa::getFields(instr))
    fields.push_back(
        builder.getNamedAttr(name, builder.getI64IntegerAttr(value)));
  const ::npu::isa::Deps &d = ::npu::isa::depsOf(instr);
  const int32_t deps = (d.popPrev ? kPopPrev : 0) | (d.popNext ? kPopNext : 0) |
                       (d.pushPrev ? kPushPrev : 0) |
                       (d.pushNext ? kPushNext : 0);
  return builder.create<InstrOp>(loc, ::npu::isa::mnemonicOf(instr),
                                 builder.getDictionaryAttr(fields), deps);
}

LogicalResult InstrOp::verify() {
  ::npu::Result<::npu::isa::Instruction> instr = toInstruction(*this);
  if (!instr)
    return emitOpError(instr.error().getMessage());
  if (getFields().size() != ::npu::isa::getFields(*instr).size())
    return emitOpError("every field of '")
           << getMnemonic() << "' must be given";
  return success();
}

static const char *const kDepNames[] = {"pop_prev", "pop_next", "push_prev",
                                        "push_next"};

// npu.instr MNEMONIC(name = value, ...) [dep, ...]
ParseResult InstrOp::parse(OpAsmParser &parser, OperationState &result) {
  std::string mnemonic;
  if (parser.parseKeywordOrString(&mnemonic))
    return failure();
  ::npu::Result<::npu::isa::Instruction> instr =
      ::npu::isa::makeInstruction(mnemonic);
  if (!instr)
    return parser.emitError(parser.getCurrentLocation(),
                            instr.error().getMessage());
  auto parseField = [&]() -> ParseResult {
    llvm::SMLoc loc = parser.getCurrentLocation();
    std::string name, text;
    if (parser.parseKeywordOrString(&name) || parser.parseEqual())
      return failure();
    int64_t value;
    OptionalParseResult integer = parser.parseOptionalInteger(value);
    if (integer.has_value()) {
      if (failed(*integer))
        return failure();
      text = std::to_string(value);
    } else if (parser.parseKeywordOrString(&text)) {
      return failure();
    }
    ::npu::Status status = ::npu::isa::setFieldText(*instr, name, text);
    if (!status)
      return parser.emitError(loc, status.error().getMessage());
    return success();
  };
  if (parser.parseCommaSeparatedList(OpAsmParser::Delimiter::Paren, parseField))
    return failure();
  int32_t deps = 0;
  if (succeeded(parser.parseOptionalLSquare())) {
    auto parseDep = [&]() -> ParseResult {
      llvm::SMLoc loc = parser.getCurrentLocation();
      StringRef word;
      if (parser.parseKeyword(&word))
        return failure();
      for (int bit = 0; bit < 4; ++bit)
        if (word == kDepNames[bit]) {
          deps |= 1 << bit;
          return success();
        }
      return parser.emitError(loc, "unknown dependency flag '") << word << "'";
    };
    if (parser.parseCommaSeparatedList(parseDep) || parser.parseRSquare())
      return failure();
  }
  if (parser.parseOptionalAttrDict(result.attributes))
    return failure();
  Builder &b = parser.getBuilder();
  SmallVector<NamedAttribute> fields;
  for (const auto &[name, value] : ::npu::isa::getFields(*instr))
    fields.push_back(b.getNamedAttr(name, b.getI64IntegerAttr(value)));
  result.addAttribute("mnemonic", b.getStringAttr(mnemonic));
  result.addAttribute("fields", b.getDictionaryAttr(fields));
  result.addAttribute("deps", b.getI32IntegerAttr(deps));
  return success();
}

void InstrOp::print(OpAsmPrinter &printer) {
  printer << ' ' << getMnemonic() << '(';
  ::npu::Result<::npu::isa::Instruction> instr = toInstruction(*this);
  if (!instr) {
    // Only reachable when printing unverified IR.
    printer << "<invalid: " << instr.error().getMessage() << ">)";
    return;
  }
  llvm::interleaveComma(::npu::isa::formatFields(*instr), printer,
                        [&](const auto &field) {
                          printer << field.first << " = " << field.second;
                        });
  printer << ')';
  if (getDeps()) {
    SmallVector<StringRef> names;
    for (int bit = 0; bit < 4; ++bit)
      if (getDeps() & (1 << bit))
        names.push_back(kDepNames[bit]);
    printer << " [" << llvm::join(names, ", ") << "]";
  }
  printer.printOptionalAttrDict((*this)->getAttrs(),
                                {"mnemonic", "fields", "deps"});
}

#define GET_OP_CLASSES
#include "npu/Dialect/Npu/IR/NpuOps.cpp.inc"
