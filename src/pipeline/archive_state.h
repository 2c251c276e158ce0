// What a run keeps in the catalog's `state` table across nights: the fingerprint
// configuration (an archive made with another one is refused) and the chrome model.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "simshard/archive.h"
#include "simshard/normalize.h"
#include "simshard/status.h"

namespace simshard::pipeline {

inline constexpr std::string_view kFingerprintKey = "fingerprint_config";

// Reads one state value; empty when absent.
using StateReader = std::function<Result<std::string>(std::string_view key)>;

// The state reader of an archive someone else may be writing: the catalog opened
// read-only with SQLite (doc/FORMAT.md, section 5), for `dedup --archive`.
StateReader ReadOnlyState(const std::string& dir);

// OK when the archive recorded `ours` or nothing (then *absent is set).
Status CheckFingerprintConfig(const StateReader& state, const std::string& dir,
                              const std::string& ours, bool* absent);

// The chrome model is saved per run ("chrome_model.<run>") and loaded from the latest
// finished run, so a killed run's half-learned model is never used: a re-run then
// decides exactly like one clean run.
std::string ChromeKey(uint64_t run);
// The stored form of a serialized chrome model: a zstd frame (catalog version 3; the text
// is mostly hex hashes and halves in zstd), or the text when that is not smaller. Unpack
// takes either, so the plain text of older catalogs too.
std::string PackChromeModel(std::string_view text);
Result<std::string> UnpackChromeModel(std::string bytes);

struct LoadedChrome {
  ChromeModel model;
  std::string key;  // empty: a fresh model
};
Result<LoadedChrome> LoadChromeModel(const StateReader& state, const ArchiveReader& reader,
                                     const std::string& dir);

}  // namespace simshard::pipeline
