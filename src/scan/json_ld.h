// schema.org data a page carries in <script type="application/ld+json">: the article
// body that some sites ship whole beside (or instead of) their rendered text, and the
// publication date and headline.
#pragma once

#include <string>
#include <string_view>

namespace simshard::scan {

struct JsonLd {
  std::string article_body;    // the longest articleBody string, as found
  std::string date_published;  // the first datePublished
  std::string headline;        // the first headline
};

// Reads every JSON-LD script of `html` (objects, arrays and @graph at any depth up to
// a bound). Scripts that do not parse are passed over.
JsonLd ReadJsonLd(std::string_view html);

}  // namespace simshard::scan
