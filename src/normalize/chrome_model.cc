// Paragraph keys and the per-site model of paragraphs that repeat across pages.
#include <xxhash.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <map>

#include "normalize/ascii_fold.h"
#include "simshard/normalize.h"
#include "util/paragraphs.h"

namespace simshard {
namespace {

// Bounds the model's memory: when a run has seen this many distinct (site, paragraph)
// pairs, pairs seen on one page only are forgotten (chrome repeats, stories rarely do).
constexpr size_t kMaxTrackedPairs = 1u << 20;  // about 40 MB of hash map

// Paragraphs longer than this are article text, never chrome worth learning.
constexpr size_t kMaxChromeParagraphBytes = 2000;

bool IsDigit(char c) { return static_cast<unsigned char>(c - '0') < 10; }

// Position of the first digit in `s` at or after `pos`, or s.size().
size_t FindDigit(std::string_view s, size_t pos) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  for (; pos + 8 <= s.size(); pos += 8) {  // eight bytes at a time to the first block with one
    uint64_t x;
    std::memcpy(&x, s.data() + pos, 8);
    const uint64_t from_zero = x ^ (kOnes * '0');           // digits become bytes 0-9
    if (((from_zero - kOnes * 10) & ~from_zero & kHigh) != 0) break;  // some byte < 10
  }
  while (pos < s.size() && !IsDigit(s[pos])) ++pos;
  return pos;
}

// The key of a folded paragraph: its words without the all-digit ones, so "Updated 3 May
// 2024" matches "Updated 4 May 2024". `may_have_number` false says there is no all-digit
// word to leave out. Words are found from their digits, which are few.
uint64_t KeyOfFolded(std::string_view folded, bool may_have_number = true) {
  thread_local std::string kept;
  kept.clear();
  size_t copied = 0;  // folded[0, copied) is in `kept` or left out
  for (size_t pos = may_have_number ? FindDigit(folded, 0) : folded.size(); pos < folded.size();
       pos = FindDigit(folded, pos)) {
    size_t end = pos;
    while (end < folded.size() && folded[end] != ' ') ++end;
    const bool word_start = pos == 0 || folded[pos - 1] == ' ';
    if (word_start && std::all_of(folded.begin() + pos, folded.begin() + end, IsDigit)) {
      kept.append(folded, copied, pos - copied);  // words are separated by one space:
      copied = std::min(end + 1, folded.size());  // the word goes with the space after it
    }
    pos = end;
  }
  if (copied == 0) return XXH3_64bits(folded.data(), folded.size());
  kept.append(folded, copied);
  if (!kept.empty() && kept.back() == ' ') kept.pop_back();  // the last word went
  return XXH3_64bits(kept.data(), kept.size());
}

}  // namespace

uint64_t ParagraphKey(std::string_view paragraph) {
  thread_local std::string folded;
  folded.clear();
  const bool may_have_number = normalize::AppendFoldNotingNumbers(paragraph, &folded);
  return KeyOfFolded(folded, may_have_number);
}

void FoldWithParagraphKeys(std::string_view text, std::string* folded,
                           std::vector<uint64_t>* paragraph_keys) {
  folded->clear();
  folded->reserve(text.size() + 32);  // folding writes whole blocks past its end
  paragraph_keys->clear();
  ForEachParagraph(text, [&](size_t, std::string_view p) {
    size_t start = folded->size();
    const bool may_have_number = normalize::AppendFoldNotingNumbers(p, folded);
    if (start > 0 && folded->size() > start) ++start;  // the space before its first word
    paragraph_keys->push_back(
        KeyOfFolded(std::string_view(*folded).substr(start), may_have_number));
  });
}

std::vector<uint64_t> ChromeModel::Keys(std::string_view text) {
  std::vector<uint64_t> keys;
  for (std::string_view p : SplitParagraphs(text))
    if (p.size() <= kMaxChromeParagraphBytes) keys.push_back(ParagraphKey(p));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

size_t ChromeModel::Counts::HomeSlot(uint64_t key) const {
  // Keys are already hashes; the multiply spreads them anyway in case some are not.
  return static_cast<size_t>((key * 0x9e3779b97f4a7c15ull) >> 20) & (slots_.size() - 1);
}

size_t ChromeModel::Counts::SlotOf(uint64_t key) const {
  const size_t mask = slots_.size() - 1;
  for (size_t i = HomeSlot(key);; i = (i + 1) & mask)
    if (!slots_[i].used || slots_[i].key == key) return i;
}

void ChromeModel::Counts::Grow() {
  std::vector<Slot> old(std::max<size_t>(64, 2 * slots_.size()));
  old.swap(slots_);
  for (const Slot& slot : old)
    if (slot.used) slots_[SlotOf(slot.key)] = slot;
}

void ChromeModel::Counts::ReserveFor(size_t more) {
  while (4 * (size_ + more) > 3 * slots_.size()) Grow();
}

void ChromeModel::Counts::Prefetch(uint64_t key) const {
  __builtin_prefetch(&slots_[HomeSlot(key)]);
}

uint32_t& ChromeModel::Counts::FindOrAdd(uint64_t key, bool* added) {
  if (4 * (size_ + 1) > 3 * slots_.size()) Grow();
  Slot& slot = slots_[SlotOf(key)];
  *added = !slot.used;
  if (!slot.used) {
    slot = Slot{key, 0, true};
    ++size_;
  }
  return slot.count;
}

uint32_t* ChromeModel::Counts::FindMutable(uint64_t key) {
  if (slots_.empty()) return nullptr;
  Slot& slot = slots_[SlotOf(key)];
  return slot.used ? &slot.count : nullptr;
}

const uint32_t* ChromeModel::Counts::Find(uint64_t key) const {
  if (slots_.empty()) return nullptr;
  const Slot& slot = slots_[SlotOf(key)];
  return slot.used ? &slot.count : nullptr;
}

void ChromeModel::Counts::DropSingletons() {
  std::vector<Slot> old(slots_.size());
  old.swap(slots_);
  size_ = 0;
  for (const Slot& slot : old) {
    if (!slot.used || slot.count <= 1) continue;
    slots_[SlotOf(slot.key)] = slot;
    ++size_;
  }
}

// A page counts once for each distinct key, however often the paragraph appears on it.
void ChromeModel::SetPageKeys(std::span<const uint64_t> paragraph_keys) {
  page_keys_.assign(paragraph_keys.begin(), paragraph_keys.end());
  std::sort(page_keys_.begin(), page_keys_.end());
  page_keys_.erase(std::unique(page_keys_.begin(), page_keys_.end()), page_keys_.end());
}

void ChromeModel::Observe(std::string_view site, std::span<const uint64_t> paragraph_keys) {
  auto it = counts_.find(site);
  if (it == counts_.end()) it = counts_.emplace(std::string(site), Counts()).first;
  SetPageKeys(paragraph_keys);
  // A page's keys land in random slots of a large table: their cache misses overlap.
  it->second.ReserveFor(page_keys_.size());
  for (uint64_t key : page_keys_) it->second.Prefetch(key);
  for (uint64_t key : page_keys_) {
    bool added = false;
    uint32_t& count = it->second.FindOrAdd(key, &added);
    if (count < UINT32_MAX) ++count;
    tracked_ += added;
  }
  if (tracked_ > kMaxTrackedPairs) ForgetSingletons();
}

void ChromeModel::Unobserve(std::string_view site, std::span<const uint64_t> paragraph_keys) {
  const auto it = counts_.find(site);
  if (it == counts_.end()) return;
  SetPageKeys(paragraph_keys);
  for (uint64_t key : page_keys_) {
    // A key dropped as a singleton since its Observe has nothing left to take back.
    uint32_t* count = it->second.FindMutable(key);
    if (count != nullptr && *count > 0 && *count < UINT32_MAX) --*count;
  }
}

void ChromeModel::ForgetSingletons() {
  tracked_ = 0;
  for (auto& [site, counts] : counts_) {
    counts.DropSingletons();
    tracked_ += counts.size();
  }
}

bool ChromeModel::IsChrome(std::string_view site, uint64_t paragraph_key) const {
  return CountChrome(site, std::span<const uint64_t>(&paragraph_key, 1)) != 0;
}

size_t ChromeModel::CountChrome(std::string_view site, std::span<const uint64_t> paragraph_keys) const {
  const auto it = counts_.find(site);
  if (it == counts_.end()) return 0;
  size_t chrome = 0;
  for (uint64_t key : paragraph_keys) {
    const uint32_t* count = it->second.Find(key);
    chrome += count && *count >= min_pages_;
  }
  return chrome;
}

ChromeStrip ChromeModel::Apply(std::string_view site, std::string_view text,
                               std::span<const uint64_t> paragraph_keys) const {
  ChromeStrip result;
  const size_t chrome = CountChrome(site, paragraph_keys);
  if (chrome == 0) return result;
  // A page made only of repeated paragraphs keeps its text (better a duplicate kept than
  // an article lost), but that text is known chrome: no evidence against other pages.
  if (chrome == paragraph_keys.size()) {
    result.outcome = ChromeStrip::Outcome::kOnlyChrome;
    return result;
  }
  const Counts& counts = counts_.find(site)->second;  // CountChrome found the site
  size_t i = 0;
  ForEachParagraph(text, [&](size_t, std::string_view p) {
    const uint64_t key = i < paragraph_keys.size() ? paragraph_keys[i] : ParagraphKey(p);
    ++i;
    const uint32_t* count = p.size() <= kMaxChromeParagraphBytes ? counts.Find(key) : nullptr;
    if (count && *count >= min_pages_) {
      ++result.paragraphs_removed;
      return;
    }
    if (!result.text.empty()) result.text.append("\n\n");
    result.text.append(p);
  });
  // Only long paragraphs repeat (syndicated copies share whole paragraphs): the text and
  // the fingerprint computed from it stand.
  if (result.paragraphs_removed == 0) return ChromeStrip{};
  result.folded = FoldForFingerprint(result.text);
  result.outcome = result.folded.empty() ? ChromeStrip::Outcome::kOnlyChrome
                                         : ChromeStrip::Outcome::kStripped;
  return result;
}

// Text, so it fits any catalog column: "chrome-model 1 <min_pages>\n", then per site
// "<site>\t<key hex>:<count> ..." for the paragraphs seen on two pages or more.
std::string ChromeModel::Serialize() const {
  std::string out = "chrome-model 1 " + std::to_string(min_pages_) + "\n";
  const std::map<std::string, const Counts*> sorted = [&] {
    std::map<std::string, const Counts*> m;
    for (const auto& [site, counts] : counts_) m.emplace(site, &counts);
    return m;
  }();
  for (const auto& [site, counts] : sorted) {
    std::vector<std::pair<uint64_t, uint32_t>> entries;
    counts->ForEach([&](uint64_t key, uint32_t count) {
      if (count >= 2) entries.emplace_back(key, count);
    });
    if (entries.empty()) continue;
    std::sort(entries.begin(), entries.end());
    out += site;
    out += '\t';
    char buf[32];
    for (const auto& [key, count] : entries) {
      auto end = std::to_chars(buf, buf + sizeof buf, key, 16).ptr;
      *end++ = ':';
      end = std::to_chars(end, buf + sizeof buf, count).ptr;
      *end++ = ' ';
      out.append(buf, end);
    }
    out.back() = '\n';
  }
  return out;
}

Result<ChromeModel> ChromeModel::Deserialize(std::string_view bytes) {
  const auto bad = [](std::string what) {
    return Status::Corruption("chrome model in catalog: " + std::move(what));
  };
  constexpr std::string_view kMagic = "chrome-model 1 ";
  if (!bytes.starts_with(kMagic)) return bad("unknown format");
  bytes.remove_prefix(kMagic.size());
  uint32_t min_pages = 0;
  auto [p, ec] = std::from_chars(bytes.data(), bytes.data() + bytes.size(), min_pages);
  if (ec != std::errc() || p == bytes.data() + bytes.size() || *p != '\n' || min_pages == 0)
    return bad("bad header");
  ChromeModel model(min_pages);
  bytes.remove_prefix(p - bytes.data() + 1);
  while (!bytes.empty()) {
    size_t nl = bytes.find('\n');
    if (nl == std::string_view::npos) nl = bytes.size();
    const std::string_view line = bytes.substr(0, nl);
    bytes.remove_prefix(std::min(bytes.size(), nl + 1));
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos) return bad("line without a site");
    Counts& counts = model.counts_[std::string(line.substr(0, tab))];
    const char* q = line.data() + tab + 1;
    const char* end = line.data() + line.size();
    while (q < end) {
      uint64_t key = 0;
      uint32_t count = 0;
      auto r = std::from_chars(q, end, key, 16);
      if (r.ec != std::errc() || r.ptr == end || *r.ptr != ':') return bad("bad entry");
      r = std::from_chars(r.ptr + 1, end, count);
      if (r.ec != std::errc()) return bad("bad count");
      bool added = false;
      counts.FindOrAdd(key, &added) = count;
      ++model.tracked_;
      q = r.ptr + (r.ptr < end && *r.ptr == ' ' ? 1 : 0);
      if (r.ptr < end && *r.ptr != ' ') return bad("bad separator");
    }
  }
  return model;
}

}  // namespace simshard
