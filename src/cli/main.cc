// simshard: archive crawled articles into deduplicated, indexed zstd shards.
// main() only dispatches; each command lives in its own file.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/run_command.h"

#ifndef SIMSHARD_VERSION
#define SIMSHARD_VERSION "unknown"
#endif

namespace {

using simshard::cli::kUsage;

struct Command {
  const char* name;
  int (*run)(const std::vector<std::string>&);
  const char* what;
};

constexpr Command kCommands[] = {
    {"archive", simshard::cli::ArchiveCommand, "archive crawled documents, dropping duplicates"},
    {"restore", simshard::cli::RestoreCommand, "write archived documents back, by id or URL"},
    {"list", simshard::cli::ListCommand, "list archived documents"},
    {"verify", simshard::cli::VerifyCommand, "check every shard and the catalog"},
    {"stats", simshard::cli::StatsCommand, "documents, runs, bytes in and stored"},
    {"dedup", simshard::cli::DedupCommand, "report duplicates without archiving"},
    {"extract", simshard::cli::ExtractCommand, "article text of every document as JSON Lines"},
    {"export", simshard::cli::ExportCommand, "write the archive as WARC"},
    {"reindex", simshard::cli::ReindexCommand, "rebuild the catalog from the shards"},
    {"repair", simshard::cli::RepairCommand, "salvage a damaged archive, list what was lost"},
    {"stage", simshard::cli::StageCommand, "run one task of a run cut into tasks (Slurm)"},
};

void PrintUsage(std::FILE* out) {
  std::fprintf(out,
               "Usage: simshard COMMAND [options]   (simshard COMMAND --help for details)\n\n"
               "Archives crawled articles (text, HTML, JSON Lines, WARC) into zstd shards with a\n"
               "SQLite catalog, dropping exact and near-duplicate articles.\n\nCommands:\n");
  for (const Command& c : kCommands) std::fprintf(out, "  %-9s %s\n", c.name, c.what);
  std::fprintf(out,
               "\nExit codes: 0 ok, 1 fatal error, 2 usage error, 3 done but some inputs "
               "skipped.\n\nExample:\n  simshard archive crawl/2026-11-28 --archive "
               "/srv/news-archive --report report.jsonl\n");
}

}  // namespace

int main(int argc, char** argv) {
  // A file size limit (ulimit -f) must fail a write with EFBIG and a message, not kill us.
  std::signal(SIGXFSZ, SIG_IGN);
  if (argc < 2) {
    PrintUsage(stderr);
    return kUsage;
  }
  const std::string first = argv[1];
  if (first == "--version" || first == "-V") {
    std::printf("simshard %s\n", SIMSHARD_VERSION);
    return 0;
  }
  if (first == "--help" || first == "-h" || first == "help") {
    PrintUsage(stdout);
    return 0;
  }
  for (const Command& c : kCommands) {
    if (first != c.name) continue;
    const std::vector<std::string> args(argv + 2, argv + argc);
    try {
      return c.run(args);
    } catch (const simshard::cli::UsageError& e) {
      std::fprintf(stderr, "simshard %s: %s\nTry 'simshard %s --help'.\n", c.name, e.what(),
                   c.name);
      return kUsage;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "simshard %s: %s\n", c.name, e.what());
      return simshard::cli::kFatal;
    }
  }
  std::fprintf(stderr, "simshard: unknown command '%s'\nTry 'simshard --help'.\n", first.c_str());
  return kUsage;
}
