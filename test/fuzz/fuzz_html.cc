// The HTML extractor: charset sniffing, gumbo parsing, article selection, chrome rules.
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace simshard;
  const ScanOptions options = fuzz::FuzzScanOptions();
  RawItem item;
  item.source = "fuzz.html";
  item.format = ItemFormat::kHtml;
  item.bytes.assign(reinterpret_cast<const char*>(data), size);
  item.input_bytes = size;
  fuzz::CheckDocument(Extract(std::move(item), options), options);
  return 0;
}
