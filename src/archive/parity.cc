#include "archive/parity.h"

#include <algorithm>
#include <isa-l/erasure_code.h>

#include "util/encoding.h"

namespace simshard::parity {
namespace {

constexpr size_t kHeaderFixedBytes = 48;

uint64_t CeilDiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

size_t HeaderSize(const GroupPlan& plan) { return kHeaderFixedBytes + 4 * (plan.k + plan.m) + 4; }

// Offset, inside the parity frame, of header copy `c` and of parity block `j`.
uint64_t CopyAt(const GroupPlan& p, uint32_t c) {
  return shard::kSkippableHeaderSize + uint64_t(c) * (HeaderSize(p) + p.block_size);
}
uint64_t ParityBlockAt(const GroupPlan& p, uint32_t j) { return CopyAt(p, j) + HeaderSize(p); }

std::string EncodeHeader(const GroupPlan& p, uint32_t copy, const std::vector<uint32_t>& checksums) {
  std::string h;
  PutFixed32(&h, kHeaderTag);
  PutFixed32(&h, copy);  // copy number u16 + reserved u16
  PutFixed32(&h, p.group);
  PutFixed32(&h, p.groups);
  PutFixed32(&h, p.first_frame);
  PutFixed32(&h, p.frame_count);
  PutFixed64(&h, p.start);
  PutFixed64(&h, p.length);
  PutFixed32(&h, p.block_size);
  PutFixed32(&h, p.k | (p.m << 16));
  for (uint32_t c : checksums) PutFixed32(&h, c);
  PutFixed32(&h, shard::Checksum32(h));
  return h;
}

// The header copy at `pos` of `bytes`, when its tag, sizes and checksum are good.
bool DecodeHeader(std::string_view bytes, uint64_t pos, ParityGroup* out, uint32_t* copy) {
  if (pos + kHeaderFixedBytes + 4 > bytes.size()) return false;
  const char* h = bytes.data() + pos;
  GroupPlan p;
  *copy = GetFixed32(h + 4) & 0xFFFF;
  p.group = GetFixed32(h + 8);
  p.groups = GetFixed32(h + 12);
  p.first_frame = GetFixed32(h + 16);
  p.frame_count = GetFixed32(h + 20);
  p.start = GetFixed64(h + 24);
  p.length = GetFixed64(h + 32);
  p.block_size = GetFixed32(h + 40);
  p.k = GetFixed32(h + 44) & 0xFFFF;
  p.m = GetFixed32(h + 44) >> 16;
  if (p.k == 0 || p.m == 0 || p.k + p.m > 255 || p.block_size == 0 || *copy > p.m) return false;
  const size_t size = HeaderSize(p);
  if (pos + size > bytes.size()) return false;
  if (shard::Checksum32(bytes.substr(pos, size - 4)) != GetFixed32(h + size - 4)) return false;
  // The checksum makes a header of made-up sizes unlikely; these keep arithmetic sane anyway.
  if (p.group >= p.groups || p.block_size > p.length || CeilDiv(p.length, p.block_size) != p.k ||
      p.start > bytes.size() || p.length > bytes.size() - p.start) {
    return false;  // a group always lies before its parity in the same file
  }
  out->plan = p;
  out->checksums.clear();
  for (uint32_t i = 0; i < p.k + p.m; ++i) out->checksums.push_back(GetFixed32(h + kHeaderFixedBytes + 4 * i));
  if (pos < CopyAt(p, *copy)) return false;
  out->frame_offset = pos - CopyAt(p, *copy);
  return true;
}

// Block `i` (data first, then parity) of a group as it lies in `file`: empty when the
// file ends before it.
std::string_view BlockInFile(const ParityGroup& g, std::string_view file, uint32_t i) {
  const GroupPlan& p = g.plan;
  uint64_t at, size;
  if (i < p.k) {
    at = p.start + uint64_t(i) * p.block_size;
    size = std::min<uint64_t>(p.block_size, p.length - uint64_t(i) * p.block_size);
  } else {
    at = g.frame_offset + ParityBlockAt(p, i - p.k);
    size = p.block_size;
  }
  if (at > file.size() || file.size() - at < size) return {};
  return file.substr(at, size);
}

// Cauchy matrix (k+m rows, k columns): every k rows of it are invertible, so any k intact
// blocks give the data back.
std::vector<unsigned char> EncodeMatrix(const GroupPlan& p) {
  std::vector<unsigned char> a((p.k + p.m) * p.k);
  gf_gen_cauchy1_matrix(a.data(), static_cast<int>(p.k + p.m), static_cast<int>(p.k));
  return a;
}

// The m parity blocks of `blocks` (k data blocks, each block_size long, zero padded).
std::vector<std::string> EncodeBlocks(const GroupPlan& p, std::vector<std::string>& blocks) {
  const std::vector<unsigned char> a = EncodeMatrix(p);
  std::vector<unsigned char> tables(32 * p.k * p.m);
  ec_init_tables(static_cast<int>(p.k), static_cast<int>(p.m), const_cast<unsigned char*>(&a[p.k * p.k]),
                 tables.data());
  std::vector<std::string> parity(p.m, std::string(p.block_size, '\0'));
  std::vector<unsigned char*> in, out;
  for (std::string& b : blocks) in.push_back(reinterpret_cast<unsigned char*>(b.data()));
  for (std::string& b : parity) out.push_back(reinterpret_cast<unsigned char*>(b.data()));
  ec_encode_data(static_cast<int>(p.block_size), static_cast<int>(p.k), static_cast<int>(p.m), tables.data(),
                 in.data(), out.data());
  return parity;
}

std::vector<std::string> DataBlocks(const GroupPlan& p, std::string_view data) {
  std::vector<std::string> blocks;
  for (uint32_t i = 0; i < p.k; ++i) {
    std::string b(data.substr(uint64_t(i) * p.block_size, p.block_size));
    b.resize(p.block_size, '\0');
    blocks.push_back(std::move(b));
  }
  return blocks;
}

// Rebuilds the data blocks listed in `lost` from k intact blocks (`have`: their indices
// among the k+m, `blocks`: their bytes).
Status Decode(const GroupPlan& p, const std::vector<uint32_t>& have, std::vector<std::string>& blocks,
              const std::vector<uint32_t>& lost, std::vector<std::string>* rebuilt) {
  const std::vector<unsigned char> a = EncodeMatrix(p);
  std::vector<unsigned char> sub(p.k * p.k), inverse(p.k * p.k), rows(p.k * lost.size());
  for (uint32_t r = 0; r < p.k; ++r) std::copy_n(&a[have[r] * p.k], p.k, &sub[r * p.k]);
  if (gf_invert_matrix(sub.data(), inverse.data(), static_cast<int>(p.k)) != 0) {
    return Status::Corruption("parity matrix is not invertible");  // cannot happen for Cauchy rows
  }
  for (size_t e = 0; e < lost.size(); ++e) std::copy_n(&inverse[lost[e] * p.k], p.k, &rows[e * p.k]);
  std::vector<unsigned char> tables(32 * p.k * lost.size());
  ec_init_tables(static_cast<int>(p.k), static_cast<int>(lost.size()), rows.data(), tables.data());
  rebuilt->assign(lost.size(), std::string(p.block_size, '\0'));
  std::vector<unsigned char*> in, out;
  for (std::string& b : blocks) in.push_back(reinterpret_cast<unsigned char*>(b.data()));
  for (std::string& b : *rebuilt) out.push_back(reinterpret_cast<unsigned char*>(b.data()));
  ec_encode_data(static_cast<int>(p.block_size), static_cast<int>(p.k), static_cast<int>(lost.size()),
                 tables.data(), in.data(), out.data());
  return Status::OK();
}

}  // namespace

void ChooseBlocks(uint64_t length, GroupPlan* plan) {
  // Blocks of about 4 KiB, at least 16 and at most 224 of them, all but the last exactly
  // block_size long and the last at most k - 1 bytes shorter (`slack`).
  const uint64_t k = std::min<uint64_t>(kMaxDataBlocks, std::max<uint64_t>(std::min<uint64_t>(16, length),
                                                                          CeilDiv(length, kMinBlockBytes)));
  plan->block_size = static_cast<uint32_t>(CeilDiv(length, k));
  plan->k = static_cast<uint32_t>(CeilDiv(length, plan->block_size));
  const uint64_t slack = uint64_t(plan->k) * plan->block_size - length;
  // A region of R bytes touches two blocks at its ends and fully covers the n between, so
  // R >= 2 + n * block_size - slack; one more block for a flipped byte elsewhere. More
  // than k + 1 never helps: k + 1 parity blocks survive the loss of every data block.
  const uint64_t touched = (kHealRegionBytes - 2 + slack) / plan->block_size + 2;
  plan->m = static_cast<uint32_t>(std::min<uint64_t>(touched + 1, plan->k + 1));
}

std::vector<GroupPlan> PlanGroups(const std::vector<shard::FrameInfo>& frames) {
  std::vector<GroupPlan> plans;
  for (uint32_t i = 0; i < frames.size(); ++i) {
    if (plans.empty() || plans.back().length >= kGroupTargetBytes) {
      plans.push_back(GroupPlan{});
      plans.back().group = static_cast<uint32_t>(plans.size() - 1);
      plans.back().first_frame = i;
      plans.back().start = frames[i].offset;
    }
    plans.back().frame_count++;
    plans.back().length += frames[i].compressed_size;
  }
  for (GroupPlan& p : plans) {
    p.groups = static_cast<uint32_t>(plans.size());
    ChooseBlocks(p.length, &p);
  }
  return plans;
}

uint64_t ParityFrameSize(const GroupPlan& plan) { return CopyAt(plan, plan.m) + HeaderSize(plan); }

std::string EncodeParityFrame(const GroupPlan& plan, std::string_view data) {
  std::vector<std::string> blocks = DataBlocks(plan, data);
  std::vector<std::string> parity = EncodeBlocks(plan, blocks);
  std::vector<uint32_t> checksums;
  for (uint32_t i = 0; i < plan.k; ++i) {
    checksums.push_back(shard::Checksum32(data.substr(uint64_t(i) * plan.block_size, plan.block_size)));
  }
  for (const std::string& b : parity) checksums.push_back(shard::Checksum32(b));
  std::string out;
  PutFixed32(&out, kParityMagic);
  PutFixed32(&out, static_cast<uint32_t>(ParityFrameSize(plan) - shard::kSkippableHeaderSize));
  for (uint32_t c = 0; c <= plan.m; ++c) {
    out += EncodeHeader(plan, c, checksums);
    if (c < plan.m) out += parity[c];
  }
  return out;
}

std::vector<ParityGroup> FindParityGroups(std::string_view bytes, uint64_t from, uint64_t to) {
  std::vector<ParityGroup> found;
  std::string tag;
  PutFixed32(&tag, kHeaderTag);
  to = std::min<uint64_t>(to, bytes.size());
  for (uint64_t pos = bytes.find(tag, from); pos != std::string_view::npos && pos < to;
       pos = bytes.find(tag, pos + 1)) {
    ParityGroup g;
    uint32_t copy = 0;
    if (!DecodeHeader(bytes, pos, &g, &copy)) continue;
    // Groups never overlap: a header that says otherwise is not believed (and healing
    // reads each byte of the file for one group at most).
    const bool clash = std::any_of(found.begin(), found.end(), [&](const ParityGroup& f) {
      return f.plan.group == g.plan.group ||
             (g.plan.start < f.plan.start + f.plan.length && f.plan.start < g.plan.start + g.plan.length);
    });
    if (!clash) found.push_back(std::move(g));
  }
  std::sort(found.begin(), found.end(),
            [](const ParityGroup& a, const ParityGroup& b) { return a.plan.group < b.plan.group; });
  return found;
}

Result<std::string> HealGroup(const ParityGroup& g, std::string_view file, uint32_t* damaged) {
  const GroupPlan& p = g.plan;
  std::vector<uint32_t> have, lost;
  std::vector<std::string> blocks;  // the first k intact ones, padded
  *damaged = 0;
  for (uint32_t i = 0; i < p.k + p.m; ++i) {
    const std::string_view b = BlockInFile(g, file, i);
    const bool intact = !b.empty() && shard::Checksum32(b) == g.checksums[i];
    if (!intact) ++*damaged;
    if (!intact && i < p.k) lost.push_back(i);
    if (intact && have.size() < p.k) {
      have.push_back(i);
      blocks.emplace_back(b);
      blocks.back().resize(p.block_size, '\0');
    }
  }
  if (have.size() < p.k) {
    return Status::Corruption("parity group " + std::to_string(p.group) + ": " + std::to_string(*damaged) +
                              " of its blocks are damaged, its parity rebuilds at most " + std::to_string(p.m));
  }
  std::string data(file.substr(p.start, std::min<uint64_t>(p.length, file.size() - std::min<uint64_t>(p.start, file.size()))));
  data.resize(p.length, '\0');
  if (lost.empty()) return data;
  std::vector<std::string> rebuilt;
  SIMSHARD_RETURN_IF_ERROR(Decode(p, have, blocks, lost, &rebuilt));
  for (size_t e = 0; e < lost.size(); ++e) {
    const uint64_t at = uint64_t(lost[e]) * p.block_size;
    const uint64_t size = std::min<uint64_t>(p.block_size, p.length - at);
    if (shard::Checksum32(std::string_view(rebuilt[e]).substr(0, size)) != g.checksums[lost[e]]) {
      return Status::Corruption("parity group " + std::to_string(p.group) + ": a rebuilt block does not match its checksum");
    }
    data.replace(at, size, rebuilt[e], 0, size);
  }
  return data;
}

}  // namespace simshard::parity
