// Tests prog.bin writing and reading: a program with every section survives
// a round trip; each structural defect (with a valid CRC, so the check under
// test is reached) is rejected with a message naming it.
#include "TestPrograms.h"

#include "npu/Golden/Machine.h"
#include "npu/Isa/Encoding.h"

#include <gtest/gtest.h>

using namespace npu;
using namespace npu::test;

namespace {

enum : uint32_t {
  kStrtab = 1,
  kArch = 2,
  kCode = 3,
  kConst = 4,
  kTensors = 5,
  kInputs = 6,
  kDebug = 7,
  kLayers = 8
};

std::vector<uint8_t> sampleBytes() { return *writeProgram(sampleProgram()); }

std::string readError(std::vector<uint8_t> bytes, bool fix = true) {
  if (fix)
    fixCrc(bytes);
  Result<Program> r = readProgram(bytes.data(), bytes.size());
  return r.ok() ? "(no error)" : r.error().getMessage();
}

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST(ProgramIO, RoundTripKeepsEverything) {
  const Program p = sampleProgram();
  Result<std::vector<uint8_t>> bytes = writeProgram(p);
  ASSERT_TRUE(bytes.ok()) << bytes.error().getMessage();
  Result<Program> back = readProgram(bytes->data(), bytes->size());
  ASSERT_TRUE(back.ok()) << back.error().getMessage();
  EXPECT_EQ(back->archName, "npu-tiny");
  EXPECT_EQ(back->archHash, p.archHash);
  EXPECT_EQ(back->archFields, p.archFields);
  EXPECT_EQ(back->dramSize, p.dramSize);
  ASSERT_EQ(back->instructions.size(), p.instructions.size());
  for (size_t i = 0; i < p.instructions.size(); ++i)
    EXPECT_EQ(isa::disassemble(back->instructions[i]),
              isa::disassemble(p.instructions[i]));
  ASSERT_EQ(back->constants.size(), 1u);
  EXPECT_EQ(back->constants[0].data, p.constants[0].data);
  ASSERT_EQ(back->tensors.size(), 2u);
  EXPECT_EQ(back->tensors[0].name, "in:0");
  EXPECT_EQ(back->tensors[0].shape, (std::vector<int64_t>{4, 8}));
  EXPECT_EQ(back->tensors[0].zeroPoint, -1);
  EXPECT_DOUBLE_EQ(back->tensors[0].scale, 0.5);
  EXPECT_EQ(back->tensors[1].role, TensorRole::Output);
  ASSERT_EQ(back->defaultInputs.size(), 1u);
  EXPECT_EQ(back->defaultInputs[0].data, p.defaultInputs[0].data);
  ASSERT_EQ(back->debug.size(), 2u);
  EXPECT_EQ(back->debug[1].location, "sample.mlir:2:3");
  EXPECT_EQ(back->debugRangeFor(1)->layer, 1u);
  ASSERT_EQ(back->layers.size(), 2u);
  EXPECT_EQ(back->layers[1].accBitsNeeded, 9u);
  // Writing the read program again gives the same bytes.
  EXPECT_EQ(*writeProgram(*back), *bytes);
}

TEST(ProgramIO, SampleProgramRunsOnTheGoldenExecutor) {
  Result<golden::RunResult> run = golden::runProgram(sampleProgram(), {});
  ASSERT_TRUE(run.ok()) << run.error().getMessage();
  const Tensor &out = run->outputs[0];
  for (int64_t i = 0; i < 32; ++i) {
    const int64_t in = static_cast<int8_t>(static_cast<uint8_t>(i * 9 - 100));
    EXPECT_EQ(out.getInt(i), std::min<int64_t>(in + 1, 127)) << i;
  }
  EXPECT_EQ(run->perLayer[1].instructions, 2u);
}

TEST(ProgramIO, HeaderDefectsAreNamed) {
  std::vector<uint8_t> b = sampleBytes();
  EXPECT_EQ(readError(b), "(no error)");
  EXPECT_TRUE(contains(readError(b, false), "(no error)"));

  auto v = b;
  v[8] = 1; // major version: ISA 1.x words no longer decode
  EXPECT_EQ(readError(v), "unsupported format version 1." +
                              std::to_string(kProgVersionMinor) +
                              " (this reader reads 2.x)");
  v = b;
  v[10] = 7; // a newer minor version is read
  EXPECT_EQ(readError(v), "(no error)");
  v = b;
  v[16] = 1; // flags
  EXPECT_EQ(readError(v), "unknown header flags 0x1");
  v = b;
  storeLE<uint32_t>(v.data() + 12, 60); // header size
  EXPECT_EQ(readError(v), "invalid header size 60");
  v = b;
  storeLE<uint64_t>(v.data() + 48, b.size() + 8); // section table offset
  EXPECT_TRUE(contains(readError(v), "lies outside the file")) << readError(v);
  v = b;
  storeLE<uint32_t>(v.data() + 56, 0);
  EXPECT_EQ(readError(v), "invalid section count 0");
  v = b;
  v.push_back(0);
  EXPECT_EQ(readError(v), "trailing data: header says " +
                              std::to_string(b.size()) + " bytes, file has " +
                              std::to_string(b.size() + 1));
  v = b;
  v[200] ^= 1;
  EXPECT_TRUE(contains(readError(v, false), "checksum mismatch"));
}

TEST(ProgramIO, SectionTableDefectsAreNamed) {
  const std::vector<uint8_t> b = sampleBytes();
  auto v = b;
  size_t code = sectionEntry(v, kCode);
  storeLE<uint32_t>(v.data() + code, 99);
  EXPECT_TRUE(contains(readError(v), "unknown section type 99"))
      << readError(v);
  storeLE<uint32_t>(v.data() + code + 4, 1);       // optional: skipped...
  EXPECT_EQ(readError(v), "missing CODE section"); // ...so CODE is missing

  v = b;
  size_t tensors = sectionEntry(v, kTensors);
  storeLE<uint64_t>(v.data() + tensors + 8, sectionData(v, kCode));
  EXPECT_TRUE(contains(readError(v), "sections overlap")) << readError(v);

  v = b;
  storeLE<uint64_t>(v.data() + sectionEntry(v, kCode) + 8, 3);
  EXPECT_TRUE(contains(readError(v), "lies outside the file") ||
              contains(readError(v), "offset 3"))
      << readError(v);

  v = b;
  storeLE<uint32_t>(v.data() + sectionEntry(v, kDebug), kLayers);
  EXPECT_TRUE(contains(readError(v), "duplicate section")) << readError(v);

  v = b;
  storeLE<uint64_t>(v.data() + sectionEntry(v, kArch) + 24, 64);
  EXPECT_TRUE(contains(readError(v), "load address must be zero"));

  v = b;
  storeLE<uint64_t>(v.data() + sectionEntry(v, kCode) + 16, 33);
  EXPECT_TRUE(contains(readError(v), "CODE section size 33")) << readError(v);
}

TEST(ProgramIO, ContentDefectsAreNamed) {
  const std::vector<uint8_t> b = sampleBytes();
  auto v = b;
  // String reference beyond STRTAB.
  storeLE<uint32_t>(v.data() + sectionData(v, kTensors), 0xfffff);
  EXPECT_TRUE(contains(readError(v), "string offset 1048575 outside STRTAB"))
      << readError(v);
  // Unknown opcode in the second instruction.
  v = b;
  v[sectionData(v, kCode) + 32] = 0xee;
  EXPECT_EQ(readError(v), "instruction 1: unknown opcode 0xee");
  // Tensor rank beyond 8.
  v = b;
  v[sectionData(v, kTensors) + 6] = 9;
  EXPECT_EQ(readError(v), "tensor 0: rank 9 exceeds 8");
  // Default input for an output tensor.
  v = b;
  storeLE<uint32_t>(v.data() + sectionData(v, kInputs) + 8, 1);
  EXPECT_TRUE(contains(readError(v), "tensor 1 is not an input"));
  // Debug range past the code.
  v = b;
  storeLE<uint32_t>(v.data() + sectionData(v, kDebug) + 4, 1000);
  EXPECT_TRUE(contains(readError(v), "debug range 0")) << readError(v);
  // Layer flags.
  v = b;
  storeLE<uint32_t>(v.data() + sectionData(v, kLayers) + 28, 6);
  EXPECT_TRUE(contains(readError(v), "unknown flags")) << readError(v);
}

TEST(ProgramIO, SemanticDefectsAreNamed) {
  // Operand outside its scratchpad.
  Program p = sampleProgram();
  std::get<isa::Rescale>(p.instructions[1]).dst.addr = 8 * 1024 - 4;
  Result<std::vector<uint8_t>> bytes = writeProgram(p);
  ASSERT_TRUE(bytes.ok());
  Result<Program> r = readProgram(bytes->data(), bytes->size());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().getMessage(),
            "instruction 1 (vec.rescale): destination touches obuf bytes "
            "[8188, 8220) outside its 8192 bytes");

  // Token popped before any push.
  p = sampleProgram();
  isa::depsOf(p.instructions[0]).pushNext = false;
  bytes = writeProgram(p);
  r = readProgram(bytes->data(), bytes->size());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().getMessage(),
            "instruction 1 (vec.rescale): pops a load->compute token that no "
            "earlier instruction pushed (the queues would deadlock)");

  // No final halt.
  p = sampleProgram();
  p.instructions.pop_back();
  bytes = writeProgram(p);
  r = readProgram(bytes->data(), bytes->size());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().getMessage(), "the last instruction must be halt");

  // Tensor outside DRAM.
  p = sampleProgram();
  p.tensors[1].dramAddr = p.dramSize - 4;
  bytes = writeProgram(p);
  r = readProgram(bytes->data(), bytes->size());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(contains(r.error().getMessage(), "tensor 1 'out/0': DRAM range"))
      << r.error().getMessage();

  // ARCH record lacking a functional field.
  p = sampleProgram();
  p.archFields.pop_back();
  bytes = writeProgram(p);
  r = readProgram(bytes->data(), bytes->size());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(contains(r.error().getMessage(), "ARCH record lacks"))
      << r.error().getMessage();

  // GEMM wider than the array.
  p = sampleProgram();
  isa::Gemm g;
  g.k = 9; // npu-tiny has 8 rows
  g.cols = 1;
  g.outH = g.outW = 1;
  p.instructions.insert(p.instructions.begin() + 2, g);
  bytes = writeProgram(p);
  r = readProgram(bytes->data(), bytes->size());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().getMessage(), "instruction 2 (gemm): k 9 is outside "
                                    "[1, 8]");

  // A PPU clamp outside the output type's range.
  p = sampleProgram();
  isa::PpuConfig cfg;
  cfg.outType = isa::DType::I8;
  cfg.mult = 1 << 30;
  cfg.shift = 30;
  cfg.clampMin = 200;
  cfg.clampMax = 300;
  p.instructions.insert(p.instructions.begin() + 2, cfg);
  bytes = writeProgram(p);
  r = readProgram(bytes->data(), bytes->size());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().getMessage(), "instruction 2 (ppu.cfg): clamp [200, "
                                    "300] leaves no value of out_type i8");

  // vec.eltwise needs the vec.ecfg and ppu.cfg in force before it, in
  // program order.
  p = sampleProgram();
  isa::Eltwise e;
  e.src1 = e.src2 = {isa::Buffer::IBuf, 0, isa::DType::I8, 0, 1};
  e.dst = {isa::Buffer::OBuf, 0, isa::DType::I8, 0, 1};
  e.nOuter = e.nInner = 1;
  isa::EltwiseConfig ecfg;
  ecfg.shift1 = ecfg.shift2 = 30;
  cfg.clampMin = -128;
  cfg.clampMax = 127;
  p.instructions.insert(p.instructions.begin() + 2, {cfg, e, ecfg, e});
  bytes = writeProgram(p);
  r = readProgram(bytes->data(), bytes->size());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().getMessage(), "instruction 3 (vec.eltwise): no "
                                    "vec.ecfg precedes this instruction");
  p.instructions.erase(p.instructions.begin() + 3);
  bytes = writeProgram(p);
  r = readProgram(bytes->data(), bytes->size());
  EXPECT_TRUE(r.ok()) << r.error().getMessage();
}

TEST(ProgramIO, WriterRejectsUnencodableInstructions) {
  Program p = sampleProgram();
  isa::Gemm g;
  g.outH = 1 << 20;
  p.instructions.insert(p.instructions.begin(), g);
  Result<std::vector<uint8_t>> bytes = writeProgram(p);
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.error().getMessage(),
            "instruction 0: gemm: field out_h = 1048576 does not fit in 16 "
            "bits");
}

TEST(ProgramIO, NearbyConstantsShareOneSection) {
  Program p = sampleProgram();
  const ConstSegment first = p.constants.at(0);
  const uint64_t end = first.dramAddr + first.data.size();
  // 32 bytes of padding after the first, then a far one.
  p.constants.push_back({end + 32, std::vector<uint8_t>(40, 3)});
  p.constants.push_back({end + 4096, std::vector<uint8_t>(8, 5)});
  p.dramSize = std::max<uint64_t>(p.dramSize, end + 8192);
  Result<std::vector<uint8_t>> bytes = writeProgram(p);
  ASSERT_TRUE(bytes.ok()) << bytes.error().getMessage();
  Result<Program> back = readProgram(bytes->data(), bytes->size());
  ASSERT_TRUE(back.ok()) << back.error().getMessage();
  ASSERT_EQ(back->constants.size(), 2u);
  std::vector<uint8_t> merged = first.data;
  merged.resize(first.data.size() + 32, 0);
  merged.insert(merged.end(), 40, 3);
  EXPECT_EQ(back->constants[0].dramAddr, first.dramAddr);
  EXPECT_EQ(back->constants[0].data, merged);
  EXPECT_EQ(back->constants[1].dramAddr, end + 4096);
}

TEST(ProgramIO, WriterRejectsTooManySections) {
  Program p = sampleProgram();
  const uint64_t base = p.dramSize;
  for (uint64_t i = 0; i < 5000; ++i)
    p.constants.push_back({base + i * 1024, std::vector<uint8_t>(1, 1)});
  p.dramSize = base + 5000 * 1024;
  Result<std::vector<uint8_t>> bytes = writeProgram(p);
  ASSERT_FALSE(bytes.ok());
  EXPECT_TRUE(contains(bytes.error().getMessage(), "a program holds at most"))
      << bytes.error().getMessage();
}

TEST(ProgramIO, FloatInterfaceRoundTripsAndIsChecked) {
  Program p = sampleProgram();
  p.tensors[0].floatInterface = true;
  Result<std::vector<uint8_t>> bytes = writeProgram(p);
  ASSERT_TRUE(bytes.ok()) << bytes.error().getMessage();
  Result<Program> back = readProgram(bytes->data(), bytes->size());
  ASSERT_TRUE(back.ok()) << back.error().getMessage();
  EXPECT_TRUE(back->tensors[0].floatInterface);
  EXPECT_FALSE(back->tensors[1].floatInterface);
  // Flags other than the float interface are refused.
  auto v = *bytes;
  v[sectionData(v, kTensors) + 7] = 0x3;
  EXPECT_EQ(readError(v), "tensor 0: unknown flags 3");
  // A float interface needs a positive scale.
  p.tensors[0].scale = 0;
  bytes = writeProgram(p);
  ASSERT_TRUE(bytes.ok());
  EXPECT_TRUE(contains(readError(*bytes, false),
                       "a float interface needs a positive scale"))
      << readError(*bytes, false);
}
