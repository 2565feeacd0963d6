//===- Builder.cpp - Assembling programs in memory ------------------------===//
#include "npu/Program/Builder.h"

namespace npu {

namespace {
constexpr uint64_t kDramAlignment = 64;
}

ProgramBuilder::ProgramBuilder(const ArchConfig &config) {
  program.setArch(config);
}

uint64_t ProgramBuilder::allocate(uint64_t bytes) {
  uint64_t addr = dramTop;
  dramTop =
      (dramTop + bytes + kDramAlignment - 1) / kDramAlignment * kDramAlignment;
  return addr;
}

uint64_t ProgramBuilder::addConstant(std::vector<uint8_t> data) {
  uint64_t addr = allocate(data.size());
  program.constants.push_back({addr, std::move(data)});
  return addr;
}

uint64_t ProgramBuilder::reserve(uint64_t bytes) { return allocate(bytes); }

size_t ProgramBuilder::addTensor(TensorDesc desc) {
  desc.dramAddr = allocate(desc.byteSize());
  program.tensors.push_back(std::move(desc));
  return program.tensors.size() - 1;
}

void ProgramBuilder::setDefaultInput(size_t tensorIndex,
                                     std::vector<uint8_t> data) {
  program.defaultInputs.push_back(
      {static_cast<uint32_t>(tensorIndex), std::move(data)});
}

size_t ProgramBuilder::beginLayer(LayerInfo layer, std::string location) {
  endLayer();
  program.layers.push_back(std::move(layer));
  DebugRange range;
  range.firstInstr = static_cast<uint32_t>(program.instructions.size());
  range.layer = static_cast<uint32_t>(program.layers.size() - 1);
  range.location = std::move(location);
  openRange = std::move(range);
  return program.layers.size() - 1;
}

void ProgramBuilder::endLayer() {
  if (!openRange)
    return;
  openRange->numInstrs = static_cast<uint32_t>(program.instructions.size()) -
                         openRange->firstInstr;
  if (openRange->numInstrs > 0)
    program.debug.push_back(std::move(*openRange));
  openRange.reset();
}

void ProgramBuilder::emit(const isa::Instruction &instr) {
  program.instructions.push_back(instr);
}

Program ProgramBuilder::finish() {
  endLayer();
  program.instructions.push_back(isa::Halt{});
  program.dramSize = std::max<uint64_t>(dramTop, kDramAlignment);
  return std::move(program);
}

} // namespace npu
