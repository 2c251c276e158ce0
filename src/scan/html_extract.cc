#include "scan/html_extract.h"

#include <gumbo.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "scan/text_util.h"

namespace simshard::scan {
namespace {

// Elements whose text is never article text.
bool IsDroppedTag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_NAV:
    case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_ASIDE: case GUMBO_TAG_FORM:
    case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_SVG: case GUMBO_TAG_MATH: case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_BUTTON: case GUMBO_TAG_SELECT: case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_HEAD:
    case GUMBO_TAG_OBJECT: case GUMBO_TAG_EMBED: case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_MENU:
      return true;
    default:
      return false;
  }
}

// Elements that end a paragraph of text.
bool IsBlockTag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_LI: case GUMBO_TAG_UL:
    case GUMBO_TAG_OL: case GUMBO_TAG_DL: case GUMBO_TAG_DT: case GUMBO_TAG_DD:
    case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_PRE: case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_MAIN: case GUMBO_TAG_TABLE: case GUMBO_TAG_TR: case GUMBO_TAG_TD:
    case GUMBO_TAG_TH: case GUMBO_TAG_BR: case GUMBO_TAG_HR: case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_ADDRESS: case GUMBO_TAG_BODY: case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_DETAILS: case GUMBO_TAG_SUMMARY: case GUMBO_TAG_CENTER:
      return true;
    default:
      return false;
  }
}

bool IsVoidOrAutoClosed(std::string_view name) {
  static constexpr std::array<std::string_view, 30> kNames = {
      "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
      "source", "track", "wbr", "keygen", "basefont", "frame", "p", "li", "td", "th", "tr",
      "dt", "dd", "option", "optgroup", "rb", "rt", "rp", "colgroup"};
  return std::find(kNames.begin(), kNames.end(), name) != kNames.end();
}

std::string_view Attr(const GumboNode* node, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&node->v.element.attributes, name);
  return a ? std::string_view(a->value) : std::string_view();
}

// class/id words that mark page furniture ("share-bar", "cookie_notice", ...).
bool HasChromeClass(const GumboNode* node) {
  static constexpr std::array<std::string_view, 25> kWords = {
      "cookie", "cookies", "consent", "share", "sharing", "social", "newsletter", "related",
      "breadcrumb", "breadcrumbs", "comments", "comment", "advert", "advertisement", "promo",
      "sidebar", "menu", "navbar", "subscribe", "signup", "donate", "donation", "paywall", "popup", "appeal"};
  for (const char* attr : {"class", "id"}) {
    const std::string value = AsciiLower(Attr(node, attr));
    size_t start = 0;
    for (size_t i = 0; i <= value.size(); ++i) {
      if (i < value.size() && ((value[i] >= 'a' && value[i] <= 'z') || (value[i] >= '0' && value[i] <= '9')))
        continue;
      const std::string_view word = std::string_view(value).substr(start, i - start);
      if (std::find(kWords.begin(), kWords.end(), word) != kWords.end()) return true;
      start = i + 1;
    }
  }
  return false;
}

bool IsHidden(const GumboNode* node) {
  if (gumbo_get_attribute(&node->v.element.attributes, "hidden")) return true;
  if (Attr(node, "aria-hidden") == "true") return true;
  const std::string style = AsciiLower(Attr(node, "style"));
  return style.find("display:none") != std::string::npos ||
         style.find("display: none") != std::string::npos;
}

// The tree flattened in document order, with what scoring needs.
struct Node {
  const GumboNode* node;
  int parent;
  bool dropped;        // itself or an ancestor is never article text
  size_t text = 0;     // characters of kept text below
  size_t link_text = 0;
  double score = 0;    // paragraph text it directly holds (content density)
  size_t size = 1;     // nodes in its subtree, itself included
};

// Appends `text` with each white space byte made a space, none at the start of `out` or
// after a space or line break. Runs of other bytes are appended whole.
void CollapseInto(std::string* out, std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    if (IsAsciiSpace(text[i])) {
      if (!out->empty() && out->back() != ' ' && out->back() != '\n') out->push_back(' ');
      ++i;
      continue;
    }
    size_t end = i + 1;
    while (end < text.size() && !IsAsciiSpace(text[end])) ++end;
    out->append(text.data() + i, end - i);
    i = end;
  }
}

class Extractor {
 public:
  explicit Extractor(const GumboNode* root) { Flatten(root); }

  void Metadata(HtmlArticle* a) const;
  int ChooseRoot() const;
  std::string Render(int root) const;

 private:
  void Flatten(const GumboNode* root);
  void Score();
  size_t End(size_t i) const { return i + nodes_[i].size; }
  // All text below node `i`, dropped or not, whitespace collapsed (for metadata).
  std::string PlainText(size_t i) const;

  std::vector<Node> nodes_;
  std::vector<int> articles_, mains_;
  int body_ = -1;
};

void Extractor::Flatten(const GumboNode* root) {
  std::vector<std::pair<const GumboNode*, int>> stack = {{root, -1}};
  while (!stack.empty()) {
    auto [node, parent] = stack.back();
    stack.pop_back();
    const int index = static_cast<int>(nodes_.size());
    bool dropped = parent >= 0 && nodes_[parent].dropped;
    const GumboVector* children = nullptr;
    if (node->type == GUMBO_NODE_ELEMENT) {
      const GumboTag tag = node->v.element.tag;
      dropped = dropped || IsDroppedTag(tag) || IsHidden(node) || HasChromeClass(node);
      if (!dropped && tag == GUMBO_TAG_ARTICLE) articles_.push_back(index);
      if (!dropped && (tag == GUMBO_TAG_MAIN || Attr(node, "role") == "main")) mains_.push_back(index);
      if (tag == GUMBO_TAG_BODY && body_ < 0) body_ = index;
      children = &node->v.element.children;
    } else if (node->type == GUMBO_NODE_DOCUMENT) {
      children = &node->v.document.children;
    }
    nodes_.push_back(Node{node, parent, dropped});
    if (children)
      for (unsigned i = children->length; i-- > 0;)
        stack.emplace_back(static_cast<const GumboNode*>(children->data[i]), index);
  }
  Score();
}

void Extractor::Score() {
  // Children come after their parents, so a reverse pass sums subtrees bottom-up.
  for (size_t i = nodes_.size(); i-- > 0;) {
    Node& n = nodes_[i];
    if (n.parent >= 0) nodes_[n.parent].size += n.size;
    if (n.dropped) continue;
    if (n.node->type == GUMBO_NODE_TEXT || n.node->type == GUMBO_NODE_CDATA)
      n.text = TrimAscii(n.node->v.text.text).size();
    if (n.node->type == GUMBO_NODE_ELEMENT && n.node->v.element.tag == GUMBO_TAG_A)
      n.link_text = n.text;
    if (n.parent < 0) continue;
    Node& parent = nodes_[n.parent];
    parent.text += n.text;
    parent.link_text += n.link_text;
    const bool paragraph = n.node->type == GUMBO_NODE_ELEMENT &&
                           (n.node->v.element.tag == GUMBO_TAG_P ||
                            n.node->v.element.tag == GUMBO_TAG_PRE ||
                            n.node->v.element.tag == GUMBO_TAG_BLOCKQUOTE);
    const bool loose_text = n.node->type == GUMBO_NODE_TEXT && n.text > 40;
    if (paragraph || loose_text) {
      const double weight = static_cast<double>(n.text - n.link_text);
      parent.score += weight;
      if (parent.parent >= 0) nodes_[parent.parent].score += weight / 2;
    }
  }
}

int Extractor::ChooseRoot() const {
  auto largest = [&](const std::vector<int>& candidates) {
    int best = -1;
    for (int c : candidates)
      if (best < 0 || nodes_[c].text > nodes_[best].text) best = c;
    return best;
  };
  const int article = largest(articles_);
  if (article >= 0 && nodes_[article].text > 0) return article;
  const int main = largest(mains_);
  if (main >= 0 && nodes_[main].text > 0) return main;
  int best = -1;
  for (size_t i = 0; i < nodes_.size(); ++i)
    if (!nodes_[i].dropped && (best < 0 || nodes_[i].score > nodes_[best].score))
      best = static_cast<int>(i);
  if (best >= 0 && nodes_[best].score >= 140) return best;
  return body_ >= 0 ? body_ : 0;
}

std::string Extractor::PlainText(size_t i) const {
  std::string out;
  for (size_t j = i; j < End(i); ++j)
    if (nodes_[j].node->type == GUMBO_NODE_TEXT) CollapseInto(&out, nodes_[j].node->v.text.text);
  return std::string(TrimAscii(out));
}

std::string Extractor::Render(int root) const {
  std::string out;
  auto paragraph_break = [&] {
    while (!out.empty() && out.back() == ' ') out.pop_back();
    if (!out.empty() && !out.ends_with("\n\n")) out.append(out.back() == '\n' ? "\n" : "\n\n");
  };
  std::vector<size_t> open_blocks;  // end indices of the block elements we are inside
  const size_t stop = End(root);
  for (size_t i = root; i < stop;) {
    while (!open_blocks.empty() && open_blocks.back() <= i) {
      paragraph_break();
      open_blocks.pop_back();
    }
    const Node& n = nodes_[i];
    if (n.dropped) {
      i = End(i);
      continue;
    }
    if (n.node->type == GUMBO_NODE_ELEMENT) {
      const GumboTag tag = n.node->v.element.tag;
      const bool link_list = (tag == GUMBO_TAG_UL || tag == GUMBO_TAG_OL) &&
                             n.link_text * 2 > n.text && static_cast<int>(i) != root;
      if (link_list) {  // related-link lists
        i = End(i);
        continue;
      }
      if (IsBlockTag(tag)) {
        paragraph_break();
        open_blocks.push_back(End(i));
      }
    } else if (n.node->type == GUMBO_NODE_TEXT || n.node->type == GUMBO_NODE_CDATA ||
               n.node->type == GUMBO_NODE_WHITESPACE) {
      CollapseInto(&out, n.node->v.text.text);
    }
    ++i;
  }
  return TidyText(out);
}

void Extractor::Metadata(HtmlArticle* a) const {
  std::string og_title, title, h1, canonical, og_url, published, time, meta_date;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const GumboNode* node = nodes_[i].node;
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    switch (node->v.element.tag) {
      case GUMBO_TAG_TITLE:
        if (title.empty()) title = PlainText(i);
        break;
      case GUMBO_TAG_H1:
        if (h1.empty()) h1 = PlainText(i);
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
  a->title = first({&og_title, &title, &h1});
  const std::string canonical_abs = absolute(canonical), og_url_abs = absolute(og_url);
  a->url = first({&canonical_abs, &og_url_abs});
  a->date = first({&published, &time, &meta_date});
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

HtmlArticle ExtractHtml(std::string_view utf8_html) {
  HtmlArticle article;
  if (EstimateNesting(utf8_html) > kMaxHtmlNesting) {
    article.error = "HTML nested deeper than " + std::to_string(kMaxHtmlNesting) + " elements";
    return article;
  }
  // Scripts, style sheets and comments are never text, and on real pages they are most
  // of the bytes: the parser need not tokenize them.
  const std::string html = WithoutScriptsAndComments(utf8_html);
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // we never read parse errors; do not collect them
  GumboOutput* output = gumbo_parse_with_options(&options, html.data(), html.size());
  {
    Extractor extractor(output->document);
    extractor.Metadata(&article);
    article.text = extractor.Render(extractor.ChooseRoot());
  }
  gumbo_destroy_output(&options, output);
  return article;
}

}  // namespace simshard::scan
