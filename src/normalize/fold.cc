// FoldForFingerprint: the token string fingerprints and digests are computed from.
//
// Words come from ICU's word break iterator after NFKC case folding; inside a word,
// punctuation (apostrophes, periods, underscores) splits it further, so a token is a run
// of letters, marks and digits. For ASCII that is exactly "runs of [a-z0-9]", which the
// fast path computes without ICU; the equivalence is tested.
#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <array>
#include <cstring>
#include <memory>

#include "normalize/ascii_fold.h"
#include "simshard/normalize.h"
#include "util/ascii_sse2.h"

namespace simshard {
namespace {

using normalize::IsAllAscii;
using normalize::IsAsciiBreak;
using normalize::kAsciiFold;

// For each byte: its folded form when it is an ASCII letter or digit, else a space.
constexpr std::array<char, 256> kFoldOrSpace = [] {
  std::array<char, 256> table{};
  for (int c = 0; c < 256; ++c) table[c] = kAsciiFold[c] ? kAsciiFold[c] : ' ';
  return table;
}();

// Folds an all-ASCII span, appending tokens to `out` (space separated). Every byte is
// written as its fold or a space, and a space only moves the write position on when the
// byte before it is not one: no branch per byte. Returns whether a digit was written.
bool FoldAscii(std::string_view s, std::string* out) {
  const size_t old = out->size();
  // Folding never grows ASCII; +1 for a leading space, +16 for whole-block stores.
  out->resize(old + s.size() + 17);
  char* const first = out->data() + old;
  char* w = first;
  if (old > 0) *w++ = ' ';  // taken back below when no token follows
  bool after_space = true;  // nothing written yet, or a space: no space may follow
  bool digits = false;
  size_t i = 0;
#if defined(SIMSHARD_ASCII_SSE2)
  // Sixteen bytes at a time: letters lowered, digits kept, the rest made spaces; stored
  // whole unless some space follows another, then byte by byte from the block.
  const __m128i spaces = _mm_set1_epi8(' ');
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const AsciiClasses16 c = ClassifyAscii16(x);
    const __m128i keep = _mm_or_si128(c.letter, c.digit);
    const __m128i folded = _mm_or_si128(
        _mm_and_si128(c.letter, c.lower),
        _mm_or_si128(_mm_and_si128(c.digit, x), _mm_andnot_si128(keep, spaces)));
    const auto separators = static_cast<uint32_t>(~_mm_movemask_epi8(keep) & 0xffff);
    const uint32_t dropped = separators & ((separators << 1) | uint32_t{after_space});
    digits |= _mm_movemask_epi8(c.digit) != 0;
    after_space = (separators >> 15) != 0;
    if (dropped == 0) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(w), folded);
      w += 16;
      continue;
    }
    alignas(16) char block[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(block), folded);
    for (int k = 0; k < 16; ++k) {
      *w = block[k];
      w += ((dropped >> k) & 1) ^ 1;
    }
  }
#endif
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const char folded = kFoldOrSpace[c];
    const bool space = folded == ' ';
    *w = folded;
    w += !(space && after_space);
    after_space = space;
    digits |= static_cast<unsigned char>(c - '0') < 10;
  }
  if (w != first && w[-1] == ' ') --w;
  out->resize(w - out->data());
  return digits;
}

// Position of the first byte of `s` at or after `pos` that is not ASCII, or s.size().
size_t FindNonAscii(std::string_view s, size_t pos) {
  for (; pos + 8 <= s.size(); pos += 8) {
    uint64_t x;
    std::memcpy(&x, s.data() + pos, 8);
    if (x & 0x8080808080808080ull) break;
  }
  while (pos < s.size() && static_cast<unsigned char>(s[pos]) < 0x80) ++pos;
  return pos;
}

// Letters, marks and digits make tokens; everything else separates them.
bool IsTokenChar(UChar32 c) {
  const int32_t mask = U_GET_GC_MASK(c);
  return (mask & (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK)) != 0;
}

struct IcuFolder {
  const icu::Normalizer2* nfkc_cf = nullptr;
  std::unique_ptr<icu::BreakIterator> words;

  IcuFolder() {
    UErrorCode status = U_ZERO_ERROR;
    nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
    words.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status)) words.reset();
  }

  void Fold(std::string_view s, std::string* out) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::UnicodeString input = icu::UnicodeString::fromUTF8(
        icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
    icu::UnicodeString folded = nfkc_cf ? nfkc_cf->normalize(input, status) : input;
    if (U_FAILURE(status)) folded = input;
    if (!words) return AppendTokens(folded, 0, folded.length(), out);
    words->setText(folded);
    int32_t start = words->first();
    for (int32_t end = words->next(); end != icu::BreakIterator::DONE;
         start = end, end = words->next()) {
      if (words->getRuleStatus() != UBRK_WORD_NONE) AppendTokens(folded, start, end, out);
    }
  }

  // Appends the runs of token characters in [start, end) of `text`.
  static void AppendTokens(const icu::UnicodeString& text, int32_t start, int32_t end,
                           std::string* out) {
    int32_t run = -1;
    for (int32_t i = start; i <= end;) {
      const UChar32 c = i < end ? text.char32At(i) : 0;
      const bool token = i < end && IsTokenChar(c);
      if (token && run < 0) run = i;
      if (!token && run >= 0) {
        if (!out->empty()) out->push_back(' ');
        icu::UnicodeString piece = text.tempSubStringBetween(run, i);
        piece.toUTF8String(*out);
        run = -1;
      }
      i += i < end ? U16_LENGTH(c) : 1;
    }
  }
};

IcuFolder& ThreadFolder() {
  // ICU loads its shared data lazily behind its own locks; loading it once under a C++
  // static first makes the order visible to race detectors too.
  static const bool icu_loaded = [] {
    IcuFolder warm_up;
    return warm_up.words != nullptr;
  }();
  (void)icu_loaded;
  thread_local IcuFolder folder;
  return folder;
}

}  // namespace

namespace normalize {

bool AppendFoldNotingNumbers(std::string_view text, std::string* out) {
  if (IsAllAscii(text)) return FoldAscii(text, out);
  auto flush = [&](size_t from, size_t to, bool ascii) {
    if (to <= from) return;
    if (ascii) FoldAscii(text.substr(from, to - from), out);
    else ThreadFolder().Fold(text.substr(from, to - from), out);
  };
  // Cut at ASCII white space (always a word boundary for ICU too) into stretches of
  // all-ASCII words, which take the fast path, and stretches of other words for ICU.
  // A stretch starts with the white space before its first word. Inside an ASCII stretch
  // the next non-ASCII byte is found eight bytes at a time; other stretches go word by
  // word.
  const size_t n = text.size();
  auto is_break = [&](size_t i) { return IsAsciiBreak(static_cast<unsigned char>(text[i])); };
  size_t segment = 0, pos = 0;  // pos: where the last word looked at ends
  bool segment_ascii = true;
  while (pos < n) {
    if (segment_ascii) {
      const size_t other = FindNonAscii(text, pos);
      if (other == n) break;
      size_t word = other;  // the start of the word it is in, then of the space before
      while (word > pos && !is_break(word - 1)) --word;
      while (word > pos && is_break(word - 1)) --word;
      if (word > segment) {
        flush(segment, word, true);
        segment = word;
      }
      segment_ascii = false;
      pos = other;
      while (pos < n && !is_break(pos)) ++pos;
      continue;
    }
    const size_t word = pos;
    while (pos < n && is_break(pos)) ++pos;
    bool ascii = true;
    for (; pos < n && !is_break(pos); ++pos) ascii &= static_cast<unsigned char>(text[pos]) < 0x80;
    if (ascii && word > segment) {
      flush(segment, word, false);
      segment = word;
    }
    segment_ascii = ascii;
  }
  flush(segment, text.size(), segment_ascii);
  return true;  // ICU may have made digits of other characters
}

void AppendFold(std::string_view text, std::string* out) { AppendFoldNotingNumbers(text, out); }

}  // namespace normalize

std::string FoldForFingerprint(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 32);
  normalize::AppendFold(text, &out);
  return out;
}

// The ICU path for any input, for testing the fast path against.
std::string FoldForFingerprintIcuOnly(std::string_view text) {
  std::string out;
  ThreadFolder().Fold(text, &out);
  return out;
}

}  // namespace simshard
