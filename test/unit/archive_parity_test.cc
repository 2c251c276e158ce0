// The Reed–Solomon parity of shard data (archive/parity.h): group plans, and that any one
// damaged region up to 64 KiB plus one more flipped byte heals, byte for byte.
#include <boost/test/unit_test.hpp>

#include <random>

#include "archive/parity.h"

using namespace simshard;

namespace {

// A group of `length` random bytes at offset 0 of a file, followed by its parity frame.
struct Group {
  parity::GroupPlan plan;
  std::string data, file;
};

Group MakeGroup(uint64_t length, uint32_t seed) {
  Group g;
  std::mt19937 rng(seed);
  for (uint64_t i = 0; i < length; ++i) g.data.push_back(static_cast<char>(rng()));
  g.plan.groups = 1;
  g.plan.frame_count = 1;
  g.plan.length = length;
  parity::ChooseBlocks(length, &g.plan);
  g.file = g.data + parity::EncodeParityFrame(g.plan, g.data);
  return g;
}

Result<std::string> Heal(const std::string& file, uint32_t* damaged) {
  const auto groups = parity::FindParityGroups(file, 0, file.size());
  if (groups.size() != 1) return Status::NotFound("no parity group found");
  return parity::HealGroup(groups[0], file, damaged);
}

}  // namespace

BOOST_AUTO_TEST_CASE(blocks_cover_the_group_and_parity_covers_a_64k_region_and_one_more_block) {
  for (uint64_t length : {1ull, 100ull, 4096ull, 70000ull, 917504ull, 3000000ull, 40000000ull}) {
    parity::GroupPlan p;
    parity::ChooseBlocks(length, &p);
    BOOST_TEST(uint64_t(p.k) * p.block_size >= length, length);
    BOOST_TEST(uint64_t(p.k - 1) * p.block_size < length, length);
    BOOST_TEST(p.k <= parity::kMaxDataBlocks, length);
    BOOST_TEST(p.k + p.m <= 255u, length);
    const uint32_t region_blocks = (parity::kHealRegionBytes + p.block_size - 1) / p.block_size + 1;
    BOOST_TEST((p.m >= region_blocks + 1 || p.m == p.k + 1), length);
    BOOST_TEST(uint64_t(p.k) * p.block_size - length < p.k, length);  // only the last block is short
  }
}

BOOST_AUTO_TEST_CASE(groups_close_at_the_target_and_hold_whole_frames) {
  std::vector<shard::FrameInfo> frames;
  uint64_t offset = 0;
  for (int i = 0; i < 100; ++i) {
    frames.push_back({offset, 300000, 1 << 20, 0});
    offset += 300000;
  }
  const auto plans = parity::PlanGroups(frames);
  BOOST_REQUIRE(plans.size() == 2u);  // 56 frames reach 16 MiB, 44 remain
  BOOST_TEST(plans[0].frame_count == 56u);
  BOOST_TEST(plans[1].first_frame == 56u);
  BOOST_TEST(plans[1].start == 56u * 300000);
  BOOST_TEST(plans[1].length == 44u * 300000);
  BOOST_TEST(plans[1].groups == 2u);
  BOOST_TEST(parity::PlanGroups({}).empty());
}

BOOST_AUTO_TEST_CASE(an_intact_group_heals_to_itself) {
  const Group g = MakeGroup(300000, 1);
  uint32_t damaged = 99;
  auto healed = Heal(g.file, &damaged);
  BOOST_REQUIRE(healed.ok());
  BOOST_TEST(damaged == 0u);
  BOOST_TEST(*healed == g.data);
}

BOOST_AUTO_TEST_CASE(a_64k_region_and_a_flipped_byte_anywhere_heal) {
  std::mt19937 rng(7);
  for (uint64_t length : {70000ull, 500000ull, 2500000ull}) {
    const Group g = MakeGroup(length, static_cast<uint32_t>(length));
    for (int trial = 0; trial < 12; ++trial) {
      std::string file = g.file;
      const uint64_t region = std::min<uint64_t>(parity::kHealRegionBytes, file.size());
      const uint64_t at = rng() % (file.size() - region + 1);
      std::fill(file.begin() + at, file.begin() + at + region, trial % 2 ? '\0' : '\xAA');
      file[rng() % file.size()] ^= 0x10;
      uint32_t damaged = 0;
      auto healed = Heal(file, &damaged);
      BOOST_REQUIRE_MESSAGE(healed.ok(), "length " << length << " trial " << trial << ": " << healed.status().message());
      BOOST_TEST(*healed == g.data);
      BOOST_TEST(damaged > 0u);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_tiny_group_heals_when_all_its_data_is_lost) {
  const Group g = MakeGroup(3000, 6);
  std::string file = g.file;
  std::fill(file.begin(), file.begin() + 3000, '\0');  // every data block
  file[file.size() - 10] ^= 1;                           // and the last header copy
  uint32_t damaged = 0;
  auto healed = Heal(file, &damaged);
  BOOST_REQUIRE_MESSAGE(healed.ok(), healed.status().message());
  BOOST_TEST(*healed == g.data);
}

BOOST_AUTO_TEST_CASE(a_group_cut_short_heals_from_its_parity_when_the_loss_is_small) {
  Group g = MakeGroup(2500000, 3);
  // The parity frame moved away from the data (as in a shard) and the data's last 50 KB cut.
  std::string file = g.data.substr(0, g.data.size() - 50000) + std::string(50000, '\0');
  file += parity::EncodeParityFrame(g.plan, g.data);
  uint32_t damaged = 0;
  auto healed = Heal(file, &damaged);
  BOOST_REQUIRE_MESSAGE(healed.ok(), healed.status().message());
  BOOST_TEST(*healed == g.data);
}

BOOST_AUTO_TEST_CASE(more_damage_than_the_parity_covers_fails_with_a_count) {
  const Group g = MakeGroup(2500000, 4);
  std::string file = g.file;
  // One flipped byte in each of m + 1 data blocks.
  for (uint32_t i = 0; i <= g.plan.m; ++i) file[uint64_t(i) * g.plan.block_size * 2 + 5] ^= 1;
  uint32_t damaged = 0;
  auto healed = Heal(file, &damaged);
  BOOST_REQUIRE(!healed.ok());
  BOOST_TEST(damaged == g.plan.m + 1);
  BOOST_TEST(healed.status().message().find("rebuilds at most") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_damaged_header_copy_is_passed_over) {
  const Group g = MakeGroup(100000, 5);
  std::string file = g.file;
  file[g.data.size() + shard::kSkippableHeaderSize + 20] ^= 1;  // inside header copy 0
  const auto groups = parity::FindParityGroups(file, 0, file.size());
  BOOST_REQUIRE(groups.size() == 1u);
  BOOST_TEST(groups[0].frame_offset == g.data.size());
  BOOST_TEST(groups[0].plan.k == g.plan.k);
}
