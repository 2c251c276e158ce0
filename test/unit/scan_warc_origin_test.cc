// The WARC header and the HTTP header block ride along with the payload, so that a record
// can be written again byte for byte, through a shard record and back.
#include <boost/test/unit_test.hpp>

#include "archive/record_codec.h"
#include "scan_fixture.h"
#include "simshard/archive.h"

using simshard::testing::Gzip;
using simshard::testing::ScanAll;
using simshard::testing::ScratchDir;

namespace {

std::string WarcRecord(const std::string& eol, const std::string& type, const std::string& fields,
                       const std::string& block) {
  return "WARC/1.1" + eol + "WARC-Type: " + type + eol + fields + "Content-Length: " +
         std::to_string(block.size()) + eol + eol + block + "\r\n\r\n";
}

std::string Chunked(const std::string& body) {
  char size[16];
  std::snprintf(size, sizeof size, "%zx", body.size());
  return std::string(size) + "\r\n" + body + "\r\n0\r\n\r\n";
}

std::vector<std::string> Records() {
  const std::string page = "<html><body><article><p>High tide at noon.</p></article></body></html>";
  return {
      WarcRecord("\r\n", "response",
                 "WARC-Target-URI: http://site.example/tide\r\nWARC-Date: 2024-05-01T10:00:00Z\r\n"
                 "WARC-Payload-Digest: sha1:AAAA\r\nContent-Type: application/http; msgtype=response\r\n",
                 "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nServer: x\r\n\r\n" + page),
      WarcRecord("\r\n", "response", "WARC-Target-URI: http://site.example/chunked\r\n",
                 "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n"
                 "Content-Encoding: gzip\r\n\r\n" + Chunked(Gzip("Chunked and gzipped text."))),
      WarcRecord("\r\n", "resource", "WARC-Target-URI: http://site.example/notes.txt\r\nContent-Type: text/plain\r\n",
                 "A resource record."),
      WarcRecord("\n", "response", "WARC-Target-URI: <http://site.example/lf>\n",
                 "HTTP/1.0 200 OK\nContent-Type: text/plain\n\nBare LF lines."),
      WarcRecord("\r\n", "response", "WARC-Target-URI: http://site.example/gone\r\n",
                 "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<p>Gone</p>"),
  };
}

}  // namespace

BOOST_AUTO_TEST_CASE(warc_records_come_back_byte_for_byte) {
  ScratchDir dir;
  const std::vector<std::string> records = Records();
  std::string file;
  for (const std::string& r : records) file += Gzip(r);
  const auto docs = ScanAll({dir.Write("crawl.warc.gz", file)});
  BOOST_REQUIRE_EQUAL(docs.size(), records.size());
  for (size_t i = 0; i + 1 < records.size(); ++i) {
    BOOST_TEST_CONTEXT("record " << i) {
      simshard::Record r;
      r.id = "0123456789abcdef";
      r.original = docs[i].original;
      r.warc = docs[i].warc;
      std::string line;
      simshard::EncodeRecord(r, 1, &line);
      auto back = simshard::DecodeRecord(line);
      BOOST_REQUIRE(back.ok());
      BOOST_TEST(simshard::WarcRecordBytes(*back) == records[i]);
    }
  }
  BOOST_TEST(docs[0].warc.http_body.empty());  // the payload is the body: not kept twice
  BOOST_TEST(!docs[1].warc.http_body.empty());  // chunked and gzipped: kept as transferred
  BOOST_TEST(docs[2].warc.http_header.empty());  // a resource record's block is its payload
  BOOST_TEST(docs[4].warc.empty());              // skipped (404): nothing kept
  simshard::Record plain;
  BOOST_TEST(simshard::WarcRecordBytes(plain).empty());  // not from a WARC file
}
