// Tests the host's float conversions at a program's edge (TensorIO.h):
// TFLite Micro's AffineQuantize (division in float, rounding half away from
// zero, clamping) and Dequantize (scale in double), with values worked out
// by hand.
#include "npu/Program/TensorIO.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

using namespace npu;

namespace {

Tensor floats(const std::vector<float> &values) {
  Tensor t(ElementType::F32, {static_cast<int64_t>(values.size())});
  std::memcpy(t.data.data(), values.data(), 4 * values.size());
  return t;
}

TensorDesc edge(ElementType type, double scale, int32_t zeroPoint, int64_t n) {
  TensorDesc d;
  d.name = "x";
  d.type = type;
  d.shape = {n};
  d.scale = scale;
  d.zeroPoint = zeroPoint;
  d.floatInterface = true;
  return d;
}

} // namespace

TEST(EdgeConversion, QuantizeRoundsHalfAwayAndClamps) {
  // scale 0.5, zero point -3: x / 0.5 = 2x.
  const TensorDesc d = edge(ElementType::I8, 0.5, -3, 7);
  Result<Tensor> q = quantizeInput(
      d, floats({0.25f, -0.25f, 0.75f, 1.0f, 100.0f, -100.0f, 1e9f}));
  ASSERT_TRUE(q.ok()) << q.error().getMessage();
  // 0.5 -> 1, -0.5 -> -1, 1.5 -> 2, 2, 200 -> 127, -200 -> -128, huge -> 127.
  const std::vector<int64_t> want{-2, -4, -1, -1, 127, -128, 127};
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_EQ(q->getInt(i), want[i]) << i;
}

TEST(EdgeConversion, QuantizeDividesInFloat) {
  // -19.75f / 0.1f is exactly -197.5 in float arithmetic (as TFLite Micro
  // divides) and -197.49999706 in double: float rounds it to -198, double
  // would give -197 (zero point 100 keeps both in range).
  const TensorDesc d = edge(ElementType::I8, static_cast<double>(0.1f), 100, 1);
  Result<Tensor> q = quantizeInput(d, floats({-19.75f}));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->getInt(0), -198 + 100);
}

TEST(EdgeConversion, QuantizeRejectsNonFiniteAndNonFloat) {
  const TensorDesc d = edge(ElementType::I8, 1.0, 0, 1);
  Result<Tensor> q =
      quantizeInput(d, floats({std::numeric_limits<float>::quiet_NaN()}));
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.error().getMessage().find("non-finite"), std::string::npos);
  Tensor ints(ElementType::I8, {1});
  EXPECT_FALSE(quantizeInput(d, ints).ok());
}

TEST(EdgeConversion, DequantizeMultipliesInDouble) {
  const TensorDesc d = edge(ElementType::I8, 0.25, 10, 3);
  Tensor q(ElementType::I8, {3});
  q.setInt(0, 10);
  q.setInt(1, -128);
  q.setInt(2, 127);
  const Tensor f = dequantizeOutput(d, q);
  ASSERT_EQ(f.type, ElementType::F32);
  std::vector<float> got(3);
  std::memcpy(got.data(), f.data.data(), 12);
  EXPECT_EQ(got[0], 0.0f);
  EXPECT_EQ(got[1], -34.5f);
  EXPECT_EQ(got[2], 29.25f);
}

// Output file names (outputFileNames): a tensor name longer than a file
// system allows (TFLite converters write 300-character names) becomes its
// head plus a hash of the whole, so two long names that share the head
// still get different files; short names are only sanitized.
TEST(OutputFileNames, LongNamesAreBoundedAndDistinct) {
  Program program;
  const std::string head(200, 'a');
  program.tensors.push_back(
      {head + "/x", TensorRole::Output, ElementType::I8, {1}, 1.0, 0, 0});
  program.tensors.push_back(
      {head + "/y", TensorRole::Output, ElementType::I8, {1}, 1.0, 0, 0});
  program.tensors.push_back(
      {"short:name", TensorRole::Output, ElementType::I8, {1}, 1.0, 0, 0});
  const std::vector<std::string> files = outputFileNames(program);
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].size(), kMaxOutputBaseLength + 4);
  EXPECT_EQ(files[0].substr(0, kMaxOutputBaseLength - 17),
            head.substr(0, kMaxOutputBaseLength - 17));
  EXPECT_NE(files[0], files[1]);
  EXPECT_EQ(files[2], "short_name.npy");
}
