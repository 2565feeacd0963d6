//===- CommandLine.cpp - Shared command-line handling of runtime tools ----===//
#include "CommandLine.h"

#include <cstdio>
#include <iostream>

namespace po = boost::program_options;

namespace npu::tools {

std::optional<int> parseCommandLine(int argc, char **argv, const char *tool,
                                    const std::string &usage,
                                    const po::options_description &options,
                                    const char *positionalName,
                                    po::variables_map &vm) {
  po::positional_options_description positional;
  positional.add(positionalName, 1);
  try {
    po::store(po::command_line_parser(argc, argv)
                  .options(options)
                  .positional(positional)
                  .run(),
              vm);
    po::notify(vm);
  } catch (const po::error &e) {
    std::fprintf(stderr, "%s: %s\n", tool, e.what());
    return 2;
  }
  if (vm.count("help") || !vm.count(positionalName)) {
    std::cout << "usage: " << usage << "\n" << options;
    return vm.count("help") ? 0 : 2;
  }
  return std::nullopt;
}

int fail(const char *tool, const std::string &message) {
  std::fprintf(stderr, "%s: %s\n", tool, message.c_str());
  return 1;
}

} // namespace npu::tools
