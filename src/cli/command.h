// What every `simshard` command shares: exit codes, option parsing with a config file,
// usage errors, and one-line messages on stderr.
#pragma once

#include <boost/program_options.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "simshard/status.h"

namespace simshard::cli {

namespace po = boost::program_options;

// kRepairable: `verify` found damage, all of which `repair` heals with nothing lost.
enum ExitCode : int { kOk = 0, kFatal = 1, kUsage = 2, kSkipped = 3, kRepairable = 4 };

// Thrown for a bad command line; main() prints it with a hint and exits with kUsage.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One command's description: what `--help` prints.
struct CommandHelp {
  std::string name;     // "archive"
  std::string usage;    // "simshard archive INPUT... --archive DIR [options]"
  std::string summary;  // one paragraph
  std::string example;  // one or more example command lines
};

// Options every command accepts: --help, --config, --quiet, --verbose, --json.
po::options_description CommonOptions();

// Parses `args` (the arguments after the command name) into `vm`: command line first,
// then the --config file for what the command line did not set. Returns false when
// --help was printed. Throws UsageError.
bool ParseCommandLine(const CommandHelp& help, const std::vector<std::string>& args,
                      const po::options_description& options,
                      const po::positional_options_description& positional,
                      po::variables_map* vm);

void PrintHelp(const CommandHelp& help, const po::options_description& options);

// Requires an option the command cannot run without.
void Require(const po::variables_map& vm, const char* name);

// The one place where how a command ended becomes its exit code (simshard.1, EXIT STATUS):
// OK is kOk, damage that `repair` heals (IsRepairable) is kRepairable, every other error
// kFatal. A usage error never becomes a Status: it is thrown (UsageError) and main() exits
// kUsage.
int ExitCodeFor(const Status& status);
// A run that read its inputs: as above, except that an OK run which skipped inputs (each a
// `skipped` row of the report) is kSkipped.
int ExitCodeFor(const Status& status, bool skipped_inputs);

// "simshard <command>: <message>" on stderr; returns ExitCodeFor(status). An OK status
// prints nothing (and gives kOk).
int Fail(const std::string& command, const Status& status);
// Kept for code written before the codes (other branches): the message as an error of code
// Unknown, which exits kFatal.
[[deprecated("give the error its code: Fail(command, Status::IOError(...))")]]
int Fail(const std::string& command, const std::string& message);
// OK when everything written to stdout got out (and `write_failed` is false); else the
// IOError "cannot write to stdout".
Status FlushStdout(bool write_failed = false);
// "simshard <command>: <line>" on stderr, for lines that decide no exit code (each damage
// verify finds, a note about a healed shard).
void Complain(const std::string& command, const std::string& line);

// Logging on stderr, one line per event.
struct Log {
  bool quiet = false, verbose = false;
  std::string command;
  void Info(const std::string& line) const;    // unless --quiet
  void Detail(const std::string& line) const;  // with --verbose
};
Log MakeLog(const std::string& command, const po::variables_map& vm);

// Human-readable byte counts: "1.5 MB".
std::string HumanBytes(double bytes);

// The command functions, one per file.
int ArchiveCommand(const std::vector<std::string>& args);
int DedupCommand(const std::vector<std::string>& args);
int ExtractCommand(const std::vector<std::string>& args);
int RestoreCommand(const std::vector<std::string>& args);
int ListCommand(const std::vector<std::string>& args);
int VerifyCommand(const std::vector<std::string>& args);
int StatsCommand(const std::vector<std::string>& args);
int ReindexCommand(const std::vector<std::string>& args);
int RepairCommand(const std::vector<std::string>& args);
int ExportCommand(const std::vector<std::string>& args);

}  // namespace simshard::cli
