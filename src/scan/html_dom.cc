#include "scan/html_dom.h"

#include <algorithm>
#include <array>

#include "scan/text_util.h"

namespace simshard::scan {
namespace {

// Elements whose content is never article text.
bool IsNeverTextTag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_SVG: case GUMBO_TAG_MATH: case GUMBO_TAG_IFRAME: case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_SELECT: case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_HEAD: case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_EMBED: case GUMBO_TAG_CANVAS: case GUMBO_TAG_INPUT: case GUMBO_TAG_OPTION:
      return true;
    default:
      return false;
  }
}

// Inline elements: their text belongs to the paragraph of the block around them.
bool IsInlineTag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_A: case GUMBO_TAG_ABBR: case GUMBO_TAG_B: case GUMBO_TAG_BDI: case GUMBO_TAG_BDO:
    case GUMBO_TAG_CITE: case GUMBO_TAG_CODE: case GUMBO_TAG_DATA: case GUMBO_TAG_DFN:
    case GUMBO_TAG_EM: case GUMBO_TAG_FONT: case GUMBO_TAG_I: case GUMBO_TAG_KBD: case GUMBO_TAG_MARK:
    case GUMBO_TAG_Q: case GUMBO_TAG_S: case GUMBO_TAG_SAMP: case GUMBO_TAG_SMALL: case GUMBO_TAG_SPAN:
    case GUMBO_TAG_STRONG: case GUMBO_TAG_SUB: case GUMBO_TAG_SUP: case GUMBO_TAG_TIME:
    case GUMBO_TAG_U: case GUMBO_TAG_VAR: case GUMBO_TAG_WBR: case GUMBO_TAG_IMG: case GUMBO_TAG_LABEL:
    case GUMBO_TAG_INS: case GUMBO_TAG_DEL: case GUMBO_TAG_BIG: case GUMBO_TAG_TT: case GUMBO_TAG_STRIKE:
    case GUMBO_TAG_NOBR: case GUMBO_TAG_ACRONYM: case GUMBO_TAG_RUBY: case GUMBO_TAG_RT:
    case GUMBO_TAG_RP: case GUMBO_TAG_BR: case GUMBO_TAG_UNKNOWN: case GUMBO_TAG_BLINK:
    case GUMBO_TAG_SOURCE:
      return true;
    default:
      return false;
  }
}

// Calls `f` with each word of a class attribute; stops early when `f` returns true.
template <typename F>
bool AnyClassWord(std::string_view classes, F f) {
  for (size_t start = 0; start < classes.size();) {
    size_t end = classes.find_first_of(" \t\n\r\f", start);
    if (end == std::string_view::npos) end = classes.size();
    const std::string_view word = classes.substr(start, end - start);
    if (!word.empty() && f(word)) return true;
    start = end + 1;
  }
  return false;
}

// The class names frameworks hide elements with ("hidden" in Bootstrap 3, "d-none" in
// Bootstrap 4+, "hide"): whole words only, "hidden-xs" shows on larger screens.
bool HasHidingClass(std::string_view classes) {
  return AnyClassWord(classes, [](std::string_view word) {
    return EqualsNoCase(word, "hidden") || EqualsNoCase(word, "hide") || EqualsNoCase(word, "d-none");
  });
}

bool IsHidden(const GumboNode* node) {
  if (gumbo_get_attribute(&node->v.element.attributes, "hidden")) return true;
  if (Attr(node, "aria-hidden") == "true") return true;
  if (HasHidingClass(Attr(node, "class"))) return true;
  const std::string_view style = Attr(node, "style");
  if (style.size() < 12) return false;
  std::string s = AsciiLower(style);
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  return s.find("display:none") != std::string::npos ||
         s.find("visibility:hidden") != std::string::npos;
}

bool ContainsAny(std::string_view haystack, std::initializer_list<std::string_view> needles) {
  for (std::string_view n : needles)
    if (haystack.find(n) != std::string_view::npos) return true;
  return false;
}

// The class and id patterns of Readability (substring matches, as it does: "comment"
// also catches "comments-area"), plus consent and newsletter boxes.
bool LooksUnlikely(std::string_view s) {
  return ContainsAny(s, {"-ad-", "banner", "breadcrumb", "combx", "comment", "community",
                         "cover-wrap", "disqus", "extra", "footer", "gdpr", "header", "legends",
                         "menu", "related", "remark", "replies", "rss", "shoutbox", "sidebar",
                         "skyscraper", "social", "sponsor", "supplemental", "ad-break",
                         "agegate", "pagination", "pager", "popup", "cookie", "consent",
                         "copyright", "disclaim", "fineprint"});
}
// Boxes that are furniture when small: a wrapper named "share_wrapper" can hold the
// whole story.
bool LooksSmallFurniture(std::string_view s) {
  return ContainsAny(s, {"share", "newsletter", "signup", "subscribe"});
}
bool LooksMaybeContent(std::string_view s) {
  return ContainsAny(s, {"and", "article", "body", "column", "content", "main", "shadow"});
}
bool LooksNegative(std::string_view s) {
  return ContainsAny(s, {"-ad-", "hidden", "banner", "combx", "comment", "com-", "contact",
                         "footer", "gdpr", "masthead", "media", "meta", "outbrain", "promo",
                         "related", "scroll", "share", "shoutbox", "sidebar", "skyscraper",
                         "sponsor", "shopping", "tags", "widget", "cookie", "consent"});
}
bool LooksPositive(std::string_view s) {
  return ContainsAny(s, {"article", "body", "content", "entry", "hentry", "h-entry", "main",
                         "page", "pagination", "post", "text", "blog", "story"});
}

// A box about the writer ("author-bio", "about_author", "postauthor-box", "bio"): a class
// word or the id whose last parts (split at anything other than a letter) are an author
// word and then only box words. "entry-author-ann_lee" (a post by Ann Lee) is not one.
bool LooksAuthorBox(std::string_view s) {
  auto is_any = [](std::string_view word, std::initializer_list<std::string_view> list) {
    for (std::string_view w : list)
      if (word == w) return true;
    return false;
  };
  bool box = false;  // the current class word is an author box so far
  for (size_t start = 0; start <= s.size();) {
    if (start == s.size() || s[start] == ' ') {  // end of a class word
      if (box) return true;
      if (start == s.size()) break;
      ++start;
      continue;
    }
    if (!(s[start] >= 'a' && s[start] <= 'z')) {
      ++start;
      continue;
    }
    size_t end = start;
    while (end < s.size() && s[end] >= 'a' && s[end] <= 'z') ++end;
    const std::string_view word = s.substr(start, end - start);
    if (is_any(word, {"author", "authors", "postauthor", "authorbox", "authorbio", "authorinfo",
                      "aboutauthor", "bio", "biography"}))
      box = true;
    else if (box && !is_any(word, {"bio", "box", "info", "profile", "description", "desc", "text",
                                   "container", "wrap", "wrapper", "details", "block", "area",
                                   "inner", "section"}))
      box = false;
    start = end;
  }
  return false;
}

// Elements that make a box on the page (not the page, the article or a heading).
bool IsBoxTag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_DIV: case GUMBO_TAG_SECTION: case GUMBO_TAG_ASIDE: case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_P: case GUMBO_TAG_SPAN: case GUMBO_TAG_TABLE: case GUMBO_TAG_UL:
    case GUMBO_TAG_DL:
      return true;
    default:
      return false;
  }
}

bool IsFurnitureRole(std::string_view role) {
  for (std::string_view r : {"menu", "menubar", "complementary", "navigation", "alert",
                             "alertdialog", "dialog", "banner", "contentinfo", "search"})
    if (role == r) return true;
  return false;
}

// Code points other than white space, and commas of the scripts that use them.
void CountText(std::string_view text, uint32_t* chars, uint32_t* commas) {
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) == 0x80 || IsAsciiSpace(static_cast<char>(c))) continue;
    ++*chars;
    if (c == ',') ++*commas;
    else if (c >= 0xD8 && i + 1 < text.size()) {
      const std::string_view rest = text.substr(i, 3);
      if (rest.starts_with("\xD8\x8C") || rest == "\xEF\xBC\x8C" || rest == "\xE3\x80\x81")
        ++*commas;  // Arabic comma, fullwidth comma, ideographic comma
    }
  }
}

// "tag-social-media", "category-comments": a blog post's topics, which say nothing about
// whether the element is furniture.
bool IsTaxonomyClass(std::string_view token) {
  for (std::string_view prefix : {"tag-", "category-", "s-tag-", "s-category-", "cat-"})
    if (token.starts_with(prefix)) return true;
  return false;
}

// The element's class words (less taxonomy words) and id, lowercased, space-separated.
void ClassAndId(const GumboNode* node, std::string* out) {
  out->clear();
  const std::string classes = AsciiLower(Attr(node, "class"));
  AnyClassWord(classes, [&](std::string_view word) {
    if (!IsTaxonomyClass(word)) {
      out->append(word);
      out->push_back(' ');
    }
    return false;
  });
  out->append(AsciiLower(Attr(node, "id")));
}

}  // namespace

std::string_view Attr(const GumboNode* node, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&node->v.element.attributes, name);
  return a ? std::string_view(a->value) : std::string_view();
}

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

bool IsBlockTag(GumboTag tag) { return tag == GUMBO_TAG_BR || !IsInlineTag(tag); }

Dom::Dom(const GumboNode* root) {
  Flatten(root);
  Measure();
}

void Dom::Flatten(const GumboNode* root) {
  std::vector<std::pair<const GumboNode*, int>> stack = {{root, -1}};
  std::string class_and_id;
  while (!stack.empty()) {
    auto [node, parent] = stack.back();
    stack.pop_back();
    const int index = static_cast<int>(nodes_.size());
    DomNode n;
    n.node = node;
    n.parent = parent;
    if (parent >= 0) {
      const DomNode& p = nodes_[parent];
      n.never_text = p.never_text;
      n.in_table_or_code = p.in_table_or_code || p.tag == GUMBO_TAG_TABLE ||
                           p.tag == GUMBO_TAG_PRE || p.tag == GUMBO_TAG_CODE;
      n.code = p.code;
    }
    const GumboVector* children = nullptr;
    if (node->type == GUMBO_NODE_ELEMENT) {
      const GumboTag tag = node->v.element.tag;
      n.tag = tag;
      n.block = IsBlockTag(tag);
      n.code = n.code || tag == GUMBO_TAG_PRE || tag == GUMBO_TAG_CODE;
      n.never_text = n.never_text || IsNeverTextTag(tag) || IsHidden(node);
      ClassAndId(node, &class_and_id);
      if (!class_and_id.empty()) {
        n.class_weight = static_cast<int8_t>((LooksPositive(class_and_id) ? 25 : 0) - (LooksNegative(class_and_id) ? 25 : 0));
        const bool maybe_content = LooksMaybeContent(class_and_id);
        n.unlikely = LooksUnlikely(class_and_id) && !maybe_content;
        n.unlikely_if_small = LooksSmallFurniture(class_and_id) && !maybe_content;
        n.author_box = IsBoxTag(tag) && LooksAuthorBox(class_and_id);
        n.post_meta = ContainsAny(class_and_id, {"meta", "footer", "tags"});
        n.comment_box = (IsBoxTag(tag) || tag == GUMBO_TAG_OL || tag == GUMBO_TAG_LI) &&
                        ContainsAny(class_and_id, {"comment", "disqus"}) &&
                        !ContainsAny(class_and_id, {"commentar", "commented"});
      }
      n.unlikely = n.unlikely || IsFurnitureRole(Attr(node, "role")) || tag == GUMBO_TAG_NAV ||
                   tag == GUMBO_TAG_ASIDE || tag == GUMBO_TAG_FOOTER || tag == GUMBO_TAG_MENU;
      if (tag == GUMBO_TAG_BODY || tag == GUMBO_TAG_HTML || tag == GUMBO_TAG_A) n.unlikely = false;
      if (EqualsNoCase(Attr(node, "itemprop"), "articleBody")) article_body_hints_.push_back(index);
      if (tag == GUMBO_TAG_BODY && body_ < 0) body_ = index;
      children = &node->v.element.children;
    } else if (node->type == GUMBO_NODE_DOCUMENT) {
      children = &node->v.document.children;
    } else {
      n.text_node = node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA;
    }
    nodes_.push_back(n);
    if (children)
      for (unsigned i = children->length; i-- > 0;)
        stack.emplace_back(static_cast<const GumboNode*>(children->data[i]), index);
  }
}

void Dom::Measure() {
  // Children come after their parents, so a reverse pass sums subtrees bottom-up.
  for (size_t i = nodes_.size(); i-- > 0;) {
    DomNode& n = nodes_[i];
    if (n.text_node && !n.never_text) CountText(n.node->v.text.text, &n.chars, &n.commas);
    if (n.unlikely_if_small && n.chars < kSmallFurnitureChars) n.unlikely = true;
    // A biography of the writer is furniture; a byline (short) is kept.
    if (n.author_box && n.chars >= kMinAuthorBioChars) n.unlikely = true;
    if (n.parent >= 0) {
      nodes_[n.parent].size += n.size;
      nodes_[n.parent].chars += n.chars;
    }
  }
  uint32_t code_chars = 0;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (!nodes_[i].code || nodes_[i].never_text) continue;
    code_chars += nodes_[i].chars;  // the outermost code element counts its whole listing
    i += nodes_[i].size - 1;
  }
  mostly_code_ = body_ >= 0 && code_chars * 2 > nodes_[body_].chars;
  // The page's own article-body markers outrank furniture words on their ancestors.
  for (int hint : article_body_hints_)
    for (int a = nodes_[hint].parent; a >= 0; a = nodes_[a].parent) nodes_[a].unlikely = false;
}

namespace {

// Adds child `c`'s figures to its parent's.
void AddToParent(const DomNode& n, const DomStats& c, DomStats* p) {
  p->chars += c.chars;
  p->link_chars += c.link_chars;
  p->commas += c.commas;
  p->heading_chars += c.heading_chars;
  p->list_chars += c.list_chars;
  p->paragraphs += c.paragraphs + (n.tag == GUMBO_TAG_P);
  p->images += c.images + (n.tag == GUMBO_TAG_IMG);
  p->list_items += c.list_items + (n.tag == GUMBO_TAG_LI);
  p->embeds += c.embeds;
  if (n.block && n.tag != GUMBO_TAG_BR) {
    p->has_block_child = true;
  } else {
    p->own_chars += c.own_chars;
    p->own_link_chars += c.own_link_chars;
    p->own_commas += c.own_commas;
  }
}

}  // namespace

std::vector<DomStats> Dom::Stats(const std::vector<uint8_t>& left_out) const {
  std::vector<DomStats> stats(nodes_.size());
  for (size_t i = nodes_.size(); i-- > 0;) {
    const DomNode& n = nodes_[i];
    if (n.parent < 0) continue;
    DomStats& s = stats[i];
    DomStats& parent = stats[n.parent];
    // Form controls and embeds are counted even though their content is never text.
    parent.inputs += s.inputs + (n.tag == GUMBO_TAG_INPUT || n.tag == GUMBO_TAG_SELECT ||
                                 n.tag == GUMBO_TAG_TEXTAREA);
    if (n.tag == GUMBO_TAG_EMBED || n.tag == GUMBO_TAG_OBJECT || n.tag == GUMBO_TAG_IFRAME)
      parent.embeds += 1;
    if (left_out[i]) continue;
    if (n.text_node) {
      s.chars = s.own_chars = n.chars;
      s.commas = s.own_commas = n.commas;
    }
    if (n.tag == GUMBO_TAG_A) {
      s.link_chars = s.chars;
      s.own_link_chars = s.own_chars;
    }
    if (IsHeadingTag(n.tag)) s.heading_chars = s.chars;
    if (n.tag == GUMBO_TAG_UL || n.tag == GUMBO_TAG_OL) s.list_chars = s.chars;
    AddToParent(n, s, &parent);
  }
  return stats;
}

std::string Dom::PlainText(size_t i) const {
  std::string out;
  for (size_t j = i; j < End(i); ++j)
    if (nodes_[j].text_node) CollapseInto(&out, nodes_[j].node->v.text.text);
  return std::string(TrimAscii(out));
}

bool Dom::HasAncestor(size_t i, GumboTag tag) const {
  for (int p = nodes_[i].parent; p >= 0; p = nodes_[p].parent)
    if (nodes_[p].tag == tag) return true;
  return false;
}

}  // namespace simshard::scan
