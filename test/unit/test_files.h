// Whole-file reads and writes for tests that check what a run wrote.
#pragma once

#include <boost/filesystem.hpp>
#include <fstream>
#include <sstream>
#include <string>

namespace simshard::testing {

inline std::string ReadFile(const boost::filesystem::path& path) {
  std::ifstream in(path.string(), std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Writes `bytes` to `path`, creating its folders.
inline void WriteFile(const boost::filesystem::path& path, const std::string& bytes) {
  boost::filesystem::create_directories(path.parent_path());
  std::ofstream(path.string(), std::ios::binary) << bytes;
}

}  // namespace simshard::testing
