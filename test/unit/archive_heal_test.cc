// Shards healed from their parity: read-repair, verify's verdict, repair byte for byte,
// and what is reported lost when the damage is beyond the parity.
#include <boost/test/unit_test.hpp>

#include <random>
#include <set>

#include "archive/parity.h"
#include "archive/shard_format.h"
#include "archive/shard_reader.h"
#include "archive_test_util.h"
#include "simshard/archive.h"
#include "util/file_util.h"

using namespace simshard;
using namespace simshard::testing;

namespace {

std::string Bytes(const std::string& path) { return ReadFile(path).value(); }

void Overwrite(const std::string& path, const std::string& bytes) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_TRUNC));
  BOOST_REQUIRE(WriteAll(fd.get(), bytes, path).ok());
}

// Zeroes [offset, offset + n) of the file.
void Zero(const std::string& path, uint64_t offset, uint64_t n) {
  std::string bytes = Bytes(path);
  bytes.replace(offset, n, std::string(n, '\0'));
  Overwrite(path, bytes);
}

shard::ShardIndex IndexOf(const std::string& dir, const std::string& name) {
  auto file = ShardFile::Open(dir, name);
  BOOST_REQUIRE_MESSAGE(file.ok(), file.status().message());
  return file->index();
}

bool AllHealable(const std::vector<Damage>& damage) {
  for (const Damage& d : damage) {
    if (!d.healable) return false;
  }
  return !damage.empty();
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_new_shard_has_parity_between_data_and_index) {
  ScratchDir dir;
  WriteRun(dir.path(), Records(1, 60), SmallFrames());
  const shard::ShardIndex index = IndexOf(dir.path(), shard::ShardName(1));
  BOOST_TEST(index.version == shard::kFormatVersion);
  BOOST_TEST(index.index_offset > index.data_end);
  BOOST_TEST(OpenReader(dir.path())->Verify().empty());
}

BOOST_AUTO_TEST_CASE(a_flipped_byte_is_healed_on_read_named_by_verify_and_repaired_byte_for_byte) {
  ScratchDir dir;
  WriteRun(dir.path(), Records(1, 60), SmallFrames());
  auto reader = OpenReader(dir.path());
  const CatalogEntry entry = reader->Find(MakeRecord(30).id).value();
  const std::string path = dir / entry.shard, sealed = Bytes(path);
  const std::string want = OriginalBytes(reader->Read(entry).value());
  reader = OpenReader(dir.path());  // no frame kept from before the damage
  FlipByte(path, entry.frame_offset + entry.frame_size / 2);
  const auto damage = reader->Verify();
  BOOST_TEST(AnyDamageMentions(damage, entry.shard, entry.frame, "heals it"));
  BOOST_TEST(AllHealable(damage));
  auto record = reader->Read(entry);
  BOOST_REQUIRE_MESSAGE(record.ok(), record.status().message());
  BOOST_TEST(OriginalBytes(*record) == want);
  BOOST_TEST(reader->HealedShards() == std::vector<std::string>{entry.shard});
  BOOST_TEST(Bytes(path) != sealed);  // read-repair writes nothing
  reader.reset();
  auto report = Repair(dir.path());
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().message());
  BOOST_TEST(report->lost.empty());
  BOOST_TEST(Bytes(path) == sealed);
  BOOST_TEST(OpenReader(dir.path())->Verify().empty());
}

BOOST_AUTO_TEST_CASE(damaged_parity_is_found_by_verify_and_rebuilt_by_repair) {
  ScratchDir dir;
  WriteRun(dir.path(), Records(1, 60), SmallFrames());
  const std::string name = shard::ShardName(1), path = dir / name, sealed = Bytes(path);
  const shard::ShardIndex index = IndexOf(dir.path(), name);
  FlipByte(path, (index.data_end + index.index_offset) / 2);
  const auto damage = OpenReader(dir.path())->Verify();
  BOOST_TEST(AnyDamageMentions(damage, name, -1, "parity group 0"));
  BOOST_TEST(AllHealable(damage));
  BOOST_REQUIRE(Repair(dir.path()).ok());
  BOOST_TEST(Bytes(path) == sealed);
}

BOOST_AUTO_TEST_CASE(a_damaged_index_and_a_zeroed_region_heal_together) {
  ScratchDir dir;
  WriteRun(dir.path(), Records(1, 200), SmallFrames());
  const std::string name = shard::ShardName(1), path = dir / name, sealed = Bytes(path);
  const shard::ShardIndex index = IndexOf(dir.path(), name);
  Zero(path, index.data_end / 3, 4096);
  FlipByte(path, sealed.size() - 50);  // in the seek table
  const auto damage = OpenReader(dir.path())->Verify();
  BOOST_TEST(AllHealable(damage));
  BOOST_TEST(AnyDamageMentions(damage, name, -1, "seek table"));
  auto report = Repair(dir.path());
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().message());
  BOOST_TEST(report->lost.empty());
  BOOST_TEST(Bytes(path) == sealed);
}

BOOST_AUTO_TEST_CASE(damage_beyond_the_parity_loses_only_the_damaged_frame) {
  ScratchDir dir;
  WriteRun(dir.path(), Records(1, 60), SmallFrames());
  auto reader = OpenReader(dir.path());
  std::map<std::string, uint32_t> frame_of;
  for (uint64_t n = 1; n <= 60; ++n) frame_of[MakeRecord(n).id] = reader->Find(MakeRecord(n).id)->frame;
  const CatalogEntry hit = reader->Find(MakeRecord(30).id).value();
  const shard::ShardIndex index = IndexOf(dir.path(), hit.shard);
  // Every parity frame zeroed: nothing can rebuild the frame with the flipped byte.
  Zero(dir / hit.shard, index.data_end, index.index_offset - index.data_end);
  FlipByte(dir / hit.shard, hit.frame_offset + hit.frame_size / 2);
  const auto damage = reader->Verify();
  BOOST_TEST(AnyDamageMentions(damage, hit.shard, hit.frame, "cannot heal"));
  BOOST_TEST(!AllHealable(damage));
  BOOST_TEST(!reader->Read(hit).ok());
  reader.reset();
  auto report = Repair(dir.path());
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().message());
  std::set<std::string> lost, want_lost;
  for (const LostDocument& d : report->lost) lost.insert(d.id);
  for (const auto& [id, frame] : frame_of) {
    if (frame == hit.frame) want_lost.insert(id);
  }
  BOOST_TEST(lost == want_lost, boost::test_tools::per_element());
  reader = OpenReader(dir.path());
  BOOST_TEST(reader->Verify().empty());
  BOOST_TEST(reader->Stats()->documents == 60u - want_lost.size());
  BOOST_TEST(reader->Read(reader->Find(MakeRecord(60).id).value()).ok());
  BOOST_TEST(boost::filesystem::exists(dir / (hit.shard + ".damaged")));
}

BOOST_AUTO_TEST_CASE(repair_add_parity_gives_an_old_shard_parity_and_keeps_its_frames) {
  ScratchDir dir;
  WriteRun(dir.path(), Records(1, 60), SmallFrames());
  const std::string name = shard::ShardName(1), path = dir / name, sealed = Bytes(path);
  shard::ShardIndex index = IndexOf(dir.path(), name);
  // The shard as simshard wrote it before parity: data frames, then version 1 index frames.
  index.version = shard::kFormatVersionNoParity;
  index.index_offset = index.data_end;
  Overwrite(path, sealed.substr(0, index.data_end) + shard::EncodeIndexFrames(index));
  BOOST_REQUIRE(Reindex(dir.path()).ok());
  auto reader = OpenReader(dir.path());
  BOOST_TEST(reader->Verify().empty());
  BOOST_TEST(reader->Read(reader->Find(MakeRecord(7).id).value()).ok());
  reader.reset();
  auto plain = Repair(dir.path());
  BOOST_REQUIRE(plain.ok());
  BOOST_TEST(IndexOf(dir.path(), name).version == shard::kFormatVersionNoParity);  // only on request
  auto report = Repair(dir.path(), RepairOptions{true});
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().message());
  BOOST_TEST(report->lost.empty());
  BOOST_TEST(Bytes(path) == sealed);  // what this simshard writes for the same frames
  BOOST_TEST(OpenReader(dir.path())->Verify().empty());
}

// A shard of two parity groups (over 16 MiB of frames): each group heals its own region;
// with the index damaged too, damage beyond one group's parity loses frames of that group
// only, the frames being found group by group from the parity headers.
BOOST_AUTO_TEST_CASE(two_groups_heal_apart_and_lose_apart) {
  ScratchDir dir;
  std::mt19937 rng(11);
  std::vector<Record> records;
  for (uint64_t n = 1; n <= 340; ++n) {
    std::string text;
    for (int i = 0; i < 100000; ++i) text.push_back(static_cast<char>('a' + rng() % 26));
    records.push_back(MakeRecord(n, text));
  }
  WriteRun(dir.path(), records);
  const std::string name = shard::ShardName(1), path = dir / name, sealed = Bytes(path);
  const shard::ShardIndex index = IndexOf(dir.path(), name);
  const auto plans = parity::PlanGroups(index.frames);
  BOOST_REQUIRE(plans.size() == 2u);

  Zero(path, plans[0].start + 100000, 65536);
  Zero(path, plans[1].start + 200000, 65536);
  FlipByte(path, sealed.size() - 20);  // the footer
  BOOST_TEST(AllHealable(OpenReader(dir.path())->Verify()));
  auto healed = Repair(dir.path());
  BOOST_REQUIRE_MESSAGE(healed.ok(), healed.status().message());
  BOOST_TEST(healed->lost.empty());
  BOOST_TEST(Bytes(path) == sealed);

  Zero(path, plans[0].start + plans[0].length / 2, 2 << 20);  // far more than its parity
  FlipByte(path, sealed.size() - 20);
  auto report = Repair(dir.path());
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().message());
  BOOST_TEST(!report->lost.empty());
  std::set<std::string> lost;
  for (const LostDocument& d : report->lost) lost.insert(d.id);
  for (const shard::RecordInfo& r : index.records) {
    if (r.frame >= plans[1].first_frame) BOOST_TEST(lost.count(Hex64(r.id)) == 0u, "record of group 1 lost");
  }
  BOOST_TEST(OpenReader(dir.path())->Verify().empty());
}
