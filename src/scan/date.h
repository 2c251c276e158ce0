// Publication dates as found in pages and feeds, turned into ISO 8601 where the form is
// recognised, so that `list --since/--until` can compare them as strings.
#pragma once

#include <string>
#include <string_view>

namespace simshard::scan {

// ISO 8601 input is kept as it is. RFC 1123/2822 ("Fri, 17 May 2024 10:00:00 GMT"),
// "17 May 2024", "May 17, 2024" and "2024/05/17" become "2024-05-17" (with
// "T10:00:00Z" or "T10:00:00+02:00" when a time is given). Anything else is returned
// trimmed but unchanged.
std::string NormalizeDate(std::string_view date);

}  // namespace simshard::scan
