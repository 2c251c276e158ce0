// Shared helpers for the fuzz targets: a private scratch folder, scanning a file the way
// `simshard archive` does, and the checks every parser output must pass.
#pragma once

#include <simdjson.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "simshard/scan.h"

namespace simshard::fuzz {

// Fails the run with a message; libFuzzer (and the replay driver) report it as a crash.
#define FUZZ_CHECK(cond, what)                                            \
  do {                                                                    \
    if (!(cond)) {                                                        \
      std::fprintf(stderr, "fuzz check failed: %s (%s)\n", what, #cond); \
      std::abort();                                                       \
    }                                                                     \
  } while (0)

// One scratch folder per process, removed at exit.
inline const std::filesystem::path& ScratchDir() {
  static const std::filesystem::path dir = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "simshard-fuzz-XXXXXX");
    FUZZ_CHECK(mkdtemp(pattern.data()) != nullptr, "cannot create a scratch folder");
    std::atexit([] { std::filesystem::remove_all(ScratchDir()); });
    return std::filesystem::path(pattern);
  }();
  return dir;
}

inline std::filesystem::path WriteScratchFile(const std::string& name, const uint8_t* data,
                                              size_t size) {
  std::filesystem::path path = ScratchDir() / name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  FUZZ_CHECK(out.good(), "cannot write the scratch file");
  return path;
}

// Small limits so that bombs and huge documents are cheap to find.
inline ScanOptions FuzzScanOptions() {
  ScanOptions options;
  options.max_doc_bytes = 1u << 20;
  return options;
}

// What every extracted document must satisfy, whatever the input.
inline void CheckDocument(const Document& doc, const ScanOptions& options) {
  FUZZ_CHECK(simdjson::validate_utf8(doc.text), "extracted text is not valid UTF-8");
  if (doc.skipped()) return;
  FUZZ_CHECK(doc.original.size() <= options.max_doc_bytes, "document over the size limit");
}

// Scans one file through the real Scanner and extracts every item, checking the
// order and size guarantees of scan.h on the way.
inline void ScanAndExtract(const std::filesystem::path& path) {
  const ScanOptions options = FuzzScanOptions();
  Scanner scanner(options);
  uint64_t next_seq = 0;
  Status status = scanner.Scan({path.string()}, [&](RawItem&& item) {
    FUZZ_CHECK(item.seq == next_seq, "item sequence numbers are not gap-free");
    ++next_seq;
    if (item.skip_reason.empty()) {
      FUZZ_CHECK(item.bytes.size() <= options.max_doc_bytes, "item over the size limit");
    }
    CheckDocument(Extract(std::move(item), options), options);
    return true;
  });
  (void)status;  // a fatal scan error is a fine answer to garbage; crashing is not
}

}  // namespace simshard::fuzz
