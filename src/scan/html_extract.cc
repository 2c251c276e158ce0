#include "scan/html_extract.h"

#include <gumbo.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "scan/html_content.h"
#include "scan/html_dom.h"
#include "scan/json_ld.h"
#include "scan/text_util.h"
#include "simshard/document.h"

namespace simshard::scan {
namespace {

// The markup's text must reach this share of the JSON-LD body's length to be kept.
constexpr double kJsonLdBodyShare = 0.5;

bool IsVoidOrAutoClosed(std::string_view name) {
  static constexpr std::array<std::string_view, 30> kNames = {
      "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
      "source", "track", "wbr", "keygen", "basefont", "frame", "p", "li", "td", "th", "tr",
      "dt", "dd", "option", "optgroup", "rb", "rt", "rp", "colgroup"};
  return std::find(kNames.begin(), kNames.end(), name) != kNames.end();
}

// Title, canonical URL and publication date from the page's head and body.
void ReadMetadata(const Dom& dom, const JsonLd& ld, HtmlArticle* a) {
  std::string og_title, title, h1, canonical, og_url, published, time, meta_date;
  for (size_t i = 0; i < dom.size(); ++i) {
    const GumboNode* node = dom[i].node;
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    switch (node->v.element.tag) {
      case GUMBO_TAG_TITLE:
        if (title.empty()) title = dom.PlainText(i);
        break;
      case GUMBO_TAG_H1:
        if (h1.empty()) h1 = dom.PlainText(i);
        break;
      case GUMBO_TAG_TIME:
        if (time.empty()) time = TrimAscii(Attr(node, "datetime"));
        break;
      case GUMBO_TAG_LINK:
        if (canonical.empty() && EqualsNoCase(Attr(node, "rel"), "canonical"))
          canonical = TrimAscii(Attr(node, "href"));
        break;
      case GUMBO_TAG_META: {
        std::string_view key = Attr(node, "property");
        if (key.empty()) key = Attr(node, "name");
        if (key.empty()) key = Attr(node, "itemprop");
        const std::string_view content = TrimAscii(Attr(node, "content"));
        if (EqualsNoCase(key, "og:title") && og_title.empty()) og_title = content;
        else if (EqualsNoCase(key, "og:url") && og_url.empty()) og_url = content;
        else if ((EqualsNoCase(key, "article:published_time") ||
                  EqualsNoCase(key, "datePublished")) && published.empty()) published = content;
        else if ((EqualsNoCase(key, "date") || EqualsNoCase(key, "pubdate") ||
                  EqualsNoCase(key, "publishdate") || EqualsNoCase(key, "dc.date") ||
                  EqualsNoCase(key, "dc.date.issued")) && meta_date.empty()) meta_date = content;
        break;
      }
      default:
        break;
    }
  }
  auto first = [](std::initializer_list<const std::string*> values) {
    for (const std::string* v : values)
      if (!v->empty()) return *v;
    return std::string();
  };
  auto absolute = [](const std::string& url) {
    return url.starts_with("http://") || url.starts_with("https://") ? url : std::string();
  };
  a->title = first({&og_title, &title, &h1, &ld.headline});
  const std::string canonical_abs = absolute(canonical), og_url_abs = absolute(og_url);
  a->url = first({&canonical_abs, &og_url_abs});
  a->date = first({&published, &ld.date_published, &time, &meta_date});
}

// The JSON-LD article body as text: markup in it (some sites ship HTML) rendered.
std::string JsonLdBodyText(const JsonLd& ld) {
  const std::string_view body = TrimAscii(ld.article_body);
  if (body.empty()) return {};
  if (body.find('<') == std::string_view::npos) return TidyText(body);
  GumboOutput* output = gumbo_parse_with_options(&kGumboDefaultOptions, body.data(), body.size());
  std::string text = ExtractArticleText(Dom(output->document));
  gumbo_destroy_output(&kGumboDefaultOptions, output);
  return text;
}

// The page's own structured body replaces the text found in the markup when that text
// is much shorter: a consent wall, a teaser or furniture was found instead of the story.
// A longer markup text wins, because structured bodies are often cut short.
bool PreferJsonLdBody(std::string_view page_text, std::string_view body) {
  if (CountWords(body, kWeakTextWords) < kWeakTextWords) return false;
  return page_text.size() < body.size() * kJsonLdBodyShare;
}

}  // namespace

int EstimateNesting(std::string_view html) {
  // A stack of open element names, closed as the HTML5 tree builder would for the cases
  // that matter for depth: void and self-closing-by-content elements are never open, an
  // end tag closes the nearest matching element among the last few (else it is a stray
  // and ignored), a new <a> closes an open one, "/>" closes only SVG/MathML elements.
  constexpr size_t kSearch = 16;
  std::vector<std::string_view> open;
  size_t foreign = 0, max_depth = 0;
  auto pop_to = [&](size_t k) {  // closes open[k] and everything above it
    for (size_t i = k; i < open.size(); ++i)
      foreign -= EqualsNoCase(open[i], "svg") || EqualsNoCase(open[i], "math");
    open.resize(k);
  };
  auto find_open = [&](std::string_view name) -> long {
    for (size_t n = 0; n < std::min(kSearch, open.size()); ++n)
      if (EqualsNoCase(open[open.size() - 1 - n], name)) return static_cast<long>(open.size() - 1 - n);
    return -1;
  };
  for (size_t pos = html.find('<'); pos != std::string_view::npos; pos = html.find('<', pos + 1)) {
    if (html.compare(pos, 4, "<!--") == 0) {
      pos = html.find("-->", pos);
      if (pos == std::string_view::npos) break;
      continue;
    }
    const bool closing = pos + 1 < html.size() && html[pos + 1] == '/';
    const size_t start = pos + (closing ? 2 : 1);
    size_t end = start;
    while (end < html.size() && end - start < 16 && std::isalnum(static_cast<unsigned char>(html[end])))
      ++end;
    if (end == start) continue;
    const std::string_view name = html.substr(start, end - start);
    char lower[16];
    for (size_t i = 0; i < name.size(); ++i) lower[i] = AsciiLowerChar(name[i]);
    if (IsVoidOrAutoClosed(std::string_view(lower, name.size()))) continue;
    if (closing) {
      if (const long k = find_open(name); k >= 0) pop_to(static_cast<size_t>(k));
      continue;
    }
    const size_t gt = html.find('>', end);
    if (gt == std::string_view::npos) break;  // no tag after this one is complete either
    if (foreign > 0 && html[gt - 1] == '/') continue;
    if (EqualsNoCase(name, "a"))
      if (const long k = find_open("a"); k >= 0) pop_to(static_cast<size_t>(k));
    open.push_back(name);
    foreign += EqualsNoCase(name, "svg") || EqualsNoCase(name, "math");
    max_depth = std::max(max_depth, open.size());
    if (EqualsNoCase(name, "script") || EqualsNoCase(name, "style")) {  // raw text
      const size_t close = html.find("</", gt);
      if (close == std::string_view::npos) break;
      pos = close - 1;
    }
  }
  return static_cast<int>(max_depth);
}

std::string WithoutScriptsAndComments(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  size_t copied = 0;  // html[copied, pos) is still to be copied
  for (size_t pos = html.find('<'); pos != std::string_view::npos; pos = html.find('<', pos)) {
    if (html.compare(pos, 4, "<!--") == 0) {
      const size_t end = html.find("-->", pos + 4);
      out.append(html.substr(copied, pos - copied));
      copied = pos = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    std::string_view name;
    for (std::string_view tag : {"script", "style"})
      if (pos + 1 + tag.size() < html.size() && EqualsNoCase(html.substr(pos + 1, tag.size()), tag) &&
          std::string_view(" \t\n\r\f/>").find(html[pos + 1 + tag.size()]) != std::string_view::npos)
        name = tag;
    if (name.empty()) {
      ++pos;
      continue;
    }
    const size_t open_end = html.find('>', pos);
    if (open_end == std::string_view::npos) break;
    // The raw text ends at the first "</script" / "</style", whatever case.
    size_t close = open_end + 1;
    while ((close = html.find("</", close)) != std::string_view::npos &&
           !(close + 2 + name.size() <= html.size() && EqualsNoCase(html.substr(close + 2, name.size()), name)))
      close += 2;
    if (close == std::string_view::npos) close = html.size();
    out.append(html.substr(copied, open_end + 1 - copied));
    copied = pos = close;
  }
  out.append(html.substr(copied));
  return out;
}

Result<HtmlArticle> ExtractHtml(std::string_view utf8_html) {
  if (EstimateNesting(utf8_html) > kMaxHtmlNesting) {
    return Status::NotSupported("HTML nested deeper than " + std::to_string(kMaxHtmlNesting) + " elements");
  }
  HtmlArticle article;
  const JsonLd ld = ReadJsonLd(utf8_html);
  // Scripts, style sheets and comments are never text, and on real pages they are most
  // of the bytes: the parser need not tokenize them.
  const std::string html = WithoutScriptsAndComments(utf8_html);
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // we never read parse errors; do not collect them
  GumboOutput* output = gumbo_parse_with_options(&options, html.data(), html.size());
  {
    const Dom dom(output->document);
    ReadMetadata(dom, ld, &article);
    article.text = ExtractArticleText(dom);
  }
  gumbo_destroy_output(&options, output);
  if (std::string body = JsonLdBodyText(ld); PreferJsonLdBody(article.text, body))
    article.text = std::move(body);
  return article;
}

}  // namespace simshard::scan
