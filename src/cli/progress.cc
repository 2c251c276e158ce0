#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

#include "util/json_writer.h"

namespace simshard::cli {

std::string Clock(double seconds) {
  const long s = seconds < 0 ? 0 : static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

ProgressLine::ProgressLine(bool wanted) : enabled_(wanted && ::isatty(STDERR_FILENO)) {}

void ProgressLine::Update(const RunProgress& p) {
  if (!enabled_ || p.elapsed_seconds <= 0) return;
  const double rate = p.documents / p.elapsed_seconds;
  const double mb_rate = p.bytes_scanned / p.elapsed_seconds / 1e6;
  std::string eta = "-";
  if (p.bytes_scanned > 0 && p.bytes_total > p.bytes_scanned) {
    eta = Clock(p.elapsed_seconds * double(p.bytes_total - p.bytes_scanned) / p.bytes_scanned);
  }
  std::fprintf(stderr,
               "\r\033[K%llu docs  %.0f docs/s  %.1f MB/s  archived %llu  duplicates %llu  "
               "skipped %llu  %s elapsed  ETA %s",
               static_cast<unsigned long long>(p.documents), rate, mb_rate,
               static_cast<unsigned long long>(p.archived),
               static_cast<unsigned long long>(p.duplicates + p.near_duplicates),
               static_cast<unsigned long long>(p.skipped), Clock(p.elapsed_seconds).c_str(),
               eta.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::Clear() {
  if (!drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

void PrintSummary(const Log& log, const RunSummary& s, const std::string& kept_word) {
  const RunProgress& t = s.totals;
  char line[512];
  std::snprintf(line, sizeof line,
                "simshard %s: %s %llu of %llu documents (%llu duplicates, %llu near-duplicates, "
                "%llu skipped) in %.1f s",
                log.command.c_str(), kept_word.c_str(), static_cast<unsigned long long>(t.archived),
                static_cast<unsigned long long>(t.documents),
                static_cast<unsigned long long>(t.duplicates),
                static_cast<unsigned long long>(t.near_duplicates),
                static_cast<unsigned long long>(t.skipped), t.elapsed_seconds);
  log.Info(line);
  std::string bytes = "  read " + HumanBytes(t.bytes_scanned);
  if (!s.shards_written.empty() || s.run_id != 0) {
    bytes += ", stored " + HumanBytes(s.bytes_stored) + " in " +
             std::to_string(s.shards_written.size()) + " new shard(s), run " +
             std::to_string(s.run_id);
  }
  log.Info(bytes);
  for (const auto& [reason, count] : s.skipped_by_reason) {
    log.Info("  skipped " + std::to_string(count) + ": " + reason);
  }
  if (t.weak + t.empty > 0) {
    log.Info("  little or no text extracted: " + std::to_string(t.weak) + " weak, " +
             std::to_string(t.empty) + " empty (kept, but duplicates only of identical bytes)");
  }
  for (const std::string& shard : s.shards_written) log.Detail("wrote shard " + shard);
}

std::string SummaryJson(const std::string& command, const RunSummary& s, int exit_code) {
  const RunProgress& t = s.totals;
  std::string out;
  JsonObjectWriter w(&out);
  w.String("command", command)
      .Int("exit_code", exit_code)
      .Uint("run", s.run_id)
      .Uint("documents", t.documents)
      .Uint(command == "dedup" ? "kept" : "archived", t.archived)
      .Uint("duplicates", t.duplicates)
      .Uint("near_duplicates", t.near_duplicates)
      .Uint("skipped", t.skipped)
      .Raw("skipped_by_reason", JsonCounts(s.skipped_by_reason))
      .Uint("weak", t.weak)
      .Uint("empty", t.empty)
      .Uint("bytes_in", t.bytes_scanned)
      .Uint("bytes_stored", s.bytes_stored)
      .Double("seconds", t.elapsed_seconds)
      .Raw("shards_written", JsonStringArray(s.shards_written));
  w.Close();
  out.push_back('\n');
  return out;
}

}  // namespace simshard::cli
