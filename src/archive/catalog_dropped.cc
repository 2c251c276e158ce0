// Catalog rows of dropped documents (doc/FORMAT.md, section 5.2): a duplicate the run did
// not archive keeps its URL, source, date, run and what it repeats, so its URL answers.
#include <cmath>

#include "archive/catalog.h"
#include "archive/catalog_rows.h"
#include "util/encoding.h"

namespace simshard {
namespace {

constexpr std::string_view kDroppedColumns =
    "d.seq, d.key_hash, d.url_prefix, d.url_rest, d.source_prefix, d.source_rest, d.date, d.run, "
    "d.status, d.duplicate_of, d.distance, d.similarity, COALESCE(r.archived_at, r.started_at), d.crawled_at";
enum Col {
  kSeq, kKeyHash, kUrlPrefix, kUrlRest, kSourcePrefix, kSourceRest, kDate, kRun, kStatus,
  kDuplicateOf, kDistance, kSimilarity, kRunTime, kCrawledAt
};
constexpr std::string_view kDroppedFrom = " FROM dropped d LEFT JOIN runs r ON r.id = d.run";

bool MatchesDropped(const ListFilter& f, const DroppedEntry& e) {
  const std::string& time = f.by == ListDate::kDate ? e.date : f.by == ListDate::kCrawled ? e.crawled_at : e.archived_at;
  return e.url.starts_with(f.url_prefix) && InTimeRange(f, time);
}

}  // namespace

Status Catalog::InsertDropped(const DroppedEntry& e) const {
  uint64_t of = 0;
  if (e.duplicate_of.size() != 16 || !ParseHex64(e.duplicate_of, &of)) {
    return Status::InvalidArgument("catalog: dropped " + e.url + ": duplicate_of \"" + e.duplicate_of +
                                   "\" is not a document id");
  }
  auto st = Cached(
      "INSERT INTO dropped(key_hash, url_prefix, url_rest, source_prefix, source_rest, date, run, status, "
      "duplicate_of, distance, similarity, crawled_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)");
  if (!st.ok()) return st.status();
  Statement* s = *st;
  SIMSHARD_RETURN_IF_ERROR(rows_->EnsureLoaded());
  s->BindInt(1, AddressHash(e.url, e.source));
  SIMSHARD_RETURN_IF_ERROR(rows_->BindUrl(e.url, s, 2));
  SIMSHARD_RETURN_IF_ERROR(rows_->BindSource(e.source, s, 4));
  BindDate(s, 6, e.date);
  s->BindInt(7, static_cast<int64_t>(e.run)).BindInt(8, e.near ? 1 : 0).BindInt(9, static_cast<int64_t>(of));
  if (e.near && e.distance >= 0) s->BindInt(10, e.distance); else s->BindNull(10);
  if (e.near && e.similarity >= 0) {
    s->BindInt(11, std::llround(e.similarity * 10000));
  } else {
    s->BindNull(11);
  }
  BindTime(s, 12, e.crawled_at);
  return s->Run().WithContext("catalog: dropped document " + e.source);
}

Result<bool> Catalog::DecodeDropped(const Statement& s, DroppedEntry* e) const {
  if (!rows_->JoinPrefix(s, kUrlPrefix, &e->url) || !rows_->JoinPrefix(s, kSourcePrefix, &e->source)) {
    SIMSHARD_RETURN_IF_ERROR(rows_->Load());  // a prefix committed since the last load
    if (!rows_->JoinPrefix(s, kUrlPrefix, &e->url) || !rows_->JoinPrefix(s, kSourcePrefix, &e->source)) {
      return false;
    }
  }
  if (AddressHash(e->url, e->source) != s.Int(kKeyHash)) return false;
  ReadDate(s, kDate, &e->date);
  ReadTime(s, kCrawledAt, &e->crawled_at);
  e->run = static_cast<uint64_t>(s.Int(kRun));
  e->near = s.Int(kStatus) == 1;
  e->duplicate_of = Hex64(static_cast<uint64_t>(s.Int(kDuplicateOf)));
  e->distance = s.IsNull(kDistance) ? -1 : static_cast<int>(s.Int(kDistance));
  e->similarity = s.IsNull(kSimilarity) ? -1 : static_cast<double>(s.Int(kSimilarity)) / 10000;
  e->archived_at.assign(s.View(kRunTime));
  return true;
}

Result<DroppedEntry> Catalog::FindDropped(std::string_view url, std::string_view source) const {
  if (!has_dropped_ || version_ == 1) return Status::NotFound("not found");
  auto st = Cached("SELECT " + std::string(kDroppedColumns) + std::string(kDroppedFrom) +
                   " WHERE d.key_hash = ?1 ORDER BY d.seq");
  if (!st.ok()) return st.status();
  (*st)->BindInt(1, AddressHash(url, source));
  DroppedEntry e;
  for (;;) {
    auto row = (*st)->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    auto decoded = DecodeDropped(**st, &e);
    if (!decoded.ok()) return decoded.status();
    if (*decoded && e.url == url && (!url.empty() || e.source == source)) {
      (*st)->Reset();
      return e;
    }
  }
  (*st)->Reset();
  return Status::NotFound("not found");
}

Status Catalog::ForEachDropped(const ListFilter& filter, const std::function<void(const DroppedEntry&)>& fn) const {
  if (!has_dropped_ || version_ == 1) return Status::OK();
  SIMSHARD_RETURN_IF_ERROR(rows_->Load());
  auto st = Prepare("SELECT " + std::string(kDroppedColumns) + std::string(kDroppedFrom) + " ORDER BY d.seq");
  if (!st.ok()) return st.status();
  DroppedEntry e;
  return st->ForEachRow([&]() -> Status {
    auto decoded = DecodeDropped(*st, &e);
    if (!decoded.ok()) return decoded.status();
    if (*decoded && MatchesDropped(filter, e)) fn(e);  // a row that no longer decodes is left out
    return Status::OK();
  });
}

Result<uint64_t> Catalog::CountDropped() const {
  if (!has_dropped_) return uint64_t{0};
  auto st = Prepare("SELECT COUNT(*) FROM dropped");
  if (!st.ok()) return st.status();
  auto row = st->Step();
  if (!row.ok()) return row.status();
  return static_cast<uint64_t>(st->Int(0));
}

}  // namespace simshard
