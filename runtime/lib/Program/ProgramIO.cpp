//===- ProgramIO.cpp - prog.bin writer and reader -------------------------===//
//
// Layout (all integers little-endian; docs/prog-format.md has the tables):
//   header (64 bytes) | section table (32 bytes per entry) | sections
// Every section starts on an 8-byte boundary. The CRC-32 covers the whole
// file with the CRC field itself read as zero.
//
//===----------------------------------------------------------------------===//
#include "npu/Program/Program.h"

#include "npu/Isa/Encoding.h"
#include "npu/Support/ByteIO.h"
#include "npu/Support/Checksum.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <set>

namespace npu {

namespace {

constexpr uint8_t kMagic[8] = {0x89, 'N', 'P', 'U', '\r', '\n', 0x1a, '\n'};
constexpr size_t kCrcOffset = 20;
constexpr size_t kSectionEntrySize = 32;
constexpr uint32_t kMaxSections = 4096;
/// Largest gap between two constant segments written as one section.
constexpr uint64_t kConstMergeGap = 256;
constexpr uint32_t kSectionOptional = 1u << 0;

enum SectionType : uint32_t {
  kStrtab = 1,
  kArch = 2,
  kCode = 3,
  kConst = 4,
  kTensors = 5,
  kInputs = 6,
  kDebug = 7,
  kLayers = 8,
};

const char *sectionName(uint32_t type) {
  switch (type) {
  case kStrtab:
    return "STRTAB";
  case kArch:
    return "ARCH";
  case kCode:
    return "CODE";
  case kConst:
    return "CONST";
  case kTensors:
    return "TENSORS";
  case kInputs:
    return "INPUTS";
  case kDebug:
    return "DEBUG";
  case kLayers:
    return "LAYERS";
  }
  return "unknown";
}

constexpr size_t kTensorRecordSize = 64;
/// TENSORS record byte 7: flags.
constexpr uint8_t kTensorFloatInterface = 0x01;
constexpr size_t kInputRecordSize = 24;
constexpr size_t kDebugRecordSize = 16;
constexpr size_t kLayerRecordSize = 32;
constexpr size_t kArchEntrySize = 8;

/// Interns strings into a STRTAB whose offset 0 is the empty string.
class StringTable {
public:
  StringTable() { bytes.push_back(0); }
  uint32_t add(const std::string &s) {
    if (s.empty())
      return 0;
    auto it = offsets.find(s);
    if (it != offsets.end())
      return it->second;
    auto offset = static_cast<uint32_t>(bytes.size());
    bytes.insert(bytes.end(), s.begin(), s.end());
    bytes.push_back(0);
    offsets.emplace(s, offset);
    return offset;
  }
  const std::vector<uint8_t> &data() const { return bytes; }

private:
  std::vector<uint8_t> bytes;
  std::map<std::string, uint32_t> offsets;
};

/// prog.bin's element type codes (docs/prog-format.md), in code order.
constexpr ElementType kElementTypeCodes[] = {ElementType::I8, ElementType::U8,
                                             ElementType::I16, ElementType::I32,
                                             ElementType::F32};

uint8_t encodeElementType(ElementType type) {
  for (uint8_t code = 0; code < std::size(kElementTypeCodes); ++code)
    if (kElementTypeCodes[code] == type)
      return code;
  return 0;
}

} // namespace

//===----------------------------------------------------------------------===//
// Program helpers
//===----------------------------------------------------------------------===//

int64_t TensorDesc::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

uint64_t TensorDesc::byteSize() const {
  return static_cast<uint64_t>(numElements()) * elementBytes(type);
}

void Program::setArch(const ArchConfig &config) {
  archName = config.name;
  archHash = archConfigHash(config);
  archFields = archProgramFields(config);
}

Result<ArchConfig> Program::recordedArch() const {
  ArchConfig config;
  config.name = archName.empty() ? "recorded" : archName;
  for (const auto &[key, value] : archFields) {
    Status status = setArchField(config, key, value);
    if (!status)
      return status.error().withContext("ARCH record");
  }
  Status valid = validateArchConfig(config);
  if (!valid)
    return valid.error().withContext("ARCH record");
  return config;
}

std::vector<size_t> Program::inputIndices() const {
  std::vector<size_t> indices;
  for (size_t i = 0; i < tensors.size(); ++i)
    if (tensors[i].role == TensorRole::Input)
      indices.push_back(i);
  return indices;
}

std::vector<size_t> Program::outputIndices() const {
  std::vector<size_t> indices;
  for (size_t i = 0; i < tensors.size(); ++i)
    if (tensors[i].role == TensorRole::Output)
      indices.push_back(i);
  return indices;
}

const DebugRange *Program::debugRangeFor(size_t index) const {
  auto it = std::upper_bound(
      debug.begin(), debug.end(), index,
      [](size_t i, const DebugRange &r) { return i < r.firstInstr; });
  if (it == debug.begin())
    return nullptr;
  --it;
  if (index < static_cast<size_t>(it->firstInstr) + it->numInstrs)
    return &*it;
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Writer
//===----------------------------------------------------------------------===//

Result<std::vector<uint8_t>> writeProgram(const Program &program) {
  StringTable strings;
  struct PendingSection {
    uint32_t type;
    uint64_t addr;
    std::vector<uint8_t> data;
  };
  std::vector<PendingSection> sections;

  // ARCH
  {
    ByteWriter w;
    w.put<uint32_t>(strings.add(program.archName));
    w.put<uint32_t>(static_cast<uint32_t>(program.archFields.size()));
    for (const auto &[key, value] : program.archFields) {
      w.put<uint32_t>(strings.add(key));
      w.put<uint32_t>(strings.add(value));
    }
    sections.push_back({kArch, 0, std::move(w.data())});
  }
  // CODE
  {
    ByteWriter w;
    for (size_t i = 0; i < program.instructions.size(); ++i) {
      Result<isa::InstrBytes> bytes = isa::encode(program.instructions[i]);
      if (!bytes)
        return bytes.error().withContext("instruction " + std::to_string(i));
      w.putBytes(bytes->data(), bytes->size());
    }
    sections.push_back({kCode, 0, std::move(w.data())});
  }
  // CONST: segments a few bytes of padding apart share one section (the
  // padding written as zeros, which DRAM holds there anyway).
  for (const ConstSegment &segment : program.constants) {
    PendingSection *last =
        sections.back().type == kConst ? &sections.back() : nullptr;
    const uint64_t lastEnd = last ? last->addr + last->data.size() : 0;
    if (last && segment.dramAddr >= lastEnd &&
        segment.dramAddr - lastEnd <= kConstMergeGap) {
      last->data.resize(segment.dramAddr - last->addr, 0);
      last->data.insert(last->data.end(), segment.data.begin(),
                        segment.data.end());
    } else {
      sections.push_back({kConst, segment.dramAddr, segment.data});
    }
  }
  // TENSORS
  {
    ByteWriter w;
    for (const TensorDesc &t : program.tensors) {
      if (t.shape.size() > kMaxTensorRank)
        return makeError("tensor '", t.name, "' has rank ", t.shape.size(),
                         " (at most ", kMaxTensorRank, ")");
      w.put<uint32_t>(strings.add(t.name));
      w.put<uint8_t>(static_cast<uint8_t>(t.role));
      w.put<uint8_t>(encodeElementType(t.type));
      w.put<uint8_t>(static_cast<uint8_t>(t.shape.size()));
      w.put<uint8_t>(t.floatInterface ? kTensorFloatInterface : 0);
      for (unsigned d = 0; d < kMaxTensorRank; ++d) {
        int64_t dim = d < t.shape.size() ? t.shape[d] : 0;
        if (dim < 0 || dim > std::numeric_limits<uint32_t>::max())
          return makeError("tensor '", t.name, "' has dimension ", dim,
                           " outside [0, 2^32)");
        w.put<uint32_t>(static_cast<uint32_t>(dim));
      }
      w.put<uint64_t>(t.dramAddr);
      w.putF64(t.scale);
      w.put<int32_t>(t.zeroPoint);
      w.put<uint32_t>(0);
    }
    sections.push_back({kTensors, 0, std::move(w.data())});
  }
  // INPUTS
  if (!program.defaultInputs.empty()) {
    ByteWriter w;
    w.put<uint32_t>(static_cast<uint32_t>(program.defaultInputs.size()));
    w.put<uint32_t>(0);
    uint64_t dataOffset = 8 + kInputRecordSize * program.defaultInputs.size();
    for (const DefaultInput &input : program.defaultInputs) {
      w.put<uint32_t>(input.tensorIndex);
      w.put<uint32_t>(0);
      w.put<uint64_t>(dataOffset);
      w.put<uint64_t>(input.data.size());
      dataOffset += (input.data.size() + 7) / 8 * 8;
    }
    for (const DefaultInput &input : program.defaultInputs) {
      w.putBytes(input.data.data(), input.data.size());
      w.align(8);
    }
    sections.push_back({kInputs, 0, std::move(w.data())});
  }
  // DEBUG
  if (!program.debug.empty()) {
    ByteWriter w;
    for (const DebugRange &r : program.debug) {
      w.put<uint32_t>(r.firstInstr);
      w.put<uint32_t>(r.numInstrs);
      w.put<uint32_t>(r.layer);
      w.put<uint32_t>(strings.add(r.location));
    }
    sections.push_back({kDebug, 0, std::move(w.data())});
  }
  // LAYERS
  if (!program.layers.empty()) {
    ByteWriter w;
    for (const LayerInfo &l : program.layers) {
      w.put<uint32_t>(strings.add(l.name));
      w.put<uint32_t>(strings.add(l.kind));
      w.put<uint64_t>(l.macs);
      w.put<uint64_t>(l.accBound);
      w.put<uint32_t>(l.accBitsNeeded);
      w.put<uint32_t>(l.mayOverflow ? 1u : 0u);
    }
    sections.push_back({kLayers, 0, std::move(w.data())});
  }
  // STRTAB last: every string has been interned by now.
  sections.insert(sections.begin(), {kStrtab, 0, strings.data()});
  if (sections.size() > kMaxSections)
    return makeError("program has ", sections.size(),
                     " sections; a program holds at most ", kMaxSections);

  ByteWriter file;
  const uint64_t tableOffset = kProgHeaderSize;
  uint64_t offset = tableOffset + kSectionEntrySize * sections.size();
  std::vector<uint64_t> offsets;
  for (const PendingSection &s : sections) {
    offset = (offset + 7) / 8 * 8;
    offsets.push_back(offset);
    offset += s.data.size();
  }
  const uint64_t fileSize = offset;

  file.putBytes(kMagic, sizeof kMagic);
  file.put<uint16_t>(program.versionMajor);
  file.put<uint16_t>(program.versionMinor);
  file.put<uint32_t>(kProgHeaderSize);
  file.put<uint32_t>(0); // flags
  file.put<uint32_t>(0); // crc32, patched below
  file.put<uint64_t>(fileSize);
  file.put<uint64_t>(program.archHash);
  file.put<uint64_t>(program.dramSize);
  file.put<uint64_t>(tableOffset);
  file.put<uint32_t>(static_cast<uint32_t>(sections.size()));
  file.put<uint32_t>(0);
  for (size_t i = 0; i < sections.size(); ++i) {
    file.put<uint32_t>(sections[i].type);
    file.put<uint32_t>(0);
    file.put<uint64_t>(offsets[i]);
    file.put<uint64_t>(sections[i].data.size());
    file.put<uint64_t>(sections[i].addr);
  }
  for (const PendingSection &s : sections) {
    file.align(8);
    file.putBytes(s.data.data(), s.data.size());
  }
  std::vector<uint8_t> &bytes = file.data();
  storeLE<uint32_t>(bytes.data() + kCrcOffset,
                    crc32(bytes.data(), bytes.size()));
  return std::move(bytes);
}

Status writeProgramFile(const std::string &path, const Program &program) {
  Result<std::vector<uint8_t>> bytes = writeProgram(program);
  if (!bytes)
    return bytes.error().withContext(path);
  return writeFileBytes(path, *bytes);
}

//===----------------------------------------------------------------------===//
// Reader
//===----------------------------------------------------------------------===//

namespace {

struct SectionEntry {
  uint32_t type;
  uint32_t flags;
  uint64_t offset;
  uint64_t size;
  uint64_t addr;
};

class Reader {
public:
  Reader(const uint8_t *data, size_t size, ProgramFileInfo *info)
      : data(data), size(size), info(info) {}

  Result<Program> read() {
    NPU_TRY(readHeader());
    NPU_TRY(readSectionTable());
    NPU_TRY(readStrtab());
    NPU_TRY(readArch());
    NPU_TRY(readCode());
    NPU_TRY(readConst());
    NPU_TRY(readTensors());
    NPU_TRY(readInputs());
    NPU_TRY(readDebug());
    NPU_TRY(readLayers());
    NPU_TRY(verifyProgram(program));
    return std::move(program);
  }

private:
  Status readHeader() {
    if (size < kProgHeaderSize)
      return makeError("file is too short to be an NPU program (", size,
                       " bytes, the header alone has ", kProgHeaderSize, ")");
    if (std::memcmp(data, kMagic, sizeof kMagic) != 0)
      return makeError("not an NPU program (bad magic)");
    program.versionMajor = loadLE<uint16_t>(data + 8);
    program.versionMinor = loadLE<uint16_t>(data + 10);
    if (program.versionMajor != kProgVersionMajor)
      return makeError("unsupported format version ", program.versionMajor, ".",
                       program.versionMinor, " (this reader reads ",
                       kProgVersionMajor, ".x)");
    uint32_t headerSize = loadLE<uint32_t>(data + 12);
    uint64_t fileSize = loadLE<uint64_t>(data + 24);
    if (fileSize != size)
      return makeError(fileSize > size ? "truncated" : "trailing data",
                       ": header says ", fileSize, " bytes, file has ", size);
    uint32_t storedCrc = loadLE<uint32_t>(data + kCrcOffset);
    const uint8_t zeros[4] = {0, 0, 0, 0};
    uint32_t actualCrc =
        crc32({{data, kCrcOffset},
               {zeros, sizeof zeros},
               {data + kCrcOffset + 4, size - kCrcOffset - 4}});
    if (storedCrc != actualCrc)
      return makeError("checksum mismatch (stored CRC-32 ", hex(storedCrc),
                       ", computed ", hex(actualCrc), "): file is corrupt");
    if (info) {
      info->fileSize = size;
      info->headerSize = headerSize;
      info->flags = loadLE<uint32_t>(data + 16);
      info->crc32 = storedCrc;
    }
    if (headerSize < kProgHeaderSize || headerSize % 8 || headerSize > size)
      return makeError("invalid header size ", headerSize);
    this->headerSize = headerSize;
    uint32_t flags = loadLE<uint32_t>(data + 16);
    if (flags != 0)
      return makeError("unknown header flags ", hex(flags));
    program.archHash = loadLE<uint64_t>(data + 32);
    program.dramSize = loadLE<uint64_t>(data + 40);
    tableOffset = loadLE<uint64_t>(data + 48);
    sectionCount = loadLE<uint32_t>(data + 56);
    if (loadLE<uint32_t>(data + 60) != 0)
      return makeError("reserved header field is not zero");
    return Status::success();
  }

  Status readSectionTable() {
    if (sectionCount == 0 || sectionCount > kMaxSections)
      return makeError("invalid section count ", sectionCount);
    if (tableOffset < headerSize || tableOffset % 8 || tableOffset > size ||
        (size - tableOffset) / kSectionEntrySize < sectionCount)
      return makeError("section table (offset ", tableOffset, ", ",
                       sectionCount, " entries) lies outside the file");
    const uint64_t tableEnd = tableOffset + sectionCount * kSectionEntrySize;
    std::vector<std::pair<uint64_t, uint64_t>> ranges = {
        {0, headerSize}, {tableOffset, tableEnd}};
    for (uint32_t i = 0; i < sectionCount; ++i) {
      const uint8_t *p = data + tableOffset + i * kSectionEntrySize;
      SectionEntry e{loadLE<uint32_t>(p), loadLE<uint32_t>(p + 4),
                     loadLE<uint64_t>(p + 8), loadLE<uint64_t>(p + 16),
                     loadLE<uint64_t>(p + 24)};
      std::string what = std::string("section ") + std::to_string(i) + " (" +
                         sectionName(e.type) + ")";
      if (info)
        info->sections.push_back(
            {sectionName(e.type), e.type, e.flags, e.offset, e.size, e.addr});
      if (e.flags & ~kSectionOptional)
        return makeError(what, ": unknown flags ", hex(e.flags));
      if (e.offset % 8 || e.offset > size || e.size > size - e.offset)
        return makeError(what, ": offset ", e.offset, " size ", e.size,
                         " lies outside the file (", size, " bytes)");
      if (e.type < kStrtab || e.type > kLayers) {
        if (e.flags & kSectionOptional)
          continue;
        return makeError(what, ": unknown section type ", e.type);
      }
      if (e.type != kConst && e.addr != 0)
        return makeError(what, ": load address must be zero");
      if (e.type != kConst && byType.count(e.type))
        return makeError(what, ": duplicate section");
      if (e.size > 0)
        ranges.emplace_back(e.offset, e.offset + e.size);
      if (e.type == kConst)
        constSections.push_back(e);
      else
        byType[e.type] = e;
    }
    std::sort(ranges.begin(), ranges.end());
    for (size_t i = 1; i < ranges.size(); ++i)
      if (ranges[i].first < ranges[i - 1].second)
        return makeError("sections overlap at offset ", ranges[i].first);
    for (uint32_t required : {kStrtab, kArch, kCode, kTensors})
      if (!byType.count(required))
        return makeError("missing ", sectionName(required), " section");
    return Status::success();
  }

  const uint8_t *sectionData(const SectionEntry &e) const {
    return data + e.offset;
  }

  Status readStrtab() {
    const SectionEntry &e = byType.at(kStrtab);
    const uint8_t *p = sectionData(e);
    if (e.size == 0 || p[0] != 0 || p[e.size - 1] != 0)
      return makeError("STRTAB must start and end with a NUL byte");
    strtab.assign(reinterpret_cast<const char *>(p), e.size);
    return Status::success();
  }

  Result<std::string> string(uint32_t offset, const char *what) const {
    if (offset >= strtab.size())
      return makeError(what, ": string offset ", offset, " outside STRTAB (",
                       strtab.size(), " bytes)");
    return std::string(strtab.c_str() + offset);
  }

  Status readArch() {
    const SectionEntry &e = byType.at(kArch);
    const uint8_t *p = sectionData(e);
    if (e.size < 8)
      return makeError("ARCH section is too short");
    uint32_t count = loadLE<uint32_t>(p + 4);
    if ((e.size - 8) / kArchEntrySize != count || (e.size - 8) % kArchEntrySize)
      return makeError("ARCH section size ", e.size, " does not match ", count,
                       " entries");
    Result<std::string> name = string(loadLE<uint32_t>(p), "ARCH name");
    if (!name)
      return name.error();
    program.archName = *name;
    std::set<std::string> seen;
    for (uint32_t i = 0; i < count; ++i) {
      const uint8_t *r = p + 8 + i * kArchEntrySize;
      Result<std::string> key = string(loadLE<uint32_t>(r), "ARCH key");
      if (!key)
        return key.error();
      Result<std::string> value = string(loadLE<uint32_t>(r + 4), "ARCH value");
      if (!value)
        return value.error();
      if (!seen.insert(*key).second)
        return makeError("ARCH records '", *key, "' twice");
      program.archFields.emplace_back(*key, *value);
    }
    return Status::success();
  }

  Status readCode() {
    const SectionEntry &e = byType.at(kCode);
    if (e.size == 0 || e.size % isa::kInstrBytes)
      return makeError("CODE section size ", e.size,
                       " is not a positive multiple of ", isa::kInstrBytes);
    const uint8_t *p = sectionData(e);
    const uint64_t count = e.size / isa::kInstrBytes;
    program.instructions.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
      Result<isa::Instruction> instr = isa::decode(p + i * isa::kInstrBytes);
      if (!instr)
        return instr.error().withContext("instruction " + std::to_string(i));
      program.instructions.push_back(instr.take());
    }
    return Status::success();
  }

  Status readConst() {
    for (const SectionEntry &e : constSections) {
      const uint8_t *p = sectionData(e);
      program.constants.push_back(
          {e.addr, std::vector<uint8_t>(p, p + e.size)});
    }
    return Status::success();
  }

  Status readTensors() {
    const SectionEntry &e = byType.at(kTensors);
    if (e.size % kTensorRecordSize)
      return makeError("TENSORS section size ", e.size,
                       " is not a multiple of ", kTensorRecordSize);
    const uint8_t *p = sectionData(e);
    for (uint64_t i = 0; i < e.size / kTensorRecordSize; ++i) {
      const uint8_t *r = p + i * kTensorRecordSize;
      std::string what = "tensor " + std::to_string(i);
      TensorDesc t;
      Result<std::string> name = string(loadLE<uint32_t>(r), what.c_str());
      if (!name)
        return name.error();
      t.name = *name;
      uint8_t role = r[4], type = r[5], rank = r[6];
      if (role > static_cast<uint8_t>(TensorRole::Output))
        return makeError(what, ": invalid role ", unsigned(role));
      t.role = static_cast<TensorRole>(role);
      if (type >= std::size(kElementTypeCodes))
        return makeError(what, ": invalid element type ", unsigned(type));
      t.type = kElementTypeCodes[type];
      if (rank > kMaxTensorRank)
        return makeError(what, ": rank ", unsigned(rank), " exceeds ",
                         kMaxTensorRank);
      if ((r[7] & ~kTensorFloatInterface) != 0)
        return makeError(what, ": unknown flags ", unsigned(r[7]));
      t.floatInterface = (r[7] & kTensorFloatInterface) != 0;
      if (loadLE<uint32_t>(r + 60) != 0)
        return makeError(what, ": reserved bytes are not zero");
      for (unsigned d = 0; d < kMaxTensorRank; ++d) {
        uint32_t dim = loadLE<uint32_t>(r + 8 + 4 * d);
        if (d < rank)
          t.shape.push_back(dim);
        else if (dim != 0)
          return makeError(what, ": dimension ", d, " beyond rank ",
                           unsigned(rank), " is not zero");
      }
      t.dramAddr = loadLE<uint64_t>(r + 40);
      t.scale = loadF64LE(r + 48);
      t.zeroPoint = loadLE<int32_t>(r + 56);
      program.tensors.push_back(std::move(t));
    }
    return Status::success();
  }

  Status readInputs() {
    auto it = byType.find(kInputs);
    if (it == byType.end())
      return Status::success();
    const SectionEntry &e = it->second;
    const uint8_t *p = sectionData(e);
    if (e.size < 8)
      return makeError("INPUTS section is too short");
    uint32_t count = loadLE<uint32_t>(p);
    if (loadLE<uint32_t>(p + 4) != 0)
      return makeError("INPUTS: reserved field is not zero");
    if ((e.size - 8) / kInputRecordSize < count)
      return makeError("INPUTS: ", count, " records do not fit the section");
    const uint64_t dataStart = 8 + uint64_t(count) * kInputRecordSize;
    std::set<uint32_t> seen;
    for (uint32_t i = 0; i < count; ++i) {
      const uint8_t *r = p + 8 + i * kInputRecordSize;
      uint32_t index = loadLE<uint32_t>(r);
      uint64_t offset = loadLE<uint64_t>(r + 8);
      uint64_t bytes = loadLE<uint64_t>(r + 16);
      if (loadLE<uint32_t>(r + 4) != 0)
        return makeError("INPUTS record ", i, ": reserved field is not zero");
      if (index >= program.tensors.size() ||
          program.tensors[index].role != TensorRole::Input)
        return makeError("INPUTS record ", i, ": tensor ", index,
                         " is not an input");
      if (!seen.insert(index).second)
        return makeError("INPUTS: tensor ", index, " has two default inputs");
      if (offset < dataStart || offset > e.size || bytes > e.size - offset)
        return makeError("INPUTS record ", i,
                         ": data lies outside the section");
      program.defaultInputs.push_back(
          {index, std::vector<uint8_t>(p + offset, p + offset + bytes)});
    }
    return Status::success();
  }

  Status readDebug() {
    auto it = byType.find(kDebug);
    if (it == byType.end())
      return Status::success();
    const SectionEntry &e = it->second;
    if (e.size % kDebugRecordSize)
      return makeError("DEBUG section size ", e.size, " is not a multiple of ",
                       kDebugRecordSize);
    const uint8_t *p = sectionData(e);
    for (uint64_t i = 0; i < e.size / kDebugRecordSize; ++i) {
      const uint8_t *r = p + i * kDebugRecordSize;
      DebugRange d;
      d.firstInstr = loadLE<uint32_t>(r);
      d.numInstrs = loadLE<uint32_t>(r + 4);
      d.layer = loadLE<uint32_t>(r + 8);
      Result<std::string> loc = string(loadLE<uint32_t>(r + 12), "DEBUG");
      if (!loc)
        return loc.error();
      d.location = *loc;
      program.debug.push_back(std::move(d));
    }
    return Status::success();
  }

  Status readLayers() {
    auto it = byType.find(kLayers);
    if (it == byType.end())
      return Status::success();
    const SectionEntry &e = it->second;
    if (e.size % kLayerRecordSize)
      return makeError("LAYERS section size ", e.size, " is not a multiple of ",
                       kLayerRecordSize);
    const uint8_t *p = sectionData(e);
    for (uint64_t i = 0; i < e.size / kLayerRecordSize; ++i) {
      const uint8_t *r = p + i * kLayerRecordSize;
      LayerInfo l;
      Result<std::string> name = string(loadLE<uint32_t>(r), "LAYERS name");
      if (!name)
        return name.error();
      Result<std::string> kind = string(loadLE<uint32_t>(r + 4), "LAYERS kind");
      if (!kind)
        return kind.error();
      l.name = *name;
      l.kind = *kind;
      l.macs = loadLE<uint64_t>(r + 8);
      l.accBound = loadLE<uint64_t>(r + 16);
      l.accBitsNeeded = loadLE<uint32_t>(r + 24);
      uint32_t flags = loadLE<uint32_t>(r + 28);
      if (flags & ~1u)
        return makeError("LAYERS record ", i, ": unknown flags ", hex(flags));
      l.mayOverflow = flags & 1u;
      program.layers.push_back(std::move(l));
    }
    return Status::success();
  }

  static std::string hex(uint64_t v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llx",
                  static_cast<unsigned long long>(v));
    return buf;
  }

  const uint8_t *data;
  size_t size;
  ProgramFileInfo *info;
  uint32_t headerSize = 0;
  uint64_t tableOffset = 0;
  uint32_t sectionCount = 0;
  std::map<uint32_t, SectionEntry> byType;
  std::vector<SectionEntry> constSections;
  std::string strtab;
  Program program;
};

} // namespace

Result<Program> readProgram(const uint8_t *data, size_t size,
                            ProgramFileInfo *info) {
  return Reader(data, size, info).read();
}

Result<Program> readProgramFile(const std::string &path,
                                ProgramFileInfo *info) {
  Result<std::vector<uint8_t>> bytes = readFileBytes(path);
  if (!bytes)
    return bytes.error();
  Result<Program> program = readProgram(bytes->data(), bytes->size(), info);
  if (!program)
    return program.error().withContext(path);
  return program;
}

} // namespace npu
