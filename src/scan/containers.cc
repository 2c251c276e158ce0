#include "scan/containers.h"

#include <memory>

#include "scan/detect.h"
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
  } else if (!reader.error().empty()) {
    item.bytes.clear();
    item.skip_reason = reader.error();
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
    const std::string& error = reader->error();
    sink.Add(SkipItem(source, error.empty() ? "empty file" : error), reader->file_offset());
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
                   ItemSink& sink) {
  std::string line;
  bool too_long = false, terminated = false;
  uint64_t line_no = 1;
  for (; !sink.stopped(); ++line_no) {
    if (!reader.ReadLine(&line, options.max_doc_bytes, &too_long, &terminated)) break;
    const std::string line_source = source + "#" + std::to_string(line_no);
    if (too_long) {
      sink.Add(SkipItem(line_source, TooLargeReason(options.max_doc_bytes)),
               reader.file_offset());
      continue;
    }
    if (!terminated && !reader.error().empty()) {  // the line the damage cut short
      sink.Add(SkipItem(line_source, reader.error()), reader.file_offset());
      return;
    }
    if (TrimAscii(line).empty()) continue;  // blank lines are not records
    RawItem item;
    item.source = line_source;
    item.format = ItemFormat::kJsonLine;
    item.bytes = std::move(line);
    line = std::string();
    sink.Add(std::move(item), reader.file_offset());
  }
  if (!reader.error().empty() && !sink.stopped())
    sink.Add(SkipItem(source + "#" + std::to_string(line_no), reader.error()), reader.file_offset());
}

}  // namespace simshard::scan
