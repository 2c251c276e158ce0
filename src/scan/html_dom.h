// A parsed HTML page flattened into an array in document order, with the per-element
// facts that article extraction decides on: text and link length, commas, paragraph
// counts, and whether the element's class or id names page furniture. Built once per
// page; the extractor's passes only read it.
#pragma once

#include <gumbo.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace simshard::scan {

// A box whose class says furniture only when small ("share", "cookie", ...) is left out
// below this many characters; above, it is a wrapper around the story.
inline constexpr uint32_t kSmallFurnitureChars = 500;

// A box about the writer ("author-bio", "about-author") holding this many characters or
// more is a biography, left out as furniture; shorter, it is a byline.
inline constexpr uint32_t kMinAuthorBioChars = 150;

struct DomNode {
  const GumboNode* node = nullptr;
  int parent = -1;
  GumboTag tag = GUMBO_TAG_UNKNOWN;  // GUMBO_TAG_UNKNOWN for text and the document
  bool text_node = false;            // text or CDATA (white space nodes are not)
  bool never_text = false;     // script, style, form controls, hidden ... or inside one
  bool unlikely = false;       // class/id/role/tag say furniture (comments, sidebar, menu)
  bool unlikely_if_small = false;  // class/id say a box (share, cookie) that may wrap more
  bool block = false;          // starts a paragraph of its own when rendered
  bool in_table_or_code = false;  // below a table, pre or code: layout, not furniture
  bool code = false;           // a pre or code element, or inside one
  bool author_box = false;     // class/id name an author box ("author-bio", "about-author")
  bool post_meta = false;      // class/id name the post's meta line, footer or tags
  bool comment_box = false;    // a box whose class/id name reader comments (not "commentary",
                               // an opinion column, nor "commented", a post that has some)
  int8_t class_weight = 0;     // -25 / 0 / +25 from class and id words (as Readability)
  uint32_t size = 1;           // nodes in the subtree, itself included
  uint32_t chars = 0;   // code points other than white space below (never_text left out)
  uint32_t commas = 0;  // text nodes: commas of the scripts that use them
};

// What lies below an element once some subtrees are left out: the figures the
// extractor's scores and clean-up rules read. "Own" figures count only inline text,
// not text inside a nested block.
struct DomStats {
  uint32_t chars = 0, link_chars = 0, commas = 0;
  uint32_t own_chars = 0, own_link_chars = 0, own_commas = 0;
  uint32_t heading_chars = 0, list_chars = 0;
  uint16_t paragraphs = 0, images = 0, list_items = 0, inputs = 0, embeds = 0;
  bool has_block_child = false;
};

class Dom {
 public:
  explicit Dom(const GumboNode* root);

  const std::vector<DomNode>& nodes() const { return nodes_; }
  const DomNode& operator[](size_t i) const { return nodes_[i]; }
  size_t size() const { return nodes_.size(); }
  size_t End(size_t i) const { return i + nodes_[i].size; }
  int body() const { return body_; }
  // Whether most of the page's text is in code listings (a code page, not an article).
  bool mostly_code() const { return mostly_code_; }
  // Figures of every node with the nodes for which `left_out[i]` is set not counted.
  std::vector<DomStats> Stats(const std::vector<uint8_t>& left_out) const;
  // Elements the page itself marks as the article body: itemprop=articleBody.
  const std::vector<int>& article_body_hints() const { return article_body_hints_; }

  // All text below node `i`, never_text included, white space collapsed (for metadata).
  std::string PlainText(size_t i) const;
  // Whether `i` lies inside an element with tag `tag` (itself excluded).
  bool HasAncestor(size_t i, GumboTag tag) const;

 private:
  void Flatten(const GumboNode* root);
  void Measure();

  std::vector<DomNode> nodes_;
  std::vector<int> article_body_hints_;
  int body_ = -1;
  bool mostly_code_ = false;
};

std::string_view Attr(const GumboNode* node, const char* name);

// Appends `text` with each white space byte made a space, none at the start of `out` or
// after a space or line break.
void CollapseInto(std::string* out, std::string_view text);

// Elements that end a paragraph of text when rendered.
bool IsBlockTag(GumboTag tag);

inline bool IsHeadingTag(GumboTag tag) { return tag >= GUMBO_TAG_H1 && tag <= GUMBO_TAG_H6; }

}  // namespace simshard::scan
