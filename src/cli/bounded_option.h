// Numeric options whose range the library publishes (simshard/bounds.h): --help prints the
// range, and a value outside it is a usage error (exit 2) that gives the range. Values are
// read as signed numbers, so "-3" is refused rather than wrapped around.
#pragma once

#include <string>

#include "cli/command.h"
#include "simshard/bounds.h"

namespace simshard::cli {

// `help` followed by " (MIN to MAX)".
std::string WithRange(const std::string& help, const Bounds<int64_t>& bounds);
std::string WithRange(const std::string& help, const Bounds<double>& bounds);

// The option's value; UsageError "--NAME must be MIN to MAX, not VALUE" when out of range.
int64_t BoundedInt(const po::variables_map& vm, const char* name, const Bounds<int64_t>& bounds);
double BoundedDouble(const po::variables_map& vm, const char* name, const Bounds<double>& bounds);

}  // namespace simshard::cli
