// Shared by the archive unit tests: scratch folders and made-up records.
#pragma once

#include <cstdlib>
#include <fcntl.h>
#include <string>

#include <sqlite3.h>

#include <boost/filesystem.hpp>
#include <boost/test/unit_test.hpp>

#include "simshard/archive.h"
#include "util/encoding.h"
#include "util/file_util.h"

namespace simshard::testing {

// A fresh folder under the system temp dir, removed when the object goes away.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (boost::filesystem::temp_directory_path() / "simshard-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~ScratchDir() {
    boost::system::error_code ec;
    boost::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A made-up article record with a stable id derived from `n`.
inline Record MakeRecord(uint64_t n, std::string text = "") {
  Record r;
  r.id = Hex64(0x5100000000000000ull + n * 7919);
  r.url = "https://example.org/news/" + std::to_string(n);
  r.source = "crawl/site-a/" + std::to_string(n) + ".txt";
  r.title = "Story number " + std::to_string(n);
  r.date = "2026-11-2" + std::to_string(n % 9);
  r.archived_at = "2026-11-29T01:00:00Z";
  r.digest = Hex64(n) + Hex64(~n);
  r.kind = OriginalKind::kText;
  if (text.empty()) {
    text = "The harbour council met on evening " + std::to_string(n) +
           " to discuss the new ferry timetable.\n\nResidents asked for later sailings.";
  }
  r.text = text;
  FingerprintStoredText(&r);  // what the pipeline would have computed: reindex computes it again
  return r;
}

inline std::unique_ptr<ArchiveWriter> OpenWriter(const std::string& dir, ArchiveOptions options = {}) {
  auto w = ArchiveWriter::Open(dir, options);
  BOOST_REQUIRE_MESSAGE(w.ok(), w.status().message());
  return std::move(w).value();
}

inline std::unique_ptr<ArchiveReader> OpenReader(const std::string& dir) {
  auto r = ArchiveReader::Open(dir);
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().message());
  return std::move(r).value();
}

inline void WriteRun(const std::string& dir, const std::vector<Record>& records, ArchiveOptions options = {}) {
  auto w = OpenWriter(dir, options);
  BOOST_REQUIRE(w->BeginRun("{}").ok());
  for (const Record& r : records) {
    auto ordinal = w->Add(r);
    BOOST_REQUIRE_MESSAGE(ordinal.ok(), ordinal.status().message());
  }
  Status s = w->FinishRun("{\"archived\":" + std::to_string(records.size()) + "}");
  BOOST_REQUIRE_MESSAGE(s.ok(), s.message());
}

// The rows of a query on the archive's catalog: fields joined by '|', one row a line.
inline std::string CatalogRows(const std::string& dir, const std::string& sql) {
  sqlite3* db = nullptr;
  BOOST_REQUIRE(sqlite3_open((dir + "/catalog.sqlite").c_str(), &db) == SQLITE_OK);
  std::string out;
  const int rc = sqlite3_exec(db, sql.c_str(), [](void* o, int n, char** values, char**) {
    auto* text = static_cast<std::string*>(o);
    for (int i = 0; i < n; ++i) {
      if (i > 0) text->push_back('|');
      text->append(values[i] ? values[i] : "");
    }
    text->push_back('\n');
    return 0;
  }, &out, nullptr);
  sqlite3_close(db);
  BOOST_REQUIRE_MESSAGE(rc == SQLITE_OK, sql);
  return out;
}

// MakeRecord(first) to MakeRecord(last).
inline std::vector<Record> Records(uint64_t first, uint64_t last) {
  std::vector<Record> out;
  for (uint64_t n = first; n <= last; ++n) out.push_back(MakeRecord(n));
  return out;
}

// Flips bits of the byte at `offset` of the file.
inline void FlipByte(const std::string& path, uint64_t offset) {
  auto bytes = ReadFile(path).value();
  bytes[offset] ^= 0x40;
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_TRUNC));
  BOOST_REQUIRE(WriteAll(fd.get(), bytes, path).ok());
}

// True when a damage of `shard` and `frame` (-1: none) says `words`.
inline bool AnyDamageMentions(const std::vector<Damage>& damage, const std::string& shard, int64_t frame,
                       const std::string& words) {
  for (const Damage& d : damage) {
    if (d.shard == shard && d.frame == frame && d.what.find(words) != std::string::npos) return true;
  }
  return false;
}

// 2 KiB frames: a few records fill many frames.
inline ArchiveOptions SmallFrames() {
  ArchiveOptions options;
  options.frame_bytes = 2 << 10;
  return options;
}

}  // namespace simshard::testing
