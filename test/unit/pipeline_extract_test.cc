// RunExtract, the library side of `simshard extract`: lines, statuses, order, thread
// count, and what is left on disk when it fails.
#include <boost/test/unit_test.hpp>

#include <boost/filesystem.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "pipeline/extract_output.h"
#include "simshard/pipeline.h"
#include "test_files.h"

namespace fs = boost::filesystem;
using namespace simshard;
using simshard::testing::ReadFile;
using simshard::testing::WriteFile;

namespace {

// Everything written to a FILE*, as RunExtract writes stdout.
std::string ReadBack(std::FILE* f) {
  std::rewind(f);
  std::string out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
  return out;
}

// Pages of every status, and enough of them for several batches of the workers.
struct Pages {
  fs::path root = fs::temp_directory_path() / fs::unique_path("simshard-extract-%%%%%%");

  Pages() {
    for (int i = 0; i < 300; ++i) {
      std::string text = "Story " + std::to_string(i) + "\n\n";
      for (int w = 0; w < (i % 3 == 0 ? 5 : 40); ++w) text += "word" + std::to_string(w * i % 89) + " ";
      char name[32];
      std::snprintf(name, sizeof name, "in/p%04d.txt", i);
      WriteFile(root / name, text + ".\n");
    }
    WriteFile(root / "in/q-no-text.html", "<html><body><img src=\"a.png\"></body></html>");
    WriteFile(root / "in/r-empty.txt", "");
  }
  ~Pages() { fs::remove_all(root); }

  ExtractOptions Options(unsigned threads, const std::string& output) const {
    ExtractOptions o;
    o.inputs = {(root / "in").string()};
    o.output_path = output.empty() ? "" : (root / output).string();
    o.threads = threads;
    return o;
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(extract_lines_have_every_field_and_say_why_a_text_is_thin) {
  Document doc;
  doc.source = "a/\"b\".html";
  doc.text = "Two words";
  doc.extraction = Extraction::kWeak;
  std::string out;
  pipeline::AppendExtractLine(doc, &out);
  BOOST_TEST(out ==
             "{\"source\":\"a/\\\"b\\\".html\",\"url\":\"\",\"title\":\"\",\"date\":\"\","
             "\"text\":\"Two words\",\"status\":\"weak\","
             "\"reason\":\"weak extraction (2 words)\"}\n");
  doc.extraction = Extraction::kExtracted;
  BOOST_TEST(pipeline::ExtractReason(doc) == "");
  doc.skip_reason = "binary content";
  BOOST_TEST(pipeline::ExtractStatus(doc) == std::string("skipped"));
  BOOST_TEST(pipeline::ExtractReason(doc) == "binary content");
}

BOOST_AUTO_TEST_CASE(extract_is_the_same_for_any_thread_count_on_a_stream_or_in_a_file) {
  Pages pages;
  std::vector<std::string> skipped;
  ExtractOptions one = pages.Options(1, "one.jsonl");
  one.on_skipped = [&](const std::string& source, const std::string& reason) {
    skipped.push_back(source + ": " + reason);
  };
  Result<ExtractSummary> s1 = RunExtract(one);
  BOOST_REQUIRE_MESSAGE(s1.ok(), s1.status().message());
  std::FILE* stream = std::tmpfile();
  BOOST_REQUIRE(stream != nullptr);
  Result<ExtractSummary> s3 = RunExtract(pages.Options(3, ""), stream);
  BOOST_REQUIRE_MESSAGE(s3.ok(), s3.status().message());
  const std::string three = ReadBack(stream);
  std::fclose(stream);

  const std::string lines = ReadFile(pages.root / "one.jsonl");
  BOOST_TEST(lines == three);
  BOOST_TEST(std::count(lines.begin(), lines.end(), '\n') == 302);
  BOOST_TEST(lines.find("{\"source\":\"" + (pages.root / "in/p0000.txt").string()) == 0u);
  BOOST_TEST(lines.find("p0001.txt") < lines.find("p0002.txt"));
  BOOST_TEST(!fs::exists(pages.root / "one.jsonl.tmp"));
  BOOST_TEST(s1->documents == 302u);
  BOOST_TEST(s1->extracted == 200u);
  BOOST_TEST(s1->weak == 100u);
  BOOST_TEST(s1->empty == 1u);
  BOOST_TEST(s1->skipped == 1u);
  BOOST_TEST(s1->any_skipped());
  BOOST_TEST(s1->skipped_by_reason.at("empty file") == 1u);
  BOOST_TEST(s3->extracted == s1->extracted);
  BOOST_REQUIRE(skipped.size() == 1u);
  BOOST_TEST(skipped[0] == (pages.root / "in/r-empty.txt").string() + ": empty file");
}

BOOST_AUTO_TEST_CASE(extract_that_cannot_run_leaves_the_old_output_alone) {
  Pages pages;
  WriteFile(pages.root / "out.jsonl", "old\n");
  ExtractOptions missing = pages.Options(2, "out.jsonl");
  missing.inputs.push_back((pages.root / "no-such-input").string());
  Result<ExtractSummary> r = RunExtract(missing);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.status().message().find("no-such-input") != std::string::npos);
  BOOST_TEST(ReadFile(pages.root / "out.jsonl") == "old\n");

  Result<ExtractSummary> inside = RunExtract(pages.Options(2, "in/out.jsonl"));
  BOOST_REQUIRE(!inside.ok());
  BOOST_TEST(inside.status().message().find("inside input") != std::string::npos);
  BOOST_TEST(!fs::exists(pages.root / "in/out.jsonl"));
  BOOST_TEST(!fs::exists(pages.root / "in/out.jsonl.tmp"));

  fs::create_directories(pages.root / "folder");
  Result<ExtractSummary> folder = RunExtract(pages.Options(2, "folder"));
  BOOST_REQUIRE(!folder.ok());
  BOOST_TEST(folder.status().message().find("is a folder") != std::string::npos);
}
