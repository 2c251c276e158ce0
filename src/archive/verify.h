// `simshard verify`: every shard, frame and record checked, and catalog and shards compared.
#pragma once

#include <string>
#include <vector>

#include "archive/catalog.h"
#include "simshard/archive.h"

namespace simshard {

std::vector<Damage> VerifyArchive(const std::string& dir, const Catalog& catalog);

}  // namespace simshard
