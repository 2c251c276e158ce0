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

// A large plain JSON Lines or WARC file as pieces of about `piece_bytes`, each cut just
// after a line end or at a record's start; any other unit (or a file too small to cut)
// as it is.
std::vector<InputUnit> CutIntoPieces(const InputUnit& unit, uint64_t piece_bytes);

// Scans one piece of a JSON Lines file (InputUnit::begin, end); its records carry
// piece_begin and piece_path when the piece does not start the file.
void ScanJsonLinesPiece(const InputUnit& unit, const ScanOptions& options, ItemSink& sink);

// Scans one piece of a plain WARC file (InputUnit::begin, end): its records are named by
// their offsets in the whole file, as a scan of the whole file names them.
void ScanWarcPiece(const InputUnit& unit, const ScanOptions& options, ItemSink& sink);

// One item per JSON line (blank lines are not documents), sources "<source>#<line>".
// `piece` (optional): the piece of the file being read.
void ScanJsonLines(StreamReader& reader, const std::string& source, const ScanOptions& options,
                   ItemSink& sink, const InputUnit* piece = nullptr);

}  // namespace simshard::scan
