#include "archive/catalog_rows.h"

#include <algorithm>
#include <variant>

#include "archive/catalog_schema.h"
#include "archive/shard_format.h"
#include "util/encoding.h"

namespace simshard {
namespace {

// Column positions in kSelectColumns, then the extraction column.
enum Col {
  kOrdinal, kId, kUrlPrefix, kUrlRest, kSourcePrefix, kSourceRest, kTitle, kDate, kRun,
  kArchivedAt, kDigest, kSimhash, kSketch, kKind, kFrame, kRecordOffset, kRecordSize, kOriginalSize,
  kExtraction, kCrawledAt
};

// The extraction column: NULL (and, read leniently, any unknown value) is an extracted page.
Extraction ExtractionOf(const Statement& s, int col) {
  const int64_t v = s.IsNull(col) ? 0 : s.Int(col);
  return v == 1 ? Extraction::kWeak : v == 2 ? Extraction::kEmpty : Extraction::kExtracted;
}

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// A digest kept as text (not 32 lowercase hex digits when written): parsed as v1 did.
bool ParseDigestText(std::string_view hex, uint64_t* high, uint64_t* low) {
  *high = *low = 0;
  return hex.size() == 32 && ParseHex64(hex.substr(0, 16), high) && ParseHex64(hex.substr(16), low);
}

uint64_t BigEndian64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

// The digest column: 16 bytes, or only the low 8 when the high 8 are the id (as pipeline
// ids are); text when it is not 32 lowercase hex digits.
void BindDigest(Statement* st, int col, std::string_view digest, uint64_t id) {
  uint64_t high = 0, low = 0;
  if (digest.size() != 32 || !IsLowerHex(digest) || !ParseDigestText(digest, &high, &low)) {
    st->Bind(col, digest);
    return;
  }
  char bytes[16];
  for (int i = 7; i >= 0; --i, high >>= 8, low >>= 8) {
    bytes[i] = static_cast<char>(high & 0xff);
    bytes[8 + i] = static_cast<char>(low & 0xff);
  }
  const std::string_view all(bytes, sizeof bytes);
  st->BindBlob(col, BigEndian64(bytes) == id ? all.substr(8) : all);
}

void DigestText(const Statement& s, int col, uint64_t id, std::string* out) {
  const std::string_view v = s.View(col);
  out->clear();
  if (!s.IsBlob(col)) {
    out->assign(v);
    return;
  }
  if (v.size() == 8) AppendHex64(id, out);
  AppendHex(v, out);
}

}  // namespace

Status CatalogCache::BindUrl(std::string_view url, Statement* st, int col) {
  const std::string_view url_prefix = UrlPrefix(url);
  if (url_prefix.empty()) {
    st->BindNull(col).Bind(col + 1, url);
    return Status::OK();
  }
  auto prefix = PrefixId(url_prefix);
  if (!prefix.ok()) return prefix.status();
  st->BindInt(col, *prefix).Bind(col + 1, url.substr(url_prefix.size()));
  return Status::OK();
}

Status CatalogCache::BindSource(std::string_view source, Statement* st, int col) {
  int64_t line = 0;
  const std::string_view source_prefix = SourcePrefix(source, &line);
  if (source_prefix.empty()) {
    st->BindNull(col).Bind(col + 1, source);
    return Status::OK();
  }
  auto prefix = PrefixId(source_prefix);
  if (!prefix.ok()) return prefix.status();
  st->BindInt(col, *prefix).BindInt(col + 1, line);
  return Status::OK();
}

bool CatalogCache::JoinPrefix(const Statement& s, int col, std::string* out) const {
  out->clear();
  if (!s.IsNull(col)) {
    auto it = prefix_text_.find(s.Int(col));
    if (it == prefix_text_.end()) return false;
    out->assign(it->second);
  }
  *out += s.View(col + 1);  // an integer (a source's line number) reads as its decimal text
  return true;
}

std::string Catalog::DocumentColumns(std::string_view table) const {
  std::string out;
  for (size_t start = 0; start < kSelectColumns.size();) {
    const size_t comma = std::min(kSelectColumns.find(", ", start), kSelectColumns.size());
    out += (out.empty() ? "" : ", ") + std::string(table);
    out += kSelectColumns.substr(start, comma - start);
    start = comma + 2;
  }
  out += has_extraction_ ? ", " + std::string(table) + "extraction" : ", NULL";
  return out + (has_crawled_at_ ? ", " + std::string(table) + "crawled_at" : ", NULL");
}

Status CatalogCache::Load() {
  prefix_text_.clear();
  prefix_id_.clear();
  frames_.clear();
  frame_id_.clear();
  run_time_.clear();
  auto prefixes = catalog_.Prepare("SELECT id, text FROM prefixes");
  if (!prefixes.ok()) return prefixes.status();
  SIMSHARD_RETURN_IF_ERROR(prefixes->ForEachRow([&] {
    prefix_text_[prefixes->Int(0)] = prefixes->Text(1);
    prefix_id_[prefixes->Text(1)] = prefixes->Int(0);
  }));
  auto frames = catalog_.Prepare(
      "SELECT f.id, f.shard, f.number, f.frame_offset, f.frame_size, s.name FROM frames f "
      "LEFT JOIN shards s ON s.id = f.shard");
  if (!frames.ok()) return frames.status();
  SIMSHARD_RETURN_IF_ERROR(frames->ForEachRow([&] {
    const auto shard = static_cast<uint64_t>(frames->Int(1));
    Frame f{frames->IsNull(5) ? shard::ShardName(shard) : frames->Text(5),
            static_cast<uint32_t>(frames->Int(2)), static_cast<uint64_t>(frames->Int(3)),
            static_cast<uint64_t>(frames->Int(4))};
    frame_id_[{shard, f.number}] = frames->Int(0);
    frames_[frames->Int(0)] = std::move(f);
  }));
  auto runs = catalog_.Prepare("SELECT id, archived_at FROM runs WHERE archived_at IS NOT NULL");
  if (!runs.ok()) return runs.status();
  SIMSHARD_RETURN_IF_ERROR(runs->ForEachRow([&] { run_time_[static_cast<uint64_t>(runs->Int(0))] = runs->Text(1); }));
  loaded_ = true;
  return Status::OK();
}

std::optional<int64_t> CatalogCache::KnownPrefix(std::string_view text) const {
  auto it = prefix_id_.find(text);
  if (it == prefix_id_.end()) return std::nullopt;
  return it->second;
}

Result<int64_t> CatalogCache::PrefixId(std::string_view text) {
  auto it = prefix_id_.find(text);
  if (it != prefix_id_.end()) return it->second;
  auto st = catalog_.Prepare("INSERT INTO prefixes(text) VALUES (?1) RETURNING id");
  if (!st.ok()) return st.status();
  st->Bind(1, text);
  auto row = st->Step();
  if (!row.ok()) return row.status();
  const int64_t id = st->Int(0);
  prefix_id_.emplace(std::string(text), id);
  prefix_text_.emplace(id, std::string(text));
  return id;
}

uint64_t CatalogCache::TakeOriginalBytes(uint64_t number) {
  auto it = original_bytes_.find(number);
  if (it == original_bytes_.end()) return 0;
  const uint64_t bytes = it->second;
  original_bytes_.erase(it);
  return bytes;
}

Result<int64_t> CatalogCache::FrameId(const CatalogEntry& e) {
  if (e.shard != checked_shard_) {
    uint64_t number = 0;
    if (!shard::ParseShardName(e.shard, &number) || shard::ShardName(number) != e.shard) {
      return Status::InvalidArgument("catalog: shard name \"" + e.shard + "\" is not NNNNNN.jsonl.zst");
    }
    checked_shard_ = e.shard;
    checked_shard_number_ = number;
  }
  const uint64_t shard = checked_shard_number_;
  original_bytes_[shard] += e.original_size;  // FrameId is called once per document
  auto it = frame_id_.find({shard, e.frame});
  if (it != frame_id_.end()) return it->second;
  auto st = catalog_.Prepare(
      "INSERT INTO frames(shard, number, frame_offset, frame_size) VALUES (?1, ?2, ?3, ?4) RETURNING id");
  if (!st.ok()) return st.status();
  st->BindInt(1, static_cast<int64_t>(shard)).BindInt(2, e.frame);
  st->BindInt(3, static_cast<int64_t>(e.frame_offset)).BindInt(4, static_cast<int64_t>(e.frame_size));
  auto row = st->Step();
  if (!row.ok()) return row.status();
  const int64_t id = st->Int(0);
  frame_id_[{shard, e.frame}] = id;
  frames_[id] = Frame{e.shard, e.frame, e.frame_offset, e.frame_size};
  return id;
}

Result<const std::string*> CatalogCache::RunTime(uint64_t run, const std::string& first_document) {
  auto it = run_time_.find(run);
  if (it == run_time_.end()) {
    auto st = catalog_.Prepare("SELECT archived_at FROM runs WHERE id = ?1");
    if (!st.ok()) return st.status();
    st->BindInt(1, static_cast<int64_t>(run));
    auto row = st->Step();
    if (!row.ok()) return row.status();
    std::optional<std::string> time;  // stays empty for a run without a row
    if (*row && !st->IsNull(0)) time = st->Text(0);
    if (*row && st->IsNull(0)) {
      auto set = catalog_.Prepare("UPDATE runs SET archived_at = ?2 WHERE id = ?1");
      if (!set.ok()) return set.status();
      set->BindInt(1, static_cast<int64_t>(run)).Bind(2, first_document);
      SIMSHARD_RETURN_IF_ERROR(set->Run());
      time = first_document;
    }
    it = run_time_.emplace(run, std::move(time)).first;
  }
  return it->second ? &*it->second : nullptr;
}

Status CatalogCache::BindRow(const CatalogEntry& e, Statement* st) {
  if (!loaded_) SIMSHARD_RETURN_IF_ERROR(Load());
  uint64_t id = 0;
  if (e.id.size() != 16 || !IsLowerHex(e.id) || !ParseHex64(e.id, &id)) {
    return Status::InvalidArgument("catalog: document id \"" + e.id + "\" is not 16 lowercase hex digits");
  }
  st->BindInt(1, static_cast<int64_t>(e.ordinal)).BindInt(2, static_cast<int64_t>(id));
  SIMSHARD_RETURN_IF_ERROR(BindUrl(e.url, st, 3));
  SIMSHARD_RETURN_IF_ERROR(BindSource(e.source, st, 5));
  st->Bind(7, e.title);
  BindDate(st, 8, e.date);
  st->BindInt(9, static_cast<int64_t>(e.run));
  auto run_time = RunTime(e.run, e.archived_at);
  if (!run_time.ok()) return run_time.status();
  if (*run_time != nullptr && **run_time == e.archived_at) st->BindNull(10); else st->Bind(10, e.archived_at);
  BindDigest(st, 11, e.digest, id);
  st->BindInt(12, static_cast<int64_t>(e.simhash)).BindBlob(13, e.sketch);
  st->BindInt(14, static_cast<int64_t>(e.kind));
  auto frame = FrameId(e);
  if (!frame.ok()) return frame.status();
  st->BindInt(15, *frame).BindInt(16, e.record_offset).BindInt(17, e.record_size);
  st->BindInt(18, static_cast<int64_t>(e.original_size));
  // NULL for an extracted page: a byte of row header, and what rows from before say.
  if (e.extraction == Extraction::kExtracted) {
    st->BindNull(19);
  } else {
    st->BindInt(19, static_cast<int64_t>(e.extraction));
  }
  BindTime(st, 20, e.crawled_at);
  return Status::OK();
}

bool CatalogCache::DecodeInto(const Statement& s, CatalogEntry* e) const {
  const auto frame = frames_.find(s.Int(kFrame));
  if (frame == frames_.end() || !JoinPrefix(s, kUrlPrefix, &e->url) || !JoinPrefix(s, kSourcePrefix, &e->source)) {
    return false;
  }
  e->shard.assign(frame->second.shard);
  e->frame = frame->second.number;
  e->frame_offset = frame->second.offset;
  e->frame_size = frame->second.size;
  e->run = static_cast<uint64_t>(s.Int(kRun));
  if (s.IsNull(kArchivedAt)) {
    auto run = run_time_.find(e->run);
    e->archived_at.clear();
    if (run != run_time_.end() && run->second) e->archived_at.assign(*run->second);
  } else {
    e->archived_at.assign(s.View(kArchivedAt));
  }
  return true;
}

Status CatalogCache::Decode(const Statement& s, CatalogEntry* e) {
  e->ordinal = static_cast<uint64_t>(s.Int(kOrdinal));
  const auto id = static_cast<uint64_t>(s.Int(kId));
  e->id.clear();
  AppendHex64(id, &e->id);
  if (!loaded_ || !DecodeInto(s, e)) {
    SIMSHARD_RETURN_IF_ERROR(Load());  // committed since the last load, or never loaded
    if (!DecodeInto(s, e)) {
      return Status::Corruption("catalog: document " + e->id + " refers to a frame or prefix the catalog lacks");
    }
  }
  e->title.assign(s.View(kTitle));
  ReadDate(s, kDate, &e->date);
  DigestText(s, kDigest, id, &e->digest);
  e->simhash = static_cast<uint64_t>(s.Int(kSimhash));
  e->sketch.assign(s.View(kSketch));
  e->kind = static_cast<OriginalKind>(s.Int(kKind));
  e->record_offset = static_cast<uint32_t>(s.Int(kRecordOffset));
  e->record_size = static_cast<uint32_t>(s.Int(kRecordSize));
  e->original_size = static_cast<uint64_t>(s.Int(kOriginalSize));
  e->extraction = ExtractionOf(s, kExtraction);
  ReadTime(s, kCrawledAt, &e->crawled_at);
  return Status::OK();
}

// Catalog members that read and write document rows.

// Once per document: the statement's text is made once, and error context only on error.
Status Catalog::InsertDocument(const CatalogEntry& e) const {
  static const std::string sql = "INSERT INTO documents(" + std::string(kInsertColumns) +
                                 ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20)";
  auto st = Cached(sql);
  if (!st.ok()) return st.status();
  if (Status bound = rows_->BindRow(e, *st); !bound.ok()) return bound.WithContext("document " + e.id);
  if (Status run = (*st)->Run(); !run.ok()) return run.WithContext("catalog: document " + e.id);
  if (e.url.empty()) return Status::OK();  // no hash: FindByUrl("") scans for these
  auto hash = Cached("INSERT INTO url_hashes(hash, ordinal) VALUES (?1, ?2)");
  if (!hash.ok()) return hash.status();
  (*hash)->BindInt(1, UrlHash(e.url)).BindInt(2, static_cast<int64_t>(e.ordinal));
  if (Status run = (*hash)->Run(); !run.ok()) return run.WithContext("catalog: document " + e.id);
  return Status::OK();
}

namespace {

bool Matches(const ListFilter& f, const CatalogEntry& e) {
  const std::string& time = f.by == ListDate::kDate ? e.date : f.by == ListDate::kCrawled ? e.crawled_at : e.archived_at;
  return e.url.starts_with(f.url_prefix) && InTimeRange(f, time);
}

// A list filter as SQL conditions on `documents d` (with `prefixes u` and `runs r` joined),
// so rows that do not match are never decoded. substr() keeps comparisons exact (LIKE
// would take % and _ as wildcards).
class FilterSql {
 public:
  void Add(std::string_view clause, std::initializer_list<std::variant<int64_t, std::string>> values) {
    for (char c : clause) {
      where_.push_back(c);
      if (c == '?') where_ += std::to_string(++placeholders_);
    }
    where_ += " AND ";
    values_.insert(values_.end(), values);
  }
  std::string Where() const { return where_ + "1"; }
  void Bind(Statement* st) const {
    for (size_t i = 0; i < values_.size(); ++i) {
      const int n = static_cast<int>(i + 1);
      if (const auto* v = std::get_if<int64_t>(&values_[i])) st->BindInt(n, *v); else st->Bind(n, std::get<std::string>(values_[i]));
    }
  }

 private:
  std::string where_;
  int placeholders_ = 0;
  std::vector<std::variant<int64_t, std::string>> values_;
};

}  // namespace

Status Catalog::ForEachDocument(const ListFilter& filter, const std::function<void(const CatalogEntry&)>& fn) const {
  if (version_ == 1) {
    return ForEachV1Document(*this, [&](const CatalogEntry& e) {
      if (Matches(filter, e)) fn(e);
    });
  }
  SIMSHARD_RETURN_IF_ERROR(rows_->Load());
  FilterSql sql;
  if (!filter.url_prefix.empty()) {
    const std::string_view host = UrlPrefix(filter.url_prefix);
    if (host.empty()) {
      sql.Add("substr(COALESCE(u.text, '') || d.url_rest, 1, length(?)) = ?", {filter.url_prefix, filter.url_prefix});
    } else {
      const std::optional<int64_t> id = rows_->KnownPrefix(host);
      if (!id) return Status::OK();  // no URL has that scheme and host
      const std::string rest = filter.url_prefix.substr(host.size());
      sql.Add("d.url_prefix = ? AND substr(d.url_rest, 1, length(?)) = ?", {*id, rest, rest});
    }
  }
  const bool by_archived = filter.by == ListDate::kArchived;  // others are compared once decoded
  if (by_archived && !filter.since.empty()) sql.Add("COALESCE(d.archived_at, r.archived_at) >= ?", {filter.since});
  if (by_archived && !filter.until.empty()) {
    sql.Add("substr(COALESCE(d.archived_at, r.archived_at), 1, length(?)) <= ?", {filter.until, filter.until});
  }
  auto st = Prepare("SELECT " + DocumentColumns("d.") + " FROM documents d LEFT JOIN prefixes u ON u.id = d.url_prefix "
                    "LEFT JOIN runs r ON r.id = d.run WHERE " + sql.Where() + " ORDER BY d.ordinal");
  if (!st.ok()) return st.status();
  sql.Bind(&*st);
  CatalogEntry entry;  // reused: its strings keep their buffers from row to row
  return st->ForEachRow([&]() -> Status {
    SIMSHARD_RETURN_IF_ERROR(rows_->Decode(*st, &entry));
    if (by_archived || Matches(filter, entry)) fn(entry);
    return Status::OK();
  });
}

Status Catalog::ForEachFingerprint(const std::function<void(const FingerprintRow&)>& fn, uint64_t first,
                                  uint64_t last) const {
  if (version_ == 1) {  // a reader of an archive no writer has upgraded yet: text columns
    FingerprintRow r;
    return ForEachV1Document(*this, [&](const CatalogEntry& e) {
      if (e.ordinal < first || e.ordinal > last) return;
      r.ordinal = e.ordinal;
      r.id = 0;
      ParseHex64(e.id, &r.id);
      r.digest_ok = ParseDigestText(e.digest, &r.digest_high, &r.digest_low);
      r.simhash = e.simhash;
      r.sketch = e.sketch;
      fn(r);
    });
  }
  auto st = Prepare(std::string("SELECT ordinal, id, digest, simhash, sketch, ") +
                    (has_extraction_ ? "extraction" : "NULL") +
                    " FROM documents WHERE ordinal BETWEEN ?1 AND ?2 ORDER BY ordinal");
  if (!st.ok()) return st.status();
  st->BindInt(1, static_cast<int64_t>(std::min<uint64_t>(first, INT64_MAX)));
  st->BindInt(2, static_cast<int64_t>(std::min<uint64_t>(last, INT64_MAX)));
  FingerprintRow r;
  return st->ForEachRow([&] {
    r.ordinal = static_cast<uint64_t>(st->Int(0));
    r.id = static_cast<uint64_t>(st->Int(1));
    const std::string_view digest = st->View(2);
    r.digest_ok = true;
    if (st->IsBlob(2) && digest.size() == 16) {
      r.digest_high = BigEndian64(digest.data());
      r.digest_low = BigEndian64(digest.data() + 8);
    } else if (st->IsBlob(2) && digest.size() == 8) {
      r.digest_high = r.id;
      r.digest_low = BigEndian64(digest.data());
    } else {
      r.digest_ok = ParseDigestText(digest, &r.digest_high, &r.digest_low);
    }
    r.simhash = static_cast<uint64_t>(st->Int(3));
    r.sketch = st->View(4);
    r.extraction = ExtractionOf(*st, 5);
    fn(r);
  });
}

Status Catalog::ForEachSeenAddress(const std::function<void(int64_t hash)>& fn) const {
  if (version_ == 1) {  // text columns: hash the URLs here
    SIMSHARD_RETURN_IF_ERROR(ForEachV1Document(*this, [&](const CatalogEntry& e) {
      if (!e.url.empty()) fn(UrlHash(e.url));
    }));
  } else {
    auto st = Prepare(version_ == 2 ? "SELECT url_hash FROM documents WHERE url_hash IS NOT NULL"
                                    : "SELECT hash FROM url_hashes");
    if (!st.ok()) return st.status();
    SIMSHARD_RETURN_IF_ERROR(st->ForEachRow([&] { fn(st->Int(0)); }));
  }
  if (!has_dropped_) return Status::OK();
  auto dropped = Prepare("SELECT key_hash FROM dropped");
  if (!dropped.ok()) return dropped.status();
  return dropped->ForEachRow([&] { fn(dropped->Int(0)); });
}

Result<CatalogEntry> Catalog::FirstRow(Statement* st, std::string_view url, bool check_url) const {
  CatalogEntry entry;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (version_ == 1) {
      entry = EntryFromV1Row(*st);
    } else {
      SIMSHARD_RETURN_IF_ERROR(rows_->Decode(*st, &entry));
    }
    if (check_url && entry.url != url) continue;  // another URL with the same hash
    st->Reset();  // ends the statement's read of the catalog now, not at the next lookup
    return entry;
  }
  st->Reset();
  return Status::NotFound("not found");
}

Result<CatalogEntry> Catalog::FindById(std::string_view id) const {
  // Cached: a batch restore looks up thousands of ids, and preparing was most of it.
  uint64_t value = 0;
  if (id.size() != 16 || !IsLowerHex(id) || !ParseHex64(id, &value)) return Status::NotFound("not found");
  auto st = Cached(version_ == 1 ? "SELECT " + std::string(kV1Columns) + " FROM documents WHERE id = ?1"
                                 : "SELECT " + DocumentColumns("") + " FROM documents" + WhereId());
  if (!st.ok()) return st.status();
  if (version_ == 1) (*st)->Bind(1, id); else (*st)->BindInt(1, static_cast<int64_t>(value));
  return FirstRow(*st, {}, false);
}

Result<CatalogEntry> Catalog::FindByUrl(std::string_view url) const {
  if (version_ == 1) {
    auto st = Cached("SELECT " + std::string(kV1Columns) + " FROM documents WHERE url = ?1 ORDER BY ordinal LIMIT 1");
    if (!st.ok()) return st.status();
    (*st)->Bind(1, url);
    return FirstRow(*st, url, false);
  }
  // Version 3 keeps no hash for an empty URL: those few rows are found by a scan.
  auto st = Cached(version_ == 2 ? "SELECT " + DocumentColumns("") + " FROM documents WHERE url_hash IS ?1 ORDER BY ordinal"
                   : url.empty() ? "SELECT " + DocumentColumns("") + " FROM documents WHERE url_prefix IS NULL AND "
                                   "url_rest = '' ORDER BY ordinal"
                                 : "SELECT " + DocumentColumns("d.") + " FROM url_hashes h JOIN documents d ON "
                                   "d.ordinal = h.ordinal WHERE h.hash = ?1 ORDER BY h.ordinal");
  if (!st.ok()) return st.status();
  if (!url.empty()) (*st)->BindInt(1, UrlHash(url)); else if (version_ == 2) (*st)->BindNull(1);
  return FirstRow(*st, url, true);
}

}  // namespace simshard
