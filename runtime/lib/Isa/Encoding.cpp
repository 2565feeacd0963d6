//===- Encoding.cpp - Binary and text forms of instructions ---------------===//
#include "npu/Isa/Encoding.h"

#include <charconv>
#include <cstring>
#include <optional>
#include <sstream>
#include <type_traits>

namespace npu::isa {

//===----------------------------------------------------------------------===//
// Instruction properties
//===----------------------------------------------------------------------===//

Queue queueOf(const Instruction &instr) {
  return std::visit(
      [](const auto &i) -> Queue {
        using T = std::decay_t<decltype(i)>;
        if constexpr (std::is_same_v<T, DmaLoad>)
          return Queue::Load;
        else if constexpr (std::is_same_v<T, DmaStore>)
          return Queue::Store;
        else if constexpr (std::is_same_v<T, Token>)
          return i.queue;
        else
          return Queue::Compute;
      },
      instr);
}

Opcode opcodeOf(const Instruction &instr) {
  return std::visit([](const auto &i) { return i.kOpcode; }, instr);
}

const char *mnemonicOf(const Instruction &instr) {
  return std::visit([](const auto &i) { return i.kMnemonic; }, instr);
}

const Deps &depsOf(const Instruction &instr) {
  return std::visit([](const auto &i) -> const Deps & { return i.deps; },
                    instr);
}

Deps &depsOf(Instruction &instr) {
  return std::visit([](auto &i) -> Deps & { return i.deps; }, instr);
}

namespace {

template <size_t... I>
std::array<Opcode, sizeof...(I)> opcodeTable(std::index_sequence<I...>) {
  return {std::variant_alternative_t<I, Instruction>::kOpcode...};
}

/// Default-constructs the variant alternative whose opcode matches.
template <size_t I = 0>
std::optional<Instruction> instructionFor(uint8_t opcode) {
  if constexpr (I == std::variant_size_v<Instruction>) {
    return std::nullopt;
  } else {
    using T = std::variant_alternative_t<I, Instruction>;
    if (static_cast<uint8_t>(T::kOpcode) == opcode)
      return Instruction(T{});
    return instructionFor<I + 1>(opcode);
  }
}

} // namespace

const std::array<Opcode, std::variant_size_v<Instruction>> &allOpcodes() {
  static const auto table =
      opcodeTable(std::make_index_sequence<std::variant_size_v<Instruction>>());
  return table;
}

Instruction makeInstruction(Opcode opcode) {
  return *instructionFor(static_cast<uint8_t>(opcode));
}

Status checkDeps(const Instruction &instr) {
  const Deps &d = depsOf(instr);
  const char *name = mnemonicOf(instr);
  if (std::holds_alternative<Halt>(instr)) {
    if (d.any())
      return makeError(name, ": halt carries no dependency flags");
    return Status::success();
  }
  switch (queueOf(instr)) {
  case Queue::Load:
    if (d.popPrev || d.pushPrev)
      return makeError(name, ": the load queue has no previous queue "
                             "(pop_prev/push_prev are invalid)");
    break;
  case Queue::Store:
    if (d.popNext || d.pushNext)
      return makeError(name, ": the store queue has no next queue "
                             "(pop_next/push_next are invalid)");
    break;
  case Queue::Compute:
    break;
  }
  return Status::success();
}

//===----------------------------------------------------------------------===//
// Bit packing
//===----------------------------------------------------------------------===//

namespace {

uint64_t getBits(const uint8_t *bytes, unsigned lsb, unsigned width) {
  uint64_t value = 0;
  for (unsigned i = 0; i < width; ++i) {
    unsigned bit = lsb + i;
    value |= static_cast<uint64_t>((bytes[bit / 8] >> (bit % 8)) & 1) << i;
  }
  return value;
}

void setBits(uint8_t *bytes, unsigned lsb, unsigned width, uint64_t value) {
  for (unsigned i = 0; i < width; ++i) {
    unsigned bit = lsb + i;
    uint8_t mask = static_cast<uint8_t>(1u << (bit % 8));
    if ((value >> i) & 1)
      bytes[bit / 8] |= mask;
    else
      bytes[bit / 8] &= static_cast<uint8_t>(~mask);
  }
}

/// Converts a member to its raw field bits, checking that it fits.
template <typename T>
std::optional<uint64_t> toRaw(const T &member, unsigned width) {
  const auto [lo, hi] = fieldRange<T>(width);
  const auto value = static_cast<int64_t>(member);
  if (value < lo || value > hi)
    return std::nullopt;
  const uint64_t mask = width >= 64 ? ~0ULL : ((1ULL << width) - 1);
  return static_cast<uint64_t>(value) & mask;
}

/// Converts raw field bits to a member; fails for invalid enum values.
template <typename T> bool fromRaw(uint64_t raw, unsigned width, T &member) {
  if constexpr (std::is_enum_v<T>) {
    if (raw >= enumCount<T>())
      return false;
    member = static_cast<T>(raw);
  } else if constexpr (std::is_same_v<T, bool>) {
    member = raw != 0;
  } else if constexpr (std::is_signed_v<T>) {
    if (width < 64 && ((raw >> (width - 1)) & 1))
      raw |= ~0ULL << width;
    member = static_cast<T>(static_cast<int64_t>(raw));
  } else {
    member = static_cast<T>(raw);
  }
  return true;
}

void encodeHeader(uint8_t *bytes, Opcode opcode, const Deps &deps) {
  setBits(bytes, 0, 8, static_cast<uint8_t>(opcode));
  setBits(bytes, 8, 1, deps.popPrev);
  setBits(bytes, 9, 1, deps.popNext);
  setBits(bytes, 10, 1, deps.pushPrev);
  setBits(bytes, 11, 1, deps.pushNext);
}

} // namespace

Result<InstrBytes> encode(const Instruction &instr) {
  InstrBytes bytes{};
  std::optional<Error> failure;
  std::visit(
      [&](const auto &i) {
        using T = std::decay_t<decltype(i)>;
        encodeHeader(bytes.data(), T::kOpcode, i.deps);
        unsigned pos = kFirstFieldBit;
        T::visitFields(
            i, [&](const char *name, const auto &member, unsigned width) {
              std::optional<uint64_t> raw = toRaw(member, width);
              if (!raw && !failure)
                failure = makeError(T::kMnemonic, ": field ", name, " = ",
                                    static_cast<int64_t>(member),
                                    " does not fit in ", width, " bits");
              if (raw)
                setBits(bytes.data(), pos, width, *raw);
              pos += width;
            });
      },
      instr);
  if (failure)
    return *failure;
  NPU_TRY(checkDeps(instr));
  return bytes;
}

Result<Instruction> decode(const uint8_t *bytes) {
  uint8_t opcode = bytes[0];
  std::optional<Instruction> instr = instructionFor(opcode);
  if (!instr) {
    std::ostringstream os;
    os << "unknown opcode 0x" << std::hex << unsigned(opcode);
    return Error(os.str());
  }
  std::optional<Error> failure;
  std::visit(
      [&](auto &i) {
        using T = std::decay_t<decltype(i)>;
        i.deps.popPrev = getBits(bytes, 8, 1);
        i.deps.popNext = getBits(bytes, 9, 1);
        i.deps.pushPrev = getBits(bytes, 10, 1);
        i.deps.pushNext = getBits(bytes, 11, 1);
        unsigned pos = kFirstFieldBit;
        T::visitFields(i, [&](const char *name, auto &member, unsigned width) {
          uint64_t raw = getBits(bytes, pos, width);
          if (!fromRaw(raw, width, member) && !failure)
            failure = makeError(T::kMnemonic, ": field ", name,
                                " has invalid "
                                "value ",
                                raw);
          pos += width;
        });
        for (unsigned bit = pos; bit < kInstrBits && !failure; ++bit)
          if (getBits(bytes, bit, 1))
            failure =
                makeError(T::kMnemonic, ": reserved bit ", bit, " is set");
      },
      *instr);
  if (failure)
    return *failure;
  NPU_TRY(checkDeps(*instr));
  return *instr;
}

std::vector<FieldLayout> fieldLayout(Opcode opcode) {
  std::vector<FieldLayout> layout = {{"opcode", 0, 8, false},
                                     {"pop_prev", 8, 1, false},
                                     {"pop_next", 9, 1, false},
                                     {"push_prev", 10, 1, false},
                                     {"push_next", 11, 1, false}};
  Instruction instr = makeInstruction(opcode);
  std::visit(
      [&](auto &i) {
        using T = std::decay_t<decltype(i)>;
        unsigned pos = kFirstFieldBit;
        T::visitFields(
            i, [&](const char *name, const auto &member, unsigned width) {
              using M = std::decay_t<decltype(member)>;
              bool isSigned = std::is_integral_v<M> && std::is_signed_v<M>;
              layout.push_back({name, pos, width, isSigned});
              pos += width;
            });
      },
      instr);
  return layout;
}

//===----------------------------------------------------------------------===//
// Text form
//===----------------------------------------------------------------------===//

namespace {

bool isAddressField(std::string_view name) {
  return name.size() > 5 && name.substr(name.size() - 5) == "_addr";
}

template <typename T>
std::string formatField(std::string_view name, const T &member) {
  if constexpr (std::is_enum_v<T>) {
    auto raw = static_cast<size_t>(member);
    if (raw < enumCount<T>())
      return EnumInfo<T>::names[raw];
    return std::to_string(raw);
  } else if constexpr (std::is_same_v<T, bool>) {
    return member ? "1" : "0";
  } else {
    if (isAddressField(name)) {
      std::ostringstream os;
      os << "0x" << std::hex << static_cast<uint64_t>(member);
      return os.str();
    }
    return std::to_string(member);
  }
}

std::optional<int64_t> parseInteger(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  uint64_t value = 0;
  auto [ptr, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty())
    return std::nullopt;
  if (value > (uint64_t(1) << 62))
    return std::nullopt;
  return negative ? -static_cast<int64_t>(value) : static_cast<int64_t>(value);
}

/// Parses `text` into a field member, with the same range rules as encode.
template <typename T>
Status parseField(std::string_view name, std::string_view text, unsigned width,
                  T &member) {
  if constexpr (std::is_enum_v<T>) {
    for (unsigned i = 0; i < enumCount<T>(); ++i)
      if (text == EnumInfo<T>::names[i]) {
        member = static_cast<T>(i);
        return Status::success();
      }
    return makeError("field ", name, ": unknown value '", text, "'");
  } else {
    std::optional<int64_t> value = parseInteger(text);
    if (!value)
      return makeError("field ", name, ": expected an integer, got '", text,
                       "'");
    T candidate{};
    if constexpr (std::is_same_v<T, bool>) {
      if (*value != 0 && *value != 1)
        return makeError("field ", name, ": expected 0 or 1");
      candidate = *value != 0;
    } else {
      if constexpr (std::is_unsigned_v<T>) {
        if (*value < 0)
          return makeError("field ", name, ": must not be negative");
      }
      candidate = static_cast<T>(*value);
      if (static_cast<int64_t>(candidate) != *value || !toRaw(candidate, width))
        return makeError("field ", name, ": ", text, " does not fit in ", width,
                         " bits");
    }
    member = candidate;
    return Status::success();
  }
}

} // namespace

std::vector<std::pair<std::string, int64_t>>
getFields(const Instruction &instr) {
  std::vector<std::pair<std::string, int64_t>> fields;
  std::visit(
      [&](const auto &i) {
        using T = std::decay_t<decltype(i)>;
        T::visitFields(i, [&](const char *name, const auto &member, unsigned) {
          fields.emplace_back(name, static_cast<int64_t>(member));
        });
      },
      instr);
  return fields;
}

Status setField(Instruction &instr, std::string_view name, int64_t value) {
  bool found = false;
  Status status;
  std::visit(
      [&](auto &i) {
        using T = std::decay_t<decltype(i)>;
        T::visitFields(i, [&](const char *field, auto &member, unsigned width) {
          using M = std::decay_t<decltype(member)>;
          if (found || name != field)
            return;
          found = true;
          const auto [lo, hi] = fieldRange<M>(width);
          if (value < lo || value > hi) {
            status = makeError(T::kMnemonic, ": field ", field, " = ", value,
                               " is outside [", lo, ", ", hi, "]");
            return;
          }
          member = static_cast<M>(value);
        });
      },
      instr);
  if (!found)
    return makeError(mnemonicOf(instr), ": unknown field '", name, "'");
  return status;
}

Result<Instruction> makeInstruction(std::string_view mnemonic) {
  for (Opcode opcode : allOpcodes()) {
    Instruction candidate = makeInstruction(opcode);
    if (mnemonic == mnemonicOf(candidate))
      return candidate;
  }
  return makeError("unknown mnemonic '", mnemonic, "'");
}

Status setFieldText(Instruction &instr, std::string_view name,
                    std::string_view text) {
  bool found = false;
  Status status;
  std::visit(
      [&](auto &i) {
        using T = std::decay_t<decltype(i)>;
        T::visitFields(i, [&](const char *field, auto &member, unsigned width) {
          if (found || name != field)
            return;
          found = true;
          status = parseField(field, text, width, member);
        });
      },
      instr);
  if (!found)
    return makeError(mnemonicOf(instr), ": unknown field '", name, "'");
  if (!status)
    return status.error().withContext(mnemonicOf(instr));
  return Status::success();
}

std::vector<std::pair<std::string, std::string>>
formatFields(const Instruction &instr) {
  std::vector<std::pair<std::string, std::string>> fields;
  std::visit(
      [&](const auto &i) {
        using T = std::decay_t<decltype(i)>;
        T::visitFields(i, [&](const char *name, const auto &member, unsigned) {
          fields.emplace_back(name, formatField(name, member));
        });
      },
      instr);
  return fields;
}

std::string disassemble(const Instruction &instr) {
  std::ostringstream os;
  os << mnemonicOf(instr);
  for (const auto &[name, value] : formatFields(instr))
    os << ' ' << name << '=' << value;
  const Deps &d = depsOf(instr);
  if (d.popPrev)
    os << " pop_prev";
  if (d.popNext)
    os << " pop_next";
  if (d.pushPrev)
    os << " push_prev";
  if (d.pushNext)
    os << " push_next";
  return os.str();
}

Result<Instruction> assemble(std::string_view line) {
  std::vector<std::string_view> words;
  size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t'))
      ++pos;
    size_t start = pos;
    while (pos < line.size() && line[pos] != ' ' && line[pos] != '\t')
      ++pos;
    if (pos > start)
      words.push_back(line.substr(start, pos - start));
  }
  if (words.empty())
    return makeError("empty instruction");

  Result<Instruction> instr = makeInstruction(words[0]);
  if (!instr)
    return instr.error();

  for (size_t w = 1; w < words.size(); ++w) {
    std::string_view word = words[w];
    Deps &deps = depsOf(*instr);
    if (word == "pop_prev" || word == "pop_next" || word == "push_prev" ||
        word == "push_next") {
      bool &flag = word == "pop_prev"    ? deps.popPrev
                   : word == "pop_next"  ? deps.popNext
                   : word == "push_prev" ? deps.pushPrev
                                         : deps.pushNext;
      flag = true;
      continue;
    }
    size_t eq = word.find('=');
    if (eq == std::string_view::npos)
      return makeError(mnemonicOf(*instr), ": expected field=value, got '",
                       word, "'");
    NPU_TRY(setFieldText(*instr, word.substr(0, eq), word.substr(eq + 1)));
  }
  NPU_TRY(checkDeps(*instr));
  return *instr;
}

} // namespace npu::isa
