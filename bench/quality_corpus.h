// Loads the BBC News corpus (../shared/corpora/bbc-news-2004-2005.tar.zst) for the
// quality and speed benchmarks: unpacks it into a temporary folder with zstd and tar and
// returns the articles in path order. Empty when the corpus is absent.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace simshard_bench {

struct BbcArticle {
  std::string path;  // "bbc/<topic>/<n>.txt"
  std::string topic;
  std::string text;  // file bytes as UTF-8 (the corpus has one Latin-1 file)
};

inline bool IsValidUtf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    }
    i += n;
  }
  return true;
}

inline std::string Latin1ToUtf8(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(0xc0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3f));
    }
  }
  return out;
}

inline std::vector<BbcArticle> LoadBbcArticles(const std::string& archive) {
  namespace fs = std::filesystem;
  std::vector<BbcArticle> articles;
  if (!fs::exists(archive)) return articles;
  const fs::path dir = fs::temp_directory_path() / ("simshard-bbc-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string command = "zstd -dc '" + archive + "' | tar -x -C '" + dir.string() + "'";
  if (std::system(command.c_str()) != 0) {
    std::fprintf(stderr, "could not unpack %s (needs zstd and tar)\n", archive.c_str());
    fs::remove_all(dir);
    return articles;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".txt" &&
        entry.path().filename() != "README.TXT") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    BbcArticle a;
    a.path = fs::relative(file, dir).string();
    a.topic = file.parent_path().filename().string();
    a.text = bytes.str();
    if (!IsValidUtf8(a.text)) a.text = Latin1ToUtf8(a.text);
    articles.push_back(std::move(a));
  }
  fs::remove_all(dir);
  return articles;
}

}  // namespace simshard_bench
