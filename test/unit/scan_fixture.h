// Helpers for the scanner tests: a scratch folder, compressed files, and a scan that
// runs Extract on every item.
#pragma once

#include <zlib.h>
#include <zstd.h>

#include <boost/filesystem.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "simshard/scan.h"

namespace simshard::testing {

class ScratchDir {
 public:
  ScratchDir() {
    path_ = boost::filesystem::temp_directory_path() /
            boost::filesystem::unique_path("simshard-scan-%%%%-%%%%-%%%%");
    boost::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    boost::system::error_code ec;
    boost::filesystem::remove_all(path_, ec);
  }
  std::string Path(const std::string& rel = "") const {
    return rel.empty() ? path_.string() : (path_ / rel).string();
  }
  // Writes `bytes` to `rel` (folders created) and returns the full path.
  std::string Write(const std::string& rel, const std::string& bytes) const {
    const boost::filesystem::path p = path_ / rel;
    boost::filesystem::create_directories(p.parent_path());
    std::ofstream(p.string(), std::ios::binary).write(bytes.data(), bytes.size());
    return p.string();
  }

 private:
  boost::filesystem::path path_;
};

// One gzip member holding `data`.
inline std::string Gzip(const std::string& data) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

inline std::string Zstd(const std::string& data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3));
  return out;
}

// Scans `inputs` and extracts every item, in order.
inline std::vector<Document> ScanAll(const std::vector<std::string>& inputs,
                                     const ScanOptions& options = {}) {
  std::vector<Document> docs;
  const Status st = Scanner(options).Scan(inputs, [&](RawItem&& item) {
    docs.push_back(Extract(std::move(item), options));
    return true;
  });
  if (!st.ok()) throw std::runtime_error(st.message());
  return docs;
}

inline bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace simshard::testing
