#include "scan/chrome_rules.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "scan/text_util.h"
#include "util/ascii_sse2.h"
#include "util/paragraphs.h"

namespace simshard::scan {
namespace {

using Phrases = std::span<const std::string_view>;

bool IsOneOf(std::string_view text, Phrases phrases) {
  return std::find(phrases.begin(), phrases.end(), text) != phrases.end();
}


// Bit i set when p[i] is an ASCII letter or digit, for the 64 bytes at p.
uint64_t AlnumMask64(const char* p) {
#if defined(SIMSHARD_ASCII_SSE2)
  uint64_t mask = 0;
  for (int k = 0; k < 4; ++k) {
    const AsciiClasses16 c =
        ClassifyAscii16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k)));
    const auto bits = static_cast<uint16_t>(_mm_movemask_epi8(_mm_or_si128(c.letter, c.digit)));
    mask |= uint64_t{bits} << (16 * k);
  }
  return mask;
#else
  uint64_t mask = 0;
  for (int i = 0; i < 64; ++i) {
    const char c = AsciiLowerChar(p[i]);
    mask |= uint64_t{(c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')} << i;
  }
  return mask;
#endif
}

// Every phrase the rules look for, by kind. A paragraph's cues are found in one pass:
// the rules run on every paragraph of every page, so this must be cheap.
enum Cue : uint8_t { kStrongAppeal, kWeakAppeal, kCookie, kCookieContext, kNewsletter,
                     kNewsletterContext, kRightsReserved, kCueKinds };

struct CuePhrase {
  std::string_view text;  // lowercase ASCII, matched at the start of a word, any case
  Cue kind;
};

// Strong appeal phrases are rare in news prose; weak ones count only inside an appeal.
constexpr CuePhrase kCuePhrases[] = {
    {"donate now", kStrongAppeal}, {"donate today", kStrongAppeal},
    {"please donate", kStrongAppeal}, {"make a donation", kStrongAppeal},
    {"your donation", kStrongAppeal}, {"support us", kStrongAppeal},
    {"your support", kStrongAppeal}, {"support our journalism", kStrongAppeal},
    {"independent journalism", kStrongAppeal}, {"please support", kStrongAppeal},
    {"we need your help", kStrongAppeal}, {"become a member", kStrongAppeal},
    {"remind me later", kStrongAppeal}, {"chip in", kStrongAppeal},
    {"your contribution", kStrongAppeal}, {"every contribution", kStrongAppeal},
    {"reader-funded", kStrongAppeal}, {"funded by readers", kStrongAppeal},
    {"funded by our readers", kStrongAppeal}, {"become a supporter", kStrongAppeal},
    {"free to read", kStrongAppeal}, {"readers support", kStrongAppeal},
    {"thank you for reading", kStrongAppeal}, {"thank you for standing", kStrongAppeal},
    {"support", kWeakAppeal}, {"contribution", kWeakAppeal}, {"contribute", kWeakAppeal},
    {"donat", kWeakAppeal}, {"subscribe", kWeakAppeal}, {"subscription", kWeakAppeal},
    {"thank you for", kWeakAppeal}, {"monthly", kWeakAppeal}, {"journalism", kWeakAppeal},
    {"membership", kWeakAppeal}, {"patreon", kWeakAppeal}, {"from just", kWeakAppeal},
    {"cookie", kCookie},
    {"we use", kCookieContext}, {"uses cookies", kCookieContext}, {"accept", kCookieContext},
    {"consent", kCookieContext}, {"privacy policy", kCookieContext},
    {"cookie policy", kCookieContext}, {"cookie settings", kCookieContext},
    {"newsletter", kNewsletter},
    {"sign up", kNewsletterContext}, {"signup", kNewsletterContext},
    {"subscribe", kNewsletterContext}, {"inbox", kNewsletterContext},
    {"delivered", kNewsletterContext}, {"enter your email", kNewsletterContext},
    {"all rights reserved", kRightsReserved},
};
static_assert(std::size(kCuePhrases) <= 64);

constexpr size_t kShortestCuePhrase = [] {
  size_t shortest = SIZE_MAX;
  for (const CuePhrase& p : kCuePhrases) shortest = std::min(shortest, p.text.size());
  return shortest;
}();
static_assert(kShortestCuePhrase >= 4);

// A 16-bit hash of four bytes, the same whatever the case of their letters.
constexpr uint32_t FourBytesNoCaseHash(uint32_t b0, uint32_t b1, uint32_t b2, uint32_t b3) {
  const uint32_t x = (b0 | (b1 << 8) | (b2 << 16) | (b3 << 24)) | 0x20202020u;
  return (x * 0x9e3779b1u) >> 16;
}

// Bit h set when some phrase's first four bytes hash to h: most words cannot start a
// phrase, and one table test says so (the pair test alone lets "that", "we", "accent"
// through to the phrase comparisons).
constexpr auto kPhraseStartHashes = [] {
  std::array<uint64_t, 1024> bits{};
  for (const CuePhrase& p : kCuePhrases) {
    const auto byte = [&p](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(p.text[i])); };
    const uint32_t h = FourBytesNoCaseHash(byte(0), byte(1), byte(2), byte(3));
    bits[h >> 6] |= uint64_t{1} << (h & 63);
  }
  return bits;
}();

bool MayStartCuePhrase(const char* p) {
  const auto byte = [p](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(p[i])); };
  const uint32_t h = FourBytesNoCaseHash(byte(0), byte(1), byte(2), byte(3));
  return (kPhraseStartHashes[h >> 6] >> (h & 63)) & 1;
}

// Which cue phrases a paragraph holds: bit i for kCuePhrases[i].
class Cues {
 public:
  explicit Cues(std::string_view text) {
    // Phrases by their first two letters, with the third letters they go on with: most
    // words start with a pair no phrase has, or go on unlike any ("the" vs "thank").
    struct PairPhrases {
      std::vector<uint8_t> phrases;
      std::array<uint64_t, 4> third{};  // bit c: some phrase has byte c third
    };
    static const auto kByPair = [] {
      std::array<PairPhrases, 26 * 26> index;
      for (size_t i = 0; i < std::size(kCuePhrases); ++i) {
        const std::string_view p = kCuePhrases[i].text;
        PairPhrases& entry = index[(p[0] - 'a') * 26 + (p[1] - 'a')];
        entry.phrases.push_back(static_cast<uint8_t>(i));
        const unsigned char third = static_cast<unsigned char>(p[2]);
        entry.third[third >> 6] |= uint64_t{1} << (third & 63);
      }
      return index;
    }();
    // Words start where a letter or digit follows another byte; they are found 64 bytes
    // at a time from bit masks rather than byte by byte.
    const size_t n = text.size();
    bool carry = false;  // the byte before the block is a letter or digit
    for (size_t base = 0; base < n; base += 64) {
      uint64_t alnum;
      if (n - base >= 64) {
        alnum = AlnumMask64(text.data() + base);
      } else {
        char tail[64] = {};
        std::memcpy(tail, text.data() + base, n - base);
        alnum = AlnumMask64(tail);
      }
      uint64_t starts = alnum & ~((alnum << 1) | uint64_t{carry});
      carry = alnum >> 63;
      for (; starts != 0; starts &= starts - 1) {
        const size_t i = base + static_cast<size_t>(__builtin_ctzll(starts));
        if (n - i < kShortestCuePhrase) break;
        if (!MayStartCuePhrase(text.data() + i)) continue;
        const char a = AsciiLowerChar(text[i]), b = AsciiLowerChar(text[i + 1]);
        const unsigned char c = static_cast<unsigned char>(AsciiLowerChar(text[i + 2]));
        if (a < 'a' || a > 'z' || b < 'a' || b > 'z') continue;
        const PairPhrases& entry = kByPair[(a - 'a') * 26 + (b - 'a')];
        if (!((entry.third[c >> 6] >> (c & 63)) & 1)) continue;
        for (uint8_t k : entry.phrases) {
          const std::string_view p = kCuePhrases[k].text;
          if (n - i >= p.size() && EqualsNoCase(text.substr(i + 2, p.size() - 2), p.substr(2)))
            seen_ |= uint64_t{1} << k;
        }
      }
    }
  }
  // How many different phrases of this kind the paragraph holds.
  size_t Count(Cue kind) const {
    static const auto kMasks = [] {
      std::array<uint64_t, kCueKinds> masks{};
      for (size_t i = 0; i < std::size(kCuePhrases); ++i) masks[kCuePhrases[i].kind] |= uint64_t{1} << i;
      return masks;
    }();
    return static_cast<size_t>(__builtin_popcountll(seen_ & kMasks[kind]));
  }
  bool Has(Cue kind) const { return Count(kind) > 0; }

 private:
  uint64_t seen_ = 0;
};

// Without the punctuation and spaces around it: "Remind me later." -> "Remind me later".
std::string_view LabelEdgesTrimmed(std::string_view paragraph) {
  // Byte by byte: the bytes of "»" and the dashes are edges wherever they appear.
  auto is_edge = [](char c) { return IsAsciiSpace(c) || std::string_view(".:!?»›>|-–—…").find(c) != std::string_view::npos; };
  while (!paragraph.empty() && is_edge(paragraph.back())) paragraph.remove_suffix(1);
  while (!paragraph.empty() && is_edge(paragraph.front())) paragraph.remove_prefix(1);
  return paragraph;
}

// Lowercased, without the punctuation and spaces around it: "Remind me later." -> "remind me later".
std::string Label(std::string_view paragraph) { return AsciiLower(LabelEdgesTrimmed(paragraph)); }

// Label(paragraph) appended to `labels`, which must have room for it (so earlier
// views into it stay valid); a view of it.
std::string_view AppendLabel(std::string_view paragraph, std::string* labels) {
  const std::string_view trimmed = LabelEdgesTrimmed(paragraph);
  const size_t start = labels->size();
  labels->resize(start + trimmed.size());
  std::transform(trimmed.begin(), trimmed.end(), labels->begin() + static_cast<ptrdiff_t>(start),
                 AsciiLowerChar);
  return std::string_view(*labels).substr(start);
}

// Interface text that is a whole paragraph on its own: buttons, prompts, section labels.
bool IsButtonLabel(std::string_view label) {
  static constexpr std::array<std::string_view, 53> kLabels = {
      "remind me later", "maybe later", "no thanks", "not now", "read more", "continue reading",
      "show more", "load more", "see more", "share", "share this", "share this article",
      "share this story", "share on facebook", "share on twitter", "tweet", "print", "email",
      "close", "accept", "accept all", "accept cookies", "reject all", "got it", "subscribe",
      "subscribe now", "sign up", "sign in", "log in", "donate", "donate now", "support us",
      "skip to content", "skip to main content", "advertisement", "back to top", "click here",
      "comments", "leave a comment", "related", "related articles", "related stories",
      "more stories", "you may also like", "recommended", "most read", "most popular",
      "follow us", "copy link", "listen to this article", "top stories", "read next", "menu"};
  return std::find(kLabels.begin(), kLabels.end(), label) != kLabels.end();
}

// "Share: Facebook Twitter Email" and the like.
bool IsShareBar(std::string_view label) {
  if (label.empty() || label.size() > 100) return false;
  static constexpr std::array<std::string_view, 22> kWords = {
      "share", "facebook", "twitter", "x", "email", "e-mail", "whatsapp", "linkedin",
      "pinterest", "reddit", "telegram", "print", "copy", "link", "tweet", "on", "this",
      "article", "via", "|", "·", "/"};
  size_t words = 0, start = 0;
  bool saw_network = false;
  for (size_t i = 0; i <= label.size(); ++i) {
    if (i < label.size() && !IsAsciiSpace(label[i]) && label[i] != ',' && label[i] != ':') continue;
    const std::string_view word = label.substr(start, i - start);
    start = i + 1;
    if (word.empty()) continue;
    if (std::find(kWords.begin(), kWords.end(), word) == kWords.end()) return false;
    saw_network |= word != "on" && word != "this" && word != "article" && word != "via";
    ++words;
  }
  return words >= 2 && saw_network;
}

// Paragraphs longer than this are article text for every rule but the appeal block.
constexpr size_t kMaxRuleParagraph = 800;
// Phrase cues are looked for in paragraphs up to this size, or up to kMaxRuleParagraph
// in the last three paragraphs of a page (where appeals are glued).
constexpr size_t kMaxCueParagraph = 400;
// Labels (lowercased whole paragraphs) are only compared for paragraphs this short.
constexpr size_t kMaxLabel = 200;

bool IsCookieNotice(std::string_view text, const Cues& cues) {
  return text.size() < 600 && cues.Has(kCookie) && cues.Has(kCookieContext);
}

bool IsNewsletterSignup(std::string_view text, const Cues& cues) {
  return text.size() < 400 && cues.Has(kNewsletter) && cues.Has(kNewsletterContext);
}

// Starts a "read more" / related-links section: a known heading, or "Read more: ...".
bool IsRelatedHeading(std::string_view label, std::string_view paragraph) {
  static constexpr std::string_view kHeadings[] = {
      "related", "related articles", "related stories", "related coverage", "related content",
      "read more", "more on this story", "more from", "see also", "also read", "read also",
      "recommended for you", "you might also like", "trending now", "most read",
      "more stories", "top stories", "read next", "more like this", "latest", "trending",
      "popular", "most popular", "more in"};
  if (IsOneOf(label, kHeadings)) return true;
  if (paragraph.size() > 200) return false;
  const size_t colon = paragraph.substr(0, 26).find(':');  // a heading before it is short
  if (colon == std::string_view::npos) return false;
  const std::string head = Label(paragraph.substr(0, colon));
  return IsOneOf(head, kHeadings);
}

// "More in News in brief", "More from Sport": a section heading over teaser links.
bool IsMoreInHeading(std::string_view label) {
  return label.size() < 60 && (label.starts_with("more in ") || label.starts_with("more from "));
}

// A row of site links: "About us | Contact | Privacy policy | Terms".
bool IsLinkRow(std::string_view paragraph) {
  if (paragraph.size() > 400) return false;
  // Counts " | " as a search from the end of each match would, looking for the bar
  // (rare) rather than the space before it (common).
  size_t bars = 0;
  for (size_t bar = paragraph.find('|', 1); bar != std::string_view::npos && bar + 1 < paragraph.size();
       bar = paragraph.find('|', bar + 1)) {
    if (paragraph[bar - 1] != ' ' || paragraph[bar + 1] != ' ') continue;
    ++bars;
    bar += 2;  // the next match starts after this one's closing space
  }
  return bars >= 2 && paragraph.size() / (bars + 1) < 45;
}

bool IsCopyrightLine(std::string_view text, const Cues& cues) {
  return text.size() < 400 && cues.Has(kRightsReserved) &&
         (StartsWithNoCase(text, "(c)") || text.starts_with("\xc2\xa9") ||
          StartsWithNoCase(text, "copyright"));
}

// An item of a bulleted or numbered list of teaser links ("- Headline", "2. Headline").
bool IsListItemLine(std::string_view paragraph) {
  const std::string_view t = TrimAscii(paragraph);
  return t.size() <= 160 && !t.ends_with(".") && StartsLikeListItem(t);
}

bool IsAppealHeader(std::string_view label) {
  return label.size() < 80 &&
         (label.starts_with("a message from") || label.starts_with("dear reader") ||
          label.starts_with("support independent") || label.starts_with("support our") ||
          label.starts_with("before you go") || label.starts_with("a note to our readers") ||
          label.starts_with("we have a small favour") || label.starts_with("we have a small favor") ||
          label.starts_with("help us") ||
          (label.starts_with("support ") && label.size() <= 40 &&
           label.find(" for ") == std::string::npos && label.find(" of ") == std::string::npos));
}

// In an appeal block one cue will do; near the end of a page a strong cue and another
// cue; anywhere else two strong cues.
bool IsAppealParagraph(const Cues& cues, bool in_appeal_block, bool at_end = false) {
  const size_t strong = cues.Count(kStrongAppeal);
  if (in_appeal_block) return strong > 0 || cues.Has(kWeakAppeal);
  if (at_end) return strong >= 2 || (strong == 1 && cues.Has(kWeakAppeal));
  return strong >= 2;
}

struct Para {
  std::string_view text;
  std::string_view label;  // empty for paragraphs longer than kMaxLabel
  bool drop = false;
};

// From an appeal header to the end: dropped when most of it reads like an appeal.
void DropTrailingAppeal(std::vector<Para>& paras) {
  for (size_t h = 0; h < paras.size(); ++h) {
    if (!IsAppealHeader(paras[h].label)) continue;
    size_t appeal = 0, rest = 0;
    for (size_t i = h + 1; i < paras.size(); ++i, ++rest)
      appeal += IsAppealHeader(paras[i].label) || IsButtonLabel(paras[i].label) ||
                IsAppealParagraph(Cues(paras[i].text), true);
    if (rest > 0 && appeal * 2 >= rest) {
      for (size_t i = h; i < paras.size(); ++i) paras[i].drop = true;
      return;
    }
  }
}

}  // namespace

bool IsSpacedMenuLine(std::string_view line) {
  line = TrimAscii(line);
  if (line.empty() || line.size() > 200) return false;
  size_t items = 1;
  for (size_t pos = line.find("  "); pos != std::string_view::npos; pos = line.find("  ", pos)) {
    ++items;
    while (pos < line.size() && line[pos] == ' ') ++pos;
  }
  return items >= 4 && line.size() / items < 25 && line.find(". ") == std::string_view::npos;
}

namespace {

// The paragraphs of `text` with the ones the rules match marked. Their labels are kept
// in `labels`.
void MarkRuleChrome(std::string_view text, std::string* labels, std::vector<Para>* out) {
  std::vector<Para>& paras = *out;
  paras.clear();
  labels->clear();
  labels->reserve(text.size());  // every label is shorter than its paragraph
  ForEachParagraph(text, [&](size_t, std::string_view p) {
    paras.push_back(Para{p, p.size() <= kMaxLabel ? AppendLabel(p, labels) : std::string_view()});
  });
  bool in_related = false;
  for (size_t i = 0; i < paras.size(); ++i) {
    Para& p = paras[i];
    if (in_related && IsListItemLine(p.text)) {
      p.drop = true;
      continue;
    }
    in_related = false;
    if (p.text.size() >= kMaxRuleParagraph) continue;
    const bool heading_alone = IsMoreInHeading(p.label) || IsRelatedHeading(p.label, p.label);
    in_related = heading_alone;
    const bool near_end = i + 3 >= paras.size();
    const Cues cues(p.text.size() < kMaxCueParagraph || near_end ? p.text : std::string_view());
    p.drop = heading_alone || IsRelatedHeading(p.label, p.text) || IsButtonLabel(p.label) ||
             IsShareBar(p.label) || IsLinkRow(p.text) || IsCopyrightLine(p.text, cues) ||
             IsCookieNotice(p.text, cues) || IsNewsletterSignup(p.text, cues) ||
             IsAppealParagraph(cues, false, near_end);
  }
  DropTrailingAppeal(paras);
  // The paragraph that is most of the text is the story, whatever words it shares with
  // an appeal or a notice ("show your support" in a story about election nail polish).
  for (Para& p : paras)
    if (p.text.size() * 2 > text.size()) p.drop = false;
}

// The paragraphs not dropped, joined by blank lines, into `out`; false (and `out`
// untouched) when that would be `text` itself or nothing.
bool JoinKept(std::string_view text, const std::vector<Para>& paras, std::string* out,
              ChromeRuleStats* stats) {
  size_t removed = 0, removed_bytes = 0, kept_bytes = 0;
  for (const Para& p : paras) {
    removed += p.drop;
    removed_bytes += p.drop ? p.text.size() : 0;
    kept_bytes += p.drop ? 0 : p.text.size() + 2;
  }
  // All chrome: keep the page as it is. No drops and no blank lines or spaces to tidy:
  // the kept paragraphs are the text.
  if (removed == paras.size() || (removed == 0 && kept_bytes == text.size() + 2)) return false;
  std::string joined;
  joined.reserve(kept_bytes);
  for (const Para& p : paras) {
    if (p.drop) continue;
    if (!joined.empty()) joined.append("\n\n");
    joined.append(p.text);
  }
  if (stats) {
    stats->paragraphs_removed += removed;
    stats->bytes_removed += removed_bytes;
  }
  *out = std::move(joined);
  return true;
}

}  // namespace

std::string RemoveRuleChrome(std::string_view text, ChromeRuleStats* stats) {
  thread_local std::string labels;
  thread_local std::vector<Para> paras;
  MarkRuleChrome(text, &labels, &paras);
  std::string out;
  return JoinKept(text, paras, &out, stats) ? out : std::string(text);
}

void RemoveRuleChrome(std::string* text, ChromeRuleStats* stats) {
  thread_local std::string labels;
  thread_local std::vector<Para> paras;
  MarkRuleChrome(*text, &labels, &paras);
  std::string out;
  if (JoinKept(*text, paras, &out, stats)) *text = std::move(out);
}

}  // namespace simshard::scan
