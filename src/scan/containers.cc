#include "scan/containers.h"

#include <memory>

#include "scan/detect.h"
#include "scan/warc_reader.h"
#include "scan/text_util.h"

namespace simshard::scan {
namespace {

constexpr size_t kSniffBytes = 64 << 10;

// A plain text or HTML file: one item with the whole (decompressed) content.
void ScanWholeFile(StreamReader& reader, const std::string& source, ItemFormat format,
                   const ScanOptions& options, ItemSink& sink) {
  RawItem item;
  item.source = source;
  item.format = format;
  reader.ReadInto(&item.bytes, options.max_doc_bytes + 1);
  if (item.bytes.size() > options.max_doc_bytes) {
    item.bytes.clear();
    item.bytes.shrink_to_fit();
    item.skip_reason = TooLargeReason(options.max_doc_bytes);
  } else if (!reader.status().ok()) {
    item.bytes.clear();
    item.skip_reason = reader.status().message();
  }
  sink.Add(std::move(item), reader.file_offset());
}

}  // namespace

RawItem SkipItem(std::string source, std::string reason) {
  RawItem item;
  item.source = std::move(source);
  item.skip_reason = std::move(reason);
  return item;
}

std::string TooLargeReason(uint64_t max_doc_bytes) {
  return "larger than --max-doc-bytes (" + std::to_string(max_doc_bytes) + " bytes)";
}

void ScanFile(const std::string& source, const std::string& path, uint64_t file_size,
              const ScanOptions& options, ItemSink& sink) {
  if (file_size == 0) {
    sink.Add(SkipItem(source, "empty file"), 0);
    sink.EndFile(0);
    return;
  }
  std::string layers;
  std::unique_ptr<StreamReader> reader = OpenDecoded(path, &layers);
  const std::string_view head = reader->Peek(kSniffBytes);
  if (head.empty()) {
    const Status& read = reader->status();
    sink.Add(SkipItem(source, read.ok() ? "empty file" : read.message()), reader->file_offset());
    sink.EndFile(file_size);
    return;
  }
  switch (DetectFormat(StripCompressionSuffix(path), head)) {
    case FileFormat::kBinary:
      sink.Add(SkipItem(source, "binary content"), 0);
      break;
    case FileFormat::kJsonDocument:
      sink.Add(SkipItem(source, "JSON that is not one object per line (JSON Lines)"), 0);
      break;
    case FileFormat::kText:
      ScanWholeFile(*reader, source, ItemFormat::kText, options, sink);
      break;
    case FileFormat::kHtml:
      ScanWholeFile(*reader, source, ItemFormat::kHtml, options, sink);
      break;
    case FileFormat::kJsonLines:
      ScanJsonLines(*reader, source, options, sink);
      break;
    case FileFormat::kWarc:
      ScanWarc(*reader, source, options, sink);
      break;
  }
  sink.EndFile(file_size);
}

void ScanJsonLines(StreamReader& reader, const std::string& source, const ScanOptions& options,
                   ItemSink& sink, const InputUnit* piece) {
  // Records of a piece that does not start its file say so: their line numbers count
  // from the piece.
  auto add = [&](RawItem&& item) {
    if (piece != nullptr && piece->begin > 0) {
      item.piece_begin = piece->begin;
      item.piece_path = piece->path;
    }
    return sink.Add(std::move(item), reader.file_offset());
  };
  std::string line;
  bool too_long = false, terminated = false;
  uint64_t line_no = 1;
  for (; !sink.stopped(); ++line_no) {
    if (!reader.ReadLine(&line, options.max_doc_bytes, &too_long, &terminated)) break;
    const std::string line_source = source + "#" + std::to_string(line_no);
    if (too_long) {
      add(SkipItem(line_source, TooLargeReason(options.max_doc_bytes)));
      continue;
    }
    if (!terminated && !reader.status().ok()) {  // the line the damage cut short
      add(SkipItem(line_source, reader.status().message()));
      return;
    }
    if (TrimAscii(line).empty()) continue;  // blank lines are not records
    RawItem item;
    item.source = line_source;
    item.format = ItemFormat::kJsonLine;
    item.bytes = std::move(line);
    line = std::string();
    add(std::move(item));
  }
  if (!reader.status().ok() && !sink.stopped())
    add(SkipItem(source + "#" + std::to_string(line_no), reader.status().message()));
}

namespace {

// Each cut goes just after the first line end at or after piece_bytes past the last cut.
std::vector<uint64_t> JsonLinesCuts(const InputUnit& unit, uint64_t piece_bytes) {
  std::vector<uint64_t> cuts;
  StreamReader lines(std::make_unique<FileSource>(unit.path));
  std::string skipped;
  bool too_long = false;
  for (uint64_t begin = 0;;) {
    const uint64_t target = begin + std::max<uint64_t>(piece_bytes, 2);
    if (target >= unit.bytes) break;
    lines.Skip(target - 1 - lines.offset());  // to the byte before the target
    lines.ReadLine(&skipped, 0, &too_long);   // to just past the line end from there
    begin = lines.offset();
    if (begin >= unit.bytes) break;
    cuts.push_back(begin);
  }
  return cuts;
}

// `unit` as the pieces between `cuts` (ascending offsets inside the file).
std::vector<InputUnit> PiecesBetween(const InputUnit& unit, const std::vector<uint64_t>& cuts, bool warc) {
  std::vector<InputUnit> pieces;
  uint64_t begin = 0;
  for (size_t i = 0; i <= cuts.size(); ++i) {
    const uint64_t end = i < cuts.size() ? cuts[i] : unit.bytes;
    InputUnit piece = unit;
    piece.begin = begin;
    piece.end = end;
    piece.bytes = end - begin;
    piece.warc = warc;
    pieces.push_back(std::move(piece));
    begin = end;
  }
  return pieces;
}

}  // namespace

std::vector<InputUnit> CutIntoPieces(const InputUnit& unit, uint64_t piece_bytes) {
  if (!unit.skip_reason.empty() || unit.end != 0 || piece_bytes == 0 || unit.bytes <= piece_bytes)
    return {unit};
  std::string layers;
  std::unique_ptr<StreamReader> reader = OpenDecoded(unit.path, &layers);
  if (!layers.empty()) return {unit};  // a compressed stream cannot be entered in the middle
  std::vector<uint64_t> cuts;
  const FileFormat format = DetectFormat(StripCompressionSuffix(unit.path), reader->Peek(kSniffBytes));
  if (format == FileFormat::kJsonLines) {
    cuts = JsonLinesCuts(unit, piece_bytes);
  } else if (format == FileFormat::kWarc) {
    cuts = WarcCuts(unit.path, unit.bytes, piece_bytes);
  }
  if (cuts.empty()) return {unit};
  return PiecesBetween(unit, cuts, format == FileFormat::kWarc);
}

void ScanWarcPiece(const InputUnit& unit, const ScanOptions& options, ItemSink& sink) {
  StreamReader reader(std::make_unique<FileSource>(unit.path, unit.begin, unit.end));
  ScanWarc(reader, unit.source, options, sink, unit.begin);
  sink.EndFile(unit.end - unit.begin);
}

void ScanJsonLinesPiece(const InputUnit& unit, const ScanOptions& options, ItemSink& sink) {
  StreamReader reader(std::make_unique<FileSource>(unit.path, unit.begin, unit.end));
  ScanJsonLines(reader, unit.source, options, sink, &unit);
  sink.EndFile(unit.end - unit.begin);
}

}  // namespace simshard::scan
