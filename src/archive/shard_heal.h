// Healing a damaged shard: its data frames rebuilt from the parity frames where the damage
// allows, the frames that are intact kept, and the parity and index frames derived again
// from them (doc/FORMAT.md, 2.4 and 7).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "archive/shard_format.h"

namespace simshard {

struct HealedShard {
  // The data region in its original layout, healed where the parity allowed (for reading
  // one frame at its old offset); bytes the parity could not rebuild are as they were.
  std::string data;
  // The shard rebuilt from the frames that read back (healed or intact): those frames,
  // then parity and index frames. Empty when no frame reads back.
  std::string bytes;
  shard::ShardIndex index;            // of `bytes`
  std::vector<uint32_t> lost_frames;  // frames of the damaged shard that are gone
  bool complete = false;              // every frame of the damaged shard is in `bytes`
  std::vector<std::string> problems;  // what was found damaged, one line each
};

// kData: only `data` (and `problems`) are wanted, for reading frames at their offsets;
// kShard: the whole rebuilt shard too (decompresses and parses every frame).
enum class HealScope { kData, kShard };

// Heals the shard whose whole file is `file` (damaged or cut short). `name` is for messages.
HealedShard HealShard(std::string_view file, const std::string& name, HealScope scope = HealScope::kShard);

// A whole shard (format version 2) around `frames`, the compressed data frames described
// by index->frames and index->records: the parity frames, then the index frames. Fills in
// the index's offsets.
std::string AssembleShard(std::string frames, shard::ShardIndex* index);

// Empty when every parity frame of the shard open at `fd` is byte for byte what its data
// frames encode to (always for a version 1 shard); else one line per group that is not.
std::vector<std::string> CheckParity(int fd, const shard::ShardIndex& index, const std::string& name);

// The records of one decompressed frame, or false when any of them does not parse.
bool FrameRecords(const std::string& data, uint32_t frame, std::vector<shard::RecordInfo>* records);

}  // namespace simshard
