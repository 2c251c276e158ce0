// Test hook for crash drills: SIMSHARD_CRASH_AT=<step> makes the process kill itself with
// SIGKILL the first time it reaches that step, so tests can stop a run at an exact point.
// The archive's steps are listed in doc/FORMAT.md (section 6).
#pragma once

#include <string_view>

namespace simshard {

// Does nothing unless SIMSHARD_CRASH_AT names `step`.
void CrashPoint(std::string_view step);

}  // namespace simshard
