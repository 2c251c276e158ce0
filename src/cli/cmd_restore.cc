// `simshard restore`: archived documents back, by id or URL, to stdout or into a folder.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <tuple>

#include "cli/command.h"
#include "pipeline/restore_path.h"
#include "simshard/archive.h"

namespace simshard::cli {

namespace {

bool WriteStdout(std::string_view bytes) {
  return std::fwrite(bytes.data(), 1, bytes.size(), stdout) == bytes.size();
}

// Finds every requested document first, then reads them in shard and frame order so
// consecutive reads hit the same frame.
struct Wanted {
  size_t position;
  CatalogEntry entry;
};

// Boost.Program_options erases each positional argument from the front of its argument
// list, which is quadratic (12% of the CPU of a 10,000-id restore), so the ids are taken
// out first: every argument that is neither an option nor the value of one.
std::vector<std::string> TakeOutIds(const std::vector<std::string>& args,
                                    const po::options_description& options,
                                    std::vector<std::string>* ids) {
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      ids->insert(ids->end(), args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    if (a.size() < 2 || a[0] != '-') {
      ids->push_back(a);
      continue;
    }
    rest.push_back(a);
    // "--name VALUE" and "-n VALUE" take the next argument along; "--name=VALUE" does not.
    const bool is_long = a.starts_with("--");
    if ((is_long && a.find('=') != std::string::npos) || (!is_long && a.size() > 2)) continue;
    const po::option_description* d = options.find_nothrow(is_long ? a.substr(2) : a, false);
    if (d != nullptr && d->semantic()->max_tokens() > 0 && i + 1 < args.size()) rest.push_back(args[++i]);
  }
  return rest;
}

// Ids or URLs one per line from FILE ("-": standard input), for lists longer than a
// command line takes. Blank lines are skipped; surrounding spaces and a CR are dropped.
Status ReadIdsFrom(const std::string& path, std::vector<std::string>* ids) {
  std::ifstream file;
  if (path != "-") {
    file.open(path);
    if (!file) return Status::IOError("--ids-from " + path + ": cannot open");
  }
  std::istream& in = path == "-" ? std::cin : file;
  for (std::string line; std::getline(in, line);) {
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
    const size_t last = line.find_last_not_of(" \t\r");
    ids->push_back(line.substr(first, last - first + 1));
  }
  if (in.bad()) return Status::IOError("--ids-from " + path + ": read error");
  return Status::OK();
}

// Why a URL names another document: "near-duplicate (distance 3, similarity 0.9123) of ID".
std::string DroppedWhy(const DroppedEntry& d) {
  std::string why = std::string(d.status());
  if (d.near) {
    char buf[64];
    std::snprintf(buf, sizeof buf, " (distance %d, similarity %.4f)", d.distance, d.similarity);
    why += buf;
  }
  return why + " of " + d.duplicate_of + " (run " + std::to_string(d.run) + ")";
}

// An id or URL not archived itself: a dropped duplicate's URL answers with the document it
// repeats, said on stderr; with `exact` it is refused.
Result<CatalogEntry> FindKept(const ArchiveReader& reader, const std::string& key, const Status& not_found,
                              bool exact, const Log& log) {
  Result<DroppedEntry> dropped = reader.FindDropped(key);
  if (!dropped.ok()) return not_found;
  const std::string why = DroppedWhy(*dropped);
  if (exact) {
    return Status::NotFound(key + " was not archived: it was dropped as a " + why +
                            " (without --exact, restore writes that document)");
  }
  Result<CatalogEntry> kept = reader.Find(dropped->duplicate_of);
  if (!kept.ok()) {
    return Status::NotFound(key + " was dropped as a " + why + ", which the archive no longer holds" +
                            " (simshard repair lists lost documents)");
  }
  log.Info("simshard restore: " + key + ": not archived itself, dropped as a " + why + "; writing " + kept->id);
  return kept;
}

// What a restore was asked for.
struct RestoreRequest {
  std::string dir, outdir;  // outdir empty: stdout
  std::vector<std::string> ids;
  bool text = false, warc = false, exact = false;
};

CommandHelp RestoreHelp() {
  return CommandHelp{
      "restore", "simshard restore --archive DIR ID|URL... [--ids-from FILE] [--text|--warc] [--exact] [--to OUTDIR]",
      "Writes archived documents exactly as they were read: a whole .txt/.html file byte for\n"
      "byte, a JSON Lines record as an equal JSON object. To stdout by default (documents one\n"
      "after the other), or with --to into OUTDIR, one file per document named after its\n"
      "source path (never outside OUTDIR). A URL names the earliest document archived with it;\n"
      "the URL of a page dropped as a duplicate names the document it repeats (stderr says\n"
      "which and why), unless --exact, which refuses it (exit 1). --warc writes the WARC record\n"
      "a document was read from, byte for byte (a document from another input fails).",
      "  simshard restore --archive /srv/news 3f2a9c0d1e4b5a69 > article.html\n"
      "  simshard restore --archive /srv/news --text https://example.org/news/1\n"
      "  simshard restore --archive /srv/news --to restored/ $(cut -f1 ids.tsv)\n"
      "  cut -f1 ids.tsv | simshard restore --archive /srv/news --to restored/ --ids-from -"};
}

po::options_description RestoreOptions() {
  po::options_description options("Restore options");
  options.add_options()
      ("archive,a", po::value<std::string>()->value_name("DIR"), "the archive folder")
      ("id", po::value<std::vector<std::string>>()->value_name("ID|URL"),
       "document ids (16 hex digits) or URLs")
      ("ids-from", po::value<std::string>()->value_name("FILE"),
       "also restore the ids or URLs listed in FILE, one per line (- for standard input)")
      ("text", po::bool_switch(), "write the extracted article text instead of the original")
      ("warc", po::bool_switch(), "write the WARC record the document was read from, byte for byte")
      ("exact", po::bool_switch(),
       "refuse (exit 1) a URL that was dropped as a duplicate instead of writing the document it repeats")
      ("to", po::value<std::string>()->value_name("OUTDIR"),
       "write each document to a file under OUTDIR named after its source path");
  options.add(CommonOptions());
  return options;
}

// The command line (and --ids-from) as a request; false when --help was printed, an
// error when --ids-from cannot be read. Usage errors throw, as for every command.
Result<bool> ParseRestore(const CommandHelp& help, const std::vector<std::string>& args,
                          po::variables_map* vm, RestoreRequest* request) {
  const po::options_description options = RestoreOptions();
  po::positional_options_description positional;
  positional.add("id", -1);
  std::vector<std::string>& ids = request->ids;
  if (!ParseCommandLine(help, TakeOutIds(args, options, &ids), options, positional, vm)) return false;
  Require(*vm, "archive");
  if (vm->count("id")) {
    const auto& more = (*vm)["id"].as<std::vector<std::string>>();
    ids.insert(ids.begin(), more.begin(), more.end());
  }
  if (vm->count("ids-from")) {
    const Status read = ReadIdsFrom((*vm)["ids-from"].as<std::string>(), &ids);
    if (!read.ok()) return read;
  }
  if (ids.empty()) throw UsageError("missing --id");
  request->dir = (*vm)["archive"].as<std::string>();
  request->text = (*vm)["text"].as<bool>();
  request->exact = (*vm)["exact"].as<bool>();
  request->warc = (*vm)["warc"].as<bool>();
  if (request->text && request->warc) throw UsageError("--text and --warc cannot be used together");
  request->outdir = vm->count("to") ? (*vm)["to"].as<std::string>() : "";
  return true;
}

// Every id or URL looked up first; those not found are reported (and `*code` set).
std::vector<Wanted> LookUp(const ArchiveReader& reader, const RestoreRequest& request, const Log& log,
                           int* code) {
  std::vector<Wanted> wanted;
  for (const std::string& key : request.ids) {
    Result<CatalogEntry> entry = reader.Find(key);
    if (!entry.ok()) entry = FindKept(reader, key, entry.status(), request.exact, log);
    if (!entry.ok()) {
      *code = Fail("restore", entry.status());
      continue;
    }
    wanted.push_back({wanted.size(), std::move(entry).value()});
  }
  // Stdout keeps the order asked for; files are written in shard and frame order, so
  // that documents in one frame share one decompression.
  if (!request.outdir.empty()) {
    std::stable_sort(wanted.begin(), wanted.end(), [](const Wanted& a, const Wanted& b) {
      return std::tie(a.entry.shard, a.entry.frame_offset) < std::tie(b.entry.shard, b.entry.frame_offset);
    });
  }
  return wanted;
}

// The bytes asked of one record: its original, its text or its WARC record.
Result<std::string> BytesOf(const Record& record, const RestoreRequest& request) {
  std::string bytes = request.text ? record.text : request.warc ? WarcRecordBytes(record) : OriginalBytes(record);
  if (request.warc && bytes.empty()) {
    return Status::NotSupported(record.id + " was not read from a WARC file (" + record.source +
                                "); simshard export --format warc writes it as a resource record");
  }
  return bytes;
}

// Reads and writes each wanted document; returns kFatal when stdout cannot be written
// (nothing more can be), else `code` or kFatal for the documents that failed.
int WriteAll(const ArchiveReader& reader, const std::vector<Wanted>& wanted,
             const RestoreRequest& request, const Log& log, int code) {
  pipeline::RestoreFolder folder(request.outdir);
  for (const Wanted& w : wanted) {
    Result<Record> record = reader.Read(w.entry);
    Result<std::string> bytes = record.ok() ? BytesOf(*record, request) : Result<std::string>(record.status());
    if (!bytes.ok()) {
      code = Fail("restore", bytes.status());
      continue;
    }
    if (request.outdir.empty()) {
      if (!WriteStdout(*bytes)) return Fail("restore", FlushStdout(true));
      continue;
    }
    const std::string relative = pipeline::SafeRelativePath(record->source);
    Status st = folder.Write(relative, *bytes);
    if (!st.ok()) {
      code = Fail("restore", st);
      continue;
    }
    log.Detail(record->id + " -> " + request.outdir + "/" + relative);
  }
  const Status flushed = FlushStdout();
  return flushed.ok() ? code : Fail("restore", flushed);
}

// The documents came back whole, but from parity: the shard itself is still damaged.
void ReportHealedShards(const ArchiveReader& reader, const std::string& dir) {
  for (const std::string& shard : reader.HealedShards()) {
    Complain("restore", dir + "/" + shard + " is damaged; what was restored from it was rebuilt in memory from its parity. "
                        "Run simshard repair --archive " + dir + " to heal the shard on disk");
  }
}

}  // namespace

int RestoreCommand(const std::vector<std::string>& args) {
  const CommandHelp help = RestoreHelp();
  po::variables_map vm;
  RestoreRequest request;
  const Result<bool> parsed = ParseRestore(help, args, &vm, &request);
  if (!parsed.ok()) return Fail(help.name, parsed.status());
  if (!*parsed) return kOk;
  const Log log = MakeLog(help.name, vm);
  Result<std::unique_ptr<ArchiveReader>> reader = ArchiveReader::Open(request.dir);
  if (!reader.ok()) return Fail(help.name, reader.status());
  int code = kOk;
  const std::vector<Wanted> wanted = LookUp(**reader, request, log, &code);
  code = WriteAll(**reader, wanted, request, log, code);
  if (code == kFatal && std::ferror(stdout)) return code;
  ReportHealedShards(**reader, request.dir);
  return code;
}

}  // namespace simshard::cli
