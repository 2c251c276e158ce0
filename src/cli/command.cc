#include "cli/command.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

namespace simshard::cli {

po::options_description CommonOptions() {
  po::options_description common("Common options");
  common.add_options()
      ("help,h", "print this help and exit")
      ("config", po::value<std::string>()->value_name("FILE"),
       "read options from FILE (lines \"name = value\", same names as the long options); "
       "the command line wins")
      ("quiet,q", po::bool_switch(), "no progress line, no summary; errors only")
      ("verbose,v", po::bool_switch(), "log more events on stderr")
      ("json", po::bool_switch(), "print a machine-readable summary on stdout");
  return common;
}

void PrintHelp(const CommandHelp& help, const po::options_description& options) {
  std::ostringstream table;
  table << options;
  std::string text = table.str();
  text.erase(0, text.find_first_not_of('\n'));  // one blank line, grouped or not
  std::cout << "Usage: " << help.usage << "\n\n" << help.summary << "\n\n"
            << text << "\nExample:\n" << help.example << "\n";
}

bool ParseCommandLine(const CommandHelp& help, const std::vector<std::string>& args,
                      const po::options_description& options,
                      const po::positional_options_description& positional,
                      po::variables_map* vm) {
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), *vm);
    if (vm->count("help")) {
      PrintHelp(help, options);
      return false;
    }
    if (vm->count("config")) {
      const std::string path = (*vm)["config"].as<std::string>();
      std::ifstream file(path);
      if (!file) throw UsageError("cannot read config file " + path);
      po::store(po::parse_config_file(file, options), *vm);
    }
    po::notify(*vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return true;
}

void Require(const po::variables_map& vm, const char* name) {
  if (!vm.count(name)) throw UsageError(std::string("missing --") + name);
}

int ExitCodeFor(const Status& status) {
  if (status.ok()) return kOk;
  if (status.IsRepairable()) return kRepairable;
  // NotFound, Corruption, IOError, Busy, InvalidArgument (a value the library refuses, which
  // option parsing could not check, such as a task number past the run's)...: all fatal.
  return kFatal;
}

int ExitCodeFor(const Status& status, bool skipped_inputs) {
  if (status.ok() && skipped_inputs) return kSkipped;
  return ExitCodeFor(status);
}

void Complain(const std::string& command, const std::string& line) {
  std::fprintf(stderr, "simshard %s: %s\n", command.c_str(), line.c_str());
}

int Fail(const std::string& command, const Status& status) {
  if (!status.ok()) Complain(command, status.message());
  return ExitCodeFor(status);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"  // the old call, kept for merging
int Fail(const std::string& command, const std::string& message) {
  return Fail(command, Status::Error(message));
}
#pragma GCC diagnostic pop

Status FlushStdout(bool write_failed) {
  if (std::fflush(stdout) != 0 || write_failed) return Status::IOError("cannot write to stdout");
  return Status::OK();
}

void Log::Info(const std::string& line) const {
  if (!quiet) std::fprintf(stderr, "%s\n", line.c_str());
}

void Log::Detail(const std::string& line) const {
  if (verbose && !quiet) std::fprintf(stderr, "simshard %s: %s\n", command.c_str(), line.c_str());
}

Log MakeLog(const std::string& command, const po::variables_map& vm) {
  Log log;
  log.command = command;
  log.quiet = vm["quiet"].as<bool>();
  log.verbose = vm["verbose"].as<bool>();
  return log;
}

std::string HumanBytes(double bytes) {
  static const char* kUnits[] = {"B", "KB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 4) {
    bytes /= 1000;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, kUnits[unit]);
  return buf;
}

}  // namespace simshard::cli
