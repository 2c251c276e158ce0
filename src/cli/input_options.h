// The input options of the commands that read crawler output (archive, dedup, extract):
// one definition each, so their names, defaults and help stay the same everywhere.
#pragma once

#include <string>
#include <vector>

#include "cli/command.h"
#include "simshard/scan.h"

namespace simshard::cli {

// INPUT... (also the positional arguments, see InputPositional).
void AddInputOption(po::options_description* group);

// --threads/-j, and its value (usage error when out of range).
void AddThreadsOption(po::options_description* group);
unsigned ThreadsOption(const po::variables_map& vm);

// Every plain argument is an INPUT.
po::positional_options_description InputPositional();

// The "Input" group: --max-doc-bytes and the JSON Lines field names.
po::options_description ScanOptionsDescription();

// ScanOptions from the "Input" group's values.
ScanOptions ToScanOptions(const po::variables_map& vm);

}  // namespace simshard::cli
