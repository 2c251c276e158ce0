// Publication date and crawl time kept apart: the record's `crawled_at`, the catalog's
// column, `list --by` and the upgrade of catalogs without the column.
#include <boost/test/unit_test.hpp>

#include "archive_test_util.h"
#include "simshard/archive.h"

using namespace simshard;
using simshard::testing::MakeRecord;
using simshard::testing::OpenReader;
using simshard::testing::CatalogRows;
using simshard::testing::ScratchDir;
using simshard::testing::WriteRun;

namespace {

// Records 1..3: published long before they were crawled; 2 at a time with fractions;
// 3 crawled at an unknown time.
std::vector<Record> DatedRecords() {
  std::vector<Record> records;
  for (uint64_t n = 1; n <= 3; ++n) records.push_back(MakeRecord(n));
  records[0].date = "2019-11-19";
  records[0].crawled_at = "2024-05-01T10:00:00Z";
  records[1].date = "2020-01-02T03:04:05+02:00";
  records[1].crawled_at = "2024-05-02T10:00:00.250Z";
  records[2].date = "";
  return records;
}

std::vector<std::string> Listed(const std::string& dir, ListFilter filter) {
  std::vector<std::string> out;
  BOOST_REQUIRE(OpenReader(dir)->List(filter, [&](const CatalogEntry& e) {
    out.push_back(e.id.substr(15) + " " + e.date + " " + e.crawled_at);
  }).ok());
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(crawl_times_are_kept_apart_from_dates) {
  ScratchDir dir;
  const std::vector<Record> records = DatedRecords();
  WriteRun(dir.path(), records);
  auto reader = OpenReader(dir.path());
  for (const Record& r : records) {
    auto e = reader->Find(r.id);
    BOOST_REQUIRE(e.ok());
    BOOST_TEST(e->date == r.date);
    BOOST_TEST(e->crawled_at == r.crawled_at);
    BOOST_TEST(reader->Read(*e).value().crawled_at == r.crawled_at);  // in the shard too
  }
  // Seconds since 1970 when the text reads back the same, else the text; NULL when unknown.
  BOOST_TEST(CatalogRows(dir.path(), "SELECT typeof(crawled_at) FROM documents ORDER BY ordinal") == "integer\ntext\nnull\n");
  BOOST_TEST(CatalogRows(dir.path(), "SELECT crawled_at FROM documents_view ORDER BY ordinal") ==
             "2024-05-01T10:00:00Z\n2024-05-02T10:00:00.250Z\n\n");
  BOOST_REQUIRE(Reindex(dir.path()).ok());
  BOOST_TEST(OpenReader(dir.path())->Find(records[0].id).value().crawled_at == records[0].crawled_at);
}

BOOST_AUTO_TEST_CASE(list_selects_by_archive_time_date_or_crawl_time) {
  ScratchDir dir;
  WriteRun(dir.path(), DatedRecords());
  const std::string a = Hex64(0x5100000000000000ull + 1 * 7919).substr(15);
  const std::string b = Hex64(0x5100000000000000ull + 2 * 7919).substr(15);
  BOOST_TEST(Listed(dir.path(), ListFilter{"", "2026-11-29", "2026-11-29", ListDate::kArchived}).size() == 3u);
  BOOST_TEST(Listed(dir.path(), ListFilter{"", "2019", "2019", ListDate::kDate}) ==
             std::vector<std::string>{a + " 2019-11-19 2024-05-01T10:00:00Z"});
  BOOST_TEST(Listed(dir.path(), ListFilter{"", "", "2020-12-31", ListDate::kDate}).size() == 2u);  // not the undated
  BOOST_TEST(Listed(dir.path(), ListFilter{"", "2024-05-02", "", ListDate::kCrawled}) ==
             std::vector<std::string>{b + " 2020-01-02T03:04:05+02:00 2024-05-02T10:00:00.250Z"});
  BOOST_TEST(Listed(dir.path(), ListFilter{"", "", "", ListDate::kCrawled}).size() == 3u);  // no range: all
}

// A version 2 catalog from before crawl times were kept: readers read none, the next writer
// adds the column (NULL in the old rows) and the view's, leaving every row as it was.
BOOST_AUTO_TEST_CASE(a_version_2_catalog_without_crawl_times_gets_the_column) {
  ScratchDir dir;
  std::vector<Record> records = DatedRecords();
  WriteRun(dir.path(), {records[0]});
  CatalogRows(dir.path(), "DROP VIEW documents_view; ALTER TABLE documents DROP COLUMN crawled_at");
  BOOST_TEST(OpenReader(dir.path())->Find(records[0].id).value().crawled_at == "");
  BOOST_TEST(OpenReader(dir.path())->Verify().empty());
  WriteRun(dir.path(), {records[1]});
  BOOST_TEST(CatalogRows(dir.path(), "SELECT ordinal, crawled_at FROM documents_view ORDER BY ordinal") ==
             "1|\n2|2024-05-02T10:00:00.250Z\n");
  BOOST_TEST(CatalogRows(dir.path(), "PRAGMA user_version") == "3\n");
}
