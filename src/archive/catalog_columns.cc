// How single values are kept in catalog columns (doc/FORMAT.md, section 5): URLs and
// sources split at a shared prefix, dates and times as integers when they read back the same.
#include <time.h>

#include <xxhash.h>

#include <ctime>

#include "archive/catalog_rows.h"

namespace simshard {

// "scheme://host/" of a URL: the part many documents share.
std::string_view UrlPrefix(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return {};
  const size_t slash = url.find('/', scheme_end + 3);
  return slash == std::string_view::npos ? std::string_view() : url.substr(0, slash + 1);
}

// "path#" of a source that ends in "#<line or offset>", written without leading zeros.
std::string_view SourcePrefix(std::string_view source, int64_t* number) {
  const size_t hash = source.rfind('#');
  if (hash == std::string_view::npos) return {};
  const std::string_view digits = source.substr(hash + 1);
  if (digits.empty() || digits.size() > 18 || (digits[0] == '0' && digits.size() > 1)) return {};
  int64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return {};
    v = v * 10 + (c - '0');
  }
  *number = v;
  return source.substr(0, hash + 1);
}

namespace {

// "YYYY-MM-DD" as the number YYYYMMDD; -1 for any other text.
int64_t DateNumber(std::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return -1;
  int64_t v = 0;
  for (size_t i = 0; i < date.size(); ++i) {
    if (i == 4 || i == 7) continue;
    if (date[i] < '0' || date[i] > '9') return -1;
    v = v * 10 + (date[i] - '0');
  }
  return v;
}

void DateText(int64_t n, std::string* out) {
  char buf[32];
  const int size = std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld", static_cast<long long>(n / 10000),
                                 static_cast<long long>(n / 100 % 100), static_cast<long long>(n % 100));
  out->assign(buf, static_cast<size_t>(size));
}

void TimeText(int64_t seconds, std::string* out) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  out->assign(buf, std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm));
}


}  // namespace

void BindDate(Statement* st, int col, std::string_view date) {
  const int64_t number = DateNumber(date);
  if (number >= 0) st->BindInt(col, number); else st->Bind(col, date);
}

void ReadDate(const Statement& s, int col, std::string* out) {
  if (s.IsInt(col)) DateText(s.Int(col), out); else out->assign(s.View(col));
}

void BindTime(Statement* st, int col, std::string_view time) {
  if (time.empty()) {
    st->BindNull(col);
    return;
  }
  std::tm tm{};
  const std::string text(time);
  const char* end = time.size() == 20 ? strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) : nullptr;
  std::string back;
  if (end != nullptr && *end == '\0') {
    const int64_t seconds = timegm(&tm);
    TimeText(seconds, &back);
    if (back == time) {  // only what reads back byte for byte
      st->BindInt(col, seconds);
      return;
    }
  }
  st->Bind(col, time);
}

void ReadTime(const Statement& s, int col, std::string* out) {
  if (s.IsNull(col)) out->clear();
  else if (s.IsInt(col)) TimeText(s.Int(col), out);
  else out->assign(s.View(col));
}

// A document without the time asked for is outside any range.
bool InTimeRange(const ListFilter& f, std::string_view time) {
  if (time.empty()) return f.since.empty() && f.until.empty();
  return (f.since.empty() || time >= f.since) && (f.until.empty() || time.substr(0, f.until.size()) <= f.until);
}

int64_t UrlHash(std::string_view url) {
  return static_cast<int32_t>(static_cast<uint32_t>(XXH3_64bits(url.data(), url.size())));
}

int64_t AddressHash(std::string_view url, std::string_view source) {
  return UrlHash(url.empty() ? source : url);
}

}  // namespace simshard
