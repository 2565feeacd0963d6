//===- Loader.cpp - Placing a program and its tensors in DRAM -------------===//
#include "npu/Golden/Loader.h"

#include <algorithm>

namespace npu::golden {

Status loadProgram(Machine &machine, const Program &program,
                   const std::vector<Tensor> &inputs) {
  std::vector<uint8_t> &dram = machine.dram();
  for (const ConstSegment &segment : program.constants) {
    if (segment.dramAddr + segment.data.size() > dram.size())
      return makeError("constant segment at ", segment.dramAddr,
                       " lies outside the machine's ", dram.size(),
                       " bytes of DRAM");
    std::copy(segment.data.begin(), segment.data.end(),
              dram.begin() + segment.dramAddr);
  }
  const std::vector<size_t> inputIndices = program.inputIndices();
  if (inputs.empty()) {
    for (size_t index : inputIndices) {
      auto it = std::find_if(
          program.defaultInputs.begin(), program.defaultInputs.end(),
          [&](const DefaultInput &d) { return d.tensorIndex == index; });
      if (it == program.defaultInputs.end())
        return makeError("no data for input '", program.tensors[index].name,
                         "' and the program embeds no default for it");
      std::copy(it->data.begin(), it->data.end(),
                dram.begin() + program.tensors[index].dramAddr);
    }
    return Status::success();
  }
  if (inputs.size() != inputIndices.size())
    return makeError("program has ", inputIndices.size(), " inputs, got ",
                     inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const size_t index = inputIndices[i];
    NPU_TRY(checkInputTensor(program, index, inputs[i]));
    std::copy(inputs[i].data.begin(), inputs[i].data.end(),
              dram.begin() + program.tensors[index].dramAddr);
  }
  return Status::success();
}

std::vector<Tensor> readOutputs(const Machine &machine,
                                const Program &program) {
  std::vector<Tensor> outputs;
  for (size_t index : program.outputIndices()) {
    const TensorDesc &desc = program.tensors[index];
    Tensor out(desc.type, desc.shape);
    std::copy_n(machine.dram().begin() + desc.dramAddr, out.data.size(),
                out.data.begin());
    outputs.push_back(std::move(out));
  }
  return outputs;
}

} // namespace npu::golden
