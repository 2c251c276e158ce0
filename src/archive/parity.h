// Reed–Solomon recovery data over groups of a shard's data frames (doc/FORMAT.md, 2.4):
// planning the groups, encoding one parity frame per group, finding the parity frames
// again (also in a shard whose index is damaged) and rebuilding a damaged group.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "archive/shard_format.h"
#include "simshard/status.h"

namespace simshard::parity {

inline constexpr uint32_t kParityMagic = 0x184D2A5B;
inline constexpr uint32_t kHeaderTag = 0x50524853;  // "SHRP"
// A group closes once its data frames reach this many compressed bytes (FORMAT.md 2.4).
inline constexpr uint64_t kGroupTargetBytes = 16ull << 20;
// Data blocks per group at most, and the smallest block.
inline constexpr uint32_t kMaxDataBlocks = 224;
inline constexpr uint32_t kMinBlockBytes = 4096;
// One damaged region of this many bytes, plus one more damaged block, always heals.
inline constexpr uint32_t kHealRegionBytes = 64 * 1024;

// Which bytes of the shard a group covers and how they are cut into blocks.
struct GroupPlan {
  uint32_t group = 0, groups = 0;  // this group's number, and how many the shard has
  uint32_t first_frame = 0, frame_count = 0;
  uint64_t start = 0, length = 0;  // in the file: [start, start + length)
  uint32_t block_size = 0;
  uint32_t k = 0, m = 0;           // data and parity blocks
};

// A parity frame found in a shard: its plan, block checksums and where it lies.
struct ParityGroup {
  GroupPlan plan;
  std::vector<uint32_t> checksums;  // k data blocks, then m parity blocks
  uint64_t frame_offset = 0;        // of the parity frame in the file
};

// The groups of a shard with these data frames (empty for a shard without frames).
std::vector<GroupPlan> PlanGroups(const std::vector<shard::FrameInfo>& frames);

// Block size and counts for a group of `length` bytes.
void ChooseBlocks(uint64_t length, GroupPlan* plan);

// The whole parity frame (skippable) for a group whose data bytes are `data`.
std::string EncodeParityFrame(const GroupPlan& plan, std::string_view data);

// Size in bytes of the parity frame of `plan`.
uint64_t ParityFrameSize(const GroupPlan& plan);

// Every group whose header has a good copy somewhere in `bytes[from, to)` (a damaged
// copy is passed over; of groups that claim the same bytes, the first found), by group
// number; `bytes` is the whole file.
std::vector<ParityGroup> FindParityGroups(std::string_view bytes, uint64_t from, uint64_t to);

// The group's data bytes rebuilt from whatever of `file` is intact (it may be cut short).
// Fails, saying how many blocks are damaged, when there are more than the parity covers.
// `damaged` gets the number of damaged blocks, data and parity.
Result<std::string> HealGroup(const ParityGroup& group, std::string_view file, uint32_t* damaged);

}  // namespace simshard::parity
