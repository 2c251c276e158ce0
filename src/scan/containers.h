// Cutting one opened input file into raw items, per container format.
#pragma once

#include <string>

#include "scan/byte_stream.h"
#include "scan/item_sink.h"
#include "simshard/scan.h"

namespace simshard::scan {

RawItem SkipItem(std::string source, std::string reason);

// "larger than --max-doc-bytes (16777216 bytes)"
std::string TooLargeReason(uint64_t max_doc_bytes);

// Scans one file (any format, any compression) into `sink`. `source` names it in items.
void ScanFile(const std::string& source, const std::string& path, uint64_t file_size,
              const ScanOptions& options, ItemSink& sink);

// One item per JSON line (blank lines are not documents), sources "<source>#<line>".
void ScanJsonLines(StreamReader& reader, const std::string& source, const ScanOptions& options,
                   ItemSink& sink);

// One item per response/resource/conversion record, sources "<source>#<byte offset>".
void ScanWarc(StreamReader& reader, const std::string& source, const ScanOptions& options,
              ItemSink& sink);

}  // namespace simshard::scan
