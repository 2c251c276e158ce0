// `simshard list`: one line per archived document, as TSV or JSON Lines.
#include <cstdio>

#include "cli/command.h"
#include "simshard/archive.h"
#include "util/json_writer.h"

namespace simshard::cli {

namespace {

// TSV cannot hold tabs or line breaks inside a field: they become spaces.
void AppendTsvField(std::string* out, std::string_view field) {
  for (char c : field) out->push_back(c == '\t' || c == '\n' || c == '\r' ? ' ' : c);
}

// With --all, every line ends in two more fields: the status and what a dropped document
// repeats (empty for an archived one).
void AppendTsv(const CatalogEntry& e, bool all, std::string* out) {
  for (const std::string* field : {&e.id, &e.url, &e.source, &e.title, &e.date, &e.shard}) {
    AppendTsvField(out, *field);
    out->push_back('\t');
  }
  *out += std::to_string(e.original_size);
  if (all) *out += "\tarchived\t";
  out->push_back('\n');
}

void AppendJsonLine(const CatalogEntry& e, bool all, std::string* out) {
  JsonObjectWriter w(out);
  w.String("id", e.id).String("url", e.url).String("source", e.source);
  w.String("title", e.title).String("date", e.date).String("shard", e.shard);
  w.Uint("size", e.original_size);
  if (e.extraction != Extraction::kExtracted) w.String("extraction", ExtractionName(e.extraction));
  if (!e.crawled_at.empty()) w.String("crawled_at", e.crawled_at);
  if (all) w.String("status", "archived");
  w.Close();
  out->push_back('\n');
}

// A dropped document has no id, title, shard or size of its own.
void AppendDroppedTsv(const DroppedEntry& d, std::string* out) {
  out->push_back('\t');
  for (const std::string* field : {&d.url, &d.source}) {
    AppendTsvField(out, *field);
    out->push_back('\t');
  }
  out->push_back('\t');
  AppendTsvField(out, d.date);
  *out += "\t\t\t";
  *out += d.status();
  out->push_back('\t');
  *out += d.duplicate_of;
  out->push_back('\n');
}

void AppendDroppedJsonLine(const DroppedEntry& d, std::string* out) {
  JsonObjectWriter w(out);
  w.String("url", d.url).String("source", d.source).String("date", d.date);
  if (!d.crawled_at.empty()) w.String("crawled_at", d.crawled_at);
  w.String("status", d.status()).String("duplicate_of", d.duplicate_of);
  if (d.distance >= 0) w.Int("distance", d.distance);
  if (d.similarity >= 0) w.Double("similarity", d.similarity);
  w.Uint("run", d.run);
  w.Close();
  out->push_back('\n');
}

CommandHelp ListHelp() {
  return CommandHelp{
      "list", "simshard list --archive DIR [--format tsv|jsonl] [--url-prefix P] [--since D] [--until D]"
      " [--by archived|date|crawled] [--all]",
      "One line per archived document, in archive order: id, url, source, title, date, shard,\n"
      "size (bytes of the original); JSON Lines add \"extraction\" (weak or empty) for a page\n"
      "with little or no text. TSV has no header; tabs and line breaks inside fields\n"
      "become spaces. --since/--until select by when documents were archived (UTC, ISO 8601,\n"
      "inclusive: --until 2026-11-28 takes in that whole day); with --by date, by their date\n"
      "(the publication date the page states, else its crawl time), with --by crawled, by\n"
      "when the crawler fetched them (documents without one are left out). JSON Lines add\n"
      "\"crawled_at\" when it is known. --all also lists the documents\n"
      "dropped as duplicates, after the archived ones, and adds two fields to every line:\n"
      "status (archived, duplicate, near-duplicate) and duplicate_of (the id a dropped one\n"
      "repeats); a dropped document has no id, title, shard or size. JSON Lines give a dropped\n"
      "one url, source, date, status, duplicate_of, distance and similarity (near-duplicates)\n"
      "and run.",
      "  simshard list --archive /srv/news --url-prefix https://example.org/ --since 2026-11-01\n"
      "  simshard list --archive /srv/news --format jsonl | jq -r .url"};
}

po::options_description ListOptions() {
  po::options_description options("List options");
  options.add_options()
      ("archive,a", po::value<std::string>()->value_name("DIR"), "the archive folder")
      ("format", po::value<std::string>()->default_value("tsv")->value_name("tsv|jsonl"),
       "output format")
      ("url-prefix", po::value<std::string>()->value_name("P"), "only URLs starting with P")
      ("since", po::value<std::string>()->value_name("D"), "only documents archived at D or later")
      ("until", po::value<std::string>()->value_name("D"), "only documents archived at D or earlier")
      ("by", po::value<std::string>()->default_value("archived")->value_name("archived|date|crawled"),
       "which time --since and --until compare with")
      ("all", po::bool_switch(), "also list the documents dropped as duplicates, with their status");
  options.add(CommonOptions());
  return options;
}

// --url-prefix, --since, --until and --by. Throws UsageError.
ListFilter ToListFilter(const po::variables_map& vm) {
  ListFilter filter;
  if (vm.count("url-prefix")) filter.url_prefix = vm["url-prefix"].as<std::string>();
  if (vm.count("since")) filter.since = vm["since"].as<std::string>();
  if (vm.count("until")) filter.until = vm["until"].as<std::string>();
  const std::string by = vm["by"].as<std::string>();
  if (by == "date") filter.by = ListDate::kDate;
  else if (by == "crawled") filter.by = ListDate::kCrawled;
  else if (by != "archived") throw UsageError("--by must be archived, date or crawled");
  return filter;
}

// Writes the listing to stdout in blocks of 64 KiB: the archived documents, then with `all`
// the dropped ones. A failed write is an IOError once the listing is done.
Status WriteListing(const ArchiveReader& reader, const ListFilter& filter, bool jsonl, bool all) {
  std::string out;
  bool write_failed = false;
  auto flush = [&](size_t at_least) {
    if (out.size() < at_least) return;
    write_failed |= std::fwrite(out.data(), 1, out.size(), stdout) != out.size();
    out.clear();
  };
  Status st = reader.List(filter, [&](const CatalogEntry& e) {
    jsonl ? AppendJsonLine(e, all, &out) : AppendTsv(e, all, &out);
    flush(1 << 16);
  });
  if (st.ok() && all) {
    st = reader.ListDropped(filter, [&](const DroppedEntry& d) {
      jsonl ? AppendDroppedJsonLine(d, &out) : AppendDroppedTsv(d, &out);
      flush(1 << 16);
    });
  }
  flush(0);
  SIMSHARD_RETURN_IF_ERROR(st);
  return FlushStdout(write_failed);
}

}  // namespace

int ListCommand(const std::vector<std::string>& args) {
  const CommandHelp help = ListHelp();
  po::variables_map vm;
  if (!ParseCommandLine(help, args, ListOptions(), {}, &vm)) return kOk;
  Require(vm, "archive");
  const std::string format = vm["format"].as<std::string>();
  if (format != "tsv" && format != "jsonl") throw UsageError("--format must be tsv or jsonl");
  const ListFilter filter = ToListFilter(vm);
  Result<std::unique_ptr<ArchiveReader>> reader = ArchiveReader::Open(vm["archive"].as<std::string>());
  if (!reader.ok()) return Fail(help.name, reader.status());
  return Fail(help.name, WriteListing(**reader, filter, format == "jsonl", vm["all"].as<bool>()));
}

}  // namespace simshard::cli
