// WARC input: the records of a WARC 1.0/1.1 stream (plain, gzip per record, zstd) as items.
#pragma once

#include <string>

#include "scan/byte_stream.h"
#include "scan/item_sink.h"
#include "simshard/scan.h"

namespace simshard::scan {

// One item per response/resource/conversion record, sources "<source>#<byte offset>".
void ScanWarc(StreamReader& reader, const std::string& source, const ScanOptions& options,
              ItemSink& sink);

}  // namespace simshard::scan
