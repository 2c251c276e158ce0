// The range of a numeric option, published by the stage that owns the option, as zstd
// publishes ZSTD_cParam_getBounds: the command line, its --help and the man page take the
// range from there, and the library refuses a value outside it instead of changing it.
#pragma once

#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "simshard/status.h"

namespace simshard {

template <typename T>
struct Bounds {
  T min;
  T max;
  constexpr bool Contains(T value) const { return value >= min && value <= max; }
  // "0 to 11", as --help, the man page and error messages print it.
  std::string Text() const {
    std::ostringstream s;
    s << min << " to " << max;
    return s.str();
  }
};

// OK when `value` is within `bounds`; else "<name> <value> is out of range (<min> to <max>)".
template <typename T>
Status CheckBounds(std::string_view name, T value, const Bounds<T>& bounds) {
  if (bounds.Contains(value)) return Status::OK();
  std::ostringstream s;
  s << name << " " << value << " is out of range (" << bounds.Text() << ")";
  return Status::InvalidArgument(s.str());
}

}  // namespace simshard
