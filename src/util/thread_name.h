// Names the calling thread (as `top -H`, `perf report --sort comm` and gdb show it), so a
// profile of a run says which pipeline stage each sample belongs to.
#pragma once

namespace simshard {

// `name` is cut to the 15 characters Linux keeps.
void NameThisThread(const char* name);

}  // namespace simshard
