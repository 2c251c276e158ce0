#include "cli/input_options.h"

#include "cli/bounded_option.h"
#include "simshard/pipeline.h"

namespace simshard::cli {

namespace {

void SetFields(const po::variables_map& vm, const char* name, std::vector<std::string>* out) {
  if (vm.count(name)) *out = vm[name].as<std::vector<std::string>>();
}

}  // namespace

void AddInputOption(po::options_description* group) {
  group->add_options()
      ("input", po::value<std::vector<std::string>>()->composing()->value_name("INPUT"),
       "files or folders to read, also given as plain arguments (folders are walked "
       "recursively in sorted order)");
}

void AddThreadsOption(po::options_description* group) {
  group->add_options()
      ("threads,j", po::value<int64_t>()->default_value(0)->value_name("N"),
       WithRange("worker threads (0: all cores); results are the same for any N", kThreadsBounds)
           .c_str());
}

unsigned ThreadsOption(const po::variables_map& vm) {
  return static_cast<unsigned>(BoundedInt(vm, "threads", kThreadsBounds));
}

po::positional_options_description InputPositional() {
  po::positional_options_description positional;
  positional.add("input", -1);
  return positional;
}

po::options_description ScanOptionsDescription() {
  po::options_description scan("Input");
  scan.add_options()
      ("max-doc-bytes", po::value<int64_t>()->default_value(ScanOptions().max_doc_bytes)->value_name("BYTES"),
       WithRange("skip documents larger than this (also once decompressed)", kMaxDocBytesBounds)
           .c_str())
      ("text-field", po::value<std::vector<std::string>>()->composing()->value_name("NAME"),
       "JSON Lines field holding the text (repeatable; replaces text, content, body, "
       "maintext, html)")
      ("url-field", po::value<std::vector<std::string>>()->composing()->value_name("NAME"),
       "JSON Lines field holding the URL (replaces url, link, canonical_url)")
      ("title-field", po::value<std::vector<std::string>>()->composing()->value_name("NAME"),
       "JSON Lines field holding the title (replaces title, headline)")
      ("date-field", po::value<std::vector<std::string>>()->composing()->value_name("NAME"),
       "JSON Lines field holding the date (replaces date, published, date_publish)");
  return scan;
}

ScanOptions ToScanOptions(const po::variables_map& vm) {
  ScanOptions scan;
  scan.max_doc_bytes = BoundedInt(vm, "max-doc-bytes", kMaxDocBytesBounds);
  SetFields(vm, "text-field", &scan.json_fields.text);
  SetFields(vm, "url-field", &scan.json_fields.url);
  SetFields(vm, "title-field", &scan.json_fields.title);
  SetFields(vm, "date-field", &scan.json_fields.date);
  return scan;
}

}  // namespace simshard::cli
