//===- Quantize.cpp - Post-training quantization of a float32 model -------===//
//
// Turns the tensor table of a float32 model into the int8 model TFLite's
// post-training quantizer would make, so that the int8 importer takes it
// from there (docs/quantization.md, "Float models"):
//
//   activations  per tensor, asymmetric int8: the range [min, max] the
//                calibration inputs reach (or the percentile and 100 -
//                percentile of their values), widened to hold 0;
//                scale = (max - min) / 255, zero point = round(-128 -
//                min / scale), so that 0 is exact;
//   fixed ranges SOFTMAX and LOGISTIC outputs 1/256 and -128, TANH 1/128
//                and 0, as TFLite's int8 kernels require;
//   same scale   RESHAPE, SQUEEZE, EXPAND_DIMS, PAD and pooling outputs
//                keep their input's scale and zero point;
//   weights      symmetric int8 per output channel (axis 0, or 3 for a
//                depthwise filter): scale = max |w| / 127;
//   biases       int32 with scale = input scale x weight scale;
//   other float  constants (an ADD's constant operand) per tensor like
//                activations, from their own values.
//
//===----------------------------------------------------------------------===//
#include "FloatExecutor.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

using namespace mlir;
using namespace mlir::npu;
using namespace mlir::npu::tflite;
using llvm::Error;

namespace {

constexpr int kBins = 4096;

/// What the calibration saw of one tensor.
struct Observed {
  float lo = std::numeric_limits<float>::infinity();
  float hi = -std::numeric_limits<float>::infinity();
  std::vector<uint64_t> histogram; // kBins bins over [lo, hi]
  uint64_t count = 0;

  bool seen() const { return lo <= hi; }
  void widen(ArrayRef<float> values) {
    for (float v : values) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  int bin(float v) const {
    if (!(hi > lo))
      return 0;
    const double at = (static_cast<double>(v) - lo) / (hi - lo) * kBins;
    return std::clamp(static_cast<int>(at), 0, kBins - 1);
  }
  void tally(ArrayRef<float> values) {
    if (histogram.empty())
      histogram.assign(kBins, 0);
    for (float v : values)
      ++histogram[bin(v)];
    count += values.size();
  }
  /// The value below which `fraction` of the observed values lie (the
  /// upper edge of its bin for the top tail, the lower for the bottom).
  float quantile(double fraction, bool upper) const {
    if (histogram.empty() || count == 0)
      return upper ? hi : lo;
    const double want = fraction * static_cast<double>(count);
    double below = 0;
    for (int b = 0; b < kBins; ++b) {
      below += static_cast<double>(histogram[b]);
      if (below >= want) {
        const int edge = upper ? b + 1 : b;
        return static_cast<float>(lo + (hi - lo) * edge / kBins);
      }
    }
    return hi;
  }
};

struct Params {
  float scale = 1.0f;
  int64_t zeroPoint = 0;
};

/// Asymmetric int8 parameters for the range [lo, hi] widened to hold 0.
Params asymmetric(float lo, float hi) {
  lo = std::min(lo, 0.0f);
  hi = std::max(hi, 0.0f);
  if (!(hi > lo))
    return {1.0f / 255.0f, -128};
  const float scale = static_cast<float>((static_cast<double>(hi) - lo) / 255);
  const double zp = std::round(-128.0 - static_cast<double>(lo) / scale);
  return {scale, static_cast<int64_t>(std::clamp(zp, -128.0, 127.0))};
}

void setInt8(TensorInfo &t, Params p) {
  t.type = tfl::ElementType_INT8;
  t.scales = {p.scale};
  t.zeroPoints = {p.zeroPoint};
  t.quantDim = 0;
}

bool keepsScale(int32_t code) {
  return code == tfl::OpCode_RESHAPE || code == tfl::OpCode_SQUEEZE ||
         code == tfl::OpCode_EXPAND_DIMS || code == tfl::OpCode_PAD ||
         code == tfl::OpCode_MAX_POOL_2D || code == tfl::OpCode_AVERAGE_POOL_2D;
}

bool isMac(int32_t code) {
  return code == tfl::OpCode_CONV_2D || code == tfl::OpCode_DEPTHWISE_CONV_2D ||
         code == tfl::OpCode_FULLY_CONNECTED;
}

template <typename T>
ArrayRef<uint8_t> store(std::vector<std::vector<uint8_t>> &storage,
                        ArrayRef<T> values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(T));
  std::memcpy(bytes.data(), values.data(), bytes.size());
  storage.push_back(std::move(bytes));
  return storage.back();
}

} // namespace

bool mlir::npu::tflite::computesInFloat(const tfl::Model &model,
                                        const tfl::SubGraph &graph,
                                        ArrayRef<TensorInfo> tensors) {
  if (!graph.operators() || !model.operator_codes())
    return false;
  for (const tfl::Operator *op : *graph.operators()) {
    if (op->opcode_index() >= model.operator_codes()->size())
      continue; // the importer reports it
    const int32_t code = builtinCodeOf(model, op->opcode_index());
    if (code == tfl::OpCode_QUANTIZE || code == tfl::OpCode_DEQUANTIZE ||
        !op->outputs())
      continue;
    for (int32_t t : *op->outputs())
      if (t >= 0 && t < static_cast<int32_t>(tensors.size()) &&
          tensors[t].type == tfl::ElementType_FLOAT32)
        return true;
  }
  return false;
}

Error mlir::npu::tflite::quantizeFloatModel(
    StringRef fileName, const tfl::Model &model, const tfl::SubGraph &graph,
    std::vector<TensorInfo> &tensors,
    std::vector<std::vector<uint8_t>> &storage,
    const TfliteCalibration &calibration) {
  auto fail = [&](const Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   (fileName + ": " + message).str());
  };
  FloatExecutor executor(fileName, model, graph, tensors);
  if (Error e = executor.check())
    return e;
  if (calibration.samples.empty())
    return fail("a float32 model is quantized from calibration inputs: give "
                "--calib=FILE.npy|DIR (float32, the model's input shapes)");
  const bool percentile =
      calibration.range == TfliteCalibration::Range::Percentile;
  if (percentile &&
      !(calibration.percentile > 50 && calibration.percentile <= 100))
    return fail("the calibration percentile must be in (50, 100]");

  // Ranges: min/max in one pass; percentiles from histograms in a second.
  std::vector<Observed> seen(tensors.size());
  std::optional<int32_t> nonFinite;
  for (int pass = 0; pass < (percentile ? 2 : 1); ++pass)
    for (const auto &sample : calibration.samples) {
      auto outputs = executor.run(sample, [&](int32_t t, ArrayRef<float> v) {
        if (!nonFinite &&
            llvm::any_of(v, [](float x) { return !std::isfinite(x); }))
          nonFinite = t;
        if (pass == 0)
          seen[t].widen(v);
        else
          seen[t].tally(v);
      });
      if (!outputs)
        return outputs.takeError();
      if (nonFinite)
        return fail("a calibration input makes the float model compute a "
                    "non-finite value in tensor '" +
                    tensors[*nonFinite].name + "'");
    }
  auto activationParams = [&](int32_t t) {
    const Observed &o = seen[t];
    if (!percentile)
      return asymmetric(o.lo, o.hi);
    const double tail = (100.0 - calibration.percentile) / 100.0;
    return asymmetric(o.quantile(tail, /*upper=*/false),
                      o.quantile(1.0 - tail, /*upper=*/true));
  };

  std::vector<bool> done(tensors.size(), false);
  for (int32_t t : *graph.inputs()) {
    setInt8(tensors[t], activationParams(t));
    done[t] = true;
  }
  auto quantizeConstant = [&](int32_t t) {
    if (done[t] || tensors[t].type != tfl::ElementType_FLOAT32)
      return;
    const std::vector<float> v = floatConstant(tensors[t]);
    float lo = 0, hi = 0;
    for (float x : v) {
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
    const Params p = asymmetric(lo, hi);
    std::vector<int8_t> q(v.size());
    for (size_t i = 0; i < v.size(); ++i)
      q[i] = static_cast<int8_t>(std::clamp<double>(
          std::round(v[i] / p.scale) + p.zeroPoint, -128, 127));
    setInt8(tensors[t], p);
    tensors[t].data = store<int8_t>(storage, q);
    done[t] = true;
  };

  for (auto [index, op] : llvm::enumerate(*graph.operators())) {
    const int32_t code = builtinCodeOf(model, op->opcode_index());
    SmallVector<int32_t> in(op->inputs()->begin(), op->inputs()->end());
    const int32_t out = op->outputs()->Get(0);
    auto where = [&] {
      return "operator " + std::to_string(index) + " (" +
             opKindOf(model, op->opcode_index()) + ")";
    };
    if (isMac(code)) {
      const bool depthwise = code == tfl::OpCode_DEPTHWISE_CONV_2D;
      TensorInfo &w = tensors[in[1]];
      if (done[in[1]] || !isFloatConstant(w) || w.shape.empty())
        return fail(where() + ": the filter must be a constant used by this "
                              "operator only");
      if (tensors[in[0]].scales.size() != 1)
        return fail(where() + ": the input must be a computed activation");
      const float inScale = tensors[in[0]].scales[0];
      const int64_t channels = depthwise ? w.shape.back() : w.shape.front();
      SmallVector<float> scales(channels, 0.0f);
      if (w.type == tfl::ElementType_INT8) {
        // Already symmetric int8 (dynamic-range weights): kept exactly.
        if (llvm::any_of(w.zeroPoints, [](int64_t z) { return z != 0; }))
          return fail(where() + ": int8 filter zero points must be 0");
        for (int64_t c = 0; c < channels; ++c)
          scales[c] = w.scales.size() == 1 ? w.scales[0] : w.scales[c];
      } else {
        const std::vector<float> v = floatConstant(w);
        auto channelOf = [&](size_t i) {
          return depthwise ? static_cast<int64_t>(i) % channels
                           : static_cast<int64_t>(i) / (w.elements / channels);
        };
        for (size_t i = 0; i < v.size(); ++i)
          scales[channelOf(i)] = std::max(scales[channelOf(i)], std::abs(v[i]));
        for (float &s : scales)
          s = s > 0 ? s / 127.0f : 1.0f;
        std::vector<int8_t> q(v.size());
        for (size_t i = 0; i < v.size(); ++i)
          q[i] = static_cast<int8_t>(std::clamp<double>(
              std::round(v[i] / scales[channelOf(i)]), -127, 127));
        w.type = tfl::ElementType_INT8;
        w.scales = scales;
        w.zeroPoints.assign(channels, 0);
        w.quantDim = depthwise ? 3 : 0;
        w.data = store<int8_t>(storage, q);
      }
      done[in[1]] = true;
      if (in.size() > 2 && in[2] >= 0) {
        TensorInfo &b = tensors[in[2]];
        if (done[in[2]] || b.type != tfl::ElementType_FLOAT32 ||
            b.data.empty() || b.elements != channels)
          return fail(where() + ": the bias must be a float32 constant of " +
                      Twine(channels) + " values used by this operator only");
        const std::vector<float> bv = floatConstant(b);
        std::vector<int32_t> qb(channels);
        b.scales.clear();
        for (int64_t c = 0; c < channels; ++c) {
          const double scale = static_cast<double>(inScale) * scales[c];
          qb[c] = static_cast<int32_t>(std::clamp<double>(
              std::round(bv[c] / scale), std::numeric_limits<int32_t>::min(),
              std::numeric_limits<int32_t>::max()));
          b.scales.push_back(static_cast<float>(scale));
        }
        b.type = tfl::ElementType_INT32;
        b.zeroPoints.assign(channels, 0);
        b.quantDim = 0;
        b.data = store<int32_t>(storage, qb);
        done[in[2]] = true;
      }
    }
    for (int32_t t : in)
      if (t >= 0 && !tensors[t].data.empty())
        quantizeConstant(t);
    if (done[out])
      return fail(where() + ": output '" + tensors[out].name +
                  "' is computed twice");
    if (code == tfl::OpCode_SOFTMAX || code == tfl::OpCode_LOGISTIC)
      setInt8(tensors[out], {1.0f / 256.0f, -128});
    else if (code == tfl::OpCode_TANH)
      setInt8(tensors[out], {1.0f / 128.0f, 0});
    else if (keepsScale(code) && tensors[in[0]].scales.size() == 1)
      setInt8(tensors[out],
              {tensors[in[0]].scales[0], tensors[in[0]].zeroPoints[0]});
    else
      setInt8(tensors[out], activationParams(out));
    done[out] = true;
  }
  return Error::success();
}
