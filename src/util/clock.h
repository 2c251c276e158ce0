// The time a run records, in one place.
#pragma once

#include <string>

namespace simshard {

// UTC now as ISO 8601 ("2026-12-02T19:10:00Z"); SOURCE_DATE_EPOCH (seconds), when set,
// stands for now so that two runs can produce identical shards.
std::string UtcNowIso8601();

}  // namespace simshard
