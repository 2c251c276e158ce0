#include "scan/charset.h"

#include <unicode/ucnv.h>

#include <memory>

#include "scan/text_util.h"
#include "util/json_writer.h"

namespace simshard::scan {
namespace {

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};

// Converts with ICU; false when ICU does not know the charset.
bool ConvertWithIcu(std::string_view bytes, const std::string& charset, std::string* out) {
  // ICU fills its converter cache lazily behind its own locks; open the common ones once
  // under a C++ static first so race detectors see the order too.
  static const bool icu_loaded = [] {
    UErrorCode s = U_ZERO_ERROR;
    for (const char* name : {"UTF-8", "windows-1252"}) ucnv_close(ucnv_open(name, &s));
    return U_SUCCESS(s);
  }();
  (void)icu_loaded;
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, ConverterCloser> from(ucnv_open(charset.c_str(), &status));
  if (U_FAILURE(status)) return false;
  std::unique_ptr<UConverter, ConverterCloser> to(ucnv_open("UTF-8", &status));
  if (U_FAILURE(status)) return false;
  // Worst case growth: one byte to a 3-byte U+FFFD or character.
  out->resize(bytes.size() * 3 + 16);
  char* target = out->data();
  const char* source = bytes.data();
  ucnv_convertEx(to.get(), from.get(), &target, out->data() + out->size(), &source,
                 bytes.data() + bytes.size(), nullptr, nullptr, nullptr, nullptr, true, true,
                 &status);
  if (U_FAILURE(status)) return false;
  out->resize(target - out->data());
  return true;
}

bool IsUtf8Name(std::string_view name) {
  return EqualsNoCase(name, "utf-8") || EqualsNoCase(name, "utf8");
}

// Normalizes labels the way browsers do: latin1 and ascii mean windows-1252.
std::string CanonicalCharset(std::string_view declared) {
  static constexpr std::string_view kWindows1252Labels[] = {
      "iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii", "iso8859-1", "l1", "cp1252"};
  declared = TrimAscii(declared);
  for (std::string_view label : kWindows1252Labels)
    if (EqualsNoCase(declared, label)) return std::string("windows-1252");
  return AsciiLower(declared);
}

std::string_view BomCharset(std::string_view bytes, size_t* bom_len) {
  if (bytes.starts_with("\xEF\xBB\xBF")) { *bom_len = 3; return "utf-8"; }
  if (bytes.starts_with(std::string_view("\xFF\xFE\0\0", 4))) { *bom_len = 4; return "utf-32le"; }
  if (bytes.starts_with("\xFF\xFE")) { *bom_len = 2; return "utf-16le"; }
  if (bytes.starts_with("\xFE\xFF")) { *bom_len = 2; return "utf-16be"; }
  *bom_len = 0;
  return {};
}

}  // namespace

std::string Utf8WithReplacements(std::string_view bytes) {
  if (IsValidUtf8(bytes)) return std::string(bytes);
  std::string out;
  ConvertWithIcu(bytes, "UTF-8", &out);
  return out;
}

std::string HtmlMetaCharset(std::string_view html) {
  const std::string head = AsciiLower(html.substr(0, 4096));
  size_t pos = 0;
  while ((pos = head.find("<meta", pos)) != std::string::npos) {
    const size_t end = head.find('>', pos);
    const std::string_view tag = std::string_view(head).substr(pos, end - pos);
    pos += 5;
    size_t cs = tag.find("charset");
    if (cs == std::string_view::npos) continue;
    std::string_view value = tag.substr(cs + 7);
    value = TrimAscii(value);
    if (!value.starts_with("=")) continue;
    value = TrimAscii(value.substr(1));
    if (!value.empty() && (value.front() == '"' || value.front() == '\'')) value.remove_prefix(1);
    const size_t stop = value.find_first_of("\"'; />");
    return std::string(value.substr(0, stop));
  }
  return {};
}

std::string DecodeToUtf8(std::string_view bytes, std::string_view declared, std::string* used) {
  std::string scratch;
  std::string& charset = used ? *used : scratch;
  size_t bom_len = 0;
  const std::string_view bom = BomCharset(bytes, &bom_len);
  std::string out;
  if (!bom.empty()) {
    charset = bom;
    bytes.remove_prefix(bom_len);
    if (charset == "utf-8") return Utf8WithReplacements(bytes);
    if (ConvertWithIcu(bytes, charset, &out)) return out;
  }
  const std::string name = CanonicalCharset(declared);
  // A page that says UTF-8 but is not is usually windows-1252 mislabelled; browsers
  // would show U+FFFD, but keeping the letters is kinder to the archive.
  if (!name.empty() && !IsUtf8Name(name) && ConvertWithIcu(bytes, name, &out)) {
    charset = name;
    return out;
  }
  if (IsValidUtf8(bytes)) {
    charset = "utf-8";
    return std::string(bytes);
  }
  charset = "windows-1252";
  ConvertWithIcu(bytes, charset, &out);
  return out;
}

}  // namespace simshard::scan
