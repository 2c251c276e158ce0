#include "archive/shard_heal.h"

#include <zstd.h>

#include "archive/parity.h"
#include "archive/record_codec.h"
#include "util/encoding.h"
#include "util/file_util.h"

namespace simshard {
namespace {

// The parity groups of the shard: from the parity region when the index frames are
// intact, else from wherever a good header copy is found in the file.
std::vector<parity::ParityGroup> FindGroups(std::string_view file, const Result<shard::ShardIndex>& index) {
  if (index.ok() && index->version == shard::kFormatVersionNoParity) return {};
  if (index.ok()) return parity::FindParityGroups(file, index->data_end, index->index_offset);
  return parity::FindParityGroups(file, 0, file.size());
}

// True when the groups found are all the shard has, back to back from offset 0.
bool GroupsComplete(const std::vector<parity::ParityGroup>& groups) {
  uint64_t end = 0;
  for (size_t i = 0; i < groups.size(); ++i) {
    const parity::GroupPlan& p = groups[i].plan;
    if (p.group != i || p.groups != groups.size() || p.start != end) return false;
    end += p.length;
  }
  return !groups.empty();
}

// Copies every group the parity can rebuild into `data` (the file's bytes, grown when the
// file is cut inside the data); says which could not.
void HealGroups(std::string_view file, const std::vector<parity::ParityGroup>& groups, std::string* data,
                std::vector<std::string>* problems) {
  for (const parity::ParityGroup& g : groups) {
    uint32_t damaged = 0;
    auto healed = parity::HealGroup(g, file, &damaged);
    if (!healed.ok()) {
      problems->push_back(healed.status().message());
      continue;
    }
    if (damaged > 0) {
      problems->push_back("parity group " + std::to_string(g.plan.group) + ": " + std::to_string(damaged) +
                          " damaged block(s) rebuilt");
    }
    if (data->size() < g.plan.start + g.plan.length) data->resize(g.plan.start + g.plan.length, '\0');
    data->replace(g.plan.start, g.plan.length, *healed);
  }
}

// One data frame of the damaged shard: its number there and its bytes in the data region.
struct FrameSpan {
  uint32_t number = 0;
  uint64_t offset = 0, size = 0;
};

// Walks the zstd frame headers of `data` from `from` to `to`, numbering frames from
// `number`, until one cannot be sized (a damaged or cut frame ends the walk). Returns
// whether the walk reached `to`.
bool WalkFrames(std::string_view data, uint64_t from, uint64_t to, uint32_t number, std::vector<FrameSpan>* spans,
                std::vector<std::string>* problems) {
  to = std::min<uint64_t>(to, data.size());
  for (uint64_t pos = from; pos < to; ++number) {
    const std::string_view rest = data.substr(pos, to - pos);
    if (rest.size() >= 4 && (GetFixed32(rest.data()) & 0xFFFFFFF0u) == 0x184D2A50u) break;  // parity or index
    const size_t size = ZSTD_findFrameCompressedSize(rest.data(), rest.size());
    if (ZSTD_isError(size)) {
      problems->push_back("frame " + std::to_string(number) + " is cut short or unreadable");
      return false;
    }
    spans->push_back({number, pos, size});
    pos += size;
  }
  return spans->empty() ? from == to : spans->back().offset + spans->back().size == to;
}

// Where the data frames are: from the seek table when it is intact; else by walking the
// zstd frame headers of the (healed) data, group by group when the parity names the
// groups (a frame that cannot be sized then loses only the rest of its group), from the
// start otherwise. `all` says whether every frame was found.
std::vector<FrameSpan> FrameBounds(std::string_view data, const Result<shard::ShardIndex>& index,
                                   const std::vector<parity::ParityGroup>& groups, bool* all,
                                   std::vector<std::string>* problems) {
  std::vector<FrameSpan> spans;
  *all = index.ok();
  if (index.ok()) {
    for (uint32_t i = 0; i < index->frames.size(); ++i) {
      spans.push_back({i, index->frames[i].offset, index->frames[i].compressed_size});
    }
    return spans;
  }
  if (!GroupsComplete(groups)) {
    WalkFrames(data, 0, data.size(), 0, &spans, problems);
    return spans;
  }
  *all = true;
  for (const parity::ParityGroup& g : groups) {
    const size_t before = spans.size();
    std::vector<FrameSpan> group;
    *all &= WalkFrames(data, g.plan.start, g.plan.start + g.plan.length, g.plan.first_frame, &group, problems) &&
            group.size() == g.plan.frame_count;
    spans.insert(spans.end(), group.begin(), group.end());
    for (uint32_t n = g.plan.first_frame + static_cast<uint32_t>(spans.size() - before);
         n < g.plan.first_frame + g.plan.frame_count; ++n) {
      spans.push_back({n, data.size(), 1});  // not found: lost (past the data, so never read)
    }
  }
  return spans;
}

// Keeps every frame that decompresses and holds whole, parseable records; the others are lost.
void KeepGoodFrames(std::string_view data, const std::vector<FrameSpan>& spans, std::string* frames,
                    HealedShard* out) {
  for (const auto& [i, offset, size] : spans) {
    const std::string where = "frame " + std::to_string(i);
    if (offset > data.size() || data.size() - offset < size) {
      out->problems.push_back(where + " is cut short");
      out->lost_frames.push_back(i);
      continue;
    }
    const std::string_view compressed = data.substr(offset, size);
    auto plain = shard::DecompressFrame(compressed);
    const uint32_t number = static_cast<uint32_t>(out->index.frames.size());
    std::vector<shard::RecordInfo> records;
    if (!plain.ok() || !FrameRecords(*plain, number, &records)) {
      out->problems.push_back(where + (plain.ok() ? " holds a record that does not parse" : ": " + plain.status().message()));
      out->lost_frames.push_back(i);
      continue;
    }
    out->index.frames.push_back({frames->size(), static_cast<uint32_t>(size), static_cast<uint32_t>(plain->size()),
                                 shard::Checksum32(*plain)});
    out->index.records.insert(out->index.records.end(), records.begin(), records.end());
    out->index.data_bytes += plain->size();
    frames->append(compressed);
  }
}

}  // namespace

bool FrameRecords(const std::string& data, uint32_t frame, std::vector<shard::RecordInfo>* records) {
  if (data.empty() || data.back() != '\n') return false;
  for (size_t start = 0; start < data.size();) {
    const size_t end = data.find('\n', start);
    const std::string_view line(data.data() + start, end - start);
    uint64_t ordinal = 0, id = 0;
    auto record = DecodeRecord(line, &ordinal);
    if (!record.ok() || !ParseHex64(record->id, &id)) return false;
    records->push_back({id, ordinal, frame, static_cast<uint32_t>(start), static_cast<uint32_t>(line.size()),
                        shard::Checksum32(line)});
    start = end + 1;
  }
  return true;
}

std::string AssembleShard(std::string frames, shard::ShardIndex* index) {
  index->version = shard::kFormatVersion;
  index->data_end = frames.size();
  for (const parity::GroupPlan& plan : parity::PlanGroups(index->frames)) {
    frames += parity::EncodeParityFrame(plan, std::string_view(frames).substr(plan.start, plan.length));
  }
  index->index_offset = frames.size();
  return frames + shard::EncodeIndexFrames(*index);
}

std::vector<std::string> CheckParity(int fd, const shard::ShardIndex& index, const std::string& name) {
  std::vector<std::string> problems;
  if (index.version == shard::kFormatVersionNoParity) return problems;
  uint64_t at = index.data_end;
  for (const parity::GroupPlan& plan : parity::PlanGroups(index.frames)) {
    std::string data, stored;
    const uint64_t size = parity::ParityFrameSize(plan);
    Status read = PreadExact(fd, plan.start, plan.length, &data, name);
    if (read.ok()) read = at + size <= index.index_offset ? PreadExact(fd, at, size, &stored, name)
                                                         : Status::Corruption("parity frames end past the record index");
    if (!read.ok() || stored != parity::EncodeParityFrame(plan, data)) {
      problems.push_back("parity group " + std::to_string(plan.group) + " (frames " + std::to_string(plan.first_frame) +
                         "-" + std::to_string(plan.first_frame + plan.frame_count - 1) + ") is damaged" +
                         (read.ok() ? "" : ": " + read.message()));
    }
    at += size;
  }
  if (at != index.index_offset) problems.push_back("parity frames do not fill the space before the record index");
  return problems;
}

HealedShard HealShard(std::string_view file, const std::string& name, HealScope scope) {
  HealedShard out;
  const Result<shard::ShardIndex> index = shard::ReadShardIndex(file, name);
  if (!index.ok()) out.problems.push_back(index.status().message());
  const std::vector<parity::ParityGroup> groups = FindGroups(file, index);
  uint64_t data_end = index.ok() ? index->data_end : file.size();
  if (GroupsComplete(groups)) data_end = groups.back().plan.start + groups.back().plan.length;
  out.data.assign(file.substr(0, std::min<uint64_t>(data_end, file.size())));
  HealGroups(file, groups, &out.data, &out.problems);
  out.data.resize(data_end, '\0');
  if (index.ok() && index->version == shard::kFormatVersion && !GroupsComplete(groups) && index->data_end > 0) {
    out.problems.push_back("parity frames are damaged beyond use");
  }
  if (scope == HealScope::kData) return out;
  bool all = false;
  const std::vector<FrameSpan> spans = FrameBounds(out.data, index, groups, &all, &out.problems);
  std::string frames;
  KeepGoodFrames(out.data, spans, &frames, &out);
  out.complete = out.lost_frames.empty() && all;
  if (!out.index.frames.empty()) out.bytes = AssembleShard(std::move(frames), &out.index);
  return out;
}

}  // namespace simshard
