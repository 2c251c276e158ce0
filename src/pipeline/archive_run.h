// What an archive run shares with the stages of one cut into tasks: the decider prepared
// from the archive, a decided document as a record or a dropped row, and the shards a
// run added.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "pipeline/analyze.h"
#include "pipeline/archive_state.h"
#include "pipeline/decider.h"
#include "simshard/archive.h"
#include "simshard/pipeline.h"

namespace simshard::pipeline {

// An archive as a run starts from it: a reader, its fingerprint settings checked against
// this simshard's (and recorded by `writer`, when given, on an archive that has none), the
// chrome model of its latest finished run, and its counts.
struct ArchiveStart {
  std::unique_ptr<ArchiveReader> reader;
  std::string config;  // the fingerprint settings' name
  LoadedChrome chrome;
  ArchiveStats stats;
};
Result<ArchiveStart> OpenArchiveStart(const std::string& dir, const StateReader& state, ArchiveWriter* writer);

// The decider of a run on this archive: its fingerprint settings checked (and recorded on a
// new archive), its chrome model loaded and, when `seed`, its dedup index seeded with
// every document and its chrome counts with every address the archive has seen.
struct ArchiveDecider {
  std::unique_ptr<Decider> decider;
  std::string config;      // the fingerprint settings' name
  std::string chrome_key;  // the state key of the chrome model loaded, empty when none
  uint64_t runs = 0;       // runs the archive has begun (the next is runs + 1)
};
Result<ArchiveDecider> PrepareDecider(const RunOptions& options, ArchiveWriter& writer, bool seed = true);

// What a catalog row with a malformed digest is reported as, wherever it is read.
Status MalformedDigest(const FingerprintRow& row);

// The record a kept document is archived as.
Record MakeRecord(Analyzed&& a, const std::string& id, uint64_t run, const std::string& archived_at);

// The row a duplicate keeps in the catalog, so that its URL still answers (doc/FORMAT.md,
// 5.2); false for a row that is no duplicate.
bool DroppedRow(const ReportRow& row, const Analyzed& a, DroppedEntry* entry);

// Shard file names in an archive folder, and the summary's account of those added since.
std::set<std::string> ShardNames(const std::string& dir);
void AddShardsWritten(const std::string& dir, const std::set<std::string>& before, RunSummary* summary);

}  // namespace simshard::pipeline
