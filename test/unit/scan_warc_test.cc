// WARC files: record types, HTTP payloads, compression per record, damage.
#include <boost/test/unit_test.hpp>

#include "scan/warc_reader.h"
#include "scan_fixture.h"

using namespace simshard;
using simshard::testing::Contains;
using simshard::testing::Gzip;
using simshard::testing::ScanAll;
using simshard::testing::ScratchDir;
using simshard::testing::Zstd;

namespace {

std::string Record(const std::string& type, const std::string& uri, const std::string& content_type,
                   const std::string& block) {
  std::string r = "WARC/1.1\r\nWARC-Type: " + type + "\r\n";
  if (!uri.empty()) r += "WARC-Target-URI: " + uri + "\r\n";
  r += "WARC-Date: 2024-05-01T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:1>\r\n";
  if (!content_type.empty()) r += "Content-Type: " + content_type + "\r\n";
  r += "Content-Length: " + std::to_string(block.size()) + "\r\n\r\n" + block + "\r\n\r\n";
  return r;
}

std::string Http(const std::string& status, const std::string& headers, const std::string& body) {
  return "HTTP/1.1 " + status + "\r\n" + headers + "Content-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

std::string Chunked(const std::string& body) {
  std::string out;
  for (size_t i = 0; i < body.size(); i += 7) {
    const std::string part = body.substr(i, 7);
    char size[16];
    std::snprintf(size, sizeof size, "%zx", part.size());
    out += std::string(size) + "\r\n" + part + "\r\n";
  }
  return out + "0\r\n\r\n";
}

const std::string kPage =
    "<html><head><title>Tide</title></head><body><nav>MENU</nav><article><p>High tide at noon."
    "</p></article><footer>FOOT</footer></body></html>";

// A crawl with every record type, as a list of records.
std::vector<std::string> CrawlRecords() {
  return {
      Record("warcinfo", "", "application/warc-fields", "software: test\r\n"),
      Record("request", "http://site.example/tide", "application/http; msgtype=request",
             "GET /tide HTTP/1.1\r\nHost: site.example\r\n\r\n"),
      Record("response", "http://site.example/tide", "application/http; msgtype=response",
             Http("200 OK", "Content-Type: text/html; charset=utf-8\r\n", kPage)),
      Record("metadata", "http://site.example/tide", "application/warc-fields", "outlinks: x\r\n"),
      Record("response", "http://site.example/missing", "application/http; msgtype=response",
             Http("404 Not Found", "Content-Type: text/html\r\n", "<p>Not found</p>")),
      Record("response", "http://site.example/logo.png", "application/http; msgtype=response",
             Http("200 OK", "Content-Type: image/png\r\n", "\x89PNG....")),
      Record("response", "http://site.example/chunked", "application/http; msgtype=response",
             "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n"
             "Content-Encoding: gzip\r\n\r\n" + Chunked(Gzip("Chunked and gzipped text."))),
      Record("resource", "http://site.example/notes.txt", "text/plain", "A resource record."),
      Record("conversion", "http://site.example/wet", "text/plain", "Converted plain text."),
      Record("revisit", "http://site.example/tide", "application/http", "HTTP/1.1 304\r\n\r\n"),
      Record("resource", "metadata://gnu.org/software/wget/warc/wget.log", "text/plain", "log"),
  };
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += p;
  return out;
}

void CheckCrawl(const std::vector<Document>& docs) {
  BOOST_REQUIRE_EQUAL(docs.size(), 6u);
  BOOST_TEST(docs[0].url == "http://site.example/tide");
  BOOST_TEST(docs[0].text == "High tide at noon.");
  BOOST_TEST(docs[0].title == "Tide");
  BOOST_TEST(docs[0].date == "2024-05-01T10:00:00Z");  // the page states none: its crawl time
  BOOST_TEST(docs[0].crawled_at == "2024-05-01T10:00:00Z");
  BOOST_TEST(docs[0].site == "site.example");
  BOOST_TEST(docs[0].original == kPage);
  BOOST_TEST(docs[1].skip_reason == "HTTP status 404");
  BOOST_TEST(docs[1].url == "http://site.example/missing");
  BOOST_TEST(docs[2].skip_reason == "not article text (image/png)");
  BOOST_TEST(docs[3].text == "Chunked and gzipped text.");
  BOOST_TEST(docs[3].original == "Chunked and gzipped text.");
  BOOST_TEST(docs[4].text == "A resource record.");
  BOOST_TEST(docs[5].text == "Converted plain text.");
}

}  // namespace

BOOST_AUTO_TEST_CASE(warc_records_become_documents_with_byte_offset_sources) {
  ScratchDir dir;
  const auto records = CrawlRecords();
  const std::string path = dir.Write("crawl.warc", Join(records));
  const auto docs = ScanAll({path});
  CheckCrawl(docs);
  const size_t offset = records[0].size() + records[1].size();
  BOOST_TEST(docs[0].source == path + "#" + std::to_string(offset));
  uint64_t bytes = 0;
  for (const Document& d : docs) bytes += d.input_bytes;
  BOOST_TEST(bytes == boost::filesystem::file_size(path));
}

BOOST_AUTO_TEST_CASE(warc_gz_with_a_member_per_record_uses_member_offsets) {
  ScratchDir dir;
  std::string file;
  std::vector<size_t> offsets;
  for (const std::string& r : CrawlRecords()) {
    offsets.push_back(file.size());
    file += Gzip(r);
  }
  const std::string path = dir.Write("crawl.warc.gz", file);
  const auto docs = ScanAll({path});
  CheckCrawl(docs);
  BOOST_TEST(docs[0].source == path + "#" + std::to_string(offsets[2]));
  BOOST_TEST(docs[5].source == path + "#" + std::to_string(offsets[8]));
}

BOOST_AUTO_TEST_CASE(warc_zst_is_read_as_one_stream) {
  ScratchDir dir;
  CheckCrawl(ScanAll({dir.Write("crawl.warc.zst", Zstd(Join(CrawlRecords())))}));
}

BOOST_AUTO_TEST_CASE(truncated_warc_keeps_the_complete_records_before_the_damage) {
  ScratchDir dir;
  const std::string whole = Join(CrawlRecords());
  const std::string cut = whole.substr(0, whole.find("A resource record.") + 4);
  const auto docs = ScanAll({dir.Write("cut.warc", cut)});
  BOOST_REQUIRE_EQUAL(docs.size(), 5u);
  BOOST_TEST(docs[0].text == "High tide at noon.");
  BOOST_TEST(docs[3].text == "Chunked and gzipped text.");
  BOOST_TEST(Contains(docs[4].skip_reason, "truncated WARC record"));
}

BOOST_AUTO_TEST_CASE(truncated_warc_gz_keeps_the_members_before_the_damage) {
  ScratchDir dir;
  std::string file;
  for (const std::string& r : CrawlRecords()) file += Gzip(r);
  const auto docs = ScanAll({dir.Write("cut.warc.gz", file.substr(0, file.size() - 30))});
  BOOST_REQUIRE_GE(docs.size(), 6u);
  BOOST_TEST(docs[5].text == "Converted plain text.");
  BOOST_TEST(Contains(docs.back().skip_reason, "truncated gzip stream"));
}

BOOST_AUTO_TEST_CASE(garbage_between_records_stops_the_file_with_a_reason) {
  ScratchDir dir;
  const auto records = CrawlRecords();
  const auto docs = ScanAll({dir.Write("bad.warc", records[2] + "GARBAGE LINE\r\n" + records[7])});
  BOOST_REQUIRE_EQUAL(docs.size(), 2u);
  BOOST_TEST(docs[0].text == "High tide at noon.");
  BOOST_TEST(Contains(docs[1].skip_reason, "not a WARC record"));
}

BOOST_AUTO_TEST_CASE(http_deflate_and_broken_chunking_are_handled) {
  ScratchDir dir;
  const std::string broken = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                             "Transfer-Encoding: chunked\r\n\r\nzz\r\nnot hex\r\n";
  const std::string bad_gzip = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                               "Content-Encoding: gzip\r\n\r\nthis is not gzip";
  const auto docs = ScanAll({dir.Write("x.warc",
                                       Record("response", "http://a.example/1", "application/http", broken) +
                                       Record("response", "http://a.example/2", "application/http", bad_gzip))});
  BOOST_REQUIRE_EQUAL(docs.size(), 2u);
  BOOST_TEST(docs[0].skip_reason == "broken chunked transfer encoding");
  BOOST_TEST(Contains(docs[1].skip_reason, "compressed HTTP body"));
}

BOOST_AUTO_TEST_CASE(oversized_warc_record_is_skipped_and_the_next_one_read) {
  ScratchDir dir;
  ScanOptions options;
  options.max_doc_bytes = 1000;
  const std::string big = Http("200 OK", "Content-Type: text/plain\r\n", std::string(5000, 'x'));
  const auto docs = ScanAll({dir.Write("big.warc", Record("response", "http://a.example/big", "application/http", big) +
                                                    Record("resource", "http://a.example/s", "text/plain", "Small."))},
                            options);
  BOOST_REQUIRE_EQUAL(docs.size(), 2u);
  BOOST_TEST(Contains(docs[0].skip_reason, "larger than --max-doc-bytes"));
  BOOST_TEST(docs[1].text == "Small.");
}

BOOST_AUTO_TEST_CASE(an_empty_payload_is_an_empty_record) {
  ScratchDir dir;
  const auto docs = ScanAll({dir.Write("e.warc", Record("resource", "http://a.example/e", "text/plain", "") +
                                                  Record("response", "http://a.example/h", "application/http",
                                                         Http("200 OK", "Content-Type: text/html\r\n", "")))});
  BOOST_REQUIRE_EQUAL(docs.size(), 2u);
  BOOST_TEST(docs[0].skip_reason == "empty record");
  BOOST_TEST(docs[1].skip_reason == "empty record");
}

BOOST_AUTO_TEST_CASE(robots_txt_is_not_an_article) {
  ScratchDir dir;
  const auto docs = ScanAll({dir.Write("r.warc", Record("response", "http://a.example/robots.txt", "application/http",
                                                        Http("200 OK", "Content-Type: text/plain\r\n", "User-agent: *\n")) +
                                                 Record("resource", "http://a.example/robots.txt.html", "text/plain", "Kept."))});
  BOOST_REQUIRE_EQUAL(docs.size(), 2u);
  BOOST_TEST(docs[0].skip_reason == "crawler file (robots.txt)");
  BOOST_TEST(docs[1].text == "Kept.");
}

// A page that states its publication date keeps it as its date; the WARC-Date is its crawl
// time, kept apart. Every way a page states it counts.
BOOST_AUTO_TEST_CASE(a_page_date_wins_over_the_crawl_date) {
  const std::vector<std::pair<std::string, std::string>> pages = {
      {"<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"datePublished\":"
       "\"2019-11-19T05:30:00Z\"}</script>", "2019-11-19T05:30:00Z"},
      {"<meta property=\"article:published_time\" content=\"2020-02-03\">", "2020-02-03"},
      {"<meta name=\"date\" content=\"17 May 2021\">", "2021-05-17"},
      {"", "2024-05-01T10:00:00Z"},
  };
  std::vector<std::string> records;
  for (const auto& [head, date] : pages) {
    const std::string body = "<html><head>" + head + "</head><body><article><p>Tide tables for the bay.</p>" +
                             "</article></body></html>";
    records.push_back(Record("response", "http://site.example/" + std::to_string(records.size()),
                             "application/http; msgtype=response",
                             Http("200 OK", "Content-Type: text/html\r\n", body)));
  }
  ScratchDir dir;
  const auto docs = ScanAll({dir.Write("crawl.warc", Join(records))});
  BOOST_REQUIRE_EQUAL(docs.size(), pages.size());
  for (size_t i = 0; i < pages.size(); ++i) {
    BOOST_TEST(docs[i].date == pages[i].second);
    BOOST_TEST(docs[i].crawled_at == "2024-05-01T10:00:00Z");
  }
  // <time datetime> in the article
  const std::string timed = "<html><body><article><time datetime=\"2022-08-09T07:00:00Z\">9 Aug</time>"
                            "<p>Tide tables for the bay.</p></article></body></html>";
  const auto one = ScanAll({dir.Write("timed.warc", Record("response", "http://site.example/t",
      "application/http; msgtype=response", Http("200 OK", "Content-Type: text/html\r\n", timed)))});
  BOOST_REQUIRE_EQUAL(one.size(), 1u);
  BOOST_TEST(one[0].date == "2022-08-09T07:00:00Z");
  BOOST_TEST(one[0].crawled_at == "2024-05-01T10:00:00Z");
}

// JSON Lines: the crawl time comes from its own field (news-please writes date_download).
BOOST_AUTO_TEST_CASE(json_lines_keep_a_crawl_time_field_apart) {
  ScratchDir dir;
  const auto docs = ScanAll({dir.Write("feed.jsonl",
      "{\"url\":\"https://a.example/1\",\"text\":\"One story.\",\"date_publish\":\"2019-11-19\","
      "\"date_download\":\"2024-05-01T10:00:00Z\"}\n"
      "{\"url\":\"https://a.example/2\",\"text\":\"Another story.\",\"crawled_at\":\"2024-05-02T11:00:00Z\"}\n"
      "{\"url\":\"https://a.example/3\",\"text\":\"A third story.\",\"date\":\"2024-05-03\"}\n")});
  BOOST_REQUIRE_EQUAL(docs.size(), 3u);
  BOOST_TEST(docs[0].date == "2019-11-19");
  BOOST_TEST(docs[0].crawled_at == "2024-05-01T10:00:00Z");
  BOOST_TEST(docs[1].date == "2024-05-02T11:00:00Z");  // no date of its own: the crawl time
  BOOST_TEST(docs[1].crawled_at == "2024-05-02T11:00:00Z");
  BOOST_TEST(docs[2].date == "2024-05-03");
  BOOST_TEST(docs[2].crawled_at == "");
}


namespace {

struct Scanned {
  std::string source, url, bytes, skip_reason;
  bool operator==(const Scanned&) const = default;
};

std::vector<Scanned> Items(const Scanner& scanner, const std::vector<InputUnit>* units,
                           const std::vector<std::string>& inputs) {
  std::vector<Scanned> items;
  auto add = [&](RawItem&& i) {
    items.push_back({i.source, i.url, i.bytes, i.skip_reason});
    return true;
  };
  const Status st = units ? scanner.ScanUnits(*units, add) : scanner.Scan(inputs, add);
  if (!st.ok()) throw std::runtime_error(st.message());
  return items;
}

}  // namespace

// A run cut into tasks shares out one large plain WARC file: its pieces start at records
// (never inside a block, even a block that holds a WARC file of its own, and never past
// damage), and scanned piece after piece they give the items of the whole file, named by
// their offsets in it.
BOOST_AUTO_TEST_CASE(a_large_plain_warc_is_cut_at_record_starts_and_scans_as_the_whole) {
  std::string file;
  std::vector<uint64_t> starts;
  uint64_t nested_begin = 0, nested_end = 0;
  for (int round = 0; round < 12; ++round) {
    for (const std::string& r : CrawlRecords()) {
      starts.push_back(file.size());
      file += r;
      if (round % 4 == 1) file += "\n\r\n";  // extra blank lines between records
    }
    if (round == 5) {  // a crawled WARC file, stored whole in a resource record
      starts.push_back(file.size());
      nested_begin = file.size();
      file += Record("resource", "http://site.example/old.warc", "application/warc", Join(CrawlRecords()));
      nested_end = file.size();
    }
  }
  const uint64_t sound = file.size();
  file += CrawlRecords()[2].substr(0, 200);  // a record the file ends inside
  ScratchDir dir;
  const std::string path = dir.Write("big.warc", file);
  ScanOptions options;
  options.piece_bytes = 700;
  const Scanner scanner(options);
  Result<std::vector<InputUnit>> units = scanner.ListUnits({path});
  BOOST_REQUIRE(units.ok());
  BOOST_TEST(units->size() > 10u);
  uint64_t next = 0;
  for (const InputUnit& u : *units) {
    BOOST_TEST(u.warc);
    BOOST_TEST(u.begin == next);
    BOOST_TEST((u.begin == 0 || std::count(starts.begin(), starts.end(), u.begin) == 1),
               "a piece starts inside a record at " << u.begin);
    BOOST_TEST(!(u.begin > nested_begin && u.begin < nested_end), "a cut inside the stored WARC");
    BOOST_TEST((u.begin == 0 || u.begin - units->at(&u - units->data() - 1).begin >= 700));
    BOOST_TEST((u.begin < sound || u.begin == 0));
    next = u.end;
  }
  BOOST_TEST(next == file.size());
  const std::vector<Scanned> whole = Items(scanner, nullptr, {path});
  BOOST_TEST(whole.size() > 60u);
  BOOST_TEST(Contains(whole.back().skip_reason, "truncated WARC record"));
  BOOST_TEST((Items(scanner, &*units, {}) == whole));
  // Compressed, the file is one unit: a gzip or zstd stream cannot be entered midway.
  const std::string gz = dir.Write("big.warc.gz", Gzip(file));
  Result<std::vector<InputUnit>> one = scanner.ListUnits({gz});
  BOOST_REQUIRE(one.ok());
  BOOST_TEST(one->size() == 1u);
}

// Headers are read through a window that starts at 4 KiB: records whose headers end at, or
// a byte either side of, the window's edge are still walked over, so every record start is
// a cut when the pieces may be as small as one byte.
BOOST_AUTO_TEST_CASE(warc_cuts_find_every_record_whatever_its_header_length) {
  std::string file;
  std::vector<uint64_t> starts;
  for (int pad = 3960; pad < 4120; ++pad) {
    starts.push_back(file.size());
    const std::string block = "Story " + std::to_string(pad) + ".";
    file += "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Target-URI: http://a.example/" + std::to_string(pad) +
            "\r\nX-Pad: " + std::string(pad, 'p') + "\r\nContent-Length: " + std::to_string(block.size()) +
            "\r\n\r\n" + block + "\r\n\r\n";
  }
  ScratchDir dir;
  const std::string path = dir.Write("padded.warc", file);
  std::vector<uint64_t> cuts = scan::WarcCuts(path, file.size(), 1);
  starts.erase(starts.begin());  // no cut at the start of the file
  BOOST_TEST(cuts == starts, boost::test_tools::per_element());
}

// A run cut into tasks asks for a few pieces a task: one large file is then cut below
// piece_bytes, into pieces of the input's bytes / pieces_wanted, never under 1 MiB.
BOOST_AUTO_TEST_CASE(pieces_wanted_shares_one_large_file_out) {
  std::string feed;
  for (int i = 0; feed.size() < (5u << 20); ++i)
    feed += "{\"url\":\"https://a.example/" + std::to_string(i) + "\",\"text\":\"" + std::string(900, 'w') + "\"}\n";
  ScratchDir dir;
  const std::string path = dir.Write("feed.jsonl", feed);
  ScanOptions options;
  BOOST_TEST(Scanner(options).ListUnits({path})->size() == 1u);  // under the 64 MiB pieces
  options.pieces_wanted = 4;
  Result<std::vector<InputUnit>> four = Scanner(options).ListUnits({path});
  BOOST_REQUIRE(four.ok());
  BOOST_TEST(four->size() == 4u);
  for (const InputUnit& u : *four) BOOST_TEST(u.bytes >= (1u << 20));
  options.pieces_wanted = 64;  // 80 KB a piece would be asked for: 1 MiB is the floor
  BOOST_TEST(Scanner(options).ListUnits({path})->size() == 5u);
}
