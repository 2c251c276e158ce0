#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "archive/record_codec.h"
#include "archive_test_util.h"
#include "simshard/archive.h"

using namespace simshard;
using simshard::testing::MakeRecord;
using simshard::testing::ScratchDir;
using simshard::testing::OpenReader;
using simshard::testing::OpenWriter;
using simshard::testing::WriteRun;

namespace {

Record Restore(const ArchiveReader& reader, const std::string& id_or_url) {
  auto entry = reader.Find(id_or_url);
  BOOST_REQUIRE_MESSAGE(entry.ok(), entry.status().message());
  auto record = reader.Read(*entry);
  BOOST_REQUIRE_MESSAGE(record.ok(), record.status().message());
  return std::move(record).value();
}

}  // namespace

BOOST_AUTO_TEST_CASE(write_then_read_back_every_field) {
  ScratchDir dir;
  std::vector<Record> records;
  for (uint64_t n = 1; n <= 50; ++n) records.push_back(MakeRecord(n));
  WriteRun(dir.path(), records);

  auto reader = OpenReader(dir.path());
  for (const Record& want : records) {
    Record got = Restore(*reader, want.id);
    BOOST_TEST(got.id == want.id);
    BOOST_TEST(got.url == want.url);
    BOOST_TEST(got.source == want.source);
    BOOST_TEST(got.title == want.title);
    BOOST_TEST(got.date == want.date);
    BOOST_TEST(got.digest == want.digest);
    BOOST_TEST(got.simhash == want.simhash);
    BOOST_TEST(got.sketch == want.sketch);
    BOOST_TEST(got.text == want.text);
    BOOST_TEST(got.run == 1u);
    BOOST_TEST(OriginalBytes(got) == want.text);
  }
  // By URL too.
  BOOST_TEST(Restore(*reader, records[7].url).id == records[7].id);
  auto stats = reader->Stats();
  BOOST_REQUIRE(stats.ok());
  BOOST_TEST(stats->documents == 50u);
  BOOST_TEST(stats->runs == 1u);
  BOOST_TEST(stats->shards == 1u);
  BOOST_TEST(reader->Verify().empty());
}

BOOST_AUTO_TEST_CASE(originals_restore_byte_exact) {
  ScratchDir dir;
  Record html = MakeRecord(1);
  html.kind = OriginalKind::kHtml;
  html.original = "<html><body><p>" + html.text + "</p>\r\n</body></html>\n";
  Record binary = MakeRecord(2);
  binary.original = std::string("caf\xe9 au lait\0\x01\xff tail", 20);  // Latin-1, NUL
  Record json = MakeRecord(3, "Line one \"quoted\"\n\nLine two \xc3\xa9t\xc3\xa9");
  json.kind = OriginalKind::kJsonRecord;
  json.original = R"({"url":"https://example.org/3","title":"T","text":"Line one \"quoted\"\n\nLine two été","n":[1,2.50,{"a":null}]})";
  Record json_other_text = MakeRecord(4);
  json_other_text.kind = OriginalKind::kJsonRecord;
  json_other_text.original = R"({"html":"<p>x</p>", "tags" : ["a"] })";
  Record bad_utf8_url = MakeRecord(5);
  bad_utf8_url.url = "https://example.org/\xff\xfe";
  WriteRun(dir.path(), {html, binary, json, json_other_text, bad_utf8_url});

  auto reader = OpenReader(dir.path());
  BOOST_TEST(OriginalBytes(Restore(*reader, html.id)) == html.original);
  BOOST_TEST(OriginalBytes(Restore(*reader, binary.id)) == binary.original);
  BOOST_TEST(OriginalBytes(Restore(*reader, json.id)) == json.original);
  BOOST_TEST(OriginalBytes(Restore(*reader, json_other_text.id)) == json_other_text.original);
  BOOST_TEST(Restore(*reader, bad_utf8_url.id).url == bad_utf8_url.url);
}

BOOST_AUTO_TEST_CASE(json_record_text_is_stored_once) {
  Record json = MakeRecord(3, std::string(2000, 'x'));
  json.kind = OriginalKind::kJsonRecord;
  json.original = "{\"url\":\"u\",\"text\":\"" + json.text + "\"}";
  std::string line;
  EncodeRecord(json, 1, &line);
  BOOST_TEST(line.size() < 2000 + 600);
  BOOST_TEST(line.find("\"record\":{\"url\":\"u\",\"text\":null}") != std::string::npos);
  auto back = DecodeRecord(line);
  BOOST_REQUIRE(back.ok());
  BOOST_TEST(back->original == json.original);
}

BOOST_AUTO_TEST_CASE(refuses_bad_and_repeated_ids) {
  ScratchDir dir;
  WriteRun(dir.path(), {MakeRecord(1)});
  auto w = OpenWriter(dir.path());
  BOOST_REQUIRE(w->BeginRun("{}").ok());
  auto again = w->Add(MakeRecord(1));
  BOOST_TEST(!again.ok());
  BOOST_TEST(again.status().IsInvalidArgument());
  BOOST_TEST(again.status().message().find("already in the archive") != std::string::npos);
  Record upper = MakeRecord(2);
  upper.id = "ABCDEF0123456789";
  BOOST_TEST(!w->Add(upper).ok());
}

BOOST_AUTO_TEST_CASE(state_survives_reopen) {
  ScratchDir dir;
  {
    auto w = OpenWriter(dir.path());
    BOOST_REQUIRE(w->PutState("fingerprint", std::string("simhash-v1\0x", 12)).ok());
  }
  auto w = OpenWriter(dir.path());
  auto value = w->GetState("fingerprint");
  BOOST_REQUIRE(value.ok());
  BOOST_TEST(*value == std::string("simhash-v1\0x", 12));
  BOOST_TEST(w->GetState("missing").value().empty());
}

BOOST_AUTO_TEST_CASE(json_record_with_escaped_text_restores_an_equal_object) {
  Record json = MakeRecord(7, "caf\xc3\xa9 \"x\"");
  json.kind = OriginalKind::kJsonRecord;
  // The input escaped é as \u00e9 and has the key twice: the first "text" is the article.
  json.original = R"({"text":"caf\u00e9 \"x\"","id":5,"text":"other"})";
  std::string line;
  EncodeRecord(json, 1, &line);
  auto back = DecodeRecord(line);
  BOOST_REQUIRE(back.ok());
  BOOST_TEST(back->original == "{\"text\":\"caf\xc3\xa9 \\\"x\\\"\",\"id\":5,\"text\":\"other\"}");
}

BOOST_AUTO_TEST_CASE(record_larger_than_a_frame_gets_a_frame_of_its_own) {
  ScratchDir dir;
  ArchiveOptions options;
  options.frame_bytes = 4096;
  std::vector<Record> records = {MakeRecord(1), MakeRecord(2, std::string(50000, 'y')), MakeRecord(3)};
  WriteRun(dir.path(), records, options);
  auto reader = OpenReader(dir.path());
  const CatalogEntry big = reader->Find(records[1].id).value();
  BOOST_TEST(reader->Find(records[0].id)->frame != big.frame);
  BOOST_TEST(reader->Find(records[2].id)->frame != big.frame);
  BOOST_TEST(Restore(*reader, records[1].id).text == records[1].text);
  BOOST_TEST(reader->Verify().empty());
}

BOOST_AUTO_TEST_CASE(list_filters_by_url_prefix_and_archive_date) {
  ScratchDir dir;
  std::vector<Record> records;
  for (uint64_t n = 1; n <= 6; ++n) {
    Record r = MakeRecord(n);
    r.url = (n % 2 ? "https://a.example/%_/" : "https://b.example/") + std::to_string(n);
    r.archived_at = "2026-11-2" + std::to_string(n) + "T10:00:00Z";
    records.push_back(r);
  }
  WriteRun(dir.path(), records);
  auto reader = OpenReader(dir.path());
  const auto ids = [&](const ListFilter& f) {
    std::vector<uint64_t> out;
    BOOST_REQUIRE(reader->List(f, [&](const CatalogEntry& e) { out.push_back(e.ordinal); }).ok());
    return out;
  };
  ListFilter by_prefix;
  by_prefix.url_prefix = "https://a.example/%_/";  // LIKE wildcards are taken literally
  BOOST_TEST(ids(by_prefix) == std::vector<uint64_t>({1, 3, 5}), boost::test_tools::per_element());
  ListFilter by_date;
  by_date.since = "2026-11-22";
  by_date.until = "2026-11-24";  // inclusive: the whole day
  BOOST_TEST(ids(by_date) == std::vector<uint64_t>({2, 3, 4}), boost::test_tools::per_element());
  auto runs = reader->Runs();
  BOOST_REQUIRE(runs.ok());
  BOOST_REQUIRE(runs->size() == 1u);
  BOOST_TEST(!(*runs)[0].ended_at.empty());
  BOOST_TEST((*runs)[0].counts_json == "{\"archived\":6}");
}

BOOST_AUTO_TEST_CASE(refuses_an_id_repeated_within_one_run) {
  ScratchDir dir;
  ArchiveOptions options;
  options.frame_bytes = 512;  // the first copy's frame is written (rows inserted) before the second
  auto w = OpenWriter(dir.path(), options);
  BOOST_REQUIRE(w->BeginRun("{}").ok());
  BOOST_REQUIRE(w->Add(MakeRecord(1)).ok());
  BOOST_TEST(!w->Add(MakeRecord(1)).ok());  // still in the open frame
  for (uint64_t n = 2; n <= 6; ++n) BOOST_REQUIRE(w->Add(MakeRecord(n)).ok());
  BOOST_TEST(!w->Add(MakeRecord(2)).ok());  // its frame is already written
  BOOST_REQUIRE(w->FinishRun("{}").ok());
  BOOST_TEST(OpenReader(dir.path())->Stats()->documents == 6u);
}

// The reader keeps its last frame and its lookup statements: reads in any order, across
// frames and shards, must still return each entry's own record, and a miss between two
// hits must not disturb the next lookup.
BOOST_AUTO_TEST_CASE(reads_in_any_order_across_frames_and_shards) {
  ScratchDir dir;
  ArchiveOptions small;
  small.frame_bytes = 600;   // a few records per frame
  small.shard_bytes = 4000;  // several shards
  std::vector<Record> records;
  for (uint64_t n = 1; n <= 60; ++n) records.push_back(MakeRecord(n));
  WriteRun(dir.path(), records, small);

  auto reader = OpenReader(dir.path());
  std::vector<CatalogEntry> entries;
  for (const Record& r : records) {
    auto entry = reader->Find(r.id);
    BOOST_REQUIRE(entry.ok());
    BOOST_TEST(!reader->Find("ffffffffffffffff").ok());
    entries.push_back(*entry);
  }
  BOOST_TEST(entries.front().shard != entries.back().shard);
  BOOST_TEST(entries[0].frame_offset != entries[10].frame_offset);
  // Interleave the first and last halves: every read leaves the frame the last one used.
  for (size_t i = 0; i < entries.size() / 2; ++i) {
    for (size_t k : {i, entries.size() - 1 - i, i}) {
      auto got = reader->Read(entries[k]);
      BOOST_REQUIRE_MESSAGE(got.ok(), got.status().message());
      BOOST_TEST(got->id == records[k].id);
      BOOST_TEST(got->text == records[k].text);
    }
  }
}

BOOST_AUTO_TEST_CASE(errors_carry_the_codes_callers_branch_on) {
  ScratchDir dir;
  WriteRun(dir.path(), {MakeRecord(1)});
  auto reader = OpenReader(dir.path());
  BOOST_TEST(reader->Find("0000000000000000").status().IsNotFound());
  BOOST_TEST(reader->Find("https://example.org/never-archived").status().IsNotFound());
  BOOST_TEST(ArchiveReader::Open(dir.path() + "/missing").status().IsNotFound());
  auto writer = OpenWriter(dir.path());
  auto second = ArchiveWriter::Open(dir.path(), {});
  BOOST_REQUIRE(!second.ok());
  BOOST_TEST(second.status().IsBusy(), second.status().ToString());
}
