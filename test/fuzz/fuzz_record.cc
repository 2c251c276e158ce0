// The record decoder: one JSON line of a shard to a Record. Whatever decodes must encode
// back to a line that decodes to the same record (what restore and reindex rely on).
#include "archive/record_codec.h"
#include "fuzz_util.h"

namespace {

bool IsWriterId(std::string_view id) {
  return id.size() == 16 && id.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

void CheckSameRecord(const simshard::Record& a, const simshard::Record& b) {
  FUZZ_CHECK(a.id == b.id && a.url == b.url && a.source == b.source, "ids or locations differ");
  FUZZ_CHECK(a.title == b.title && a.date == b.date && a.archived_at == b.archived_at, "metadata differs");
  // SimHash and sketch are read from older records but not written (FORMAT.md, section 3).
  FUZZ_CHECK(a.run == b.run && a.digest == b.digest && a.kind == b.kind, "digest or kind differs");
  FUZZ_CHECK(a.text == b.text, "text differs");
  FUZZ_CHECK(simshard::OriginalBytes(a) == simshard::OriginalBytes(b), "original bytes differ");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace simshard;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  uint64_t ordinal = 0;
  auto record = DecodeRecord(line, &ordinal);
  auto id = DecodeRecordId(line);
  if (!record.ok()) return 0;
  // The fast id path (verify) and the full decoder (restore, reindex) must agree on lines
  // shaped like the writer's: one "id" key holding 16 hex digits. (Lines with repeated
  // keys or other ids are a known disagreement, reported; the index check catches them.)
  const bool one_id_key = line.find("\"id\"") == line.rfind("\"id\"");
  if (id.ok() && one_id_key && IsWriterId(*id) && IsWriterId(record->id)) {
    FUZZ_CHECK(*id == record->id, "DecodeRecordId disagrees with DecodeRecord");
  }
  std::string encoded;
  EncodeRecord(*record, ordinal, &encoded);
  FUZZ_CHECK(encoded.find('\n') == std::string::npos, "an encoded record spans lines");
  uint64_t again_ordinal = 0;
  auto again = DecodeRecord(encoded, &again_ordinal);
  FUZZ_CHECK(again.ok(), "a re-encoded record does not decode");
  FUZZ_CHECK(again_ordinal == ordinal, "ordinal changed");
  CheckSameRecord(*record, *again);
  return 0;
}
