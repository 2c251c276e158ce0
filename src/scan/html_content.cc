#include "scan/html_content.h"

#include <algorithm>
#include <array>

#include "scan/text_util.h"
#include "simshard/document.h"

namespace simshard::scan {
namespace {

using R = ContentRules;

// Which of Readability's rules an attempt applies; weaker settings are retried on pages
// where the full rules leave little text.
struct Settings {
  bool strip_unlikely = true;       // leave out furniture by class, id, role and tag
  bool weigh_classes = true;        // class and id words move scores by 25
  bool clean_conditionally = true;  // link-heavy and form-like blocks inside the article go
  // Tried only when the full rules found no text at all. When they found a few words the
  // page has a short story that they located; without class weights or the clean, its
  // comment form, tag line and sidebar come back and outweigh it.
  bool last_resort = false;
};

// The score an element starts with before its paragraphs add to it.
int TagBaseScore(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_DIV: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_MAIN: return 5;
    case GUMBO_TAG_PRE: case GUMBO_TAG_TD: case GUMBO_TAG_BLOCKQUOTE: return 3;
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_OL: case GUMBO_TAG_UL: case GUMBO_TAG_DL:
    case GUMBO_TAG_DD: case GUMBO_TAG_DT: case GUMBO_TAG_LI: case GUMBO_TAG_FORM: return -3;
    case GUMBO_TAG_TH: return -5;
    default: return IsHeadingTag(tag) ? -5 : 0;
  }
}

bool IsConditionallyCleaned(GumboTag tag) {
  return tag == GUMBO_TAG_FORM || tag == GUMBO_TAG_FIELDSET || tag == GUMBO_TAG_TABLE ||
         tag == GUMBO_TAG_UL || tag == GUMBO_TAG_DIV;
}

// A lone ad label: the whole text of a block is one of these words.
bool IsAdLabel(std::string_view text) {
  for (std::string_view word : {"advertisement", "advertising", "ad", "ads", "sponsored",
                                "publicité", "werbung", "anzeige", "anuncio", "реклама", "广告"})
    if (EqualsNoCase(text, word)) return true;
  return false;
}

class Attempt {
 public:
  Attempt(const Dom& dom, Settings settings) : dom_(dom), s_(settings) {}
  std::string Run();
  // Share of the text found inside reader-comment boxes.
  double comment_share() const { return comment_share_; }
  // Share of the text found that is link text.
  double link_share() const { return link_share_; }

 private:
  void LeaveOutFurniture();
  void ScoreParagraphs();
  void AddScore(int element, double score);
  int ChooseTop() const;
  int MarkedArticleBody() const;
  int WithAlternatives(int top, const std::vector<int>& ranked) const;
  int ClimbToBetterParent(int top) const;
  std::vector<int> WithSiblings(int top) const;
  bool SiblingParagraphJoins(int p) const;
  void CleanInside(const std::vector<int>& roots, int top);
  bool ShouldClean(int i) const;
  void Remove(int i);
  std::string Render(const std::vector<int>& roots) const;
  void MeasureShares(const std::vector<int>& roots);

  double LinkDensity(int i) const {
    const DomStats& st = stats_[i];
    return st.chars ? static_cast<double>(st.link_chars) / st.chars : 0;
  }
  int ClassWeight(int i) const { return s_.weigh_classes ? dom_[i].class_weight : 0; }
  bool IsAncestor(int a, int b) const { return a < b && static_cast<size_t>(b) < dom_.End(a); }
  bool IsElement(int i) const { return dom_[i].node->type == GUMBO_NODE_ELEMENT; }

  const Dom& dom_;
  const Settings s_;
  std::vector<uint8_t> left_out_;  // not part of the article in this attempt
  std::vector<DomStats> stats_;
  std::vector<double> score_;      // content score; final (link density applied) once chosen
  std::vector<int> scored_;        // elements with a score, in first-scored order
  std::vector<uint8_t> has_score_;
  double comment_share_ = 0;
  double link_share_ = 0;
};

void Attempt::LeaveOutFurniture() {
  left_out_.assign(dom_.size(), 0);
  for (size_t i = 0; i < dom_.size(); ++i) {
    const DomNode& n = dom_[i];
    const bool parent_out = n.parent >= 0 && left_out_[n.parent];
    left_out_[i] = parent_out || n.never_text ||
                   (s_.strip_unlikely && n.unlikely && !n.in_table_or_code);
  }
  stats_ = dom_.Stats(left_out_);
}

void Attempt::AddScore(int element, double score) {
  if (!has_score_[element]) {  // first touch: the element's own base score
    has_score_[element] = 1;
    scored_.push_back(element);
    score_[element] = TagBaseScore(dom_[element].tag) + ClassWeight(element);
  }
  score_[element] += score;
}

void Attempt::ScoreParagraphs() {
  score_.assign(dom_.size(), 0);
  has_score_.assign(dom_.size(), 0);
  for (size_t i = 0; i < dom_.size(); ++i) {
    const DomNode& n = dom_[i];
    const DomStats& st = stats_[i];
    if (left_out_[i] || !n.block || n.tag == GUMBO_TAG_BR || st.own_chars < R::kMinParagraphChars)
      continue;
    // List items are not paragraphs (as in Readability): a list of book titles, events or
    // headlines beside a short story must not outscore it. A list inside the story is
    // still part of its container.
    if (n.tag == GUMBO_TAG_LI || n.tag == GUMBO_TAG_DT || n.tag == GUMBO_TAG_DD) continue;
    // A block of inline text scores its container; text beside nested blocks scores the
    // element itself (Readability wraps such runs into paragraphs of their own).
    int ancestor = st.has_block_child ? static_cast<int>(i) : n.parent;
    // A code listing is one paragraph however long, and its commas are syntax: it must
    // not outweigh the prose around it unless the page is mostly code.
    const bool listing = n.code && !dom_.mostly_code();
    double content = listing ? 1 : 1 + st.own_commas + std::min(3u, st.own_chars / 100);
    content *= 1 - static_cast<double>(st.own_link_chars) / st.own_chars;
    for (int level = 0; level < R::kAncestorLevels && ancestor >= 0; ++level) {
      if (!IsElement(ancestor) || dom_[ancestor].tag == GUMBO_TAG_HTML) break;
      const double divider = level == 0 ? 1 : level == 1 ? 2 : level * 3;
      AddScore(ancestor, content / divider);
      ancestor = dom_[ancestor].parent;
    }
  }
  for (int c : scored_) score_[c] *= 1 - LinkDensity(c);
}

// The element the page marks as the article body (itemprop=articleBody), when it holds
// enough text to be the article; several marked parts: their common ancestor.
int Attempt::MarkedArticleBody() const {
  int marked = -1;
  for (int hint : dom_.article_body_hints()) {
    if (left_out_[hint]) continue;
    if (marked < 0) {
      marked = hint;
      continue;
    }
    while (marked >= 0 && marked != hint && !IsAncestor(marked, hint)) marked = dom_[marked].parent;
  }
  if (marked < 0 || stats_[marked].chars < R::kMinMarkedBodyChars) return -1;
  return marked;
}

int Attempt::ChooseTop() const {
  if (const int marked = MarkedArticleBody(); marked >= 0) return marked;
  std::vector<int> ranked = scored_;
  std::stable_sort(ranked.begin(), ranked.end(),
                   [&](int a, int b) { return score_[a] > score_[b]; });
  if (ranked.size() > static_cast<size_t>(R::kTopCandidates)) ranked.resize(R::kTopCandidates);
  if (ranked.empty()) return dom_.body() >= 0 ? dom_.body() : 0;
  int top = WithAlternatives(ranked[0], ranked);
  // A listing alone is not the article; the chapter around it is.
  while (dom_[top].code && !dom_.mostly_code() && dom_[top].parent >= 0 &&
         IsElement(dom_[top].parent))
    top = dom_[top].parent;
  top = ClimbToBetterParent(top);
  // An only child says no more than its parent: take the parent.
  for (int parent = dom_[top].parent; parent >= 0 && parent != dom_.body() && IsElement(parent);
       parent = dom_[top].parent) {
    int children = 0;
    for (size_t c = parent + 1; c < dom_.End(parent); c = dom_.End(c))
      children += IsElement(static_cast<int>(c)) && !left_out_[c];
    if (children != 1) break;
    top = parent;
  }
  return top;
}

// When several near-best candidates sit under one ancestor, the article is that
// ancestor (a story split into several containers).
int Attempt::WithAlternatives(int top, const std::vector<int>& ranked) const {
  std::vector<int> alternatives;
  for (size_t k = 1; k < ranked.size(); ++k)
    if (score_[ranked[k]] >= R::kAlternativeShare * score_[top]) alternatives.push_back(ranked[k]);
  if (alternatives.size() < static_cast<size_t>(R::kMinAlternatives)) return top;
  for (int a = dom_[top].parent; a >= 0 && a != dom_.body() && IsElement(a); a = dom_[a].parent) {
    int containing = 0;
    for (int alt : alternatives) containing += IsAncestor(a, alt);
    if (containing >= R::kMinAlternatives) return a;
  }
  return top;
}

int Attempt::ClimbToBetterParent(int top) const {
  double last = score_[top];
  const double threshold = last / 3;
  for (int p = dom_[top].parent; p >= 0 && p != dom_.body() && IsElement(p); p = dom_[p].parent) {
    if (!has_score_[p]) continue;
    if (score_[p] < threshold) break;
    if (score_[p] > last) return p;
    last = score_[p];
  }
  return top;
}

bool Attempt::SiblingParagraphJoins(int p) const {
  const uint32_t length = stats_[p].chars;
  const double density = LinkDensity(p);
  if (length > 80) return density < 0.25;
  if (length == 0 || density > 0) return false;
  const std::string text = dom_.PlainText(p);
  return text.find(". ") != std::string::npos || text.ends_with(".");
}

std::vector<int> Attempt::WithSiblings(int top) const {
  const int parent = dom_[top].parent;
  if (parent < 0 || !IsElement(parent)) return {top};
  const double threshold = std::max(R::kMinSiblingScore, score_[top] * R::kSiblingShare);
  const std::string_view top_class = Attr(dom_[top].node, "class");
  std::vector<int> roots;
  for (size_t c = parent + 1; c < dom_.End(parent); c = dom_.End(c)) {
    const int child = static_cast<int>(c);
    if (child == top) {
      roots.push_back(child);
      continue;
    }
    if (left_out_[c] || !IsElement(child)) continue;
    const bool scored = has_score_[child];
    double bonus = 0;
    if (!top_class.empty() && Attr(dom_[child].node, "class") == top_class)
      bonus = score_[top] * R::kSiblingShare;
    if ((scored && score_[child] + bonus >= threshold) ||
        (dom_[child].tag == GUMBO_TAG_P && SiblingParagraphJoins(child)))
      roots.push_back(child);
  }
  return roots;
}

// Readability's conditional clean: a list, table, form or div inside the article goes
// when it looks like furniture (links, images or inputs outweigh its text).
bool Attempt::ShouldClean(int i) const {
  const DomNode& n = dom_[i];
  const DomStats& st = stats_[i];
  const int weight = ClassWeight(i);
  if (weight < 0) return true;
  if (st.commas >= static_cast<uint32_t>(R::kMaxCleanCommas)) return false;
  const bool list = n.tag == GUMBO_TAG_UL || (st.chars && st.list_chars * 10 > st.chars * 9);
  const int p = st.paragraphs, img = st.images, li = st.list_items - 100, input = st.inputs;
  const double density = LinkDensity(i);
  const double heading_share = st.chars ? static_cast<double>(st.heading_chars) / st.chars : 0;
  const bool in_figure = dom_.HasAncestor(i, GUMBO_TAG_FIGURE);
  return (img > 1 && p * 2 < img && !in_figure) || (!list && li > p) || (input > p / 3) ||
         (!list && heading_share < 0.9 && st.chars < 25 && (img == 0 || img > 2) && !in_figure) ||
         (!list && weight < 25 && density > 0.2) || (weight >= 25 && density > 0.5) ||
         (list && density > R::kMaxListLinkDensity) ||
         (st.embeds == 1 && st.chars < 75) || st.embeds > 1;
}

// Takes a removed element's figures off its ancestors, so they are judged without it.
// Inputs stay counted: what held a comment box or a signup form is judged with its
// inputs (dragnet F1 0.915 against 0.912 when they go with the form).
void Attempt::Remove(int i) {
  left_out_[i] = 1;
  const DomStats gone = stats_[i];
  for (int a = dom_[i].parent; a >= 0; a = dom_[a].parent) {
    DomStats& s = stats_[a];
    s.chars -= gone.chars;
    s.link_chars -= gone.link_chars;
    s.commas -= gone.commas;
    s.heading_chars -= std::min(s.heading_chars, gone.heading_chars);
    s.list_chars -= std::min(s.list_chars, gone.list_chars);
    s.paragraphs -= std::min<uint16_t>(s.paragraphs, gone.paragraphs + (dom_[i].tag == GUMBO_TAG_P));
    s.images -= std::min<uint16_t>(s.images, gone.images + (dom_[i].tag == GUMBO_TAG_IMG));
    s.list_items -= std::min<uint16_t>(s.list_items, gone.list_items + (dom_[i].tag == GUMBO_TAG_LI));
    s.embeds -= std::min<uint16_t>(s.embeds, gone.embeds);
  }
}

void Attempt::CleanInside(const std::vector<int>& roots, int top) {
  uint32_t article_chars = 0;
  for (int root : roots) article_chars += stats_[root].chars;
  // Where the story starts: the first block with a sentence's worth of text of its own.
  // A meta line above it is the byline and date, which stay.
  size_t story_start = dom_.size();
  for (int root : roots) {
    for (size_t j = root; j < dom_.End(root) && story_start == dom_.size(); ++j)
      if (!left_out_[j] && dom_[j].block && stats_[j].own_chars >= R::kStoryStartChars)
        story_start = j;
    if (story_start != dom_.size()) break;
  }
  for (int root : roots) {
    // Inner blocks first, so a container is judged without the furniture inside it.
    for (size_t j = dom_.End(root); j-- > static_cast<size_t>(root);) {
      const int i = static_cast<int>(j);
      const DomNode& n = dom_[j];
      if (left_out_[j] || !IsElement(i) || i == top) continue;
      // What holds most of the article is the article, whatever its links say.
      if (stats_[j].chars > R::kMaxCleanShare * article_chars) continue;
      if (n.tag == GUMBO_TAG_FOOTER || n.tag == GUMBO_TAG_ASIDE || n.tag == GUMBO_TAG_NAV) {
        Remove(i);
      } else if (j > story_start && n.post_meta && n.block && stats_[j].chars < R::kMaxPostMetaChars) {
        Remove(i);
      } else if (IsHeadingTag(n.tag) && n.tag <= GUMBO_TAG_H2 && ClassWeight(i) < 0) {
        Remove(i);
      } else if (stats_[j].chars < 20 && n.block && IsAdLabel(dom_.PlainText(j))) {
        Remove(i);
      } else if (s_.clean_conditionally && IsConditionallyCleaned(n.tag) && !n.code &&
                 ShouldClean(i)) {
        Remove(i);
      }
    }
  }
}

std::string Attempt::Render(const std::vector<int>& roots) const {
  std::string out;
  auto paragraph_break = [&] {
    while (!out.empty() && out.back() == ' ') out.pop_back();
    if (!out.empty() && !out.ends_with("\n\n")) out.append(out.back() == '\n' ? "\n" : "\n\n");
  };
  for (int root : roots) {
    paragraph_break();
    std::vector<size_t> open_blocks;  // end indices of the block elements we are inside
    const size_t stop = dom_.End(root);
    for (size_t i = root; i < stop;) {
      while (!open_blocks.empty() && open_blocks.back() <= i) {
        paragraph_break();
        open_blocks.pop_back();
      }
      const DomNode& n = dom_[i];
      if (left_out_[i]) {
        i = dom_.End(i);
        continue;
      }
      if (n.node->type == GUMBO_NODE_ELEMENT && n.block) {
        paragraph_break();
        open_blocks.push_back(dom_.End(i));
      } else if (n.text_node || n.node->type == GUMBO_NODE_WHITESPACE) {
        CollapseInto(&out, n.node->v.text.text);
      }
      ++i;
    }
  }
  return TidyText(out);
}

std::string Attempt::Run() {
  LeaveOutFurniture();
  ScoreParagraphs();
  const int top = ChooseTop();
  const std::vector<int> roots =
      top == MarkedArticleBody() ? std::vector<int>{top} : WithSiblings(top);
  CleanInside(roots, top);
  MeasureShares(roots);
  return Render(roots);
}

void Attempt::MeasureShares(const std::vector<int>& roots) {
  uint64_t total = 0, comments = 0, links = 0;
  for (int root : roots) {
    total += stats_[root].chars;
    links += stats_[root].link_chars;
    bool inside = false;
    for (int a = root; a >= 0; a = dom_[a].parent) inside = inside || dom_[a].comment_box;
    if (inside) {
      comments += stats_[root].chars;
      continue;
    }
    for (size_t j = root + 1; j < dom_.End(root);) {
      if (!left_out_[j] && dom_[j].comment_box) {
        comments += stats_[j].chars;
        j = dom_.End(j);
      } else {
        ++j;
      }
    }
  }
  comment_share_ = total ? static_cast<double>(comments) / total : 0;
  link_share_ = total ? static_cast<double>(links) / total : 0;
}

}  // namespace

std::string ExtractArticleText(const Dom& dom) {
  constexpr std::array<Settings, 4> kAttempts = {{{true, true, true, false},
                                                  {false, true, true, false},
                                                  {false, false, true, true},
                                                  {false, false, false, true}}};
  std::string first, longest, link_list;
  for (const Settings& settings : kAttempts) {
    if (settings.last_resort && !first.empty()) break;
    Attempt attempt(dom, settings);
    std::string text = attempt.Run();
    // A retry that finds mostly reader comments has found the thread below a short post,
    // not the post: when the full rules found some text, that text stays.
    if (&settings != &kAttempts[0] && !first.empty() &&
        attempt.comment_share() > R::kMaxRetryCommentShare)
      continue;
    // A retry that finds mostly link text has found a sidebar's list (categories,
    // archives) beside a short post: any other attempt's text wins over it.
    if (attempt.link_share() > R::kMaxRetryLinkShare) {
      if (text.size() > link_list.size()) link_list = std::move(text);
      continue;
    }
    // Readability retries below 500 characters and keeps the longest attempt; on short
    // stories that lets the weakest rules bring back furniture. Only a weak result (too
    // few words) is retried, and a weak retry replaces the first attempt only when that
    // found nothing at all.
    if (CountWords(text, kWeakTextWords) >= kWeakTextWords) return text;
    if (&settings == &kAttempts[0]) first = text;
    if (text.size() > longest.size()) longest = std::move(text);
  }
  if (!first.empty()) return first;
  return longest.empty() ? link_list : longest;
}

}  // namespace simshard::scan
