#include "util/crash_point.h"

#include <csignal>
#include <cstdlib>
#include <unistd.h>

namespace simshard {

void CrashPoint(std::string_view step) {
  // Read on every call (steps are rare: per frame and per seal) so that a forked test
  // child can set the variable after the parent already passed some steps.
  const char* wanted = std::getenv("SIMSHARD_CRASH_AT");
  if (wanted == nullptr || step != wanted) return;
  ::raise(SIGKILL);
  ::_exit(137);  // not reached; SIGKILL cannot be caught
}

}  // namespace simshard
