// XXH64 over bytes that arrive in pieces (a shard as it is written, a file as it is read).
#pragma once

#include <cstdint>
#include <string_view>

namespace simshard {

class StreamHash64 {
 public:
  StreamHash64();
  ~StreamHash64();
  StreamHash64(const StreamHash64&) = delete;
  StreamHash64& operator=(const StreamHash64&) = delete;

  void Update(std::string_view bytes);
  uint64_t Digest() const;

 private:
  void* state_;  // XXH64_state_t, kept out of this header
};

}  // namespace simshard
