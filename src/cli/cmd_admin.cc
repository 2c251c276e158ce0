// The archive's housekeeping commands: verify, stats, reindex, repair.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <optional>

#include "cli/command.h"
#include "simshard/archive.h"
#include "util/json_writer.h"

namespace simshard::cli {

namespace {

po::options_description ArchiveOnly(const char* title) {
  po::options_description options(title);
  options.add_options()("archive,a", po::value<std::string>()->value_name("DIR"), "the archive folder");
  options.add(CommonOptions());
  return options;
}

// Parses a command that takes only --archive; empty when --help was printed.
std::optional<std::string> ParseArchiveOnly(const CommandHelp& help,
                                            const std::vector<std::string>& args,
                                            po::variables_map* vm) {
  const po::options_description options = ArchiveOnly("Options");
  if (!ParseCommandLine(help, args, options, {}, vm)) return std::nullopt;
  Require(*vm, "archive");
  return (*vm)["archive"].as<std::string>();
}

std::string DamageLine(const Damage& d) {
  if (d.what.starts_with(d.shard)) return d.what;  // already says where
  std::string line = "shard " + d.shard;
  if (d.frame >= 0) line += " frame " + std::to_string(d.frame);
  return line + ": " + d.what;
}

}  // namespace

int VerifyCommand(const std::vector<std::string>& args) {
  const CommandHelp help{
      "verify", "simshard verify --archive DIR",
      "Reads every shard, checks every frame, record and parity checksum and that the catalog\n"
      "and the shards agree. Prints one line per damage (shard and frame, and whether the parity\n"
      "heals it). Exits 4 when every damage can be healed by simshard repair with nothing lost,\n"
      "1 when documents are lost (repair lists them).",
      "  simshard verify --archive /srv/news || echo 'archive damaged: see simshard repair --help'"};
  po::variables_map vm;
  const std::optional<std::string> dir = ParseArchiveOnly(help, args, &vm);
  if (!dir) return kOk;
  const Log log = MakeLog(help.name, vm);
  Result<std::unique_ptr<ArchiveReader>> reader = ArchiveReader::Open(*dir);
  if (!reader.ok()) return Fail(help.name, reader.status());
  const std::vector<Damage> damage = (*reader)->Verify();
  // A lost shard can mean thousands of lines: the first ones say where, --verbose says all.
  const size_t shown = log.verbose ? damage.size() : std::min<size_t>(damage.size(), 20);
  for (size_t i = 0; i < shown; ++i) Complain(help.name, DamageLine(damage[i]));
  if (shown < damage.size()) {
    Complain(help.name, "... and " + std::to_string(damage.size() - shown) +
                            " more problems (--verbose lists them all); see simshard repair --help");
  }
  const bool healable = std::all_of(damage.begin(), damage.end(), [](const Damage& d) { return d.healable; });
  Result<ArchiveStats> stats = (*reader)->Stats();
  if (vm["json"].as<bool>()) {
    std::string out;
    JsonObjectWriter w(&out);
    w.Bool("ok", damage.empty()).Uint("damage", damage.size()).Bool("healable", damage.empty() || healable);
    if (stats.ok()) w.Uint("documents", stats->documents).Uint("shards", stats->shards);
    w.Close();
    std::cout << out << "\n";
  }
  if (!damage.empty()) {
    // The damage lines above said what is lost; a repairable archive gets one more, the cure.
    if (!healable) return ExitCodeFor(Status::Corruption("documents are lost"));
    return Fail(help.name, Status::Repairable("every damage can be healed with nothing lost: "
                                              "run simshard repair --archive " + *dir));
  }
  if (stats.ok()) {
    log.Info("simshard verify: ok, " + std::to_string(stats->documents) + " documents in " +
             std::to_string(stats->shards) + " shard(s)");
  }
  return kOk;
}

int StatsCommand(const std::vector<std::string>& args) {
  const CommandHelp help{
      "stats", "simshard stats --archive DIR [--json]",
      "Documents, runs, shards, bytes in (originals of the archived documents), bytes stored\n"
      "(shards on disk) and their ratio; --json adds \"dropped\", the duplicates the catalog\n"
      "remembers without archiving them.",
      "  simshard stats --archive /srv/news --json | jq .ratio"};
  po::variables_map vm;
  const std::optional<std::string> dir = ParseArchiveOnly(help, args, &vm);
  if (!dir) return kOk;
  Result<std::unique_ptr<ArchiveReader>> reader = ArchiveReader::Open(*dir);
  if (!reader.ok()) return Fail(help.name, reader.status());
  Result<ArchiveStats> stats = (*reader)->Stats();
  if (!stats.ok()) return Fail(help.name, stats.status());
  const ArchiveStats& s = *stats;
  const double ratio = s.bytes_stored ? double(s.bytes_in) / double(s.bytes_stored) : 0.0;
  if (vm["json"].as<bool>()) {
    std::string out;
    JsonObjectWriter w(&out);
    w.Uint("documents", s.documents).Uint("runs", s.runs).Uint("shards", s.shards);
    w.Uint("dropped", s.dropped);
    w.Uint("bytes_in", s.bytes_in).Uint("bytes_stored", s.bytes_stored).Double("ratio", ratio);
    w.Close();
    std::cout << out << "\n";
    return kOk;
  }
  std::printf("documents     %llu\nruns          %llu\nshards        %llu\n"
              "bytes in      %llu (%s)\nbytes stored  %llu (%s)\nratio         %.2f\n",
              static_cast<unsigned long long>(s.documents), static_cast<unsigned long long>(s.runs),
              static_cast<unsigned long long>(s.shards), static_cast<unsigned long long>(s.bytes_in),
              HumanBytes(s.bytes_in).c_str(), static_cast<unsigned long long>(s.bytes_stored),
              HumanBytes(s.bytes_stored).c_str(), ratio);
  return kOk;
}

int ReindexCommand(const std::vector<std::string>& args) {
  const CommandHelp help{
      "reindex", "simshard reindex --archive DIR",
      "Rebuilds the catalog from the shards alone (the shards are self-describing). Takes the\n"
      "writer lock: no archive run may be going on.",
      "  simshard reindex --archive /srv/news && simshard verify --archive /srv/news"};
  po::variables_map vm;
  const std::optional<std::string> dir = ParseArchiveOnly(help, args, &vm);
  if (!dir) return kOk;
  Status st = Reindex(*dir);
  if (!st.ok()) return Fail(help.name, st);
  MakeLog(help.name, vm).Info("simshard reindex: catalog rebuilt from the shards in " + *dir);
  return kOk;
}

int RepairCommand(const std::vector<std::string>& args) {
  const CommandHelp help{
      "repair", "simshard repair --archive DIR [--add-parity]",
      "Heals a damaged archive: rebuilds damaged frames from the shard's parity and rewrites the\n"
      "shard byte for byte as it was sealed; of a shard the parity cannot heal whole, keeps every\n"
      "frame that reads back. Re-registers what is intact, rebuilds a lost catalog, and prints\n"
      "the documents that were lost (id, url, source; TSV on stdout, or JSON with --json) so\n"
      "they can be archived again. What was done goes to stderr. --add-parity also gives shards\n"
      "written before parity existed their recovery data. Takes the writer lock: no archive run\n"
      "may be going on.",
      "  simshard repair --archive /srv/news > lost.tsv && cut -f3 lost.tsv"};
  po::options_description options = ArchiveOnly("Options");
  options.add_options()("add-parity", po::bool_switch(), "give shards without parity (older simshard) their parity");
  po::variables_map vm;
  if (!ParseCommandLine(help, args, options, {}, &vm)) return kOk;
  Require(vm, "archive");
  const std::optional<std::string> dir = vm["archive"].as<std::string>();
  const Log log = MakeLog(help.name, vm);
  Result<RepairReport> report = Repair(*dir, RepairOptions{vm["add-parity"].as<bool>()});
  if (!report.ok()) return Fail(help.name, report.status());
  for (const std::string& action : report->actions) log.Info("simshard repair: " + action);
  log.Info("simshard repair: " + std::to_string(report->lost.size()) + " document(s) lost");
  std::string out;
  if (vm["json"].as<bool>()) {
    std::string lost = "[";
    for (const LostDocument& d : report->lost) {
      if (lost.size() > 1) lost.push_back(',');
      JsonObjectWriter(&lost).String("id", d.id).String("url", d.url).String("source", d.source).Close();
    }
    lost.push_back(']');
    JsonObjectWriter w(&out);
    w.Uint("actions", report->actions.size()).Raw("lost", lost);
    w.Close();
    out.push_back('\n');
  } else {
    for (const LostDocument& d : report->lost) out += d.id + "\t" + d.url + "\t" + d.source + "\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return Fail(help.name, FlushStdout());
}

}  // namespace simshard::cli
