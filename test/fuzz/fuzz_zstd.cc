// zstd input decoding (streamed frames), under a feed and a WARC name.
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  simshard::fuzz::ScanAndExtract(simshard::fuzz::WriteScratchFile("feed.jsonl.zst", data, size));
  simshard::fuzz::ScanAndExtract(simshard::fuzz::WriteScratchFile("crawl.warc.zst", data, size));
  return 0;
}
