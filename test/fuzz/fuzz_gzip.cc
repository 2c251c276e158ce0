// gzip input decoding (single and multi-member streams), under a feed and a WARC name.
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  simshard::fuzz::ScanAndExtract(simshard::fuzz::WriteScratchFile("feed.jsonl.gz", data, size));
  simshard::fuzz::ScanAndExtract(simshard::fuzz::WriteScratchFile("crawl.warc.gz", data, size));
  return 0;
}
