// Tests the token-ordering check: a program whose tokens order every
// cross-queue conflict passes; removing one token makes it name the two
// unordered instructions; independent instructions need no tokens.
#include "TestPrograms.h"

#include "npu/Program/Hazards.h"

#include <gtest/gtest.h>

using namespace npu;

TEST(Hazards, SampleProgramIsOrdered) {
  EXPECT_TRUE(checkHazards(test::sampleProgram()).ok());
}

TEST(Hazards, MissingTokenIsReported) {
  Program p = test::sampleProgram();
  // The store no longer waits for the rescale that fills obuf.
  isa::depsOf(p.instructions[1]).pushNext = false;
  isa::depsOf(p.instructions[2]).popPrev = false;
  Status s = checkHazards(p);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().getMessage(),
            "instruction 1 (vec.rescale) and instruction 2 (dma.store) both "
            "touch obuf [0, 32) but no token orders them");
}

TEST(Hazards, IndependentQueuesNeedNoTokens) {
  Program p;
  p.setArch(*resolveArchConfig("npu-tiny"));
  p.dramSize = 4096;
  isa::DmaLoad load; // ibuf [0, 16)
  load.buf = isa::Buffer::IBuf;
  load.rows = load.cols = 1;
  load.elemBytes = 16;
  isa::DmaStore store; // obuf [100, 116) -> dram [1000, 1016)
  store.buf = isa::Buffer::OBuf;
  store.sramAddr = 100;
  store.dramAddr = 1000;
  store.rows = store.cols = 1;
  store.elemBytes = 16;
  p.instructions = {load, store, isa::Halt{}};
  EXPECT_TRUE(checkHazards(p).ok());
  // Overlapping DRAM (the store writes what the load reads) is a hazard.
  std::get<isa::DmaStore>(p.instructions[1]).dramAddr = 8;
  Status s = checkHazards(p);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().getMessage().find("touch dram [8, 16)"),
            std::string::npos)
      << s.error().getMessage();
}
