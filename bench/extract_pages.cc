// Article extraction over a folder of real HTML pages: its speed on one core, and the
// extracted texts as JSON ({KEY: {"articleBody": TEXT}}) for scoring against gold text.
//
//   extract_pages PAGES_DIR [OUT.json]
//
// Prints MB of HTML per CPU second (best of 3 passes), pages, and how many came out
// extracted, weak and empty. KEY is the file name without .html.
#include <algorithm>
#include <boost/filesystem.hpp>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "simshard/scan.h"
#include "util/json_writer.h"

namespace fs = boost::filesystem;

namespace {

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p.string(), std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Page {
  std::string key, bytes;
};

std::vector<Page> ReadPages(const fs::path& dir) {
  std::vector<Page> pages;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    const size_t dot = name.find(".htm");
    if (dot == std::string::npos) continue;
    pages.push_back(Page{name.substr(0, dot), ReadFile(e.path())});
  }
  std::sort(pages.begin(), pages.end(), [](const Page& a, const Page& b) { return a.key < b.key; });
  return pages;
}

simshard::Document ExtractPage(const Page& page, uint64_t seq) {
  simshard::RawItem item;
  item.seq = seq;
  item.source = page.key + ".html";
  item.format = simshard::ItemFormat::kHtml;
  item.bytes = page.bytes;
  item.input_bytes = page.bytes.size();
  return simshard::Extract(std::move(item), simshard::ScanOptions{});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: extract_pages PAGES_DIR [OUT.json]\n");
    return 2;
  }
  const std::vector<Page> pages = ReadPages(argv[1]);
  size_t bytes = 0;
  for (const Page& p : pages) bytes += p.bytes.size();
  double best = 1e9;
  std::vector<simshard::Document> docs(pages.size());
  for (int run = 0; run < 3; ++run) {
    const double start = CpuSeconds();
    for (size_t i = 0; i < pages.size(); ++i) docs[i] = ExtractPage(pages[i], i);
    best = std::min(best, CpuSeconds() - start);
  }
  int counts[3] = {0, 0, 0}, skipped = 0;
  std::string json = "{";
  for (size_t i = 0; i < pages.size(); ++i) {
    if (docs[i].skipped()) ++skipped;
    else ++counts[static_cast<int>(docs[i].extraction)];
    if (i) json += ",\n";
    simshard::AppendJsonString(&json, pages[i].key);
    json += ":";
    simshard::JsonObjectWriter(&json).String("articleBody", docs[i].text).Close();
  }
  json += "}\n";
  if (argc > 2) std::ofstream(argv[2], std::ios::binary) << json;
  std::printf("%zu pages, %.1f MB: %.1f MB/s per CPU second; extracted %d, weak %d, empty %d, "
              "skipped %d\n",
              pages.size(), bytes / 1e6, bytes / 1e6 / best, counts[0], counts[1], counts[2],
              skipped);
  return 0;
}
