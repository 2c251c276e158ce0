// Matching split across tasks, for a run cut into tasks (doc/FORMAT.md, section
// 10): between the analyse tasks and the decide task,
// - chrome (one task): every page through the per-site chrome model in input order, which
//   depends on no dedup decision (ChromeLearner), giving each its final fingerprint;
// - match (one task per share): the candidates of every page among a share of the
//   archive's documents and of tonight's pages, verified as DedupIndex::Find verifies;
// - decide (one task) then picks, in input order, what DedupIndex::Find would have picked
//   among the pages it kept (MatchedDecider): no task holds the whole index.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "pipeline/decider.h"
#include "pipeline/stage_file.h"
#include "simshard/pipeline.h"

namespace simshard::pipeline {

// "<work>/<kind>-00003-of-00008": a file of one task or slice.
std::string TaskFilePath(const TaskPlan& plan, const char* kind, unsigned task);
std::string ChromedPath(const TaskPlan& plan, unsigned slice);  // the chrome stage's, per slice
std::string MatchesPath(const TaskPlan& plan, unsigned task);   // a match task's findings
std::string ChromeModelPath(const TaskPlan& plan);  // the chrome model after the run
std::string ChromedRunPath(const TaskPlan& plan);   // written last by the chrome stage
std::string DecidedRunPath(const TaskPlan& plan);   // written last by an archive run's decide stage

// What the chrome stage found the archive to be: the later stages number and match from it.
struct ChromedRun {
  uint64_t last_ordinal = 0;  // the archive's largest ordinal; tonight's pages come after
};
Result<ChromedRun> ReadChromedRun(const TaskPlan& plan);

// What the decide task starts from: the chrome stage's run, once every stage before the
// decide task is complete (else a message naming what to run again), and its files.
struct MatchedRun {
  ChromedRun chromed;
  std::vector<std::string> chromed_files;  // in input order
};
Result<MatchedRun> ReadMatchedRun(const RunOptions& options, const TaskPlan& plan);

// The decider of the decide task of a run whose matching was split: one decision per page
// of the chrome stage's files (read in input order by the deciding loop) from every match
// task's findings. Holds a few bytes per page of tonight, and nothing of the archive.
class MatchedDecider : public DocumentDecider {
 public:
  // `kept_status`: "archived", or "kept" for dedup, whose chromed records hold every
  // page's text (not only the text chrome changed).
  MatchedDecider(const TaskPlan& plan, uint64_t first_ordinal, std::string kept_status = "archived")
      : plan_(plan), next_ordinal_(first_ordinal), kept_status_(std::move(kept_status)) {}

  Status Open();
  bool Decide(Analyzed* a, ReportRow* row) override;
  void KeepId(uint64_t ordinal, uint64_t id, const Digest& digest, const Fingerprint& fp,
              Extraction extraction) override;
  uint64_t next_ordinal() const override { return next_ordinal_; }
  // Damage or disagreement met in the stage files (Decide cannot return it).
  Status status() const override { return status_; }

 private:
  struct NearAnswer {
    uint64_t id = 0;
    int distance = 0;
    double similarity = 0;
  };
  void CollectFindings(uint64_t seq);
  bool DecideFound(const Analyzed& a, ReportRow* row);
  bool Fail(Status status);

  const TaskPlan& plan_;
  uint64_t next_ordinal_;
  const std::string kept_status_;
  std::vector<std::unique_ptr<StageReader>> matches_;
  std::vector<Finding> heads_;  // each match file's next finding
  std::vector<bool> has_head_;
  std::vector<Finding> found_;  // the current page's findings
  uint64_t current_ = 0;        // the page last decided
  std::vector<bool> kept_;      // by page
  std::vector<uint64_t> ids_;   // by page: the id of a kept one
  std::unordered_map<uint64_t, NearAnswer> near_answers_;  // near-duplicate page -> answer
  Status status_;
};

}  // namespace simshard::pipeline
