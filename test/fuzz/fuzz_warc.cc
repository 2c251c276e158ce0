// The WARC reader: record headers, HTTP headers, chunked transfer and content encodings;
// and the cutting of a plain WARC file into pieces for a run cut into tasks.
#include <vector>

#include "fuzz_util.h"

namespace {

// What a scan yields, item by item, in a form to compare.
std::vector<std::string> ItemsOf(const simshard::Scanner& scanner,
                                 const std::vector<simshard::InputUnit>* units, const std::string& path) {
  std::vector<std::string> items;
  auto add = [&](simshard::RawItem&& item) {
    items.push_back(item.source + '\0' + item.url + '\0' + item.skip_reason + '\0' + item.bytes);
    return true;
  };
  if (units) {
    (void)scanner.ScanUnits(*units, add);
  } else {
    (void)scanner.Scan({path}, add);
  }
  return items;
}

// Cut into pieces as small as can be, the file must scan as it does whole.
void CheckPiecesScanAsTheWhole(const std::filesystem::path& path) {
  simshard::ScanOptions options = simshard::fuzz::FuzzScanOptions();
  options.piece_bytes = 1;
  const simshard::Scanner scanner(options);
  simshard::Result<std::vector<simshard::InputUnit>> units = scanner.ListUnits({path.string()});
  FUZZ_CHECK(units.ok(), "cannot list the file's pieces");
  FUZZ_CHECK(ItemsOf(scanner, &*units, path.string()) == ItemsOf(scanner, nullptr, path.string()),
             "the pieces of a WARC file scan otherwise than the whole file");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::filesystem::path path = simshard::fuzz::WriteScratchFile("crawl.warc", data, size);
  simshard::fuzz::ScanAndExtract(path);
  CheckPiecesScanAsTheWhole(path);
  return 0;
}
