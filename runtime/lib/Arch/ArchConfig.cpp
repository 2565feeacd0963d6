//===- ArchConfig.cpp - Loading, checking and printing ArchConfig ---------===//
#include "npu/Arch/ArchConfig.h"

#include "npu/Support/Checksum.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <type_traits>

namespace npu {

// Defined in the generated ArchPresets.cpp (runtime/configs/*.yaml).
struct EmbeddedPreset {
  const char *name;
  const char *yaml;
};
extern const EmbeddedPreset kEmbeddedPresets[];
extern const size_t kNumEmbeddedPresets;

namespace {

/// The YAML names of an enum field's values, indexed by the enum value.
template <typename T> struct EnumNames;
template <> struct EnumNames<OverflowPolicy> {
  static constexpr std::string_view names[] = {"wrap", "saturate"};
};
template <> struct EnumNames<PpuRescale> {
  static constexpr std::string_view names[] = {"per-layer", "shift-table",
                                               "per-channel"};
};
template <typename T, typename = void> struct IsEnumField : std::false_type {};
template <typename T>
struct IsEnumField<T, std::void_t<decltype(EnumNames<T>::names)>>
    : std::true_type {};

template <typename T> std::string_view enumName(T value) {
  return EnumNames<T>::names[static_cast<size_t>(value)];
}

std::string formatDouble(double value) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;
  std::string text(buffer, end);
  // Keep reals recognisable as reals in YAML.
  if (text.find_first_of(".eEn") == std::string::npos)
    text += ".0";
  return text;
}

template <typename T> std::string formatValue(const T &value) {
  if constexpr (std::is_same_v<T, std::string>)
    return value;
  else if constexpr (std::is_same_v<T, bool>)
    return value ? "true" : "false";
  else if constexpr (IsEnumField<T>::value)
    return std::string(enumName(value));
  else if constexpr (std::is_same_v<T, double>)
    return formatDouble(value);
  else
    return std::to_string(value);
}

std::string formatRange(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    return std::to_string(static_cast<long long>(v));
  return formatDouble(v);
}

/// Parses `text` into `out` according to the field's type and range.
template <typename T>
Status parseValue(const ArchFieldInfo &info, std::string_view text, T &out) {
  auto typeError = [&](const char *expected) {
    return makeError(info.key, ": expected ", expected, ", got '", text, "'");
  };
  if constexpr (std::is_same_v<T, std::string>) {
    if (text.empty())
      return makeError(info.key, ": must not be empty");
    out = std::string(text);
    return Status::success();
  } else if constexpr (std::is_same_v<T, bool>) {
    if (text == "true")
      out = true;
    else if (text == "false")
      out = false;
    else
      return typeError("true or false");
    return Status::success();
  } else if constexpr (IsEnumField<T>::value) {
    const auto &names = EnumNames<T>::names;
    for (size_t i = 0; i < std::size(names); ++i) {
      if (text == names[i]) {
        out = static_cast<T>(i);
        return Status::success();
      }
    }
    std::string expected;
    for (size_t i = 0; i < std::size(names); ++i)
      expected += std::string(i == 0                      ? ""
                              : i + 1 == std::size(names) ? " or "
                                                          : ", ") +
                  std::string(names[i]);
    return typeError(expected.c_str());
  } else {
    T value{};
    const char *begin = text.data();
    const char *end = text.data() + text.size();
    if (!text.empty() && *begin == '+')
      ++begin;
    auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || ptr != end || begin == end)
      return typeError(std::is_same_v<T, double> ? "a number" : "an integer");
    if constexpr (std::is_same_v<T, double>) {
      if (!std::isfinite(value))
        return typeError("a finite number");
    }
    if (static_cast<double>(value) < info.min ||
        static_cast<double>(value) > info.max)
      return makeError(info.key, ": ", text, " is out of range [",
                       formatRange(info.min), ", ", formatRange(info.max), "] ",
                       info.unit);
    out = value;
    return Status::success();
  }
}

/// Flattens a YAML mapping into dotted keys -> scalar nodes.
Status flatten(const YAML::Node &node, const std::string &prefix,
               std::string_view source,
               std::map<std::string, YAML::Node> &out) {
  auto where = [&](const YAML::Node &n) {
    std::ostringstream os;
    os << source;
    if (!n.Mark().is_null())
      os << ":" << n.Mark().line + 1;
    return os.str();
  };
  for (const auto &entry : node) {
    const YAML::Node name = entry.first;
    const YAML::Node value = entry.second;
    if (!name.IsScalar())
      return makeError(where(name), ": keys must be plain names");
    std::string key =
        prefix.empty() ? name.Scalar() : prefix + "." + name.Scalar();
    if (value.IsMap()) {
      NPU_TRY(flatten(value, key, source, out));
      continue;
    }
    if (!value.IsScalar())
      return makeError(where(name), ": ", key, ": expected a single value");
    if (!out.emplace(key, value).second)
      return makeError(where(name), ": ", key, ": duplicate key");
  }
  return Status::success();
}

/// Closest field key to `key` (for "did you mean" hints), or "".
std::string closestKey(std::string_view key) {
  std::string best;
  size_t bestDistance = 4;
  for (const ArchFieldInfo &info : archFieldInfos()) {
    std::string_view candidate = info.key;
    // Levenshtein distance.
    std::vector<size_t> prev(candidate.size() + 1), cur(candidate.size() + 1);
    for (size_t j = 0; j <= candidate.size(); ++j)
      prev[j] = j;
    for (size_t i = 1; i <= key.size(); ++i) {
      cur[0] = i;
      for (size_t j = 1; j <= candidate.size(); ++j)
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1,
                           prev[j - 1] + (key[i - 1] != candidate[j - 1])});
      std::swap(prev, cur);
    }
    if (prev[candidate.size()] < bestDistance) {
      bestDistance = prev[candidate.size()];
      best = candidate;
    }
  }
  return best;
}

Error unknownKey(std::string_view key) {
  std::string hint = closestKey(key);
  if (hint.empty())
    return makeError("unknown configuration key '", key, "'");
  return makeError("unknown configuration key '", key, "' (did you mean '",
                   hint, "'?)");
}

} // namespace

std::string_view overflowPolicyName(OverflowPolicy policy) {
  return enumName(policy);
}

std::string_view ppuRescaleName(PpuRescale rescale) {
  return enumName(rescale);
}

ArchConfig::ArchConfig() {
  visitArchFields(*this, [](const ArchFieldInfo &info, auto &member) {
    Status status = parseValue(info, info.defaultText, member);
    assert(status.ok() && "invalid default in the ArchConfig field table");
    (void)status;
  });
}

std::vector<ArchFieldInfo> archFieldInfos() {
  std::vector<ArchFieldInfo> infos;
  const ArchConfig config;
  visitArchFields(config, [&](const ArchFieldInfo &info, const auto &) {
    infos.push_back(info);
  });
  return infos;
}

std::vector<std::string> archPresetNames() {
  std::vector<std::string> names;
  for (size_t i = 0; i < kNumEmbeddedPresets; ++i)
    names.emplace_back(kEmbeddedPresets[i].name);
  return names;
}

Result<std::string> archPresetYaml(std::string_view name) {
  for (size_t i = 0; i < kNumEmbeddedPresets; ++i)
    if (name == kEmbeddedPresets[i].name)
      return std::string(kEmbeddedPresets[i].yaml);
  std::string known;
  for (const std::string &preset : archPresetNames())
    known += (known.empty() ? "" : ", ") + preset;
  return makeError("unknown preset '", name, "' (known: ", known, ")");
}

Status setArchField(ArchConfig &config, std::string_view key,
                    std::string_view value) {
  bool found = false;
  Status status;
  visitArchFields(config, [&](const ArchFieldInfo &info, auto &member) {
    if (found || key != info.key)
      return;
    found = true;
    status = parseValue(info, value, member);
  });
  if (!found)
    return unknownKey(key);
  return status;
}

Result<std::string> getArchField(const ArchConfig &config,
                                 std::string_view key) {
  std::string text;
  bool found = false;
  visitArchFields(config, [&](const ArchFieldInfo &info, const auto &member) {
    if (!found && key == info.key) {
      found = true;
      text = formatValue(member);
    }
  });
  if (!found)
    return unknownKey(key);
  return text;
}

Status applyArchOverride(ArchConfig &config, std::string_view assignment) {
  size_t eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0)
    return makeError("--set expects key=value, got '", assignment, "'");
  NPU_TRY(setArchField(config, assignment.substr(0, eq),
                       assignment.substr(eq + 1)));
  return validateArchConfig(config);
}

Status validateArchConfig(const ArchConfig &config) {
  if (config.array.weightBits != 2 && config.array.weightBits != 4 &&
      config.array.weightBits != 8)
    return makeError("array.weight_bits: ", config.array.weightBits,
                     " is not supported (2, 4 or 8)");
  if (config.dram.burstBytes > config.dram.sizeMiB * 1024 * 1024)
    return makeError("dram.burst_bytes: larger than dram.size_mib");
  // A PE's input vector must fit the activation buffer at least once.
  if (config.array.rows > config.ibufBytes())
    return makeError("sram.ibuf_kib: smaller than one input vector of "
                     "array.rows bytes");
  return Status::success();
}

Result<ArchConfig> parseArchConfigYaml(std::string_view yaml,
                                       std::string_view source) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception &e) {
    std::ostringstream os;
    os << source;
    if (!e.mark.is_null())
      os << ":" << e.mark.line + 1 << ":" << e.mark.column + 1;
    os << ": invalid YAML: " << e.msg;
    return Error(os.str());
  }
  if (root.IsNull())
    return makeError(source, ": empty configuration");
  if (!root.IsMap())
    return makeError(source, ": expected a mapping of configuration keys");
  std::map<std::string, YAML::Node> flat;
  NPU_TRY(flatten(root, "", source, flat));

  ArchConfig config;
  for (const auto &[key, node] : flat) {
    std::ostringstream where;
    where << source;
    if (!node.Mark().is_null())
      where << ":" << node.Mark().line + 1;
    Status status = setArchField(config, key, node.Scalar());
    if (!status)
      return status.error().withContext(where.str());
  }
  Status valid = validateArchConfig(config);
  if (!valid)
    return valid.error().withContext(std::string(source));
  return config;
}

Result<ArchConfig> loadArchConfigFile(const std::string &path) {
  std::ifstream in(path);
  if (!in)
    return makeError(path, ": cannot open configuration file");
  std::stringstream text;
  text << in.rdbuf();
  return parseArchConfigYaml(text.str(), path);
}

Result<ArchConfig> resolveArchConfig(const std::string &nameOrPath) {
  for (const std::string &preset : archPresetNames())
    if (preset == nameOrPath)
      return parseArchConfigYaml(*archPresetYaml(preset), "preset " + preset);
  std::ifstream probe(nameOrPath);
  if (!probe) {
    std::string known;
    for (const std::string &preset : archPresetNames())
      known += (known.empty() ? "" : ", ") + preset;
    return makeError("--arch '", nameOrPath, "' is neither a preset (", known,
                     ") nor a readable YAML file");
  }
  return loadArchConfigFile(nameOrPath);
}

std::string archConfigToYaml(const ArchConfig &config) {
  std::ostringstream os;
  std::string section;
  visitArchFields(config, [&](const ArchFieldInfo &info, const auto &member) {
    std::string_view key = info.key;
    size_t dot = key.find('.');
    std::string value = formatValue(member);
    if (std::is_same_v<std::decay_t<decltype(member)>, std::string>)
      value = "\"" + value + "\"";
    if (dot == std::string_view::npos) {
      os << key << ": " << value << "\n";
      return;
    }
    std::string group(key.substr(0, dot));
    if (group != section) {
      os << group << ":\n";
      section = group;
    }
    os << "  " << key.substr(dot + 1) << ": " << value << "\n";
  });
  return os.str();
}

uint64_t archConfigHash(const ArchConfig &config) {
  std::string canonical;
  visitArchFields(config, [&](const ArchFieldInfo &info, const auto &member) {
    canonical += info.key;
    canonical += '=';
    canonical += formatValue(member);
    canonical += '\n';
  });
  return fnv1a64(canonical);
}

std::vector<std::pair<std::string, std::string>>
archProgramFields(const ArchConfig &config) {
  std::vector<std::pair<std::string, std::string>> fields;
  visitArchFields(config, [&](const ArchFieldInfo &info, const auto &member) {
    if (info.affectsProgram)
      fields.emplace_back(info.key, formatValue(member));
  });
  return fields;
}

Status checkArchCompatible(
    const ArchConfig &config,
    const std::vector<std::pair<std::string, std::string>> &recorded) {
  std::set<std::string> seen;
  for (const auto &[key, value] : recorded) {
    Result<std::string> actual = getArchField(config, key);
    if (!actual)
      return makeError("program records unknown configuration field '", key,
                       "'");
    // Compare canonical forms so "8" and "+8" agree.
    ArchConfig probe = config;
    if (!setArchField(probe, key, value).ok())
      return makeError("program records an invalid value '", value, "' for ",
                       key);
    if (*getArchField(probe, key) != *actual)
      return makeError("program was compiled for ", key, "=", value,
                       " but the configuration '", config.name, "' has ", key,
                       "=", *actual);
    seen.insert(key);
  }
  // A field the program does not record did not exist when it was
  // compiled: the program assumed the field's default.
  for (const ArchFieldInfo &info : archFieldInfos()) {
    if (!info.affectsProgram || seen.count(info.key))
      continue;
    ArchConfig defaults = config;
    NPU_TRY(setArchField(defaults, info.key, info.defaultText));
    const std::string actual = *getArchField(config, info.key);
    if (*getArchField(defaults, info.key) != actual)
      return makeError("program predates configuration field ", info.key,
                       " (compiled for its default ", info.defaultText,
                       ") but the configuration '", config.name, "' has ",
                       info.key, "=", actual);
  }
  return Status::success();
}

} // namespace npu
