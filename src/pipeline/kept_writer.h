// `dedup --kept FILE`: the kept documents as zstd-compressed JSON Lines.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "pipeline/analyze.h"
#include "simshard/status.h"

namespace simshard::pipeline {

class KeptWriter {
 public:
  KeptWriter();
  ~KeptWriter();
  KeptWriter(const KeptWriter&) = delete;
  KeptWriter& operator=(const KeptWriter&) = delete;

  Status Open(const std::string& path);  // an empty path writes nothing
  // One line: {"id","url","source","title","date","text"}.
  Status Write(const Analyzed& a, const std::string& id);
  Status Close();

 private:
  Status Compress(bool end);
  std::string path_;
  std::FILE* file_ = nullptr;
  struct Stream;
  std::unique_ptr<Stream> stream_;
  std::string line_;
};

}  // namespace simshard::pipeline
