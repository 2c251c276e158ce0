#include "archive/shard_format.h"

#include <cstdio>
#include <functional>
#include <memory>
#define XXH_INLINE_ALL
#include <xxhash.h>
#include <zstd.h>

#include "util/encoding.h"
#include "util/file_util.h"

namespace simshard::shard {
namespace {

void PutSkippableHeader(std::string* out, uint32_t magic, size_t payload) {
  PutFixed32(out, magic);
  PutFixed32(out, static_cast<uint32_t>(payload));
}

Status Corrupt(const std::string& name, const std::string& what) {
  return Status::Corruption(name + ": " + what);
}

Status CheckSkippableHeader(std::string_view bytes, uint32_t magic, size_t payload,
                            const std::string& name, const char* what) {
  if (GetFixed32(bytes.data()) != magic) return Corrupt(name, std::string(what) + " has a bad magic");
  if (GetFixed32(bytes.data() + 4) != payload) {
    return Corrupt(name, std::string(what) + " has a bad size");
  }
  return Status::OK();
}

}  // namespace

uint32_t Checksum32(std::string_view bytes) {
  return static_cast<uint32_t>(XXH64(bytes.data(), bytes.size(), 0));
}

std::string EncodeIndexFrames(const ShardIndex& index) {
  std::string out;
  std::string entries;
  for (const RecordInfo& r : index.records) {
    PutFixed64(&entries, r.id);
    PutFixed64(&entries, r.ordinal);
    PutFixed32(&entries, r.frame);
    PutFixed32(&entries, r.offset);
    PutFixed32(&entries, r.length);
    PutFixed32(&entries, r.checksum);
  }
  PutSkippableHeader(&out, kIndexMagic, entries.size() + 4);
  out += entries;
  PutFixed32(&out, Checksum32(entries));

  std::string table;
  for (const FrameInfo& f : index.frames) {
    PutFixed32(&table, f.compressed_size);
    PutFixed32(&table, f.decompressed_size);
    PutFixed32(&table, f.checksum);
  }
  PutFixed32(&table, static_cast<uint32_t>(index.frames.size()));
  PutFixed32(&table, static_cast<uint32_t>(index.records.size()));
  PutFixed64(&table, index.index_offset);
  PutFixed64(&table, index.data_bytes);
  PutFixed32(&table, index.version);  // version u16 + reserved u16
  PutFixed32(&table, Checksum32(table));
  PutFixed32(&table, kFooterMagic);
  PutSkippableHeader(&out, kSeekTableMagic, table.size());
  out += table;
  return out;
}

namespace {

// Reads `n` bytes at `offset` of the shard into `out`.
using ReadAt = std::function<Status(uint64_t offset, size_t n, std::string* out)>;

// What the footer says: the counts and sizes, each part checked to fit the file.
struct Footer {
  uint64_t frames = 0, records = 0;
  uint64_t table_size = 0, index_size = 0;  // seek table and record index, headers included
};

// Reads the footer into `footer` and the version and offsets it gives into `index`.
Status ReadFooter(uint64_t size, const ReadAt& read, const std::string& name, Footer* footer, ShardIndex* index) {
  if (size < kSkippableHeaderSize + kFooterSize) return Corrupt(name, "too short for a shard footer (cut short?)");
  std::string bytes;
  SIMSHARD_RETURN_IF_ERROR(read(size - kFooterSize, kFooterSize, &bytes));
  if (GetFixed32(bytes.data() + 32) != kFooterMagic) return Corrupt(name, "no shard footer at the end (cut short?)");
  index->version = GetFixed32(bytes.data() + 24) & 0xFFFF;
  if (index->version != kFormatVersion && index->version != kFormatVersionNoParity) {
    return Corrupt(name, "unknown shard format version " + std::to_string(index->version));
  }
  footer->frames = GetFixed32(bytes.data());
  footer->records = GetFixed32(bytes.data() + 4);
  index->index_offset = GetFixed64(bytes.data() + 8);
  index->data_bytes = GetFixed64(bytes.data() + 16);
  footer->table_size = kSkippableHeaderSize + footer->frames * kSeekEntrySize + kFooterSize;
  footer->index_size = kSkippableHeaderSize + footer->records * kIndexEntrySize + 4;
  // Each part alone must fit in the file before their sum is trusted (no overflow).
  if (footer->index_size > size || footer->table_size > size || index->index_offset > size ||
      index->index_offset + footer->index_size + footer->table_size != size) {
    return Corrupt(name, "footer sizes do not match the file size");
  }
  return Status::OK();
}

// Reads the seek table (before the footer) into index->frames and checks that it adds up
// to the footer's sizes.
Status ReadSeekTable(uint64_t size, const ReadAt& read, const std::string& name, const Footer& footer,
                     ShardIndex* index) {
  std::string table;
  SIMSHARD_RETURN_IF_ERROR(read(size - footer.table_size, footer.table_size, &table));
  SIMSHARD_RETURN_IF_ERROR(CheckSkippableHeader(table, kSeekTableMagic, footer.table_size - 8, name, "seek table"));
  const std::string_view checked(table.data() + 8, footer.table_size - 8 - 8);
  if (Checksum32(checked) != GetFixed32(table.data() + footer.table_size - 8)) {
    return Corrupt(name, "seek table checksum mismatch");
  }
  uint64_t offset = 0, data_bytes = 0;
  for (uint64_t i = 0; i < footer.frames; ++i) {
    const char* e = table.data() + 8 + i * kSeekEntrySize;
    FrameInfo f{offset, GetFixed32(e), GetFixed32(e + 4), GetFixed32(e + 8)};
    offset += f.compressed_size;
    data_bytes += f.decompressed_size;
    index->frames.push_back(f);
  }
  index->data_end = offset;
  // Version 1 has nothing between the data frames and the record index; version 2 the parity.
  const bool gap_ok = index->version == kFormatVersionNoParity ? offset == index->index_offset
                                                               : offset <= index->index_offset;
  if (!gap_ok || data_bytes != index->data_bytes) {
    return Corrupt(name, "seek table does not add up to the footer's sizes");
  }
  return Status::OK();
}

// Reads the record index into index->records, each entry checked to lie inside its frame.
Status ReadRecordIndex(const ReadAt& read, const std::string& name, const Footer& footer, ShardIndex* index) {
  std::string rec;
  SIMSHARD_RETURN_IF_ERROR(read(index->index_offset, footer.index_size, &rec));
  SIMSHARD_RETURN_IF_ERROR(CheckSkippableHeader(rec, kIndexMagic, footer.index_size - 8, name, "record index"));
  const std::string_view entries(rec.data() + 8, footer.records * kIndexEntrySize);
  if (Checksum32(entries) != GetFixed32(rec.data() + footer.index_size - 4)) {
    return Corrupt(name, "record index checksum mismatch");
  }
  for (uint64_t i = 0; i < footer.records; ++i) {
    const char* e = entries.data() + i * kIndexEntrySize;
    RecordInfo r{GetFixed64(e), GetFixed64(e + 8), GetFixed32(e + 16), GetFixed32(e + 20),
                 GetFixed32(e + 24), GetFixed32(e + 28)};
    // +1: every record ends with its newline inside the frame.
    if (r.frame >= footer.frames ||
        uint64_t(r.offset) + r.length + 1 > index->frames[r.frame].decompressed_size) {
      return Corrupt(name, "record index entry " + std::to_string(i) + " points outside its frame");
    }
    index->records.push_back(r);
  }
  return Status::OK();
}

// The shard's index read from its end: footer, seek table, record index, in that order
// (each part locates the next).
Result<ShardIndex> ParseShardIndex(const Result<uint64_t>& size, const ReadAt& read, const std::string& name) {
  if (!size.ok()) return size.status();
  ShardIndex index;
  Footer footer;
  SIMSHARD_RETURN_IF_ERROR(ReadFooter(*size, read, name, &footer, &index));
  SIMSHARD_RETURN_IF_ERROR(ReadSeekTable(*size, read, name, footer, &index));
  SIMSHARD_RETURN_IF_ERROR(ReadRecordIndex(read, name, footer, &index));
  return index;
}

}  // namespace

Result<ShardIndex> ReadShardIndex(int fd, const std::string& name) {
  return ParseShardIndex(FileSize(fd, name), [&](uint64_t offset, size_t n, std::string* out) {
    return PreadExact(fd, offset, n, out, name);
  }, name);
}

Result<ShardIndex> ReadShardIndex(std::string_view file, const std::string& name) {
  return ParseShardIndex(file.size(), [&](uint64_t offset, size_t n, std::string* out) {
    out->assign(file.substr(offset, n));  // the parser checked offset + n against the size
    return Status::OK();
  }, name);
}

Result<std::string> DecompressFrame(std::string_view compressed) {
  const unsigned long long size = ZSTD_getFrameContentSize(compressed.data(), compressed.size());
  if (size == ZSTD_CONTENTSIZE_ERROR) return Status::Corruption("not a zstd frame");
  if (size == ZSTD_CONTENTSIZE_UNKNOWN) return Status::Corruption("zstd frame without a content size");
  if (size > kMaxFrameBytes) return Status::Corruption("frame would inflate to " + std::to_string(size) + " bytes");
  std::string out(size, '\0');
  struct FreeDctx {
    void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
  };
  thread_local std::unique_ptr<ZSTD_DCtx, FreeDctx> dctx(ZSTD_createDCtx());
  const size_t n = ZSTD_decompressDCtx(dctx.get(), out.data(), out.size(), compressed.data(), compressed.size());
  if (ZSTD_isError(n)) return Status::Corruption(std::string("zstd: ") + ZSTD_getErrorName(n));
  if (n != size) return Status::Corruption("frame decompressed to a different size than its header says");
  return out;
}

std::string ShardName(uint64_t number) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%06llu.jsonl.zst", static_cast<unsigned long long>(number));
  return buf;
}

bool ParseShardName(std::string_view name, uint64_t* number) {
  constexpr std::string_view kSuffix = ".jsonl.zst";
  if (name.size() < 6 + kSuffix.size() || !name.ends_with(kSuffix)) return false;
  const std::string_view digits = name.substr(0, name.size() - kSuffix.size());
  uint64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *number = v;
  return v > 0;
}

}  // namespace simshard::shard
