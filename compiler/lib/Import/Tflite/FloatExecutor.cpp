//===- FloatExecutor.cpp - A float32 TFLite model run on the host ---------===//
//
// TFLite's float reference kernels, written from the operators' definitions:
// NHWC convolutions with SAME/VALID padding (computeWindow), OHWI filters
// and [1, H, W, C*M] depthwise filters, fully connected layers over the
// flattened input, NumPy broadcasting for the element-wise operators,
// average pooling over the taps inside the image, softmax along the last
// axis, and the fused activations. Accumulation is in float, like TFLite's.
//
//===----------------------------------------------------------------------===//
#include "FloatExecutor.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

using namespace mlir;
using namespace mlir::npu::tflite;
using llvm::Error;
using llvm::Expected;

namespace {

using Values = std::vector<float>;

constexpr int32_t kFloatOperators[] = {tfl::OpCode_ADD,
                                       tfl::OpCode_AVERAGE_POOL_2D,
                                       tfl::OpCode_CONCATENATION,
                                       tfl::OpCode_CONV_2D,
                                       tfl::OpCode_DEPTHWISE_CONV_2D,
                                       tfl::OpCode_FULLY_CONNECTED,
                                       tfl::OpCode_LOGISTIC,
                                       tfl::OpCode_MAX_POOL_2D,
                                       tfl::OpCode_MUL,
                                       tfl::OpCode_RELU,
                                       tfl::OpCode_RELU6,
                                       tfl::OpCode_RESHAPE,
                                       tfl::OpCode_SOFTMAX,
                                       tfl::OpCode_TANH,
                                       tfl::OpCode_PAD,
                                       tfl::OpCode_MEAN,
                                       tfl::OpCode_SUB,
                                       tfl::OpCode_SQUEEZE,
                                       tfl::OpCode_EXPAND_DIMS};

float activate(float v, tfl::Activation a) {
  switch (a) {
  case tfl::Activation_RELU:
    return std::max(v, 0.0f);
  case tfl::Activation_RELU6:
    return std::min(std::max(v, 0.0f), 6.0f);
  case tfl::Activation_RELU_N1_TO_1:
    return std::min(std::max(v, -1.0f), 1.0f);
  case tfl::Activation_TANH:
    return std::tanh(v);
  default:
    return v;
  }
}

bool supportedActivation(tfl::Activation a) {
  return a == tfl::Activation_NONE || a == tfl::Activation_RELU ||
         a == tfl::Activation_RELU6 || a == tfl::Activation_RELU_N1_TO_1 ||
         a == tfl::Activation_TANH;
}

} // namespace

bool mlir::npu::tflite::isFloatConstant(const TensorInfo &t) {
  return !t.data.empty() &&
         (t.type == tfl::ElementType_FLOAT32 ||
          (t.type == tfl::ElementType_INT8 && !t.scales.empty()));
}

std::vector<float> mlir::npu::tflite::floatConstant(const TensorInfo &t) {
  Values v(t.elements);
  if (t.type == tfl::ElementType_FLOAT32) {
    std::memcpy(v.data(), t.data.data(), v.size() * sizeof(float));
    return v;
  }
  // int8 weights of a float model (TFLite's dynamic-range form): scale
  // (per channel along quantDim, or one) times (q - zero point).
  int64_t inner = 1;
  for (size_t d = t.quantDim + 1; d < t.shape.size(); ++d)
    inner *= t.shape[d];
  for (int64_t i = 0; i < t.elements; ++i) {
    const size_t c = t.scales.size() == 1 ? 0 : (i / inner) % t.scales.size();
    v[i] = t.scales[c] *
           static_cast<float>(static_cast<int8_t>(t.data[i]) - t.zeroPoints[c]);
  }
  return v;
}

namespace {

/// Index of `in`'s element that broadcasts to output element `flat`.
int64_t broadcastIndex(int64_t flat, ArrayRef<int64_t> outShape,
                       ArrayRef<int64_t> inShape) {
  int64_t index = 0, stride = 1;
  const size_t offset = outShape.size() - inShape.size();
  for (size_t d = outShape.size(); d-- > 0;) {
    const int64_t coord = flat % outShape[d];
    flat /= outShape[d];
    if (d < offset)
      continue;
    const int64_t size = inShape[d - offset];
    index += (size == 1 ? 0 : coord) * stride;
    stride *= size;
  }
  return index;
}

struct Conv {
  int64_t strideH = 1, strideW = 1, dilationH = 1, dilationW = 1;
  bool same = false;
  tfl::Activation act = tfl::Activation_NONE;
  int64_t multiplier = 0; ///< depthwise: the depth multiplier; 0: a CONV_2D
};

/// The geometry of a CONV_2D (`multiplier` 0) or DEPTHWISE_CONV_2D
/// (`multiplier` 1 until the channels fix it) from its options.
template <typename Options>
std::optional<Conv> convOptions(const Options *o, int64_t multiplier) {
  if (!o)
    return std::nullopt;
  return Conv{o->stride_h(),
              o->stride_w(),
              o->dilation_h(),
              o->dilation_w(),
              o->padding() == tfl::Padding_SAME,
              o->activation(),
              multiplier};
}

/// CONV_2D (filter [O, KH, KW, I]) or DEPTHWISE_CONV_2D (filter
/// [1, KH, KW, I*M]); `y` has the output tensor's shape.
void convolve(const Values &x, ArrayRef<int64_t> xs, const Values &w,
              ArrayRef<int64_t> ws, const Values *bias, ArrayRef<int64_t> ys,
              const Conv &c, Values &y) {
  const int64_t n = xs[0], ih = xs[1], iw = xs[2], ic = xs[3];
  const int64_t kh = ws[1], kw = ws[2];
  const int64_t oh = ys[1], ow = ys[2], oc = ys[3];
  const Window row = computeWindow(ih, kh, c.strideH, c.dilationH, c.same);
  const Window col = computeWindow(iw, kw, c.strideW, c.dilationW, c.same);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t oy = 0; oy < oh; ++oy)
      for (int64_t ox = 0; ox < ow; ++ox)
        for (int64_t o = 0; o < oc; ++o) {
          float acc = bias ? (*bias)[o] : 0.0f;
          for (int64_t ky = 0; ky < kh; ++ky) {
            const int64_t yy =
                oy * c.strideH - row.padBefore + ky * c.dilationH;
            if (yy < 0 || yy >= ih)
              continue;
            for (int64_t kx = 0; kx < kw; ++kx) {
              const int64_t xx =
                  ox * c.strideW - col.padBefore + kx * c.dilationW;
              if (xx < 0 || xx >= iw)
                continue;
              const float *in = &x[((b * ih + yy) * iw + xx) * ic];
              if (c.multiplier) {
                acc += in[o / c.multiplier] * w[(ky * kw + kx) * oc + o];
                continue;
              }
              const float *f = &w[((o * kh + ky) * kw + kx) * ic];
              for (int64_t i = 0; i < ic; ++i)
                acc += in[i] * f[i];
            }
          }
          y[((b * oh + oy) * ow + ox) * oc + o] = activate(acc, c.act);
        }
}

} // namespace

ArrayRef<int32_t> mlir::npu::tflite::floatOperatorCodes() {
  return kFloatOperators;
}

Error FloatExecutor::fail(unsigned index, const Twine &message) const {
  const tfl::Operator *op = graph.operators()->Get(index);
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 (fileName + ": operator " + Twine(index) +
                                  " (" + opKindOf(model, op->opcode_index()) +
                                  "): " + message)
                                     .str());
}

Error FloatExecutor::check() const {
  if (!graph.operators())
    return Error::success();
  for (auto [index, op] : llvm::enumerate(*graph.operators())) {
    const int32_t code = builtinCodeOf(model, op->opcode_index());
    if (!llvm::is_contained(kFloatOperators, code))
      return fail(index, "operator is not supported in float32 models (see "
                         "docs/quantization.md for the float operators)");
    for (const auto *list : {op->inputs(), op->outputs()})
      if (list)
        for (int32_t t : *list)
          if (t >= 0 && tensors[t].type != tfl::ElementType_FLOAT32 &&
              !isFloatConstant(tensors[t]) && tensors[t].data.empty())
            return fail(index, "tensor '" + tensors[t].name + "' has type " +
                                   typeName(tensors[t].type) +
                                   "; a float32 model must compute in "
                                   "float32 throughout");
  }
  return Error::success();
}

Expected<std::vector<Values>> FloatExecutor::run(
    ArrayRef<Values> inputs,
    llvm::function_ref<void(int32_t, ArrayRef<float>)> visit) const {
  std::vector<Values> v(tensors.size());
  if (inputs.size() != graph.inputs()->size())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "%s: %zu inputs given, the model has %u",
                                   fileName.c_str(), inputs.size(),
                                   graph.inputs()->size());
  for (auto [k, t] : llvm::enumerate(*graph.inputs())) {
    if (static_cast<int64_t>(inputs[k].size()) != tensors[t].elements)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(), "%s: input '%s' needs %lld values",
          fileName.c_str(), tensors[t].name.c_str(),
          static_cast<long long>(tensors[t].elements));
    v[t] = inputs[k];
    visit(t, v[t]);
  }
  auto value = [&](int32_t t) -> const Values & {
    if (v[t].empty() && isFloatConstant(tensors[t]))
      v[t] = floatConstant(tensors[t]);
    return v[t];
  };
  for (auto [index, op] : llvm::enumerate(*graph.operators())) {
    const int32_t code = builtinCodeOf(model, op->opcode_index());
    SmallVector<int32_t> in(op->inputs()->begin(), op->inputs()->end());
    if (!op->outputs() || op->outputs()->size() != 1)
      return fail(index, "expected one output");
    const int32_t outIndex = op->outputs()->Get(0);
    const TensorInfo &out = tensors[outIndex];
    for (int32_t t : in)
      if (t >= 0 && tensors[t].type == tfl::ElementType_FLOAT32 &&
          value(t).empty())
        return fail(index, "input '" + tensors[t].name +
                               "' is not computed before it is read");
    if (in.empty() || in[0] < 0)
      return fail(index, "input 0 is missing");
    const TensorInfo &x = tensors[in[0]];
    Values y(out.elements, 0.0f);
    auto unary = [&](auto f) -> Error {
      if (x.elements != out.elements)
        return fail(index, "input and output sizes differ");
      const Values &a = value(in[0]);
      for (int64_t i = 0; i < out.elements; ++i)
        y[i] = f(a[i]);
      return Error::success();
    };
    Error e = Error::success();
    switch (code) {
    case tfl::OpCode_CONV_2D:
    case tfl::OpCode_DEPTHWISE_CONV_2D: {
      std::optional<Conv> options =
          code == tfl::OpCode_CONV_2D
              ? convOptions(op->options_as_Conv2DOptions(), 0)
              : convOptions(op->options_as_DepthwiseConv2DOptions(), 1);
      if (!options)
        return fail(index, "missing convolution options");
      Conv c = *options;
      if (in.size() < 2 || in[1] < 0)
        return fail(index, "the filter is missing");
      const TensorInfo &w = tensors[in[1]];
      if (x.shape.size() != 4 || w.shape.size() != 4 || out.shape.size() != 4)
        return fail(index, "input, filter and output must have rank 4");
      if (c.strideH < 1 || c.strideW < 1 || c.dilationH < 1 ||
          c.dilationW < 1 || !supportedActivation(c.act))
        return fail(index, "unsupported strides, dilations or activation");
      if (c.multiplier) {
        if (w.shape[0] != 1 || w.shape[3] != out.shape[3] ||
            out.shape[3] % x.shape[3] != 0)
          return fail(index, "filter shape " + shapeText(w.shape) +
                                 " does not fit the channels");
        c.multiplier = out.shape[3] / x.shape[3];
      } else if (w.shape[0] != out.shape[3] || w.shape[3] != x.shape[3]) {
        return fail(index, "filter shape " + shapeText(w.shape) +
                               " does not fit the channels");
      }
      const Values *bias = nullptr;
      if (in.size() > 2 && in[2] >= 0) {
        if (tensors[in[2]].elements != out.shape[3])
          return fail(index, "the bias needs one value per output channel");
        bias = &value(in[2]);
      }
      convolve(value(in[0]), x.shape, value(in[1]), w.shape, bias, out.shape, c,
               y);
      break;
    }
    case tfl::OpCode_FULLY_CONNECTED: {
      const auto *o = op->options_as_FullyConnectedOptions();
      if (in.size() < 2 || in[1] < 0 || tensors[in[1]].shape.size() != 2)
        return fail(index, "the weights must be a rank-2 tensor");
      const TensorInfo &w = tensors[in[1]];
      const int64_t depth = w.shape[1], units = w.shape[0];
      if (x.elements % depth || out.elements != x.elements / depth * units)
        return fail(index, "input, weights and output sizes do not fit");
      const tfl::Activation act = o ? o->activation() : tfl::Activation_NONE;
      if (!supportedActivation(act))
        return fail(index, "unsupported fused activation");
      const Values &a = value(in[0]), &wv = value(in[1]);
      const Values *bias =
          in.size() > 2 && in[2] >= 0 ? &value(in[2]) : nullptr;
      if (bias && static_cast<int64_t>(bias->size()) != units)
        return fail(index, "the bias needs one value per unit");
      for (int64_t b = 0; b < x.elements / depth; ++b)
        for (int64_t u = 0; u < units; ++u) {
          float acc = bias ? (*bias)[u] : 0.0f;
          for (int64_t k = 0; k < depth; ++k)
            acc += a[b * depth + k] * wv[u * depth + k];
          y[b * units + u] = activate(acc, act);
        }
      break;
    }
    case tfl::OpCode_ADD:
    case tfl::OpCode_SUB:
    case tfl::OpCode_MUL: {
      if (in.size() != 2 || in[1] < 0)
        return fail(index, "expected two inputs");
      tfl::Activation act = tfl::Activation_NONE;
      if (const auto *o = op->options_as_AddOptions())
        act = o->activation();
      if (const auto *o = op->options_as_SubOptions())
        act = o->activation();
      if (const auto *o = op->options_as_MulOptions())
        act = o->activation();
      if (!supportedActivation(act))
        return fail(index, "unsupported fused activation");
      const TensorInfo &x2 = tensors[in[1]];
      if (x.shape.size() > out.shape.size() ||
          x2.shape.size() > out.shape.size())
        return fail(index, "the inputs do not broadcast to the output");
      const Values &a = value(in[0]), &b = value(in[1]);
      for (int64_t i = 0; i < out.elements; ++i) {
        const float p = a[broadcastIndex(i, out.shape, x.shape)];
        const float q = b[broadcastIndex(i, out.shape, x2.shape)];
        const float r = code == tfl::OpCode_ADD   ? p + q
                        : code == tfl::OpCode_SUB ? p - q
                                                  : p * q;
        y[i] = activate(r, act);
      }
      break;
    }
    case tfl::OpCode_AVERAGE_POOL_2D:
    case tfl::OpCode_MAX_POOL_2D: {
      const auto *o = op->options_as_Pool2DOptions();
      if (!o || x.shape.size() != 4 || out.shape.size() != 4 ||
          o->stride_h() < 1 || o->stride_w() < 1 || o->filter_h() < 1 ||
          o->filter_w() < 1 || !supportedActivation(o->activation()))
        return fail(index, "unsupported pooling options or shapes");
      const bool same = o->padding() == tfl::Padding_SAME;
      const Window row =
          computeWindow(x.shape[1], o->filter_h(), o->stride_h(), 1, same);
      const Window col =
          computeWindow(x.shape[2], o->filter_w(), o->stride_w(), 1, same);
      const Values &a = value(in[0]);
      const int64_t ih = x.shape[1], iw = x.shape[2], ch = x.shape[3];
      const int64_t oh = out.shape[1], ow = out.shape[2];
      const bool avg = code == tfl::OpCode_AVERAGE_POOL_2D;
      for (int64_t b = 0; b < x.shape[0]; ++b)
        for (int64_t oy = 0; oy < oh; ++oy)
          for (int64_t ox = 0; ox < ow; ++ox)
            for (int64_t c = 0; c < ch; ++c) {
              float acc = avg ? 0.0f : -std::numeric_limits<float>::infinity();
              int64_t taps = 0;
              for (int64_t ky = 0; ky < o->filter_h(); ++ky)
                for (int64_t kx = 0; kx < o->filter_w(); ++kx) {
                  const int64_t yy = oy * o->stride_h() - row.padBefore + ky;
                  const int64_t xx = ox * o->stride_w() - col.padBefore + kx;
                  if (yy < 0 || yy >= ih || xx < 0 || xx >= iw)
                    continue;
                  const float s = a[((b * ih + yy) * iw + xx) * ch + c];
                  acc = avg ? acc + s : std::max(acc, s);
                  ++taps;
                }
              if (taps == 0)
                return fail(index, "a pooling window lies wholly in the "
                                   "padding");
              y[((b * oh + oy) * ow + ox) * ch + c] = activate(
                  avg ? acc / static_cast<float>(taps) : acc, o->activation());
            }
      break;
    }
    case tfl::OpCode_RESHAPE:
    case tfl::OpCode_SQUEEZE:
    case tfl::OpCode_EXPAND_DIMS:
      e = unary([](float a) { return a; });
      break;
    case tfl::OpCode_RELU:
      e = unary([](float a) { return std::max(a, 0.0f); });
      break;
    case tfl::OpCode_RELU6:
      e = unary([](float a) { return std::min(std::max(a, 0.0f), 6.0f); });
      break;
    case tfl::OpCode_LOGISTIC:
      e = unary([](float a) { return 1.0f / (1.0f + std::exp(-a)); });
      break;
    case tfl::OpCode_TANH:
      e = unary([](float a) { return std::tanh(a); });
      break;
    case tfl::OpCode_SOFTMAX: {
      const auto *o = op->options_as_SoftmaxOptions();
      const float beta = o ? o->beta() : 1.0f;
      if (x.shape.empty() || x.elements != out.elements)
        return fail(index, "input and output sizes differ");
      const Values &a = value(in[0]);
      const int64_t depth = x.shape.back();
      for (int64_t r = 0; r < x.elements / depth; ++r) {
        const float *row = &a[r * depth];
        const float top = *std::max_element(row, row + depth);
        float sum = 0.0f;
        for (int64_t i = 0; i < depth; ++i)
          sum += y[r * depth + i] = std::exp((row[i] - top) * beta);
        for (int64_t i = 0; i < depth; ++i)
          y[r * depth + i] /= sum;
      }
      break;
    }
    case tfl::OpCode_PAD: {
      if (in.size() < 2 || in[1] < 0 || tensors[in[1]].data.empty() ||
          tensors[in[1]].type != tfl::ElementType_INT32 ||
          tensors[in[1]].elements != 2 * static_cast<int64_t>(x.shape.size()))
        return fail(index, "the paddings must be a constant int32 [rank, 2]");
      SmallVector<int32_t> pads(tensors[in[1]].elements);
      std::memcpy(pads.data(), tensors[in[1]].data.data(), 4 * pads.size());
      const Values &a = value(in[0]);
      for (int64_t i = 0; i < x.elements; ++i) {
        int64_t rest = i, target = 0, stride = 1;
        for (size_t d = x.shape.size(); d-- > 0;) {
          target += (rest % x.shape[d] + pads[2 * d]) * stride;
          rest /= x.shape[d];
          stride *= out.shape[d];
        }
        y[target] = a[i];
      }
      break;
    }
    case tfl::OpCode_MEAN: {
      if (in.size() != 2 || in[1] < 0 || tensors[in[1]].data.empty() ||
          tensors[in[1]].type != tfl::ElementType_INT32)
        return fail(index, "the axes must be a constant int32 tensor");
      SmallVector<int32_t> axes(tensors[in[1]].elements);
      std::memcpy(axes.data(), tensors[in[1]].data.data(), 4 * axes.size());
      const int64_t rank = x.shape.size();
      SmallVector<bool> reduced(rank, false);
      for (int32_t a : axes) {
        if (a < -rank || a >= rank)
          return fail(index, "axis " + Twine(a) + " is outside the rank");
        reduced[a < 0 ? a + rank : a] = true;
      }
      const Values &a = value(in[0]);
      SmallVector<int64_t> counts(out.elements, 0);
      for (int64_t i = 0; i < x.elements; ++i) {
        int64_t rest = i, target = 0, stride = 1;
        for (int64_t d = rank; d-- > 0;) {
          const int64_t coord = rest % x.shape[d];
          rest /= x.shape[d];
          if (reduced[d])
            continue;
          target += coord * stride;
          stride *= x.shape[d];
        }
        y[target] += a[i];
        ++counts[target];
      }
      for (int64_t i = 0; i < out.elements; ++i)
        y[i] /= static_cast<float>(std::max<int64_t>(counts[i], 1));
      break;
    }
    case tfl::OpCode_CONCATENATION: {
      const auto *o = op->options_as_ConcatenationOptions();
      const int64_t rank = out.shape.size();
      int64_t axis = o ? o->axis() : 0;
      if (axis < 0)
        axis += rank;
      if (axis < 0 || axis >= rank)
        return fail(index, "the axis is outside the rank");
      int64_t outer = 1, inner = 1;
      for (int64_t d = 0; d < axis; ++d)
        outer *= out.shape[d];
      for (int64_t d = axis + 1; d < rank; ++d)
        inner *= out.shape[d];
      int64_t offset = 0;
      for (int32_t t : in) {
        const TensorInfo &part = tensors[t];
        if (static_cast<int64_t>(part.shape.size()) != rank)
          return fail(index, "the inputs must have the output's rank");
        const int64_t chunk = part.shape[axis] * inner;
        const Values &a = value(t);
        for (int64_t o2 = 0; o2 < outer; ++o2)
          std::copy_n(&a[o2 * chunk], chunk,
                      &y[o2 * out.shape[axis] * inner + offset]);
        offset += chunk;
      }
      if (o)
        for (float &r : y)
          r = activate(r, o->activation());
      break;
    }
    default:
      return fail(index, "operator is not supported in float32 models");
    }
    if (e)
      return std::move(e);
    v[outIndex] = std::move(y);
    visit(outIndex, v[outIndex]);
  }
  std::vector<Values> outputs;
  for (int32_t t : *graph.outputs())
    outputs.push_back(value(t));
  return outputs;
}
