// `simshard extract`: the article text of every input document as JSON Lines, for
// cleaning a scraped collection without making an archive.
#include <cstdio>
#include <iostream>

#include "cli/command.h"
#include "cli/input_options.h"
#include "simshard/pipeline.h"
#include "util/json_writer.h"

namespace simshard::cli {

namespace {

po::options_description ExtractOptionsDescription() {
  po::options_description own("Extract options");
  AddInputOption(&own);
  own.add_options()
      ("output,o", po::value<std::string>()->value_name("FILE"),
       "write the JSON Lines to FILE instead of standard output (\"-\"); it appears whole "
       "or not at all: written as FILE.tmp, renamed at the end");
  AddThreadsOption(&own);
  po::options_description all;
  all.add(own).add(ScanOptionsDescription()).add(CommonOptions());
  return all;
}

ExtractOptions ToExtractOptions(const po::variables_map& vm) {
  Require(vm, "input");
  ExtractOptions o;
  o.inputs = vm["input"].as<std::vector<std::string>>();
  if (vm.count("output") && vm["output"].as<std::string>() != "-") {
    o.output_path = vm["output"].as<std::string>();
  }
  // Standard output carries the documents unless --output moves them to a file; a
  // summary mixed into them would be read as a document.
  if (vm["json"].as<bool>() && o.output_path.empty()) {
    throw UsageError("--json needs --output FILE: without it, standard output is the data");
  }
  o.threads = ThreadsOption(vm);
  o.scan = ToScanOptions(vm);
  return o;
}

void PrintExtractSummary(const Log& log, const ExtractSummary& s) {
  char line[512];
  std::snprintf(line, sizeof line,
                "simshard extract: %llu documents: %llu extracted, %llu weak, %llu empty, "
                "%llu skipped in %.1f s",
                static_cast<unsigned long long>(s.documents),
                static_cast<unsigned long long>(s.extracted),
                static_cast<unsigned long long>(s.weak), static_cast<unsigned long long>(s.empty),
                static_cast<unsigned long long>(s.skipped), s.elapsed_seconds);
  log.Info(line);
  log.Info("  read " + HumanBytes(static_cast<double>(s.bytes_in)));
  for (const auto& [reason, count] : s.skipped_by_reason) {
    log.Info("  skipped " + std::to_string(count) + ": " + reason);
  }
}

std::string ExtractSummaryJson(const ExtractSummary& s, const std::string& output, int exit_code) {
  std::string out;
  JsonObjectWriter w(&out);
  w.String("command", "extract")
      .Int("exit_code", exit_code)
      .Uint("documents", s.documents)
      .Uint("extracted", s.extracted)
      .Uint("weak", s.weak)
      .Uint("empty", s.empty)
      .Uint("skipped", s.skipped)
      .Raw("skipped_by_reason", JsonCounts(s.skipped_by_reason))
      .Uint("bytes_in", s.bytes_in)
      .Double("seconds", s.elapsed_seconds)
      .String("output", output);
  w.Close();
  out.push_back('\n');
  return out;
}

}  // namespace

int ExtractCommand(const std::vector<std::string>& args) {
  const CommandHelp help{
      "extract", "simshard extract INPUT... [--output FILE] [--threads N] [options]",
      "Writes the article text of every input document (the same inputs as `archive`) as\n"
      "JSON Lines, one object per document in input order, the same for any --threads:\n"
      "source, url, title, date, text, status, reason (every field on every line, \"\" when\n"
      "not known). status: extracted; weak (fewer than 25 words); empty (no article text\n"
      "found); skipped (not readable as a document). reason is \"\" for extracted and says\n"
      "why for the others. Nothing is deduplicated or archived, and the text is that of the\n"
      "extraction stage: markup and rule-matched chrome (menus, cookie notices, share bars,\n"
      "appeals) removed, but not the per-site chrome `archive` learns across a site's pages.\n"
      "--json (with --output only: without it stdout is the data) prints a summary.\n"
      "Exit codes: 0 ok; 1 fatal error (no --output file is left); 2 usage error; 3 done,\n"
      "but some inputs were skipped (each is a line with status skipped).",
      "  simshard extract scraped/ --output articles.jsonl\n"
      "  simshard extract feed.jsonl.gz | jq -r 'select(.status == \"extracted\") | .text'"};
  const po::options_description options = ExtractOptionsDescription();
  po::variables_map vm;
  if (!ParseCommandLine(help, args, options, InputPositional(), &vm)) return kOk;
  ExtractOptions extract = ToExtractOptions(vm);
  const Log log = MakeLog(help.name, vm);
  if (log.verbose && !log.quiet) {
    extract.on_skipped = [&](const std::string& source, const std::string& reason) {
      log.Detail("skipped " + source + ": " + reason);
    };
  }
  log.Detail("reading " + std::to_string(extract.inputs.size()) + " input(s) with " +
             (extract.threads ? std::to_string(extract.threads) : std::string("all")) +
             " thread(s)");
  const bool json = vm["json"].as<bool>();
  Result<ExtractSummary> summary = RunExtract(extract, stdout);
  if (!summary.ok()) {
    const int code = Fail(help.name, summary.status());
    if (json) std::cout << ExtractSummaryJson(ExtractSummary{}, extract.output_path, code);
    return code;
  }
  const int code = ExitCodeFor(summary.status(), summary->any_skipped());
  PrintExtractSummary(log, *summary);
  if (!extract.output_path.empty()) log.Detail("output written to " + extract.output_path);
  if (json) std::cout << ExtractSummaryJson(*summary, extract.output_path, code) << std::flush;
  return code;
}

}  // namespace simshard::cli
