// Scanner: walks inputs in a deterministic order and hands each file to containers.cc.
#include <algorithm>
#include <boost/filesystem.hpp>
#include <set>

#include "scan/containers.h"
#include "scan/item_sink.h"
#include "simshard/scan.h"

namespace fs = boost::filesystem;

namespace simshard {
namespace {

constexpr int kMaxDirectoryDepth = 256;

std::string JoinSource(const std::string& dir_source, const std::string& name) {
  if (dir_source.empty() || dir_source.ends_with('/')) return dir_source + name;
  return dir_source + "/" + name;
}

std::string Describe(const boost::system::error_code& ec) {
  if (ec == boost::system::errc::too_many_symbolic_link_levels) return "symlink loop";
  if (ec == boost::system::errc::no_such_file_or_directory) return "broken symlink";
  return "cannot read: " + ec.message();
}

// Walks inputs in scan order. With `units`, lists what it would read instead of reading it.
class Walker {
 public:
  Walker(const ScanOptions& options, scan::ItemSink& sink, std::vector<InputUnit>* units = nullptr)
      : options_(options), sink_(sink), units_(units) {}

  void Visit(const fs::path& path, const std::string& source, int depth) {
    if (sink_.stopped()) return;
    boost::system::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec) return Skip(source, Describe(ec));
    if (fs::is_directory(st)) return VisitDirectory(path, source, depth);
    if (!fs::is_regular_file(st)) return Skip(source, "not a regular file");
    const uint64_t size = fs::file_size(path, ec);
    if (ec) return Skip(source, Describe(ec));
    if (units_ != nullptr) return units_->push_back(InputUnit{path.string(), source, size, {}});
    scan::ScanFile(source, path.string(), size, options_, sink_);
  }

 private:
  void Skip(const std::string& source, std::string reason) {
    if (units_ != nullptr) return units_->push_back(InputUnit{{}, source, 0, std::move(reason)});
    sink_.Add(scan::SkipItem(source, std::move(reason)), 0);
    sink_.EndFile(0);
  }

  void VisitDirectory(const fs::path& path, const std::string& source, int depth) {
    boost::system::error_code ec;
    const fs::path real = fs::canonical(path, ec);
    if (ec) return Skip(source, Describe(ec));
    if (depth > kMaxDirectoryDepth) return Skip(source, "directories nested too deep");
    if (!open_dirs_.insert(real.string()).second) return Skip(source, "symlink loop");

    std::vector<std::string> names;
    fs::directory_iterator it(path, ec), end;
    for (; !ec && it != end; it.increment(ec)) names.push_back(it->path().filename().string());
    if (ec) Skip(source, "cannot read directory: " + ec.message());
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) Visit(path / name, JoinSource(source, name), depth + 1);
    open_dirs_.erase(real.string());
  }

  const ScanOptions& options_;
  scan::ItemSink& sink_;
  std::set<std::string> open_dirs_;  // directories on the current path (loop guard)
  std::vector<InputUnit>* units_;
};

Status CheckInputs(const std::vector<std::string>& inputs) {
  for (const std::string& input : inputs) {
    boost::system::error_code ec;
    fs::symlink_status(input, ec);
    if (ec) return Status::IOError("input " + input + ": " + ec.message());
  }
  return Status::OK();
}

}  // namespace

Status CheckScanOptions(const ScanOptions& options) {
  return CheckBounds<int64_t>("max_doc_bytes", static_cast<int64_t>(std::min<uint64_t>(options.max_doc_bytes, INT64_MAX)),
                              kMaxDocBytesBounds);
}

Scanner::Scanner(ScanOptions options) : options_(std::move(options)) {}

Status Scanner::Scan(const std::vector<std::string>& inputs,
                     const std::function<bool(RawItem&&)>& sink) const {
  SIMSHARD_RETURN_IF_ERROR(CheckInputs(inputs));
  scan::ItemSink items(sink);
  Walker walker(options_, items);
  for (const std::string& input : inputs) {
    walker.Visit(fs::path(input), input, 0);
    if (items.stopped()) break;
  }
  return Status::OK();
}

Result<std::vector<InputUnit>> Scanner::ListUnits(const std::vector<std::string>& inputs) const {
  SIMSHARD_RETURN_IF_ERROR(CheckInputs(inputs));
  std::vector<InputUnit> units;
  const std::function<bool(RawItem&&)> ignore = [](RawItem&&) { return true; };
  scan::ItemSink unused(ignore);  // the walker lists, it adds nothing
  Walker walker(options_, unused, &units);
  for (const std::string& input : inputs) walker.Visit(fs::path(input), input, 0);
  uint64_t piece_bytes = options_.piece_bytes;
  if (options_.pieces_wanted > 0) {
    constexpr uint64_t kMinPieceBytes = 1 << 20;
    uint64_t total = 0;
    for (const InputUnit& unit : units) total += unit.bytes;
    piece_bytes = std::min(piece_bytes, std::max(kMinPieceBytes, total / options_.pieces_wanted));
  }
  std::vector<InputUnit> pieces;
  for (const InputUnit& unit : units) {
    for (InputUnit& piece : scan::CutIntoPieces(unit, piece_bytes))
      pieces.push_back(std::move(piece));
  }
  return pieces;
}

Status Scanner::ScanUnits(std::span<const InputUnit> units,
                          const std::function<bool(RawItem&&)>& sink) const {
  scan::ItemSink items(sink);
  for (const InputUnit& unit : units) {
    if (items.stopped()) break;
    if (!unit.skip_reason.empty()) {
      items.Add(scan::SkipItem(unit.source, unit.skip_reason), 0);
      items.EndFile(0);
      continue;
    }
    if (unit.end != 0 && unit.warc) {
      scan::ScanWarcPiece(unit, options_, items);
    } else if (unit.end != 0) {
      scan::ScanJsonLinesPiece(unit, options_, items);
    } else {
      scan::ScanFile(unit.source, unit.path, unit.bytes, options_, items);
    }
  }
  return Status::OK();
}

uint64_t Scanner::TotalInputBytes(const std::vector<std::string>& inputs) {
  uint64_t total = 0;
  for (const std::string& input : inputs) {
    boost::system::error_code ec;
    if (fs::is_regular_file(input, ec)) {
      total += fs::file_size(input, ec);
      continue;
    }
    fs::recursive_directory_iterator it(input, fs::directory_options::skip_permission_denied, ec),
        end;
    for (; !ec && it != end; it.increment(ec)) {
      boost::system::error_code fec;
      if (fs::is_regular_file(it->path(), fec)) total += fs::file_size(it->path(), fec);
    }
  }
  return total;
}

}  // namespace simshard
