// The bytes of a shard after its data frames: the record index and seek table skippable
// frames (doc/FORMAT.md, section 2), and reading and checking them back.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "simshard/status.h"

namespace simshard::shard {

inline constexpr uint32_t kIndexMagic = 0x184D2A5A;
inline constexpr uint32_t kSeekTableMagic = 0x184D2A5E;
inline constexpr uint32_t kFooterMagic = 0x44524853;  // "SHRD"
// Version 2 shards carry parity frames between the data frames and the record index
// (section 2.4); version 1 shards have none and are still read.
inline constexpr uint16_t kFormatVersion = 2;
inline constexpr uint16_t kFormatVersionNoParity = 1;
inline constexpr size_t kFooterSize = 36;
inline constexpr size_t kSeekEntrySize = 12;
inline constexpr size_t kIndexEntrySize = 32;
inline constexpr size_t kSkippableHeaderSize = 8;
// A frame larger than this once decompressed is refused (decompression bombs).
inline constexpr uint64_t kMaxFrameBytes = 1ull << 30;

struct FrameInfo {
  uint64_t offset = 0;  // in the file
  uint32_t compressed_size = 0, decompressed_size = 0, checksum = 0;
};

struct RecordInfo {
  uint64_t id = 0, ordinal = 0;
  uint32_t frame = 0, offset = 0, length = 0, checksum = 0;
};

struct ShardIndex {
  std::vector<FrameInfo> frames;
  std::vector<RecordInfo> records;
  uint64_t data_end = 0;      // where the data frames end (the parity frames start)
  uint64_t index_offset = 0;  // where the record index frame starts (after the parity)
  uint64_t data_bytes = 0;    // decompressed bytes of all frames
  uint16_t version = kFormatVersion;
};

// Low 32 bits of XXH64 (seed 0): the checksum zstd and this format use.
uint32_t Checksum32(std::string_view bytes);

// The record index frame followed by the seek table frame for `index` (whose frame
// offsets must be filled in).
std::string EncodeIndexFrames(const ShardIndex& index);

// Reads and checks the index frames of the shard open at `fd`. `name` is for messages.
Result<ShardIndex> ReadShardIndex(int fd, const std::string& name);
// The same for a shard whose whole file is in memory.
Result<ShardIndex> ReadShardIndex(std::string_view file, const std::string& name);

// Decompresses one data frame, checking zstd's content checksum; refuses frames that
// would inflate past kMaxFrameBytes.
Result<std::string> DecompressFrame(std::string_view compressed);

// "000042.jsonl.zst" for 42, and back.
std::string ShardName(uint64_t number);
bool ParseShardName(std::string_view name, uint64_t* number);
inline constexpr std::string_view kTempSuffix = ".tmp";

}  // namespace simshard::shard
