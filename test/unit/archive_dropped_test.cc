// Dropped documents in the catalog (doc/FORMAT.md, section 5.2): a duplicate the run did
// not archive keeps a small row, so that its URL still answers.
#include <boost/test/unit_test.hpp>

#include "archive_test_util.h"
#include "simshard/archive.h"

using namespace simshard;
using simshard::testing::MakeRecord;
using simshard::testing::OpenReader;
using simshard::testing::OpenWriter;
using simshard::testing::CatalogRows;
using simshard::testing::ScratchDir;

namespace {

DroppedEntry Dropped(const std::string& url, const std::string& source, const Record& of, bool near) {
  DroppedEntry e;
  e.url = url;
  e.source = source;
  e.date = "2026-11-28";
  e.near = near;
  e.duplicate_of = of.id;
  if (near) {
    e.distance = 3;
    e.similarity = 0.91234;
  }
  return e;
}

// One run: the records archived, then the dropped rows added, then finished.
void Run(const std::string& dir, const std::vector<Record>& records, const std::vector<DroppedEntry>& dropped) {
  auto w = OpenWriter(dir);
  BOOST_REQUIRE(w->BeginRun("{}").ok());
  for (const Record& r : records) BOOST_REQUIRE(w->Add(r).ok());
  for (const DroppedEntry& d : dropped) {
    Status s = w->AddDropped(d);
    BOOST_REQUIRE_MESSAGE(s.ok(), s.message());
  }
  Status s = w->FinishRun("{}");
  BOOST_REQUIRE_MESSAGE(s.ok(), s.message());
}

std::vector<DroppedEntry> ListDropped(const std::string& dir, const ListFilter& filter = {}) {
  std::vector<DroppedEntry> out;
  BOOST_REQUIRE(OpenReader(dir)->ListDropped(filter, [&](const DroppedEntry& d) { out.push_back(d); }).ok());
  return out;
}


}  // namespace

BOOST_AUTO_TEST_CASE(a_dropped_document_answers_by_its_url) {
  ScratchDir dir;
  const Record kept = MakeRecord(1);
  Run(dir.path(), {kept},
      {Dropped("https://copy.example/a", "crawl/copy/a.html", kept, true),
       Dropped("https://copy.example/b", "crawl/feed.jsonl#17", kept, false)});
  auto reader = OpenReader(dir.path());
  auto near = reader->FindDropped("https://copy.example/a");
  BOOST_REQUIRE_MESSAGE(near.ok(), near.status().message());
  BOOST_TEST(near->near);
  BOOST_TEST(near->status() == "near-duplicate");
  BOOST_TEST(near->duplicate_of == kept.id);
  BOOST_TEST(near->distance == 3);
  BOOST_TEST(near->similarity == 0.9123);  // the report's four decimals
  BOOST_TEST(near->source == "crawl/copy/a.html");
  BOOST_TEST(near->date == "2026-11-28");
  BOOST_TEST(near->run == 1u);
  auto exact = reader->FindDropped("https://copy.example/b");
  BOOST_REQUIRE(exact.ok());
  BOOST_TEST(!exact->near);
  BOOST_TEST(exact->distance == -1);
  BOOST_TEST(exact->similarity == -1);
  BOOST_TEST(exact->source == "crawl/feed.jsonl#17");
  BOOST_TEST(!reader->FindDropped("https://copy.example/c").ok());
  BOOST_TEST(!reader->Find("https://copy.example/a").ok());  // not an archived document
  BOOST_TEST(reader->Stats().value().dropped == 2u);
  BOOST_TEST(reader->Stats().value().documents == 1u);
  BOOST_TEST(ListDropped(dir.path()).size() == 2u);
  BOOST_TEST(ListDropped(dir.path(), ListFilter{"https://copy.example/b", "", ""}).size() == 1u);
  BOOST_TEST(CatalogRows(dir.path(), "SELECT url, status, duplicate_of, distance, similarity FROM dropped_view") ==
             "https://copy.example/a|near-duplicate|" + kept.id + "|3|0.9123\n" +
             "https://copy.example/b|duplicate|" + kept.id + "||\n");
  BOOST_TEST(reader->Verify().empty());
}

// A page crawled again, or a killed run re-run: a URL that already answers gets no new row.
BOOST_AUTO_TEST_CASE(a_known_url_gets_no_second_row) {
  ScratchDir dir;
  const Record kept = MakeRecord(1);
  Record no_url = MakeRecord(2);
  no_url.url.clear();
  Run(dir.path(), {kept, no_url},
      {Dropped("https://copy.example/a", "night1/a.html", kept, true),
       Dropped("https://copy.example/a", "night1/a-again.html", kept, false),  // same run
       Dropped(kept.url, "night1/again.txt", kept, false)});                    // the archived URL
  BOOST_TEST(ListDropped(dir.path()).size() == 1u);
  Run(dir.path(), {},
      {Dropped("https://copy.example/a", "night2/a.html", kept, true),  // an earlier night's row
       Dropped(kept.url, kept.source, kept, false),                   // itself, seen again
       Dropped("", no_url.source, no_url, false),                     // no URL: itself again
       Dropped("", "night2/copy.txt", no_url, false),                 // no URL: a new copy
       Dropped("https://copy.example/new", "night2/new.html", kept, true)});
  const std::vector<DroppedEntry> all = ListDropped(dir.path());
  BOOST_REQUIRE(all.size() == 3u);
  BOOST_TEST(all[1].source == "night2/copy.txt");
  BOOST_TEST(all[1].url == "");
  BOOST_TEST(all[2].url == "https://copy.example/new");
  BOOST_TEST(all[2].run == 2u);
  Run(dir.path(), {}, {Dropped("", "night2/copy.txt", no_url, false)});  // found by its source
  BOOST_TEST(ListDropped(dir.path()).size() == 3u);
}

// Dropped rows commit with the shard that holds what they repeat, never before.
BOOST_AUTO_TEST_CASE(a_run_that_never_finishes_leaves_no_dropped_rows) {
  ScratchDir dir;
  const Record kept = MakeRecord(1);
  {
    auto w = OpenWriter(dir.path());
    BOOST_REQUIRE(w->BeginRun("{}").ok());
    BOOST_REQUIRE(w->Add(kept).ok());
    BOOST_REQUIRE(w->AddDropped(Dropped("https://copy.example/a", "a.html", kept, true)).ok());
  }  // gone without FinishRun, as a killed run
  BOOST_TEST(OpenReader(dir.path())->Stats().value().dropped == 0u);
  Run(dir.path(), {kept}, {Dropped("https://copy.example/a", "a.html", kept, true)});
  BOOST_TEST(ListDropped(dir.path()).size() == 1u);
  BOOST_TEST(!OpenWriter(dir.path())->AddDropped(Dropped("u", "s", kept, false)).ok());  // no run begun
}

// Reindex rebuilds documents from the shards; dropped rows are in none and stay, with the
// prefixes their URLs share.
BOOST_AUTO_TEST_CASE(reindex_keeps_dropped_rows) {
  ScratchDir dir;
  const Record kept = MakeRecord(1);
  Run(dir.path(), {kept, MakeRecord(2)},
      {Dropped("https://only-dropped.example/a", "crawl/x.jsonl#4", kept, true)});
  BOOST_REQUIRE(Reindex(dir.path()).ok());
  auto d = OpenReader(dir.path())->FindDropped("https://only-dropped.example/a");
  BOOST_REQUIRE_MESSAGE(d.ok(), d.status().message());
  BOOST_TEST(d->source == "crawl/x.jsonl#4");
  BOOST_TEST(OpenReader(dir.path())->Verify().empty());
}

// A version 2 catalog from before dropped rows: readers see none, a writer adds the table.
// A row whose prefixes were renumbered behind its back (an older release's reindex) no
// longer matches its key hash and is left out rather than shown with a wrong URL.
BOOST_AUTO_TEST_CASE(older_catalogs_get_the_table_and_stale_rows_are_left_out) {
  ScratchDir dir;
  const Record kept = MakeRecord(1);
  Run(dir.path(), {kept}, {});
  CatalogRows(dir.path(), "DROP VIEW dropped_view; DROP TABLE dropped;");
  BOOST_TEST(OpenReader(dir.path())->Stats().value().dropped == 0u);
  BOOST_TEST(ListDropped(dir.path()).empty());
  BOOST_TEST(!OpenReader(dir.path())->FindDropped("https://copy.example/a").ok());
  Run(dir.path(), {}, {Dropped("https://copy.example/a", "a.html", kept, true)});
  BOOST_TEST(OpenReader(dir.path())->FindDropped("https://copy.example/a").ok());
  CatalogRows(dir.path(), "UPDATE prefixes SET text = 'https://other.example/' WHERE text = 'https://copy.example/'");
  BOOST_TEST(!OpenReader(dir.path())->FindDropped("https://other.example/a").ok());
  BOOST_TEST(ListDropped(dir.path()).empty());
}
