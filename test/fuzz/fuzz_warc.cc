// The WARC reader: record headers, HTTP headers, chunked transfer and content encodings.
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  simshard::fuzz::ScanAndExtract(simshard::fuzz::WriteScratchFile("crawl.warc", data, size));
  return 0;
}
