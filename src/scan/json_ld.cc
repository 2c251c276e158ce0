#include "scan/json_ld.h"

#include <simdjson.h>

#include <vector>

#include "scan/text_util.h"

namespace simshard::scan {
namespace {

// Nesting we follow: schema.org data is a few levels deep; a hostile page is not.
constexpr int kMaxDepth = 16;

void Collect(simdjson::dom::element element, int depth, JsonLd* out) {
  if (depth > kMaxDepth) return;
  simdjson::dom::array array;
  if (element.get_array().get(array) == simdjson::SUCCESS) {
    for (simdjson::dom::element item : array) Collect(item, depth + 1, out);
    return;
  }
  simdjson::dom::object object;
  if (element.get_object().get(object) != simdjson::SUCCESS) return;
  for (simdjson::dom::key_value_pair field : object) {
    std::string_view text;
    if (field.value.get_string().get(text) != simdjson::SUCCESS) {
      Collect(field.value, depth + 1, out);
    } else if (field.key == "articleBody") {
      if (text.size() > out->article_body.size()) out->article_body = text;
    } else if (field.key == "datePublished") {
      if (out->date_published.empty()) out->date_published = text;
    } else if (field.key == "headline") {
      if (out->headline.empty()) out->headline = text;
    }
  }
}

// The raw text of each <script> whose type says ld+json.
std::vector<std::string_view> JsonLdScripts(std::string_view html) {
  std::vector<std::string_view> scripts;
  for (size_t pos = html.find("ld+json"); pos != std::string_view::npos;
       pos = html.find("ld+json", pos + 1)) {
    const size_t open = html.rfind('<', pos);
    if (open == std::string_view::npos || !StartsWithNoCase(html.substr(open), "<script")) continue;
    const size_t start = html.find('>', pos);
    if (start == std::string_view::npos) break;
    size_t end = start + 1;
    while ((end = html.find("</", end)) != std::string_view::npos &&
           !StartsWithNoCase(html.substr(end + 2), "script"))
      end += 2;
    if (end == std::string_view::npos) break;
    scripts.push_back(html.substr(start + 1, end - start - 1));
    pos = end;
  }
  return scripts;
}

}  // namespace

JsonLd ReadJsonLd(std::string_view html) {
  JsonLd out;
  thread_local simdjson::dom::parser parser;
  for (std::string_view script : JsonLdScripts(html)) {
    const simdjson::padded_string json(TrimAscii(script));
    simdjson::dom::element root;
    if (parser.parse(json).get(root) != simdjson::SUCCESS) continue;
    Collect(root, 0, &out);
  }
  return out;
}

}  // namespace simshard::scan
