// `simshard export`: the archive as a WARC file that web archive tools read and replay.
#include <cstdio>
#include <iostream>

#include "cli/command.h"
#include "simshard/pipeline.h"
#include "util/json_writer.h"

namespace simshard::cli {

int ExportCommand(const std::vector<std::string>& args) {
  const CommandHelp help{
      "export", "simshard export --archive DIR --format warc --output FILE.warc.gz",
      "Writes the archive as WARC, one gzip member per record: each document read from a WARC\n"
      "file as the record it was read from (WARC header and block byte for byte), each other\n"
      "document as a resource record of its original bytes, each document dropped as a\n"
      "duplicate as a revisit record (profile identical-payload-digest, referring to the\n"
      "archived record by WARC-Refers-To-Target-URI and WARC-Refers-To-Date), and each\n"
      "near-duplicate as a metadata record naming the archived record, its distance and\n"
      "similarity. FILE is written as FILE.tmp and renamed into place once complete.",
      "  simshard export --archive /srv/news --format warc --output news.warc.gz"};
  po::options_description options("Export options");
  options.add_options()
      ("archive,a", po::value<std::string>()->value_name("DIR"), "the archive folder")
      ("format", po::value<std::string>()->default_value("warc")->value_name("warc"), "output format")
      ("output,o", po::value<std::string>()->value_name("FILE"), "the file to write (.warc.gz)");
  options.add(CommonOptions());
  po::variables_map vm;
  if (!ParseCommandLine(help, args, options, {}, &vm)) return kOk;
  Require(vm, "archive");
  Require(vm, "output");
  ExportOptions opts;
  opts.archive_dir = vm["archive"].as<std::string>();
  opts.output_path = vm["output"].as<std::string>();
  opts.format = vm["format"].as<std::string>();
  if (opts.format != "warc") throw UsageError("--format must be warc");
  const Log log = MakeLog(help.name, vm);
  Result<ExportSummary> s = RunExport(opts);
  if (!s.ok()) return Fail(help.name, s.status());
  if (vm["json"].as<bool>()) {
    std::string out;
    JsonObjectWriter w(&out);
    w.Uint("originals", s->originals).Uint("resources", s->resources).Uint("revisits", s->revisits);
    w.Uint("metadata", s->metadata).Uint("unreferenced", s->unreferenced).Uint("bytes", s->bytes);
    w.Close();
    std::cout << out << "\n";
  }
  log.Info("simshard export: " + opts.output_path + ": " + std::to_string(s->originals) + " original WARC records, " +
           std::to_string(s->resources) + " resource, " + std::to_string(s->revisits) + " revisit, " +
           std::to_string(s->metadata) + " metadata records");
  if (s->unreferenced > 0) {
    log.Info("simshard export: " + std::to_string(s->unreferenced) +
             " dropped documents refer to documents the archive lost (not written)");
  }
  return kOk;
}

}  // namespace simshard::cli
