// The catalog's schemas (doc/FORMAT.md, section 5): version 3 as written now, versions 1
// and 2 as earlier releases wrote them (read as they are by readers, upgraded in place by
// writers).
#pragma once

#include <functional>
#include <string_view>

#include "archive/catalog.h"

namespace simshard {

// Tables of versions 2 and 3, then what is created after a bulk load (indexes and the version
// number), then the view. All use IF NOT EXISTS.
extern const std::string_view kSchemaTables;
extern const std::string_view kSchemaIndexes;
extern const std::string_view kSchemaView;
// The table of dropped documents, its index and view (IF NOT EXISTS: a writer opening a
// version 2 catalog from before it adds them).
extern const std::string_view kSchemaDropped;

// The version 1 `documents` columns, in the order EntryFromV1Row reads them.
inline constexpr std::string_view kV1Columns =
    "ordinal, id, url, source, title, date, archived_at, run, digest, simhash, sketch, kind, "
    "shard, frame, frame_offset, frame_size, record_offset, record_size, original_size";

CatalogEntry EntryFromV1Row(const Statement& s);
Status ForEachV1Document(const Catalog& catalog, const std::function<void(const CatalogEntry&)>& fn);

// Rewrites a version 1 catalog as the current version inside the caller's transaction,
// so that it happens completely or not at all.
Status UpgradeV1ToV2(const Catalog& catalog);

// Replaces version 2's UNIQUE index on the whole id with version 3's index on its high 32
// bits, and moves the URL hashes from `documents` to `url_hashes`, inside the caller's
// transaction (the tables are those of version 2, completed first).
Status UpgradeV2ToV3(const Catalog& catalog);

// Gives a version 2 catalog written before documents.extraction or documents.crawled_at
// existed the missing columns (and the view again, with them), inside the caller's
// transaction.
Status AddDocumentColumns(const Catalog& catalog, bool extraction, bool crawled_at);

}  // namespace simshard
