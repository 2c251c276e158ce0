#include "cli/bounded_option.h"

#include <sstream>

namespace simshard::cli {
namespace {

template <typename T>
T Checked(const po::variables_map& vm, const char* name, const Bounds<T>& bounds) {
  const T value = vm[name].as<T>();
  if (bounds.Contains(value)) return value;
  std::ostringstream s;
  s << "--" << name << " must be " << bounds.Text() << ", not " << value;
  throw UsageError(s.str());
}

}  // namespace

std::string WithRange(const std::string& help, const Bounds<int64_t>& bounds) {
  return help + " (" + bounds.Text() + ")";
}

std::string WithRange(const std::string& help, const Bounds<double>& bounds) {
  return help + " (" + bounds.Text() + ")";
}

int64_t BoundedInt(const po::variables_map& vm, const char* name, const Bounds<int64_t>& bounds) {
  return Checked(vm, name, bounds);
}

double BoundedDouble(const po::variables_map& vm, const char* name, const Bounds<double>& bounds) {
  return Checked(vm, name, bounds);
}

}  // namespace simshard::cli
