//===- ByteIO.cpp - Whole-file I/O ----------------------------------------===//
#include "npu/Support/ByteIO.h"

#include <cerrno>
#include <fstream>
#include <iterator>
#include <system_error>

namespace npu {

Result<std::vector<uint8_t>> readFileBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return makeError(path,
                     ": cannot open: ", std::generic_category().message(errno));
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (in.bad())
    return makeError(path, ": read error");
  return bytes;
}

Status writeFileBytes(const std::string &path,
                      const std::vector<uint8_t> &data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    return makeError(
        path, ": cannot create: ", std::generic_category().message(errno));
  out.write(reinterpret_cast<const char *>(data.data()),
            static_cast<std::streamsize>(data.size()));
  if (!out)
    return makeError(path, ": write error");
  return Status::success();
}

} // namespace npu
