// `simshard export`: the archive as a WARC file that web archive tools read and replay.
#include <cstdio>
#include <iostream>

#include "cli/command.h"
#include "simshard/pipeline.h"
#include "util/json_writer.h"

namespace simshard::cli {

namespace {

CommandHelp ExportHelp() {
  return CommandHelp{
      "export", "simshard export --archive DIR --format warc --output FILE.warc.gz",
      "Writes the archive as WARC, one gzip member per record: each document read from a WARC\n"
      "file as the record it was read from (WARC header and block byte for byte), each other\n"
      "document as a resource record of its original bytes, each document dropped as a\n"
      "duplicate as a revisit record (profile identical-payload-digest, referring to the\n"
      "archived record by WARC-Refers-To-Target-URI and WARC-Refers-To-Date), and each\n"
      "near-duplicate as a metadata record naming the archived record, its distance and\n"
      "similarity. FILE is written as FILE.tmp and renamed into place once complete.\n"
      "--format cdxj writes instead the CDXJ index of that WARC file (SURT key, timestamp,\n"
      "JSON with url, mime, status, digest, length, offset, filename), sorted, for pywb and\n"
      "OutbackCDX; the export is deterministic, so its offsets are those of the WARC file the\n"
      "same archive exports. --warc-name is the WARC file's name in the index.",
      "  simshard export --archive /srv/news --format warc --output news.warc.gz\n"
      "  simshard export --archive /srv/news --format cdxj --output news.cdxj --warc-name news.warc.gz"};
}

po::options_description ExportOptionsDescription() {
  po::options_description options("Export options");
  options.add_options()
      ("archive,a", po::value<std::string>()->value_name("DIR"), "the archive folder")
      ("format", po::value<std::string>()->default_value("warc")->value_name("warc|cdxj"),
       "the WARC file, or its CDXJ index")
      ("output,o", po::value<std::string>()->value_name("FILE"), "the file to write (.warc.gz or .cdxj)")
      ("warc-name", po::value<std::string>()->value_name("NAME"),
       "cdxj: the WARC file's name in the index (default: OUTPUT with .cdxj replaced by .warc.gz)");
  options.add(CommonOptions());
  return options;
}

// The export the command line asks for; --warc-name defaults to OUTPUT named as the WARC
// file. Throws UsageError.
ExportOptions ToExportOptions(const po::variables_map& vm) {
  Require(vm, "archive");
  Require(vm, "output");
  ExportOptions opts;
  opts.archive_dir = vm["archive"].as<std::string>();
  opts.output_path = vm["output"].as<std::string>();
  opts.format = vm["format"].as<std::string>();
  if (opts.format != "warc" && opts.format != "cdxj") throw UsageError("--format must be warc or cdxj");
  if (vm.count("warc-name")) {
    opts.warc_name = vm["warc-name"].as<std::string>();
  } else {
    const std::string base = opts.output_path.substr(opts.output_path.find_last_of('/') + 1);
    opts.warc_name = (base.ends_with(".cdxj") ? base.substr(0, base.size() - 5) : base) + ".warc.gz";
  }
  return opts;
}

// The --json summary on stdout, then the counts on stderr.
void ReportExport(const po::variables_map& vm, const ExportOptions& opts, const ExportSummary& s) {
  if (vm["json"].as<bool>()) {
    std::string out;
    JsonObjectWriter w(&out);
    w.Uint("originals", s.originals).Uint("resources", s.resources).Uint("revisits", s.revisits);
    w.Uint("metadata", s.metadata).Uint("unreferenced", s.unreferenced).Uint("bytes", s.bytes);
    w.Close();
    std::cout << out << "\n";
  }
  const Log log = MakeLog("export", vm);
  log.Info("simshard export: " + opts.output_path + (opts.format == "cdxj" ? " (index)" : "") + ": " +
           std::to_string(s.originals) + " original WARC records, " +
           std::to_string(s.resources) + " resource, " + std::to_string(s.revisits) + " revisit, " +
           std::to_string(s.metadata) + " metadata records");
  if (s.unreferenced > 0) {
    log.Info("simshard export: " + std::to_string(s.unreferenced) +
             " dropped documents refer to documents the archive lost (not written)");
  }
}

}  // namespace

int ExportCommand(const std::vector<std::string>& args) {
  const CommandHelp help = ExportHelp();
  po::variables_map vm;
  if (!ParseCommandLine(help, args, ExportOptionsDescription(), {}, &vm)) return kOk;
  const ExportOptions opts = ToExportOptions(vm);
  Result<ExportSummary> summary = RunExport(opts);
  if (!summary.ok()) return Fail(help.name, summary.status());
  ReportExport(vm, opts, *summary);
  return kOk;
}

}  // namespace simshard::cli
