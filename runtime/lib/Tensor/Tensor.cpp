//===- Tensor.cpp - Host-side tensors and .npy files ----------------------===//
#include "npu/Tensor/Tensor.h"

#include "npu/Support/ByteIO.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <sstream>

namespace npu {

Tensor::Tensor(ElementType type, std::vector<int64_t> shape)
    : type(type), shape(std::move(shape)) {
  data.assign(static_cast<size_t>(numElements()) * elementBytes(type), 0);
}

int64_t Tensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

int64_t Tensor::getInt(int64_t index) const {
  const uint8_t *p = data.data() + index * elementBytes(type);
  if (type != ElementType::F32)
    return loadElement(p, type);
  const uint32_t bits = loadLE<uint32_t>(p);
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return static_cast<int64_t>(f);
}

void Tensor::setInt(int64_t index, int64_t value) {
  uint8_t *p = data.data() + index * elementBytes(type);
  if (type != ElementType::F32)
    return storeElement(p, type, value);
  const auto f = static_cast<float>(value);
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  storeLE<uint32_t>(p, bits);
}

std::string formatShape(const std::vector<int64_t> &shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? "," : "") + std::to_string(shape[i]);
  return text + "]";
}

namespace {

/// A tiny parser for the Python dict literal in a .npy header.
class HeaderParser {
public:
  explicit HeaderParser(std::string_view text) : text(text) {}

  struct Fields {
    std::optional<std::string> descr;
    std::optional<bool> fortranOrder;
    std::optional<std::vector<int64_t>> shape;
  };

  Result<Fields> parse() {
    Fields fields;
    skipSpace();
    if (!consume('{'))
      return makeError("header is not a dict");
    while (true) {
      skipSpace();
      if (consume('}'))
        break;
      std::optional<std::string> key = parseString();
      if (!key)
        return makeError("expected a quoted key in the header");
      skipSpace();
      if (!consume(':'))
        return makeError("expected ':' after '", *key, "'");
      skipSpace();
      if (*key == "descr") {
        fields.descr = parseString();
        if (!fields.descr)
          return makeError("'descr' must be a string");
      } else if (*key == "fortran_order") {
        if (consumeWord("True"))
          fields.fortranOrder = true;
        else if (consumeWord("False"))
          fields.fortranOrder = false;
        else
          return makeError("'fortran_order' must be True or False");
      } else if (*key == "shape") {
        Result<std::vector<int64_t>> shape = parseShape();
        if (!shape)
          return shape.error();
        fields.shape = shape.take();
      } else {
        return makeError("unexpected header key '", *key, "'");
      }
      skipSpace();
      if (consume(','))
        continue;
      skipSpace();
      if (consume('}'))
        break;
      return makeError("expected ',' or '}' in the header");
    }
    skipSpace();
    if (pos != text.size())
      return makeError("unexpected text after the header dict");
    return fields;
  }

private:
  void skipSpace() {
    while (pos < text.size() &&
           std::isspace(static_cast<unsigned char>(text[pos])))
      ++pos;
  }
  bool consume(char c) {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  bool consumeWord(std::string_view word) {
    if (text.substr(pos, word.size()) == word) {
      pos += word.size();
      return true;
    }
    return false;
  }
  std::optional<std::string> parseString() {
    if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"'))
      return std::nullopt;
    char quote = text[pos++];
    size_t end = text.find(quote, pos);
    if (end == std::string_view::npos)
      return std::nullopt;
    std::string value(text.substr(pos, end - pos));
    pos = end + 1;
    return value;
  }
  Result<std::vector<int64_t>> parseShape() {
    if (!consume('('))
      return makeError("'shape' must be a tuple");
    std::vector<int64_t> dims;
    while (true) {
      skipSpace();
      if (consume(')'))
        break;
      size_t start = pos;
      while (pos < text.size() &&
             std::isdigit(static_cast<unsigned char>(text[pos])))
        ++pos;
      // Python 2 era writers append 'L' to longs.
      int64_t dim = 0;
      auto [ptr, ec] =
          std::from_chars(text.data() + start, text.data() + pos, dim);
      if (ec != std::errc() || ptr != text.data() + pos || pos == start)
        return makeError("'shape' holds a non-integer dimension");
      consume('L');
      dims.push_back(dim);
      skipSpace();
      if (consume(','))
        continue;
      skipSpace();
      if (consume(')'))
        break;
      return makeError("malformed 'shape' tuple");
    }
    return dims;
  }

  std::string_view text;
  size_t pos = 0;
};

} // namespace

Result<Tensor> parseNpy(const uint8_t *data, size_t size,
                        std::string_view source) {
  auto fail = [&](const auto &...parts) {
    return makeError(source, ": ", parts...);
  };
  static const uint8_t kMagic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (size < 10 || std::memcmp(data, kMagic, 6) != 0)
    return fail("not a .npy file (bad magic)");
  unsigned major = data[6];
  size_t headerLen = 0, headerStart = 0;
  if (major == 1) {
    headerLen = loadLE<uint16_t>(data + 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (size < 12)
      return fail("truncated .npy header");
    headerLen = loadLE<uint32_t>(data + 8);
    headerStart = 12;
  } else {
    return fail("unsupported .npy format version ", major, ".",
                unsigned(data[7]));
  }
  if (headerLen > size - headerStart)
    return fail("truncated .npy header");
  std::string_view header(reinterpret_cast<const char *>(data + headerStart),
                          headerLen);
  Result<HeaderParser::Fields> fields = HeaderParser(header).parse();
  if (!fields)
    return fields.error().withContext(std::string(source));
  if (!fields->descr || !fields->fortranOrder || !fields->shape)
    return fail("header lacks 'descr', 'fortran_order' or 'shape'");
  if (*fields->fortranOrder)
    return fail("Fortran-order arrays are not supported (save with C order)");

  std::string descr = *fields->descr;
  bool bigEndian = false;
  if (!descr.empty() && (descr[0] == '<' || descr[0] == '|' ||
                         descr[0] == '>' || descr[0] == '=')) {
    bigEndian = descr[0] == '>';
    descr.erase(0, 1);
  }
  Tensor tensor;
  if (descr == "i1")
    tensor.type = ElementType::I8;
  else if (descr == "u1")
    tensor.type = ElementType::U8;
  else if (descr == "i2")
    tensor.type = ElementType::I16;
  else if (descr == "i4")
    tensor.type = ElementType::I32;
  else if (descr == "f4")
    tensor.type = ElementType::F32;
  else
    return fail("unsupported dtype '", *fields->descr,
                "' (int8, uint8, int16, int32 or float32)");

  tensor.shape = *fields->shape;
  const size_t elemSize = elementBytes(tensor.type);
  uint64_t count = 1;
  for (int64_t dim : tensor.shape) {
    if (dim < 0)
      return fail("negative dimension in shape");
    if (dim != 0 && count > (std::numeric_limits<uint64_t>::max() / elemSize) /
                                static_cast<uint64_t>(dim))
      return fail("shape ", formatShape(tensor.shape), " is too large");
    count *= static_cast<uint64_t>(dim);
  }
  size_t dataStart = headerStart + headerLen;
  uint64_t expected = count * elemSize;
  uint64_t available = size - dataStart;
  if (available < expected)
    return fail("truncated data: shape ", formatShape(tensor.shape), " needs ",
                expected, " bytes, file has ", available);
  if (available > expected)
    return fail(available - expected, " unexpected bytes after the data");
  tensor.data.assign(data + dataStart, data + dataStart + expected);
  if (bigEndian && elemSize > 1)
    for (size_t i = 0; i < tensor.data.size(); i += elemSize)
      std::reverse(tensor.data.begin() + i, tensor.data.begin() + i + elemSize);
  return tensor;
}

Result<Tensor> readNpy(const std::string &path) {
  Result<std::vector<uint8_t>> bytes = readFileBytes(path);
  if (!bytes)
    return bytes.error();
  return parseNpy(bytes->data(), bytes->size(), path);
}

std::vector<uint8_t> serializeNpy(const Tensor &tensor) {
  std::string descr;
  switch (tensor.type) {
  case ElementType::I8:
    descr = "|i1";
    break;
  case ElementType::U8:
    descr = "|u1";
    break;
  case ElementType::I16:
    descr = "<i2";
    break;
  case ElementType::I32:
    descr = "<i4";
    break;
  case ElementType::F32:
    descr = "<f4";
    break;
  }
  std::string shape = "(";
  for (size_t i = 0; i < tensor.shape.size(); ++i)
    shape += std::to_string(tensor.shape[i]) + ", ";
  if (tensor.shape.size() > 1)
    shape.erase(shape.size() - 2);
  else if (tensor.shape.size() == 1)
    shape.erase(shape.size() - 1);
  shape += ")";
  std::string header = "{'descr': '" + descr +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';

  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  out.push_back(static_cast<uint8_t>(header.size() & 0xff));
  out.push_back(static_cast<uint8_t>(header.size() >> 8));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), tensor.data.begin(), tensor.data.end());
  return out;
}

Status writeNpy(const std::string &path, const Tensor &tensor) {
  return writeFileBytes(path, serializeNpy(tensor));
}

} // namespace npu
