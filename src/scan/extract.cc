// Extract(): bytes of one raw item to a Document with article text and metadata.
#include <simdjson.h>

#include <cstring>
#include <utility>
#include <vector>

#include "scan/charset.h"
#include "scan/chrome_rules.h"
#include "scan/comment_thread.h"
#include "scan/date.h"
#include "scan/detect.h"
#include "scan/html_extract.h"
#include "scan/text_util.h"
#include "simshard/scan.h"
#include "util/json_writer.h"

namespace simshard {
namespace {

using scan::TrimAscii;

constexpr size_t kMaxTitleBytes = 300;

// What a page yields; a page that yields none is a Status whose message is its skip reason.
struct Article {
  std::string text, title, url, date;
  std::string crawled_at;  // JSON Lines only: the record's crawl-time field
};

// The first paragraph of a plain text page is its headline when it is short and not
// a sentence.
std::string TitleOfPlainText(std::string_view text) {
  const size_t end = text.find("\n\n");
  if (end == std::string_view::npos || end > 200) return {};
  const std::string_view first = text.substr(0, end);
  if (first.ends_with(".")) return {};
  return std::string(first);
}

Result<Article> FromHtml(std::string_view utf8) {
  Result<scan::HtmlArticle> parsed = scan::ExtractHtml(utf8);
  if (!parsed.ok()) return parsed.status();
  scan::HtmlArticle& html = *parsed;
  // gumbo turns an overflowing numeric entity (&#11999199991) into a byte that is not
  // UTF-8; the text we fingerprint must be the text we store. Copies only when needed.
  for (std::string* field : {&html.text, &html.title, &html.url, &html.date}) {
    if (!IsValidUtf8(*field)) *field = scan::Utf8WithReplacements(*field);
  }
  return Article{std::move(html.text), std::move(html.title), std::move(html.url),
                 std::move(html.date), {}};
}

Article FromText(std::string_view utf8) {
  Article a;
  std::string kept;
  kept.reserve(utf8.size());
  for (size_t pos = 0; pos < utf8.size();) {
    size_t nl = utf8.find('\n', pos);
    nl = nl == std::string_view::npos ? utf8.size() : nl + 1;
    const std::string_view line = utf8.substr(pos, nl - pos);
    if (!scan::IsSpacedMenuLine(line)) kept.append(line);
    pos = nl;
  }
  a.text = scan::TidyText(kept);
  return a;
}

// The fields of a JSON record that the names ask for, in record order; views into the
// parser's string buffer.
using JsonRecordFields = std::vector<std::pair<std::string_view, std::string_view>>;

// The first of `names` that the record has as a non-blank string (the first such field
// when a name repeats).
const std::string_view* Pick(const JsonRecordFields& fields, const std::vector<std::string>& names,
                             std::string* chosen = nullptr) {
  for (const std::string& name : names) {
    for (const auto& [key, value] : fields) {
      if (key != name) continue;
      if (TrimAscii(value).empty()) break;
      if (chosen) *chosen = name;
      return &value;
    }
  }
  return nullptr;
}

// Parses `json` and collects its wanted string fields; the error, if any.
simdjson::error_code ParseRecord(simdjson::ondemand::parser& parser, std::string_view json,
                                 const JsonFields& names, JsonRecordFields* fields) {
  // simdjson reads up to SIMDJSON_PADDING bytes past the end: one buffer per thread
  // serves every record instead of a padded copy each.
  thread_local std::string padded;
  padded.resize(json.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(padded.data(), json.data(), json.size());
  std::memset(padded.data() + json.size(), 0, simdjson::SIMDJSON_PADDING);
  auto wanted = [&](std::string_view key) {
    for (const auto* list : {&names.text, &names.url, &names.title, &names.date, &names.crawled_at})
      for (const std::string& n : *list)
        if (n == key) return true;
    return false;
  };
  fields->clear();
  simdjson::ondemand::document doc;
  simdjson::ondemand::object object;
  auto error = parser.iterate(simdjson::padded_string_view(padded.data(), json.size(), padded.size()))
                   .get(doc);
  if (!error) error = doc.get_object().get(object);
  if (!error) {
    for (auto field : object) {
      std::string_view key, value;
      if ((error = field.unescaped_key().get(key))) break;
      if (!wanted(key)) continue;
      if (field.value().get_string().get(value) == simdjson::SUCCESS) fields->emplace_back(key, value);
    }
  }
  return error;
}

Result<Article> FromJsonRecord(const std::string& line, const JsonFields& names) {
  thread_local simdjson::ondemand::parser parser;
  thread_local JsonRecordFields fields;
  Article a;
  // JSON must be UTF-8; a feed written in windows-1252 is read as such (the original
  // line stays as it was). simdjson checks UTF-8 before anything else, so a line that
  // parses is valid UTF-8 and only a failed parse needs a look.
  auto error = ParseRecord(parser, line, names, &fields);
  if (error && !IsValidUtf8(line)) {
    const std::string decoded = scan::DecodeToUtf8(line, "");
    error = ParseRecord(parser, decoded, names, &fields);
  }
  if (error) return Status::Corruption(std::string("invalid JSON: ") + simdjson::error_message(error));
  std::string text_field;
  const std::string_view* text = Pick(fields, names.text, &text_field);
  if (!text) return Status::NotFound("no text field in JSON record");
  if (text_field == "html" || (TrimAscii(*text).starts_with("<") && scan::LooksLikeHtml(*text))) {
    Result<Article> html = FromHtml(*text);
    if (!html.ok()) return html.status();
    a = std::move(html).value();
  } else {
    a.text = scan::TidyText(*text);
  }
  if (const std::string_view* v = Pick(fields, names.url)) a.url = TrimAscii(*v);
  if (const std::string_view* v = Pick(fields, names.title)) a.title = TrimAscii(*v);
  if (const std::string_view* v = Pick(fields, names.date)) a.date = TrimAscii(*v);
  if (const std::string_view* v = Pick(fields, names.crawled_at)) a.crawled_at = TrimAscii(*v);
  return a;
}

// The per-page chrome rules that work on text, whatever the page was: a comment thread
// cut off, then the rule set.
void RemovePageChrome(std::string* text) {
  scan::CutCommentThread(text);
  scan::RemoveRuleChrome(text);
}

// A page with little or no text is still a page that was crawled: it is kept, marked.
Extraction ExtractionOf(std::string_view text) {
  if (text.empty()) return Extraction::kEmpty;
  return scan::CountWords(text, kWeakTextWords) < kWeakTextWords ? Extraction::kWeak
                                                                 : Extraction::kExtracted;
}

// Text or HTML bytes (file or HTTP payload): charset, then format.
Result<Article> FromPage(const RawItem& item) {
  if (scan::LooksBinary(std::string_view(item.bytes).substr(0, 8192))) return Status::NotSupported("binary content");
  bool html = item.format == ItemFormat::kHtml;
  if (item.format == ItemFormat::kUnknown) html = scan::LooksLikeHtml(item.bytes);
  std::string declared = item.charset;
  if (html && declared.empty()) declared = scan::HtmlMetaCharset(item.bytes);
  const std::string utf8 = scan::DecodeToUtf8(item.bytes, declared);
  return html ? FromHtml(utf8) : Result<Article>(FromText(utf8));
}

// Where chrome is learned: the URL's host, else the folder the file is in.
std::string SiteOf(const Document& doc) {
  std::string host = scan::UrlHost(doc.url);
  if (!host.empty()) return host;
  std::string_view path = doc.source;
  path = path.substr(0, path.find('#'));
  const size_t slash = path.find_last_of('/');
  return slash == std::string_view::npos ? std::string(".") : std::string(path.substr(0, slash));
}

}  // namespace

ArticleText ExtractArticle(std::string_view utf8_page, bool html) {
  // A page nested too deep yields no text: it reads as empty here, where nothing is skipped.
  Result<Article> page = html ? FromHtml(utf8_page) : Result<Article>(FromText(utf8_page));
  Article a = page.ok() ? std::move(page).value() : Article{};
  RemovePageChrome(&a.text);
  ArticleText out;
  out.extraction = ExtractionOf(a.text);
  out.text = std::move(a.text);
  out.title = std::move(a.title);
  out.url = std::move(a.url);
  out.date = std::move(a.date);
  return out;
}

Document Extract(RawItem&& item, const ScanOptions& options) {
  Document doc;
  doc.seq = item.seq;
  doc.source = std::move(item.source);
  doc.piece_begin = item.piece_begin;
  doc.piece_path = std::move(item.piece_path);
  doc.url = std::move(item.url);
  doc.crawled_at = std::move(item.date);  // the container's: when the crawler fetched it
  doc.input_bytes = item.input_bytes;
  doc.kind = item.format == ItemFormat::kJsonLine ? OriginalKind::kJsonRecord
             : item.format == ItemFormat::kText   ? OriginalKind::kText
                                                  : OriginalKind::kHtml;
  doc.skip_reason = std::move(item.skip_reason);
  if (doc.skipped()) return doc;
  doc.warc = std::move(item.warc);
  if (TrimAscii(item.bytes).empty()) {
    const bool record = doc.source.find('#') != std::string::npos;  // in a JSON Lines or WARC file
    doc.skip_reason = !item.bytes.empty() ? "no text (only white space)"
                      : record            ? "empty record"
                                          : "empty file";
    return doc;
  }
  if (item.bytes.size() > options.max_doc_bytes) {
    doc.skip_reason = "larger than --max-doc-bytes (" + std::to_string(options.max_doc_bytes) + " bytes)";
    return doc;
  }
  Result<Article> page = item.format == ItemFormat::kJsonLine ? FromJsonRecord(item.bytes, options.json_fields)
                                                              : FromPage(item);
  if (!page.ok()) {
    doc.skip_reason = page.status().message();
    return doc;
  }
  Article& a = *page;
  if (item.format == ItemFormat::kUnknown && doc.kind == OriginalKind::kHtml &&
      !scan::LooksLikeHtml(item.bytes))
    doc.kind = OriginalKind::kText;
  RemovePageChrome(&a.text);
  doc.text = std::move(a.text);
  doc.extraction = ExtractionOf(doc.text);
  if (a.title.empty() && doc.kind == OriginalKind::kText) a.title = TitleOfPlainText(doc.text);
  if (doc.url.empty()) doc.url = std::move(a.url);
  // The page's own publication date wins over the crawl time, which is kept apart.
  if (doc.crawled_at.empty()) doc.crawled_at = std::move(a.crawled_at);
  doc.crawled_at = scan::NormalizeDate(doc.crawled_at);
  doc.date = a.date.empty() ? doc.crawled_at : scan::NormalizeDate(a.date);
  doc.title = a.title.size() > kMaxTitleBytes ? a.title.substr(0, kMaxTitleBytes) : a.title;
  doc.site = SiteOf(doc);
  doc.original = std::move(item.bytes);
  return doc;
}

}  // namespace simshard
