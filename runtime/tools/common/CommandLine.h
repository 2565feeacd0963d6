//===- CommandLine.h - Shared command-line handling of runtime tools ------===//
#ifndef NPU_TOOLS_COMMANDLINE_H
#define NPU_TOOLS_COMMANDLINE_H

#include <boost/program_options.hpp>

#include <optional>
#include <string>

namespace npu::tools {

/// Parses argv with one positional argument named `positionalName`. Handles
/// --help and a missing positional argument (prints usage) and parse errors
/// (one line on stderr). Returns the exit status when the tool should stop,
/// std::nullopt when it should run.
std::optional<int> parseCommandLine(
    int argc, char **argv, const char *tool, const std::string &usage,
    const boost::program_options::options_description &options,
    const char *positionalName, boost::program_options::variables_map &vm);

/// Prints "tool: message" on stderr and returns exit status 1.
int fail(const char *tool, const std::string &message);

} // namespace npu::tools

#endif // NPU_TOOLS_COMMANDLINE_H
