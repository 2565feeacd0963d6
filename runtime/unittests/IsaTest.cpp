// Tests the instruction encoding: every field of every opcode survives
// encode/decode and disassemble/assemble at its minimum, maximum and random
// values; fields never overlap; malformed words are rejected with a message.
#include "npu/Isa/Encoding.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <type_traits>

using namespace npu;
using namespace npu::isa;

namespace {

/// Sets field number `index` of `instr` with `choose(lo, hi)`; returns the
/// number of fields.
template <typename Choose>
size_t setField(Instruction &instr, size_t index, Choose choose) {
  size_t count = 0;
  std::visit(
      [&](auto &i) {
        using I = std::decay_t<decltype(i)>;
        I::visitFields(i, [&](const char *, auto &member, unsigned width) {
          using T = std::decay_t<decltype(member)>;
          if (count++ != index)
            return;
          auto [lo, hi] = fieldRange<T>(width);
          member = static_cast<T>(choose(lo, hi));
        });
      },
      instr);
  return count;
}

size_t numFields(Opcode op) {
  Instruction instr = makeInstruction(op);
  return setField(instr, ~size_t(0), [](int64_t lo, int64_t) { return lo; });
}

/// Every field's value, in order.
std::vector<int64_t> fieldValues(const Instruction &instr) {
  std::vector<int64_t> values;
  std::visit(
      [&](const auto &i) {
        using I = std::decay_t<decltype(i)>;
        I::visitFields(i, [&](const char *, const auto &member, unsigned) {
          values.push_back(static_cast<int64_t>(member));
        });
        values.push_back(i.deps.popPrev);
        values.push_back(i.deps.popNext);
        values.push_back(i.deps.pushPrev);
        values.push_back(i.deps.pushNext);
      },
      instr);
  return values;
}

/// Sets every dependency flag the instruction's queue allows.
void setAllValidDeps(Instruction &instr) {
  if (std::holds_alternative<Halt>(instr))
    return;
  Deps &d = depsOf(instr);
  Queue q = queueOf(instr);
  d.popPrev = d.pushPrev = q != Queue::Load;
  d.popNext = d.pushNext = q != Queue::Store;
}

void expectRoundTrip(const Instruction &instr) {
  Result<InstrBytes> bytes = encode(instr);
  ASSERT_TRUE(bytes.ok()) << bytes.error().getMessage() << "\n"
                          << disassemble(instr);
  Result<Instruction> back = decode(bytes->data());
  ASSERT_TRUE(back.ok()) << back.error().getMessage();
  EXPECT_EQ(opcodeOf(*back), opcodeOf(instr));
  EXPECT_EQ(fieldValues(*back), fieldValues(instr)) << disassemble(instr);
  // The text form round-trips too.
  std::string text = disassemble(instr);
  Result<Instruction> parsed = assemble(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().getMessage() << "\n" << text;
  EXPECT_EQ(fieldValues(*parsed), fieldValues(instr)) << text;
  EXPECT_EQ(disassemble(*parsed), text);
}

} // namespace

TEST(Isa, OpcodesAreUniqueAndNamed) {
  std::set<uint8_t> codes;
  std::set<std::string> names;
  for (Opcode op : allOpcodes()) {
    EXPECT_TRUE(codes.insert(static_cast<uint8_t>(op)).second);
    EXPECT_TRUE(names.insert(mnemonicOf(makeInstruction(op))).second);
    EXPECT_EQ(opcodeOf(makeInstruction(op)), op);
  }
  EXPECT_EQ(codes.count(0), 0u) << "opcode 0 must stay invalid (zeroed memory)";
}

TEST(Isa, FieldsAreContiguousAndFitIn256Bits) {
  for (Opcode op : allOpcodes()) {
    std::vector<FieldLayout> layout = fieldLayout(op);
    unsigned next = 0;
    for (const FieldLayout &f : layout) {
      EXPECT_EQ(f.lsb, next) << f.name;
      EXPECT_GE(f.width, 1u);
      next = f.lsb + f.width;
    }
    EXPECT_LE(next, kInstrBits) << mnemonicOf(makeInstruction(op));
  }
}

TEST(Isa, QueuesOfInstructions) {
  EXPECT_EQ(queueOf(DmaLoad{}), Queue::Load);
  EXPECT_EQ(queueOf(DmaStore{}), Queue::Store);
  EXPECT_EQ(queueOf(Gemm{}), Queue::Compute);
  EXPECT_EQ(queueOf(Pool{}), Queue::Compute);
  Token t;
  t.queue = Queue::Store;
  EXPECT_EQ(queueOf(t), Queue::Store);
}

TEST(Isa, EveryFieldRoundTripsAtItsExtremes) {
  for (Opcode op : allOpcodes()) {
    const size_t n = numFields(op);
    for (size_t f = 0; f < n; ++f)
      for (bool useMax : {false, true}) {
        Instruction instr = makeInstruction(op);
        setField(instr, f,
                 [&](int64_t lo, int64_t hi) { return useMax ? hi : lo; });
        setAllValidDeps(instr); // after the fields: a token's queue matters
        SCOPED_TRACE(disassemble(instr));
        expectRoundTrip(instr);
      }
  }
}

TEST(Isa, RandomInstructionsRoundTrip) {
  std::mt19937_64 rng(20261123);
  for (Opcode op : allOpcodes())
    for (int trial = 0; trial < 300; ++trial) {
      Instruction instr = makeInstruction(op);
      const size_t n = numFields(op);
      for (size_t f = 0; f < n; ++f)
        setField(instr, f, [&](int64_t lo, int64_t hi) {
          return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
        });
      if (!std::holds_alternative<Halt>(instr)) {
        Deps &d = depsOf(instr);
        Queue q = queueOf(instr);
        d.popPrev = q != Queue::Load && (rng() & 1);
        d.pushPrev = q != Queue::Load && (rng() & 1);
        d.popNext = q != Queue::Store && (rng() & 1);
        d.pushNext = q != Queue::Store && (rng() & 1);
      }
      expectRoundTrip(instr);
    }
}

TEST(Isa, EncodeRejectsValuesThatDoNotFit) {
  Gemm g;
  g.k = 512; // 9-bit field
  Result<InstrBytes> r = encode(g);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().getMessage(),
            "gemm: field k = 512 does not fit in 9 bits");
  Gemm z;
  z.inZp = -40000; // 16-bit signed
  EXPECT_FALSE(encode(z).ok());
  DmaLoad d;
  d.buf = static_cast<Buffer>(7);
  EXPECT_FALSE(encode(d).ok());
  DmaLoad deps;
  deps.deps.popPrev = true; // load queue has no previous queue
  r = encode(deps);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().getMessage().find("pop_prev"), std::string::npos);
}

TEST(Isa, DecodeRejectsMalformedWords) {
  InstrBytes bytes{};
  Result<Instruction> r = decode(bytes.data());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().getMessage(), "unknown opcode 0x0");
  bytes[0] = 0xff;
  EXPECT_FALSE(decode(bytes.data()).ok());

  InstrBytes halt = *encode(Halt{});
  halt[31] = 0x80; // a reserved bit
  r = decode(halt.data());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().getMessage(), "halt: reserved bit 255 is set");

  InstrBytes load = *encode(DmaLoad{});
  load[1] |= 0x7 << 4; // buf field (bits 12..14) = 7
  r = decode(load.data());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().getMessage(), "dma.load: field buf has invalid value 7");

  InstrBytes store = *encode(DmaStore{});
  store[1] |= 1 << 1; // pop_next on the store queue
  r = decode(store.data());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().getMessage().find("store queue has no next"),
            std::string::npos);

  InstrBytes h = *encode(Halt{});
  h[1] |= 1; // halt with a token flag
  EXPECT_FALSE(decode(h.data()).ok());
}

TEST(Isa, KnownEncodingOfOneInstruction) {
  // Bit layout fixed by docs/isa.md: opcode 0x21 in byte 0, push_next is
  // bit 11, in_addr starts at bit 12.
  Gemm g;
  g.inAddr = 0xabc;
  g.deps.pushNext = true;
  InstrBytes b = *encode(g);
  EXPECT_EQ(b[0], 0x21);
  EXPECT_EQ(b[1], 0x08 | 0xc0); // push_next | low nibble of in_addr << 4
  EXPECT_EQ(b[2], 0xab);
  for (unsigned i = 3; i < kInstrBytes; ++i)
    EXPECT_EQ(b[i], 0) << i;
}

TEST(Isa, AssembleReportsErrors) {
  EXPECT_FALSE(assemble("").ok());
  Result<Instruction> r = assemble("frobnicate a=1");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().getMessage().find("unknown mnemonic"), std::string::npos);
  r = assemble("gemm nope=1");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().getMessage().find("unknown field 'nope'"),
            std::string::npos);
  r = assemble("gemm k=512");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().getMessage().find("does not fit in 9 bits"),
            std::string::npos);
  r = assemble("dma.load buf=zbuf");
  ASSERT_FALSE(r.ok());
  r = assemble("gemm k=-1");
  ASSERT_FALSE(r.ok());
  r = assemble("dma.load pop_prev");
  ASSERT_FALSE(r.ok());
  r = assemble("vec.alu op=mul src1_buf=abuf src1_type=i32 shift=3 push_next");
  ASSERT_TRUE(r.ok()) << r.error().getMessage();
  const Alu &alu = std::get<Alu>(*r);
  EXPECT_EQ(alu.op, AluOp::Mul);
  EXPECT_EQ(alu.src1.buf, Buffer::ABuf);
  EXPECT_EQ(alu.shift, 3u);
  EXPECT_TRUE(alu.deps.pushNext);
}

TEST(Isa, FieldsByName) {
  Instruction g = *makeInstruction("gemm");
  ASSERT_TRUE(setField(g, "k", 7).ok());
  ASSERT_TRUE(setField(g, "in_zp", -128).ok());
  EXPECT_EQ(std::get<Gemm>(g).k, 7u);
  EXPECT_EQ(std::get<Gemm>(g).inZp, -128);
  Status s = setField(g, "k", 512);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().getMessage(), "gemm: field k = 512 is outside [0, 511]");
  EXPECT_FALSE(setField(g, "nope", 1).ok());
  Instruction d = *makeInstruction("dma.load");
  EXPECT_FALSE(setField(d, "buf", 5).ok()); // 5 buffers: 0..4
  ASSERT_TRUE(setField(d, "buf", 4).ok());
  EXPECT_EQ(std::get<DmaLoad>(d).buf, Buffer::PBuf);
  auto fields = getFields(g);
  ASSERT_EQ(fields.size(), numFields(Opcode::Gemm));
  EXPECT_EQ(fields[5], (std::pair<std::string, int64_t>{"k", 7}));
  EXPECT_FALSE(makeInstruction("frob").ok());
}

TEST(Isa, Version2Additions) {
  EXPECT_EQ(kIsaVersionMajor, 2u);
  // ppu: transpose is appended at bit 135, so a 1.0 ppu word (bits
  // 136-255 reserved, 135 zero) decodes unchanged with transpose = 0.
  Ppu p;
  p.dstStride = 0xffff; // bits 119-134
  InstrBytes b = *encode(p);
  EXPECT_EQ(b[16], 0x7f) << "dst_stride ends at bit 134";
  EXPECT_FALSE(std::get<Ppu>(*decode(b.data())).transpose);
  p.transpose = true;
  b = *encode(p);
  EXPECT_EQ(b[16], 0xff);
  EXPECT_TRUE(std::get<Ppu>(*decode(b.data())).transpose);

  // vec.table: mode is 2 bits (12-13), moving every later field by one.
  Table t;
  t.mode = TableMode::I32;
  t.tableAddr = 1;
  b = *encode(t);
  EXPECT_EQ(b[1], 0x20);  // mode 2 at bits 12-13
  EXPECT_EQ(b[21], 0x01); // table_addr from bit 168
  for (const FieldLayout &f : fieldLayout(Opcode::Table)) {
    if (f.name == "table_addr") {
      EXPECT_EQ(f.lsb, 168u);
    }
  }

  // The new opcodes and enum values in the text form.
  Result<Instruction> r =
      assemble("vec.ecfg op=mul zp1=-3 mult1=1073741824 shift1=30 "
               "zp2=5 mult2=1 shift2=62 mul_shift=7 left_shift=20");
  ASSERT_TRUE(r.ok()) << r.error().getMessage();
  const EltwiseConfig &e = std::get<EltwiseConfig>(*r);
  EXPECT_EQ(e.op, EltOp::Mul);
  EXPECT_EQ(e.zp1, -3);
  EXPECT_EQ(e.mulShift, 7u);
  EXPECT_EQ(e.leftShift, 20u);
  // left_shift (u5) follows op: bits 14-18.
  b = *encode(*r);
  EXPECT_EQ((b[1] >> 6) | ((b[2] & 0x7) << 2), 20);
  EXPECT_EQ(std::get<EltwiseConfig>(*decode(b.data())).leftShift, 20u);
  EXPECT_FALSE(assemble("vec.ecfg left_shift=32").ok());
  EXPECT_EQ(opcodeOf(*r), Opcode::EltwiseConfig);
  EXPECT_EQ(static_cast<unsigned>(Opcode::EltwiseConfig), 0x46u);
  EXPECT_EQ(static_cast<unsigned>(Opcode::Eltwise), 0x47u);
  r = assemble("vec.eltwise src1_type=u8 dst_buf=obuf n_outer=2 n_inner=3");
  ASSERT_TRUE(r.ok()) << r.error().getMessage();
  EXPECT_EQ(std::get<Eltwise>(*r).src1.type, DType::U8);
  EXPECT_EQ(queueOf(*r), Queue::Compute);
  r = assemble("vec.alu op=recip");
  ASSERT_TRUE(r.ok()) << r.error().getMessage();
  EXPECT_EQ(std::get<Alu>(*r).op, AluOp::Recip);
  EXPECT_TRUE(isUnaryAluOp(AluOp::Recip));
  EXPECT_FALSE(isUnaryAluOp(AluOp::Mul));
  r = assemble("vec.table mode=i32 src_type=u8 dst_type=i32");
  ASSERT_TRUE(r.ok()) << r.error().getMessage();
  EXPECT_EQ(std::get<Table>(*r).mode, TableMode::I32);
  EXPECT_FALSE(assemble("vec.ecfg op=div").ok());
}
