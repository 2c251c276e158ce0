// Bad input: each becomes a skipped document with a reason, the scan goes on, and the
// good documents of the same file survive.
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <random>

#include "scan/html_extract.h"
#include "scan_fixture.h"

using namespace simshard;
using simshard::testing::Contains;
using simshard::testing::Gzip;
using simshard::testing::ScanAll;
using simshard::testing::ScratchDir;
using simshard::testing::Zstd;
namespace fs = boost::filesystem;

BOOST_AUTO_TEST_CASE(empty_blank_and_binary_files_are_skipped_with_reasons) {
  ScratchDir dir;
  std::mt19937 rng(7);
  std::string random(4096, '\0');
  for (char& c : random) c = static_cast<char>(rng());
  const auto docs = ScanAll({dir.Write("empty.txt", ""), dir.Write("blank.txt", "  \n\n \t\n"),
                             dir.Write("random.html", random),
                             dir.Write("nul.txt", std::string("text with a \0 NUL byte", 22)),
                             dir.Write("image.jpg.txt", "\xFF\xD8\xFF\xE0 JFIF"),
                             dir.Write("empty.txt.gz", Gzip("")),
                             dir.Write("good.txt", "Good text survives.")});
  BOOST_REQUIRE_EQUAL(docs.size(), 7u);
  BOOST_TEST(docs[0].skip_reason == "empty file");
  BOOST_TEST(docs[1].skip_reason == "no text (only white space)");
  BOOST_TEST(docs[2].skip_reason == "binary content");
  BOOST_TEST(docs[3].skip_reason == "binary content");
  BOOST_TEST(docs[4].skip_reason == "binary content");
  BOOST_TEST(docs[5].skip_reason == "empty file");
  BOOST_TEST(docs[6].text == "Good text survives.");
}

// A page is never lost for want of text: it is kept, marked empty or weak, its bytes whole.
BOOST_AUTO_TEST_CASE(pages_with_little_or_no_text_are_kept_and_marked) {
  ScratchDir dir;
  const std::string app = "<html><head><title>App</title></head><body><div id=\"root\"></div>"
                          "<script>render()</script></body></html>";
  const auto docs = ScanAll({dir.Write("app.html", app),
                             dir.Write("thin.html", "<html><body><p>Advertisement</p><p>Share</p>"
                                                    "<p>Advertisement</p></body></html>"),
                             dir.Write("short.txt", "Ferry cancelled.\n")});
  BOOST_REQUIRE_EQUAL(docs.size(), 3u);
  BOOST_TEST(!docs[0].skipped());
  BOOST_TEST((docs[0].extraction == Extraction::kEmpty));
  BOOST_TEST(docs[0].text.empty());
  BOOST_TEST(docs[0].original == app);
  BOOST_TEST(!docs[1].skipped());
  BOOST_TEST((docs[1].extraction == Extraction::kWeak));
  BOOST_TEST(docs[1].text.find("Share") != std::string::npos);
  BOOST_TEST((docs[2].extraction == Extraction::kWeak));
  BOOST_TEST(docs[2].text == "Ferry cancelled.");
}

BOOST_AUTO_TEST_CASE(broken_json_lines_do_not_lose_the_good_lines) {
  ScratchDir dir;
  const auto docs = ScanAll({dir.Write("f.jsonl", "{\"text\":\"one\"}\n{\"text\":\n[1,2]\n\"str\"\n"
                                                  "{\"text\":\"two\"} trailing\n{\"text\":\"three\"}\n")});
  BOOST_REQUIRE_EQUAL(docs.size(), 6u);
  BOOST_TEST(docs[0].text == "one");
  BOOST_TEST(docs[1].skipped());
  BOOST_TEST(docs[2].skipped());
  BOOST_TEST(docs[3].skipped());
  BOOST_TEST(docs[5].text == "three");
}

BOOST_AUTO_TEST_CASE(truncated_gzip_and_zstd_keep_the_complete_lines_before_the_damage) {
  ScratchDir dir;
  std::string lines;
  for (int i = 0; i < 20000; ++i)  // several zstd blocks, so a cut leaves whole ones
    lines += "{\"text\":\"Record " + std::to_string(i) + " with some words to compress.\"}\n";
  const std::string gz = Gzip(lines), zst = Zstd(lines);
  const auto docs_gz = ScanAll({dir.Write("a.jsonl.gz", gz.substr(0, gz.size() / 2))});
  const auto docs_zst = ScanAll({dir.Write("b.jsonl.zst", zst.substr(0, zst.size() / 2))});
  for (const auto* docs : {&docs_gz, &docs_zst}) {
    BOOST_REQUIRE_GE(docs->size(), 10u);
    BOOST_TEST(docs->front().text == "Record 0 with some words to compress.");
    for (size_t i = 0; i + 1 < docs->size(); ++i) BOOST_TEST(!(*docs)[i].skipped());
    BOOST_TEST(Contains(docs->back().skip_reason, "truncated"));
  }
  BOOST_TEST(Contains(docs_gz.back().skip_reason, "gzip"));
  BOOST_TEST(Contains(docs_zst.back().skip_reason, "zstd"));
  const auto whole = ScanAll({dir.Write("c.txt.gz", Gzip("A whole text.").substr(0, 12))});
  BOOST_REQUIRE_EQUAL(whole.size(), 1u);
  BOOST_TEST(Contains(whole[0].skip_reason, "truncated gzip stream"));
}

BOOST_AUTO_TEST_CASE(compression_bombs_stop_at_the_size_limit) {
  ScratchDir dir;
  ScanOptions options;
  options.max_doc_bytes = 1 << 20;
  // 64 MiB of one letter compresses to ~64 KiB; only max_doc_bytes of it is inflated.
  const std::string bomb = Gzip(std::string(64 << 20, 'a'));
  BOOST_REQUIRE_LT(bomb.size(), 200u << 10);
  const auto docs = ScanAll({dir.Write("bomb.txt.gz", bomb),
                             dir.Write("zeros.txt.gz", Gzip(std::string(8 << 20, '\0'))),
                             dir.Write("lines.jsonl.zst", Zstd("{\"text\":\"" + std::string(8 << 20, 'b') +
                                                                 "\"}\n{\"text\":\"after\"}\n")),
                             dir.Write("ok.txt", "Still scanned.")},
                            options);
  BOOST_REQUIRE_EQUAL(docs.size(), 5u);
  BOOST_TEST(docs[0].skip_reason == "larger than --max-doc-bytes (1048576 bytes)");
  BOOST_TEST(docs[1].skip_reason == "binary content");
  BOOST_TEST(docs[2].skip_reason == "larger than --max-doc-bytes (1048576 bytes)");
  BOOST_TEST(docs[3].text == "after");
  BOOST_TEST(docs[4].text == "Still scanned.");
}

BOOST_AUTO_TEST_CASE(a_sixty_megabyte_line_is_skipped_and_the_next_line_kept) {
  ScratchDir dir;
  const std::string line(60 << 20, 'w');
  const auto docs = ScanAll({dir.Write("long.txt", line), dir.Write("long.jsonl",
                             "{\"text\":\"" + line + "\"}\n{\"text\":\"short\"}\n")});
  BOOST_REQUIRE_EQUAL(docs.size(), 3u);
  BOOST_TEST(docs[0].skip_reason == "larger than --max-doc-bytes (16777216 bytes)");
  BOOST_TEST(docs[0].original.empty());
  BOOST_TEST(docs[1].skip_reason == "larger than --max-doc-bytes (16777216 bytes)");
  BOOST_TEST(docs[2].text == "short");
}

BOOST_AUTO_TEST_CASE(deeply_nested_html_is_refused_without_overflowing_the_stack) {
  ScratchDir dir;
  std::string deep;
  for (int i = 0; i < 300000; ++i) deep += "<div>";
  deep += "text";
  std::string moderate = "<html><body>";
  for (int i = 0; i < 450; ++i) moderate += "<div><span>";
  moderate += "Deep but fine.";
  std::string stray_ends, slashed;
  for (int i = 0; i < 300000; ++i) stray_ends += "<div></i>", slashed += "<div/>";
  const auto docs = ScanAll({dir.Write("deep.html", deep), dir.Write("moderate.html", moderate),
                             dir.Write("stray.html", stray_ends), dir.Write("slashed.html", slashed)});
  BOOST_REQUIRE_EQUAL(docs.size(), 4u);
  BOOST_TEST(Contains(docs[0].skip_reason, "HTML nested deeper than"));
  BOOST_TEST(docs[1].text == "Deep but fine.");
  BOOST_TEST(Contains(docs[2].skip_reason, "HTML nested deeper than"));
  BOOST_TEST(Contains(docs[3].skip_reason, "HTML nested deeper than"));
}

BOOST_AUTO_TEST_CASE(symlink_loops_broken_links_and_folders_named_like_files) {
  ScratchDir dir;
  dir.Write("root/a.txt", "Alpha.");
  dir.Write("root/folder.txt/inner.txt", "Inside a folder named like a file.");
  fs::create_directory_symlink(dir.Path("root"), dir.Path("root/loop"));
  fs::create_symlink(dir.Path("root/self"), dir.Path("root/self"));
  fs::create_symlink(dir.Path("root/nowhere"), dir.Path("root/broken.txt"));
  const auto docs = ScanAll({dir.Path("root")});
  std::vector<std::string> got;
  for (const Document& d : docs)
    got.push_back(d.source.substr(dir.Path("root").size()) + " " + (d.skipped() ? d.skip_reason : d.text));
  const std::vector<std::string> expected = {
      "/a.txt Alpha.", "/broken.txt broken symlink",
      "/folder.txt/inner.txt Inside a folder named like a file.", "/loop symlink loop",
      "/self symlink loop"};
  BOOST_TEST(got == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(unreadable_files_are_skipped) {
  ScratchDir dir;
  const std::string secret = dir.Write("secret.txt", "hidden");
  fs::permissions(secret, fs::no_perms);
  const bool can_read_anyway = ::access(secret.c_str(), R_OK) == 0;  // root
  const auto docs = ScanAll({dir.Path()});
  BOOST_REQUIRE_EQUAL(docs.size(), 1u);
  if (can_read_anyway) {
    BOOST_TEST_MESSAGE("running as root: permission check not enforced");
    BOOST_TEST(docs[0].text == "hidden");
  } else {
    BOOST_TEST(Contains(docs[0].skip_reason, "cannot open: Permission denied"));
  }
}

BOOST_AUTO_TEST_CASE(nesting_estimate_follows_how_html_closes_elements) {
  using simshard::scan::EstimateNesting;
  auto repeat = [](const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
  };
  BOOST_TEST(EstimateNesting("<html><body><div><p>a<p>b</div><br><img src=x></body></html>") == 3);
  // Stray end tags do not close anything; "<div/>" opens a div.
  BOOST_TEST(EstimateNesting(repeat("<div></i>", 5000)) == 5000);
  BOOST_TEST(EstimateNesting(repeat("<div/>", 5000)) == 5000);
  // Unclosed links close each other; SVG shapes close themselves.
  BOOST_TEST(EstimateNesting(repeat("<a href=x>link", 5000)) == 1);
  BOOST_TEST(EstimateNesting("<svg>" + repeat("<path d=\"M0\"/>", 5000) + "</svg>") == 1);
  // Closed properly, however long.
  BOOST_TEST(EstimateNesting(repeat("<div><span>x</span></div>", 50000)) == 2);
  // A tag never finished ends the estimate.
  BOOST_TEST(EstimateNesting("<div><div" + std::string(100000, 'x')) == 1);
}
