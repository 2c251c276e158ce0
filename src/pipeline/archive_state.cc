#include "pipeline/archive_state.h"

#include <sqlite3.h>
#include <zstd.h>

#include <memory>

namespace simshard::pipeline {

namespace {

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
  void operator()(sqlite3_stmt* st) const { sqlite3_finalize(st); }
};

Result<std::string> ReadState(const std::string& path, std::string_view key) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, SqliteCloser> db(raw);
  if (rc != SQLITE_OK) return Status::IOError(path + ": cannot open: " + sqlite3_errstr(rc));
  sqlite3_stmt* st_raw = nullptr;
  if (sqlite3_prepare_v2(db.get(), "SELECT value FROM state WHERE key = ?1", -1, &st_raw,
                         nullptr) != SQLITE_OK) {
    return Status::IOError(path + ": " + sqlite3_errmsg(db.get()));
  }
  std::unique_ptr<sqlite3_stmt, SqliteCloser> st(st_raw);
  sqlite3_bind_text(st.get(), 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
  const int step = sqlite3_step(st.get());
  if (step == SQLITE_DONE) return std::string();
  if (step != SQLITE_ROW) return Status::IOError(path + ": " + sqlite3_errmsg(db.get()));
  const void* bytes = sqlite3_column_blob(st.get(), 0);
  const int size = sqlite3_column_bytes(st.get(), 0);
  return bytes ? std::string(static_cast<const char*>(bytes), size) : std::string();
}

}  // namespace

StateReader ReadOnlyState(const std::string& dir) {
  return [path = dir + "/catalog.sqlite"](std::string_view key) { return ReadState(path, key); };
}

Status CheckFingerprintConfig(const StateReader& state, const std::string& dir,
                              const std::string& ours, bool* absent) {
  Result<std::string> theirs = state(kFingerprintKey);
  if (!theirs.ok()) return theirs.status();
  *absent = theirs->empty();
  if (*absent || *theirs == ours) return Status::OK();
  return Status::NotSupported("archive " + dir + " was fingerprinted with \"" + *theirs +
                              "\" but this simshard uses \"" + ours +
                              "\": use the simshard version that made it, or a new archive");
}

std::string ChromeKey(uint64_t run) { return "chrome_model." + std::to_string(run); }

namespace {

constexpr int kChromeLevel = 3;
constexpr unsigned long long kMaxChromeBytes = 1ull << 30;  // refuses a frame that claims more

bool IsZstdFrame(std::string_view bytes) {
  return bytes.size() >= 4 && static_cast<unsigned char>(bytes[0]) == 0x28 &&
         static_cast<unsigned char>(bytes[1]) == 0xB5 && static_cast<unsigned char>(bytes[2]) == 0x2F &&
         static_cast<unsigned char>(bytes[3]) == 0xFD;
}

}  // namespace

std::string PackChromeModel(std::string_view text) {
  std::string out(ZSTD_compressBound(text.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), text.data(), text.size(), kChromeLevel);
  if (ZSTD_isError(n) || n >= text.size()) return std::string(text);  // the plain text reads back as well
  out.resize(n);
  return out;
}

Result<std::string> UnpackChromeModel(std::string bytes) {
  if (!IsZstdFrame(bytes)) return bytes;
  const unsigned long long size = ZSTD_getFrameContentSize(bytes.data(), bytes.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > kMaxChromeBytes) {
    return Status::Corruption("the chrome model is not a whole zstd frame");
  }
  std::string text(size, '\0');
  const size_t n = ZSTD_decompress(text.data(), text.size(), bytes.data(), bytes.size());
  if (ZSTD_isError(n) || n != size) return Status::Corruption("the chrome model does not decompress");
  return text;
}

Result<LoadedChrome> LoadChromeModel(const StateReader& state, const ArchiveReader& reader,
                                     const std::string& dir) {
  Result<std::vector<RunInfo>> runs = reader.Runs();
  if (!runs.ok()) return runs.status();
  for (auto run = runs->rbegin(); run != runs->rend(); ++run) {
    if (run->ended_at.empty()) continue;
    const std::string key = ChromeKey(run->id);
    Result<std::string> bytes = state(key);
    if (!bytes.ok()) return bytes.status();
    if (bytes->empty()) continue;
    Result<std::string> text = UnpackChromeModel(std::move(bytes).value());
    if (!text.ok()) return text.status().WithContext("archive " + dir + ": " + key);
    Result<ChromeModel> model = ChromeModel::Deserialize(*text);
    if (!model.ok()) return model.status().WithContext("archive " + dir + ": " + key);
    return LoadedChrome{std::move(model).value(), key};
  }
  return LoadedChrome{ChromeModel(), ""};
}

}  // namespace simshard::pipeline
