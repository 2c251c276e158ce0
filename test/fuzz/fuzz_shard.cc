// The shard reader: footer, seek table and record index parsing, frame decompression and
// the records of every frame, healing from the parity frames (found by scanning when the
// index is damaged), then the same shard through `reindex` and `verify` (the paths a
// damaged or hostile shard takes in real use).
#include <filesystem>

#include "archive/shard_heal.h"
#include "archive/shard_reader.h"
#include "fuzz_util.h"
#include "simshard/archive.h"

namespace {

constexpr char kShardName[] = "000001.jsonl.zst";

// The shard alone: whatever its bytes, reading it gives a value or an error.
bool ReadEveryRecord(const std::string& dir, size_t file_size) {
  using namespace simshard;
  auto shard = ShardFile::Open(dir, kShardName);
  if (!shard.ok()) return false;
  const shard::ShardIndex& index = shard->index();
  FUZZ_CHECK(index.index_offset <= file_size, "data frames end past the end of the file");
  for (const auto& frame : index.frames) {
    FUZZ_CHECK(frame.offset + frame.compressed_size <= index.index_offset, "frame past the data");
  }
  for (uint32_t i = 0; i < index.frames.size() && i < 8; ++i) (void)shard->ReadFrame(i);
  Status status = ForEachShardRecord(*shard, [](const CatalogEntry& entry, const Record& record) {
    FUZZ_CHECK(entry.id == record.id, "catalog entry and record disagree on the id");
    return Status::OK();
  });
  // Intact also means parity that is what the data frames encode to (verify checks it).
  return status.ok() && CheckParity(shard->fd(), index, kShardName).empty();
}

// Healing: whatever the bytes, a value; a shard said to be healed whole reads back, and
// healing it again changes nothing.
void Heal(std::string_view bytes) {
  using namespace simshard;
  const HealedShard healed = HealShard(bytes, kShardName);
  if (healed.bytes.empty()) return;
  auto index = shard::ReadShardIndex(healed.bytes, kShardName);
  FUZZ_CHECK(index.ok(), "a rebuilt shard does not read back");
  FUZZ_CHECK(index->frames.size() == healed.index.frames.size(), "a rebuilt shard lost frames");
  const HealedShard again = HealShard(healed.bytes, kShardName);
  FUZZ_CHECK(again.complete && again.bytes == healed.bytes, "healing a rebuilt shard changes it");
}

// Rebuilding the catalog from the shard and verifying: never a crash, and when every
// record read back and the parity checked out, verify agrees the archive is intact.
void ReindexAndVerify(const std::string& dir, bool intact) {
  using namespace simshard;
  std::filesystem::remove(dir + "/catalog.sqlite");
  std::filesystem::remove(dir + "/catalog.sqlite-wal");
  std::filesystem::remove(dir + "/catalog.sqlite-shm");
  if (!Reindex(dir).ok()) return;
  auto reader = ArchiveReader::Open(dir);
  if (!reader.ok()) return;
  const std::vector<Damage> damage = (*reader)->Verify();
  if (intact) FUZZ_CHECK(damage.empty(), "verify finds damage in a shard that reads back whole");
  (void)(*reader)->List({}, [&](const CatalogEntry& entry) { (void)(*reader)->Read(entry); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string dir = simshard::fuzz::ScratchDir().string();
  simshard::fuzz::WriteScratchFile(kShardName, data, size);
  const bool intact = ReadEveryRecord(dir, size);
  Heal(std::string_view(reinterpret_cast<const char*>(data), size));
  // Reindex costs a catalog write: only for inputs that end like a shard.
  const bool footer_magic = size >= 4 && simshard::shard::kFooterMagic ==
      (uint32_t(data[size - 4]) | uint32_t(data[size - 3]) << 8 |
       uint32_t(data[size - 2]) << 16 | uint32_t(data[size - 1]) << 24);
  if (intact || footer_magic) ReindexAndVerify(dir, intact);
  return 0;
}
