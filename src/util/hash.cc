#include "util/hash.h"

#include <xxhash.h>

namespace simshard {

StreamHash64::StreamHash64() : state_(XXH64_createState()) {
  XXH64_reset(static_cast<XXH64_state_t*>(state_), 0);
}

StreamHash64::~StreamHash64() { XXH64_freeState(static_cast<XXH64_state_t*>(state_)); }

void StreamHash64::Update(std::string_view bytes) {
  XXH64_update(static_cast<XXH64_state_t*>(state_), bytes.data(), bytes.size());
}

uint64_t StreamHash64::Digest() const { return XXH64_digest(static_cast<const XXH64_state_t*>(state_)); }

}  // namespace simshard
