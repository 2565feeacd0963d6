// Tests the checksums and byte helpers every file format depends on: CRC-32
// against its published check value, FNV-1a against published vectors.
#include "npu/Support/ByteIO.h"
#include "npu/Support/Checksum.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace npu;

TEST(Checksum, Crc32CheckValue) {
  // The standard CRC-32 check value (catalogue of parametrised CRCs).
  const char *text = "123456789";
  EXPECT_EQ(crc32(reinterpret_cast<const uint8_t *>(text), 9), 0xCBF43926u);
  EXPECT_EQ(crc32(nullptr, 0), 0u);
}

TEST(Checksum, Crc32OfPiecesEqualsWhole) {
  const uint8_t data[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(crc32({{data, 3}, {data + 3, 7}}), crc32(data, sizeof data));
}

TEST(Checksum, Fnv1a64Vectors) {
  // Published FNV-1a 64-bit test vectors.
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

TEST(ByteIO, LittleEndianRoundTrip) {
  uint8_t buf[8];
  storeLE<int32_t>(buf, -2);
  EXPECT_EQ(buf[0], 0xfe);
  EXPECT_EQ(buf[3], 0xff);
  EXPECT_EQ(loadLE<int32_t>(buf), -2);
  storeLE<uint64_t>(buf, 0x0102030405060708ULL);
  EXPECT_EQ(buf[0], 0x08);
  EXPECT_EQ(loadLE<uint64_t>(buf), 0x0102030405060708ULL);
}

TEST(Result, CarriesValueOrError) {
  Result<int> ok = 5;
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 5);
  Result<int> bad = makeError("field ", 3, " broken");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().getMessage(), "field 3 broken");
  EXPECT_EQ(bad.error().withContext("f.bin").getMessage(),
            "f.bin: field 3 broken");
  // Messages stay on one line whatever they quote.
  EXPECT_EQ(Error("key 'a\nb'").getMessage(), "key 'a\\x0ab'");
}
