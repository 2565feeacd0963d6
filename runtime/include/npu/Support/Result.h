//===- Result.h - Error values without exceptions ---------------*- C++ -*-===//
//
// The runtime is linked into the compiler, which LLVM builds without
// exceptions, so no runtime API throws: fallible functions return a Result<T>
// (a value or an Error) or a Status.
//
//===----------------------------------------------------------------------===//
#ifndef NPU_SUPPORT_RESULT_H
#define NPU_SUPPORT_RESULT_H

#include <cassert>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <variant>

namespace npu {

/// A one-line, human-readable description of what went wrong. Control
/// characters (which may come from a corrupt input quoted in the message)
/// are escaped as \xNN so the message always stays on one line.
class Error {
public:
  explicit Error(std::string text) : message(escapeControl(std::move(text))) {}
  const std::string &getMessage() const { return message; }

  /// Returns a copy of this error with `context: ` in front of the message.
  Error withContext(const std::string &context) const {
    return Error(context + ": " + message);
  }

private:
  static std::string escapeControl(std::string text) {
    std::string out;
    out.reserve(text.size());
    static const char digits[] = "0123456789abcdef";
    for (char c : text) {
      auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7f) {
        out += "\\x";
        out += digits[u >> 4];
        out += digits[u & 15];
      } else {
        out += c;
      }
    }
    return out;
  }

  std::string message;
};

/// Builds an Error from streamable pieces: makeError("field ", name, " bad").
template <typename... Parts> Error makeError(const Parts &...parts) {
  std::ostringstream os;
  (os << ... << parts);
  return Error(os.str());
}

/// Either a value of type T or an Error.
template <typename T> class [[nodiscard]] Result {
public:
  Result(T value) : storage(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : storage(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return storage.index() == 0; }
  explicit operator bool() const { return ok(); }

  T &operator*() {
    assert(ok());
    return std::get<0>(storage);
  }
  const T &operator*() const {
    assert(ok());
    return std::get<0>(storage);
  }
  T *operator->() { return &**this; }
  const T *operator->() const { return &**this; }

  const Error &error() const {
    assert(!ok());
    return std::get<1>(storage);
  }

  /// Moves the value out; only valid when ok().
  T take() {
    assert(ok());
    return std::move(std::get<0>(storage));
  }

private:
  std::variant<T, Error> storage;
};

/// Success or an Error.
class [[nodiscard]] Status {
public:
  Status() = default;
  Status(Error error) : failure(std::move(error)) {}
  static Status success() { return Status(); }

  bool ok() const { return !failure.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error &error() const {
    assert(failure.has_value());
    return *failure;
  }

private:
  std::optional<Error> failure;
};

} // namespace npu

/// Propagates the error of a Status or Result expression out of the current
/// function (which must return a Status or Result).
#define NPU_TRY(expr)                                                          \
  do {                                                                         \
    auto npuTryResult = (expr);                                                \
    if (!npuTryResult.ok())                                                    \
      return npuTryResult.error();                                             \
  } while (false)

#endif // NPU_SUPPORT_RESULT_H
