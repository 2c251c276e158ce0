// A Record as one JSON line in a shard, and back (doc/FORMAT.md, section 3).
#pragma once

#include <string>
#include <string_view>

#include "simshard/archive.h"
#include "simshard/status.h"

namespace simshard {

// Appends the record's JSON (without the newline) to `out`. `ordinal` is stored with it.
void EncodeRecord(const Record& record, uint64_t ordinal, std::string* out);

// Parses one record line; fills `ordinal` when given. Record::original gets the full
// original bytes back (empty when they were the text).
Result<Record> DecodeRecord(std::string_view line, uint64_t* ordinal = nullptr);

// Reads just the id of a record line (cheaper than DecodeRecord), for verification.
Result<std::string> DecodeRecordId(std::string_view line);

std::string_view KindName(OriginalKind kind);

// FingerprintStoredText (archive.h) for the catalog row of the record whose text it is.
void FingerprintStoredText(std::string_view text, CatalogEntry* entry);

// The catalog's copy of a record's metadata (its location is left for the caller).
CatalogEntry EntryFromRecord(const Record& record, uint64_t ordinal);
// The same, its strings moved out of `record` (text and original stay).
CatalogEntry EntryFromRecord(Record&& record, uint64_t ordinal);

}  // namespace simshard
