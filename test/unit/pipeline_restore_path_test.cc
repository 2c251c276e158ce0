#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <fstream>

#include "pipeline/restore_path.h"

using simshard::pipeline::SafeRelativePath;

BOOST_AUTO_TEST_CASE(safe_path_keeps_ordinary_sources) {
  BOOST_TEST(SafeRelativePath("crawl/site-a/news/story.html") == "crawl/site-a/news/story.html");
  BOOST_TEST(SafeRelativePath("feed.jsonl#12") == "feed.jsonl#12");
}

BOOST_AUTO_TEST_CASE(safe_path_drops_parent_and_root_parts) {
  BOOST_TEST(SafeRelativePath("../../etc/passwd") == "etc/passwd");
  BOOST_TEST(SafeRelativePath("/etc/passwd") == "etc/passwd");
  BOOST_TEST(SafeRelativePath("a/./b//../c") == "a/b/c");
  BOOST_TEST(SafeRelativePath("..\\..\\win.ini") == "win.ini");
  BOOST_TEST(SafeRelativePath("..hidden/x") == "..hidden/x");  // a name, not a parent
}

BOOST_AUTO_TEST_CASE(safe_path_replaces_control_bytes_and_nul) {
  BOOST_TEST(SafeRelativePath(std::string("a\0b/c\nd", 7)) == "a_b/c_d");
}

BOOST_AUTO_TEST_CASE(safe_path_is_never_empty) {
  const std::string a = SafeRelativePath("../..");
  const std::string b = SafeRelativePath("/");
  BOOST_TEST(!a.empty());
  BOOST_TEST(a.find('/') == std::string::npos);
  BOOST_TEST(a != b);  // distinct sources stay distinct
}

BOOST_AUTO_TEST_CASE(safe_path_cuts_long_names_and_keeps_them_distinct) {
  const std::string x = "dir/" + std::string(300, 'x') + "1.txt";
  const std::string y = "dir/" + std::string(300, 'x') + "2.txt";
  const std::string sx = SafeRelativePath(x), sy = SafeRelativePath(y);
  BOOST_TEST(sx.size() <= 4 + 200);
  BOOST_TEST(sx != sy);
  BOOST_TEST(sx.rfind("dir/", 0) == 0);
}

BOOST_AUTO_TEST_CASE(safe_path_flattens_very_deep_sources) {
  std::string deep;
  for (int i = 0; i < 500; ++i) deep += "d/";
  deep += "leaf.txt";
  const std::string safe = SafeRelativePath(deep);
  BOOST_TEST(safe.size() < 300);
  BOOST_TEST(safe.ends_with("leaf.txt"));
}

BOOST_AUTO_TEST_CASE(write_under_refuses_a_planted_symlink) {
  namespace fs = boost::filesystem;
  const fs::path root = fs::temp_directory_path() / fs::unique_path("simshard-restore-%%%%%%");
  fs::create_directories(root / "out");
  fs::create_directories(root / "elsewhere");
  fs::create_directory_symlink(root / "elsewhere", root / "out" / "sub");
  const std::string out = (root / "out").string();

  BOOST_TEST(simshard::pipeline::WriteUnder(out, "ok/file.txt", "hello").ok());
  std::ifstream in((root / "out" / "ok" / "file.txt").string());
  std::string text;
  std::getline(in, text);
  BOOST_TEST(text == "hello");

  BOOST_TEST(!simshard::pipeline::WriteUnder(out, "sub/file.txt", "x").ok());
  fs::create_symlink(root / "elsewhere" / "target", root / "out" / "link.txt");
  BOOST_TEST(!simshard::pipeline::WriteUnder(out, "link.txt", "x").ok());
  BOOST_TEST(fs::is_empty(root / "elsewhere"));
  fs::remove_all(root);
}
