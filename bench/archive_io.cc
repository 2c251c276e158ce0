// Archive stage alone: writer throughput by frame-compression threads, shard size, and
// single-article lookups (Find + Read of one frame) through the library.
//
//   bench/archive_io [DOCUMENTS]    (default 30,000)
//
// Articles are made-up JSON Lines records (sentences drawn from a fixed vocabulary, about
// 3 KB each), so the figures do not need ../shared; run.sh measures the real crawl.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <boost/filesystem.hpp>

#include "simshard/archive.h"
#include "util/encoding.h"
#include "util/json_writer.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace simshard;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string MadeUpText(std::mt19937_64& rng) {
  static const char* const kWords[] = {
      "council", "harbour", "ferry", "timetable", "residents", "minister", "budget", "school",
      "river", "bridge", "festival", "market", "football", "season", "league", "coach",
      "election", "vote", "report", "police", "weather", "storm", "farmers", "prices",
      "the", "a", "of", "to", "and", "in", "on", "for", "with", "said", "after", "before"};
  std::string text;
  const int paragraphs = 4 + static_cast<int>(rng() % 5);
  for (int p = 0; p < paragraphs; ++p) {
    if (p > 0) text += "\n\n";
    const int words = 60 + static_cast<int>(rng() % 60);
    for (int w = 0; w < words; ++w) {
      if (w > 0) text += ' ';
      text += kWords[rng() % (sizeof kWords / sizeof kWords[0])];
    }
    text += '.';
  }
  return text;
}

std::vector<Record> MakeRecords(uint64_t n) {
  std::mt19937_64 rng(7);
  std::vector<Record> records;
  for (uint64_t i = 0; i < n; ++i) {
    Record r;
    r.id = Hex64(rng());
    r.url = "https://news.example/" + std::to_string(i);
    r.source = "crawl.jsonl#" + std::to_string(i + 1);
    r.title = "Story " + std::to_string(i);
    r.archived_at = "2026-11-29T00:00:00Z";
    r.digest = r.id + Hex64(rng());
    r.simhash = rng();
    r.sketch.resize(32);
    for (char& c : r.sketch) c = static_cast<char>(rng());
    r.kind = OriginalKind::kJsonRecord;
    r.text = MadeUpText(rng);
    std::string line = "{\"url\":\"" + r.url + "\",\"title\":\"" + r.title + "\",\"text\":";
    AppendJsonString(&line, r.text);
    r.original = line + "}";
    records.push_back(std::move(r));
  }
  return records;
}

}  // namespace

int main(int argc, char** argv) {
  const uint64_t documents = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 30'000;
  const std::vector<Record> records = MakeRecords(documents);
  uint64_t input_bytes = 0;
  for (const Record& r : records) input_bytes += r.original.size() + 1;
  const std::string root = (boost::filesystem::temp_directory_path() / "simshard-archive-io").string();
  std::printf("archive_io: %llu made-up JSON Lines articles, %.1f MB\n",
              static_cast<unsigned long long>(documents), input_bytes / 1e6);

  std::string last_dir;
  for (unsigned threads : {1u, 2u}) {
    const std::string dir = root + "-t" + std::to_string(threads);
    boost::filesystem::remove_all(dir);
    ArchiveOptions options;
    options.threads = threads;
    const auto start = Clock::now();
    auto writer = ArchiveWriter::Open(dir, options);
    if (!writer.ok() || !(*writer)->BeginRun("{}").ok()) return std::fprintf(stderr, "cannot open %s\n", dir.c_str()), 1;
    for (const Record& r : records) {
      if (auto added = (*writer)->Add(r); !added.ok()) return std::fprintf(stderr, "%s\n", added.status().message().c_str()), 1;
    }
    if (Status s = (*writer)->FinishRun("{}"); !s.ok()) return std::fprintf(stderr, "%s\n", s.message().c_str()), 1;
    writer->reset();
    const double seconds = SecondsSince(start);
    const auto stats = ArchiveReader::Open(dir).value()->Stats().value();
    std::printf("  write, %u compression thread(s): %.2f s, %.1f MB/s of input; shards %.1f MB (%.3f of input)\n",
                threads, seconds, input_bytes / 1e6 / seconds, stats.bytes_stored / 1e6,
                static_cast<double>(stats.bytes_stored) / input_bytes);
    last_dir = dir;
  }

  auto reader = ArchiveReader::Open(last_dir).value();
  std::mt19937_64 rng(11);
  std::vector<double> ms;
  for (int i = 0; i < 501; ++i) {
    const Record& want = records[rng() % records.size()];
    const auto start = Clock::now();
    auto entry = reader->Find(want.id);
    auto record = entry.ok() ? reader->Read(*entry) : Result<Record>(entry.status());
    ms.push_back(SecondsSince(start) * 1e3);
    if (!record.ok() || OriginalBytes(*record) != want.original) return std::fprintf(stderr, "restore of %s failed\n", want.id.c_str()), 1;
  }
  std::sort(ms.begin(), ms.end());
  std::printf("  find + read one article (501 lookups, warm cache): median %.3f ms, p99 %.3f ms\n",
              ms[ms.size() / 2], ms[ms.size() * 99 / 100]);
  for (unsigned threads : {1u, 2u}) boost::filesystem::remove_all(root + "-t" + std::to_string(threads));
  return 0;
}
