// The JSON Lines reader: line splitting in the scanner, then field lookup and text
// extraction (including the `html` field) for every line.
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  simshard::fuzz::ScanAndExtract(simshard::fuzz::WriteScratchFile("feed.jsonl", data, size));
  return 0;
}
