//===- NpuObjdump.cpp - Print the contents of a prog.bin ------------------===//
//
// npu-objdump FILE [--no-code]
// Prints the header, the recorded ArchConfig, DRAM layout, tensors, layers
// and the disassembly with source locations. A file the reader rejects gives
// one line naming the problem and exit status 1.
//
//===----------------------------------------------------------------------===//
#include "npu/Isa/Encoding.h"
#include "npu/Program/Program.h"

#include "../common/CommandLine.h"

#include <cstdio>

namespace po = boost::program_options;
using namespace npu;

namespace {

void printProgram(const std::string &path, const Program &p,
                  const ProgramFileInfo &file, bool code) {
  std::printf("%s: NPU program, format %u.%u, %llu bytes, header %u bytes, "
              "flags 0x%x, CRC-32 0x%08x (ok)\n",
              path.c_str(), p.versionMajor, p.versionMinor,
              static_cast<unsigned long long>(file.fileSize), file.headerSize,
              file.flags, file.crc32);
  std::printf("\nsections:\n");
  for (const ProgramFileInfo::Section &s : file.sections) {
    char addr[32] = "";
    if (s.name == "CONST")
      std::snprintf(addr, sizeof addr, "  dram 0x%llx",
                    static_cast<unsigned long long>(s.addr));
    std::printf("  %-8s type %u  offset 0x%06llx  size %8llu%s%s\n",
                s.name.c_str(), s.type,
                static_cast<unsigned long long>(s.offset),
                static_cast<unsigned long long>(s.size),
                s.flags & 1 ? "  optional" : "", addr);
  }
  std::printf("\narch: %s (config hash 0x%016llx)\n", p.archName.c_str(),
              static_cast<unsigned long long>(p.archHash));
  for (const auto &[key, value] : p.archFields)
    std::printf("  %-20s %s\n", key.c_str(), value.c_str());

  std::printf("\ndram: %llu bytes\n",
              static_cast<unsigned long long>(p.dramSize));
  for (size_t i = 0; i < p.constants.size(); ++i)
    std::printf("  const %-3zu [0x%08llx, 0x%08llx) %zu bytes\n", i,
                static_cast<unsigned long long>(p.constants[i].dramAddr),
                static_cast<unsigned long long>(p.constants[i].dramAddr +
                                                p.constants[i].data.size()),
                p.constants[i].data.size());

  std::printf("\ntensors:\n");
  for (size_t i = 0; i < p.tensors.size(); ++i) {
    const TensorDesc &t = p.tensors[i];
    bool embedded = false;
    for (const DefaultInput &d : p.defaultInputs)
      embedded |= d.tensorIndex == i;
    std::printf("  %-6s %-3zu %-24s %-3s %-16s scale %-12g zp %-5d dram "
                "0x%08llx (%llu bytes)%s\n",
                t.role == TensorRole::Input ? "input" : "output", i,
                t.name.c_str(), std::string(elementTypeName(t.type)).c_str(),
                formatShape(t.shape).c_str(), t.scale, t.zeroPoint,
                static_cast<unsigned long long>(t.dramAddr),
                static_cast<unsigned long long>(t.byteSize()),
                embedded ? " [default input embedded]" : "");
  }

  if (!p.layers.empty()) {
    std::printf("\nlayers:\n");
    for (size_t i = 0; i < p.layers.size(); ++i) {
      const LayerInfo &l = p.layers[i];
      std::printf("  %-3zu %-28s %-18s %12llu MACs", i, l.name.c_str(),
                  l.kind.c_str(), static_cast<unsigned long long>(l.macs));
      if (l.accBitsNeeded)
        std::printf("  acc bound %llu (%u bits)%s",
                    static_cast<unsigned long long>(l.accBound),
                    l.accBitsNeeded, l.mayOverflow ? " MAY OVERFLOW" : "");
      std::printf("\n");
    }
  }

  std::printf("\ncode: %zu instructions\n", p.instructions.size());
  if (!code)
    return;
  const DebugRange *current = nullptr;
  for (size_t i = 0; i < p.instructions.size(); ++i) {
    const DebugRange *range = p.debugRangeFor(i);
    if (range && range != current) {
      std::printf("      ; ");
      if (range->layer != DebugRange::kNoLayer)
        std::printf("%s ", p.layers[range->layer].name.c_str());
      std::printf("@ %s\n", range->location.c_str());
    }
    current = range;
    std::printf("%5zu  %s\n", i, isa::disassemble(p.instructions[i]).c_str());
  }
}

} // namespace

int main(int argc, char **argv) {
  po::options_description options("npu-objdump options");
  options.add_options()("help,h", "show this help")(
      "no-code", "omit the disassembly")("file", po::value<std::string>(),
                                         "program binary (prog.bin)");
  po::variables_map vm;
  if (std::optional<int> exit = tools::parseCommandLine(
          argc, argv, "npu-objdump", "npu-objdump FILE [--no-code]", options,
          "file", vm))
    return *exit;
  const std::string path = vm["file"].as<std::string>();
  ProgramFileInfo file;
  Result<Program> program = readProgramFile(path, &file);
  if (!program)
    return tools::fail("npu-objdump", program.error().getMessage());
  printProgram(path, *program, file, !vm.count("no-code"));
  return 0;
}
