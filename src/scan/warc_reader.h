// WARC input: the records of a WARC 1.0/1.1 stream (plain, gzip per record, zstd) as items.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scan/byte_stream.h"
#include "scan/item_sink.h"
#include "simshard/scan.h"

namespace simshard::scan {

// One item per response/resource/conversion record, sources "<source>#<byte offset>".
// `base_offset`: where `reader` starts in its file, when it reads a piece of a plain WARC.
void ScanWarc(StreamReader& reader, const std::string& source, const ScanOptions& options,
              ItemSink& sink, uint64_t base_offset = 0);

// Where a plain (uncompressed) WARC file of `size` bytes can be cut for a run cut into
// tasks: the offsets of record starts, each the first at least `piece_bytes` past the cut
// before (or the file's start). Found by walking the record headers from the start of the
// file, reading each header alone and skipping its block, as ScanWarc reads them, so a
// WARC file stored inside a record never offers a cut. No cut at or past the first place
// ScanWarc would stop (damage, a truncated record).
std::vector<uint64_t> WarcCuts(const std::string& path, uint64_t size, uint64_t piece_bytes);

}  // namespace simshard::scan
