#include "scan/date.h"

#include <array>
#include <charconv>
#include <cstdio>
#include <vector>

#include "scan/text_util.h"

namespace simshard::scan {
namespace {

int MonthNumber(std::string_view word) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (word.size() < 3) return 0;
  for (size_t i = 0; i < kMonths.size(); ++i)
    if (EqualsNoCase(word.substr(0, 3), kMonths[i])) return static_cast<int>(i) + 1;
  return 0;
}

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

int ToInt(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> words;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && s[i] != ' ' && s[i] != ',' && s[i] != '\t') continue;
    if (i > start) words.push_back(s.substr(start, i - start));
    start = i + 1;
  }
  return words;
}

bool LooksIso(std::string_view s) {
  return s.size() >= 10 && IsDigits(s.substr(0, 4)) && s[4] == '-' && IsDigits(s.substr(5, 2)) &&
         s[7] == '-' && IsDigits(s.substr(8, 2));
}

// "10:00:00" plus a zone ("GMT", "UTC", "Z", "+0200", "-05:00") as an ISO time suffix.
std::string TimeSuffix(std::string_view time, std::string_view zone) {
  if (time.size() < 5 || time[2] != ':' || !IsDigits(time.substr(0, 2)) || !IsDigits(time.substr(3, 2)))
    return {};
  std::string out("T");
  out.append(time.substr(0, 5));
  out.append(time.size() >= 8 && time[5] == ':' ? time.substr(5, 3) : std::string_view(":00"));
  if (zone.empty() || EqualsNoCase(zone, "GMT") || EqualsNoCase(zone, "UTC") || zone == "Z") {
    out.push_back('Z');
  } else if ((zone[0] == '+' || zone[0] == '-') && zone.size() == 5 && IsDigits(zone.substr(1))) {
    out.append(zone.substr(0, 3)).append(":").append(zone.substr(3));
  } else if ((zone[0] == '+' || zone[0] == '-') && zone.size() == 6 && zone[3] == ':') {
    out.append(zone);
  }  // else a named zone we do not know: local time as written
  return out;
}

std::string Ymd(int year, int month, int day) {
  if (year < 1000 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31) return {};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

}  // namespace

std::string NormalizeDate(std::string_view date) {
  date = TrimAscii(date);
  if (date.empty() || LooksIso(date)) return std::string(date);
  // 2024/05/17
  if (date.size() >= 10 && IsDigits(date.substr(0, 4)) && date[4] == '/' && date[7] == '/') {
    const std::string ymd = Ymd(ToInt(date.substr(0, 4)), ToInt(date.substr(5, 2)), ToInt(date.substr(8, 2)));
    if (!ymd.empty()) return ymd;
  }
  std::vector<std::string_view> w = Words(date);
  if (!w.empty() && MonthNumber(w[0]) == 0 && !IsDigits(w[0])) w.erase(w.begin());  // weekday
  if (w.size() < 3) return std::string(date);
  int day = 0, month = 0, year = 0;
  if (IsDigits(w[0]) && MonthNumber(w[1]) && IsDigits(w[2])) {         // 17 May 2024
    day = ToInt(w[0]), month = MonthNumber(w[1]), year = ToInt(w[2]);
  } else if (MonthNumber(w[0]) && IsDigits(w[1]) && IsDigits(w[2])) {  // May 17, 2024
    month = MonthNumber(w[0]), day = ToInt(w[1]), year = ToInt(w[2]);
  }
  const std::string ymd = Ymd(year, month, day);
  if (ymd.empty()) return std::string(date);
  if (w.size() >= 4) return ymd + TimeSuffix(w[3], w.size() >= 5 ? w[4] : std::string_view());
  return ymd;
}

}  // namespace simshard::scan
