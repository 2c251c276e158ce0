// Crash recovery, the writer lock, and what verify, reindex and repair do with damage.
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <map>
#include <set>
#include <fcntl.h>
#include <cstdlib>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "archive/shard_format.h"
#include "archive_test_util.h"
#include "simshard/archive.h"
#include "util/file_util.h"

using namespace simshard;
using simshard::testing::MakeRecord;
using simshard::testing::OpenReader;
using simshard::testing::OpenWriter;
using simshard::testing::ScratchDir;
using simshard::testing::WriteRun;
using namespace simshard::testing;

namespace {

// Runs a writer in a child process that kills itself at `step`; returns its signal.
int RunUntilCrash(const std::string& dir, const std::vector<Record>& records, const char* step,
                  ArchiveOptions options = {}) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setenv("SIMSHARD_CRASH_AT", step, 1);
    auto w = ArchiveWriter::Open(dir, options);
    if (!w.ok() || !(*w)->BeginRun("{}").ok()) ::_exit(3);
    for (const Record& r : records) {
      if (!(*w)->Add(r).ok()) ::_exit(4);
    }
    (*w)->FinishRun("{}");
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFSIGNALED(status) ? WTERMSIG(status) : -WEXITSTATUS(status);
}

uint64_t DocumentCount(const std::string& dir) {
  auto reader = OpenReader(dir);
  return reader->Stats()->documents;
}

std::vector<std::string> CatalogRows(const std::string& dir) {
  std::vector<std::string> rows;
  auto reader = OpenReader(dir);
  BOOST_REQUIRE(reader->List({}, [&](const CatalogEntry& e) {
    rows.push_back(std::to_string(e.ordinal) + " " + e.id + " " + e.url + " " + e.shard + " " +
                   std::to_string(e.frame) + " " + std::to_string(e.frame_offset) + " " +
                   std::to_string(e.frame_size) + " " + std::to_string(e.record_offset) + " " +
                   std::to_string(e.record_size) + " " + e.digest + " " + std::to_string(e.simhash) + " " +
                   std::to_string(e.original_size) + " " + std::to_string(e.run));
  }).ok());
  return rows;
}

void Sql(const std::string& dir, const char* sql) {
  sqlite3* db = nullptr;
  BOOST_REQUIRE(sqlite3_open((dir + "/catalog.sqlite").c_str(), &db) == SQLITE_OK);
  BOOST_REQUIRE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

}  // namespace

BOOST_AUTO_TEST_CASE(second_writer_fails_at_once_naming_lock_and_pid) {
  ScratchDir dir;
  auto first = OpenWriter(dir.path());
  auto second = ArchiveWriter::Open(dir.path(), {});
  BOOST_REQUIRE(!second.ok());
  const std::string msg = second.status().message();
  BOOST_TEST(msg.find(dir / "LOCK") != std::string::npos, msg);
  BOOST_TEST(msg.find("pid " + std::to_string(::getpid())) != std::string::npos, msg);
  first.reset();
  BOOST_TEST(ArchiveWriter::Open(dir.path(), {}).ok());
}

BOOST_AUTO_TEST_CASE(sealed_but_uncommitted_shard_is_registered_at_open) {
  for (const char* step : {"after-shard-rename", "before-catalog-commit"}) {
    ScratchDir dir;
    WriteRun(dir.path(), Records(1, 5));
    BOOST_REQUIRE(RunUntilCrash(dir.path(), Records(6, 20), step) == SIGKILL);
    BOOST_TEST(DocumentCount(dir.path()) == 5u);  // readers see only committed rows
    BOOST_TEST(AnyDamageMentions(OpenReader(dir.path())->Verify(), shard::ShardName(2), -1, "not in the catalog"));
    OpenWriter(dir.path());                        // recovery
    BOOST_TEST(DocumentCount(dir.path()) == 20u, step);
    BOOST_TEST(OpenReader(dir.path())->Verify().empty(), step);
  }
}

BOOST_AUTO_TEST_CASE(unsealed_shard_temp_files_are_removed_at_open) {
  for (const char* step : {"mid-frame-write", "before-index-write", "before-shard-fsync", "before-shard-rename"}) {
    ScratchDir dir;
    WriteRun(dir.path(), Records(1, 5));
    BOOST_REQUIRE(RunUntilCrash(dir.path(), Records(6, 20), step) == SIGKILL);
    BOOST_TEST(boost::filesystem::exists(dir / "000002.jsonl.zst.tmp"), step);
    OpenWriter(dir.path());
    BOOST_TEST(!boost::filesystem::exists(dir / "000002.jsonl.zst.tmp"), step);
    BOOST_TEST(DocumentCount(dir.path()) == 5u, step);
    // The rerun archives what the killed run did not commit.
    WriteRun(dir.path(), Records(6, 20));
    BOOST_TEST(DocumentCount(dir.path()) == 20u, step);
    BOOST_TEST(OpenReader(dir.path())->Verify().empty(), step);
  }
}

BOOST_AUTO_TEST_CASE(verify_reports_cut_and_missing_shards) {
  ScratchDir dir;
  ArchiveOptions options = SmallFrames();
  options.shard_bytes = 8 << 10;
  WriteRun(dir.path(), Records(1, 80), options);
  const std::string cut = shard::ShardName(1), gone = shard::ShardName(2);
  BOOST_REQUIRE(::truncate((dir / cut).c_str(), 3000) == 0);
  BOOST_REQUIRE(::unlink((dir / gone).c_str()) == 0);
  const auto damage = OpenReader(dir.path())->Verify();
  BOOST_TEST(AnyDamageMentions(damage, cut, -1, "cut short"));
  BOOST_TEST(AnyDamageMentions(damage, gone, -1, "missing"));
}

BOOST_AUTO_TEST_CASE(verify_catches_a_catalog_row_pointing_elsewhere) {
  ScratchDir dir;
  WriteRun(dir.path(), Records(1, 10));
  Sql(dir.path(), "UPDATE documents SET record_offset = record_offset + 1 WHERE ordinal = 3");
  const auto damage = OpenReader(dir.path())->Verify();
  BOOST_REQUIRE(damage.size() == 1u);
  BOOST_TEST(damage[0].what.find(MakeRecord(3).id) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(reindex_rebuilds_an_equal_catalog) {
  ScratchDir dir;
  ArchiveOptions options = SmallFrames();
  options.shard_bytes = 8 << 10;
  WriteRun(dir.path(), Records(1, 40), options);
  WriteRun(dir.path(), Records(41, 60), options);
  const auto before = CatalogRows(dir.path());
  for (const char* f : {"catalog.sqlite", "catalog.sqlite-wal", "catalog.sqlite-shm"}) ::unlink((dir / f).c_str());
  BOOST_REQUIRE(Reindex(dir.path()).ok());
  BOOST_TEST(CatalogRows(dir.path()) == before, boost::test_tools::per_element());
  auto reader = OpenReader(dir.path());
  BOOST_TEST(reader->Verify().empty());
  BOOST_TEST(reader->Runs()->size() == 2u);
}

BOOST_AUTO_TEST_CASE(repair_truncates_a_cut_shard_and_lists_what_was_lost) {
  ScratchDir dir;
  WriteRun(dir.path(), Records(1, 60), SmallFrames());
  const std::string name = shard::ShardName(1);
  auto reader = OpenReader(dir.path());
  auto last = reader->Find(MakeRecord(60).id).value();
  reader.reset();
  // Cut in the middle of the last frame: its records are lost, the rest is kept.
  BOOST_REQUIRE(::truncate((dir / name).c_str(), static_cast<off_t>(last.frame_offset + 10)) == 0);
  auto report = Repair(dir.path());
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().message());
  BOOST_TEST(!report->lost.empty());
  bool lost_last = false;
  for (const LostDocument& d : report->lost) lost_last |= d.id == MakeRecord(60).id && d.url == MakeRecord(60).url;
  BOOST_TEST(lost_last);
  reader = OpenReader(dir.path());
  BOOST_TEST(reader->Verify().empty());
  BOOST_TEST(reader->Stats()->documents == 60u - report->lost.size());
  BOOST_TEST(reader->Read(reader->Find(MakeRecord(1).id).value()).ok());
  // The lost documents can be archived again.
  reader.reset();
  WriteRun(dir.path(), Records(60 - report->lost.size() + 1, 60));
  BOOST_TEST(DocumentCount(dir.path()) == 60u);
}

BOOST_AUTO_TEST_CASE(hostile_metadata_comes_back_unchanged_from_catalog_and_shard) {
  ScratchDir dir;
  Record r = MakeRecord(1);
  r.url = std::string("https://x.example/a'b\"c?d=1;DROP TABLE documents;--\0\x01\xff", 53);
  r.title = std::string("tab\there \"quoted\" \x7f nul\0end", 27);
  r.source = "../../etc/passwd\n#1";
  WriteRun(dir.path(), {r});
  auto reader = OpenReader(dir.path());
  const CatalogEntry e = reader->Find(r.id).value();
  BOOST_TEST(e.url == r.url);
  BOOST_TEST(e.title == r.title);
  BOOST_TEST(e.source == r.source);
  const Record back = reader->Read(e).value();
  BOOST_TEST(back.url == r.url);
  BOOST_TEST(back.title == r.title);
  BOOST_TEST(back.source == r.source);
  BOOST_TEST(reader->Find(r.url).ok());  // by URL, through a bound parameter
  reader.reset();
  BOOST_REQUIRE(Reindex(dir.path()).ok());
  BOOST_TEST(OpenReader(dir.path())->Find(r.id)->url == r.url);
}

BOOST_AUTO_TEST_CASE(verify_notices_bytes_appended_to_a_shard) {
  ScratchDir dir;
  WriteRun(dir.path(), Records(1, 10));
  const std::string path = dir / shard::ShardName(1);
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND));
  BOOST_REQUIRE(WriteAll(fd.get(), "junk", path).ok());
  fd.reset();
  BOOST_TEST(!OpenReader(dir.path())->Verify().empty());
}

BOOST_AUTO_TEST_CASE(repair_rebuilds_a_catalog_overwritten_with_garbage) {
  ScratchDir dir;
  WriteRun(dir.path(), Records(1, 20));
  for (const char* f : {"catalog.sqlite-wal", "catalog.sqlite-shm"}) ::unlink((dir / f).c_str());
  {
    UniqueFd fd(::open((dir / "catalog.sqlite").c_str(), O_WRONLY | O_TRUNC));
    BOOST_REQUIRE(WriteAll(fd.get(), std::string(8192, 'x'), "catalog").ok());
  }
  BOOST_TEST(!ArchiveReader::Open(dir.path()).ok());
  auto report = Repair(dir.path());
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().message());
  BOOST_TEST(report->lost.empty());
  BOOST_TEST(boost::filesystem::exists(dir / "catalog.sqlite.broken"));
  auto reader = OpenReader(dir.path());
  BOOST_TEST(reader->Stats()->documents == 20u);
  BOOST_TEST(reader->Verify().empty());
}
