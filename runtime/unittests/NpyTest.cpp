// Tests .npy reading and writing: round trips for every supported dtype,
// byte-exact headers NumPy accepts, and clear errors on malformed files.
#include "npu/Tensor/Tensor.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace npu;

namespace {

std::vector<uint8_t> npyFile(const std::string &header,
                             const std::vector<uint8_t> &data,
                             uint8_t major = 1) {
  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', major, 0};
  if (major == 1) {
    out.push_back(static_cast<uint8_t>(header.size()));
    out.push_back(static_cast<uint8_t>(header.size() >> 8));
  } else {
    for (int i = 0; i < 4; ++i)
      out.push_back(static_cast<uint8_t>(header.size() >> (8 * i)));
  }
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

std::string parseError(const std::vector<uint8_t> &bytes) {
  Result<Tensor> r = parseNpy(bytes.data(), bytes.size(), "x.npy");
  return r.ok() ? "(no error)" : r.error().getMessage();
}

} // namespace

TEST(Npy, RoundTripsEveryType) {
  for (ElementType type :
       {ElementType::I8, ElementType::U8, ElementType::I16,
        ElementType::I32, ElementType::F32}) {
    Tensor t(type, {2, 3, 1});
    for (int64_t i = 0; i < t.numElements(); ++i)
      t.setInt(i, i * 37 - 100);
    std::vector<uint8_t> bytes = serializeNpy(t);
    EXPECT_EQ(bytes.size() % 64, t.data.size() % 64) << "header is 64-aligned";
    Result<Tensor> back = parseNpy(bytes.data(), bytes.size(), "t");
    ASSERT_TRUE(back.ok()) << back.error().getMessage();
    EXPECT_EQ(back->type, type);
    EXPECT_EQ(back->shape, t.shape);
    EXPECT_EQ(back->data, t.data);
  }
}

TEST(Npy, WritesTheHeaderNumpyWrites) {
  Tensor t(ElementType::I8, {1, 4});
  std::vector<uint8_t> bytes = serializeNpy(t);
  std::string header(bytes.begin() + 10, bytes.end() - 4);
  const std::string dict =
      "{'descr': '|i1', 'fortran_order': False, 'shape': (1, 4), }";
  EXPECT_EQ(header.substr(0, dict.size()), dict);
  EXPECT_EQ(header.back(), '\n');
  Tensor scalar(ElementType::I32, {});
  bytes = serializeNpy(scalar);
  EXPECT_NE(std::string(bytes.begin(), bytes.end()).find("'shape': ()"),
            std::string::npos);
  Tensor vec(ElementType::I32, {5});
  bytes = serializeNpy(vec);
  EXPECT_NE(std::string(bytes.begin(), bytes.end()).find("'shape': (5,)"),
            std::string::npos);
}

TEST(Npy, ReadsVersion2AndBigEndian) {
  std::vector<uint8_t> data = {0x01, 0x02, 0xff, 0xfe};
  auto bytes = npyFile(
      "{'descr': '>i2', 'fortran_order': False, 'shape': (2,), }\n", data, 2);
  Result<Tensor> t = parseNpy(bytes.data(), bytes.size(), "t");
  ASSERT_TRUE(t.ok()) << t.error().getMessage();
  EXPECT_EQ(t->getInt(0), 0x0102);
  EXPECT_EQ(t->getInt(1), -2);
}

TEST(Npy, RejectsMalformedFiles) {
  const std::string good =
      "{'descr': '|i1', 'fortran_order': False, 'shape': (2, 2), }\n";
  const std::vector<uint8_t> four = {1, 2, 3, 4};
  EXPECT_EQ(parseError(npyFile(good, four)), "(no error)");

  EXPECT_EQ(parseError({}), "x.npy: not a .npy file (bad magic)");
  EXPECT_EQ(parseError({'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0}),
            "x.npy: not a .npy file (bad magic)");
  auto truncatedHeader = npyFile(good, four);
  truncatedHeader.resize(20);
  EXPECT_EQ(parseError(truncatedHeader), "x.npy: truncated .npy header");
  EXPECT_EQ(parseError(npyFile(good, {1, 2, 3})),
            "x.npy: truncated data: shape [2,2] needs 4 bytes, file has 3");
  EXPECT_EQ(parseError(npyFile(good, {1, 2, 3, 4, 5})),
            "x.npy: 1 unexpected bytes after the data");
  EXPECT_NE(parseError(npyFile("{'descr': '<f8', 'fortran_order': False, "
                               "'shape': (1,), }",
                               std::vector<uint8_t>(8)))
                .find("unsupported dtype '<f8'"),
            std::string::npos);
  EXPECT_NE(parseError(npyFile("{'descr': '|i1', 'fortran_order': True, "
                               "'shape': (4,), }",
                               four))
                .find("Fortran-order"),
            std::string::npos);
  EXPECT_NE(parseError(npyFile("{'descr': '|i1', 'shape': (4,), }", four))
                .find("lacks"),
            std::string::npos);
  EXPECT_NE(parseError(npyFile("{'descr': '|i1', 'fortran_order': False, "
                               "'shape': (a,), }",
                               four))
                .find("non-integer"),
            std::string::npos);
  EXPECT_NE(
      parseError(npyFile("not a dict", four)).find("header is not a dict"),
      std::string::npos);
  std::vector<uint8_t> v9 = npyFile(good, four);
  v9[6] = 9;
  EXPECT_NE(parseError(v9).find("unsupported .npy format version 9"),
            std::string::npos);
  EXPECT_NE(parseError(npyFile("{'descr': '|i1', 'fortran_order': False, "
                               "'shape': (99999999999, 99999999999, "
                               "99999999999), }",
                               four))
                .find("too large"),
            std::string::npos);
}

TEST(Npy, FileErrorsNameThePath) {
  Result<Tensor> r = readNpy("/nonexistent/in.npy");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().getMessage().find("/nonexistent/in.npy"),
            std::string::npos);
}
