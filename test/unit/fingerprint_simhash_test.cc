#include <boost/test/unit_test.hpp>

#include <random>
#include <string>
#include <vector>

#include "simshard/dedup.h"
#include "simshard/fingerprint.h"

namespace {

using simshard::ContentDigest;
using simshard::Digest;
using simshard::Fingerprinter;
using simshard::HammingDistance;
using simshard::SketchSimilarity;

// Made-up articles, already in folded form (lowercase words, one space between).
const std::string kStory =
    "the town council of millbrook voted on tuesday to close the old river bridge for "
    "repairs after inspectors found cracks in two of its stone arches the bridge built "
    "in 1887 carries about four thousand cars a day and its closure will add twenty "
    "minutes to the journey between the north and south sides of the town mayor ellen "
    "cartwright said the decision was painful but unavoidable we cannot gamble with "
    "the safety of our residents she told reporters outside the town hall local "
    "businesses on the south bank fear a drop in trade during the six month closure "
    "the bakery owner tom reyes said half of his customers cross the bridge every "
    "morning the council has promised a free shuttle bus and extra parking near the "
    "footbridge engineers expect the work to cost about two million pounds which will "
    "be shared between the council and the regional transport fund a public meeting "
    "about the detour routes will be held next thursday evening at the library";

const std::string kOtherStory =
    "shares in the northern shipping group fell sharply on monday after the company "
    "warned that higher fuel prices and a weak winter season would cut its annual "
    "profit by a third the group which operates ferries across the channel and the "
    "irish sea said passenger numbers had dropped for the fourth month in a row chief "
    "executive paul anders said the firm would cut costs by retiring two of its oldest "
    "vessels and renegotiating port fees analysts said the warning was worse than "
    "expected and questioned whether the dividend could be maintained the shares "
    "closed down fourteen percent at their lowest level in three years";

// A syndicated copy: dateline added, a few typos, the last sentence trimmed.
std::string SyndicatedCopy(const std::string& story) {
  std::string copy = "millbrook reuters " + story;
  copy.replace(copy.find("inspectors"), 10, "inspecters");
  copy.replace(copy.find("residents"), 9, "residnets");
  copy.replace(copy.find("customers"), 9, "costumers");
  return copy.substr(0, copy.rfind(" a public meeting"));
}

std::string RandomWords(std::mt19937_64& rng, int words) {
  std::string out;
  for (int i = 0; i < words; ++i) {
    if (i) out += ' ';
    out += 'w';
    out += std::to_string(rng() % 5000);
  }
  return out;
}

// Texts that walk the word scanner's edges: words of 1 to 40 bytes (16 and 17 bytes
// around its short-word reads), runs of spaces, texts ending on and off 64-byte chunk
// boundaries, digits, UTF-8 and bytes that are not UTF-8.
std::vector<std::string> ScannerEdgeTexts() {
  std::mt19937_64 rng(11);
  const std::vector<std::string> pieces = {"a", "z", "q", "0", "9", "e", "t", "\xc3\xa9",
                                           "\xe5\x8c\x97", "\xff", "\x80", "`", "@", "\x7f"};
  std::vector<std::string> texts;
  for (int i = 0; i < 400; ++i) {
    std::string text;
    const int words = static_cast<int>(rng() % 120);
    for (int w = 0; w < words; ++w) {
      text.append(1 + (rng() % 5 == 0 ? rng() % 3 : 0), ' ');
      const size_t length = rng() % 6 == 0 ? 1 + rng() % 40 : 1 + rng() % 9;
      for (size_t k = 0; k < length; ++k) {
        text += rng() % 10 == 0 ? pieces[rng() % pieces.size()]
                                : std::string(1, static_cast<char>('a' + rng() % 26));
      }
    }
    if (rng() % 3 == 0) text += ' ';
    texts.push_back(text);
  }
  for (size_t size : {15, 16, 17, 63, 64, 65, 127, 128, 129}) {
    texts.push_back(std::string(size, 'x'));
    std::string spaced(size, 'y');
    spaced.back() = ' ';
    texts.push_back(spaced);
  }
  return texts;
}

// One 64-bit summary of the fingerprints of all texts.
uint64_t FingerprintsSummary(const Fingerprinter& fingerprinter,
                             const std::vector<std::string>& texts) {
  uint64_t summary = 0;
  for (const std::string& text : texts) {
    const auto fp = fingerprinter.Compute(text);
    summary = summary * 0x100000001b3ull ^ fp.simhash;
    for (uint8_t byte : fp.sketch) summary = summary * 31 + byte;
  }
  return summary;
}

}  // namespace

BOOST_AUTO_TEST_CASE(digest_hex_round_trips_and_rejects_bad_input) {
  const Digest d = ContentDigest(kStory);
  const std::string hex = d.Hex();
  BOOST_TEST(hex.size() == 32u);
  BOOST_TEST(hex.find_first_not_of("0123456789abcdef") == std::string::npos);
  Digest back;
  BOOST_TEST(Digest::FromHex(hex, &back));
  BOOST_TEST((back == d));
  BOOST_TEST(!Digest::FromHex(hex.substr(1), &back));
  BOOST_TEST(!Digest::FromHex(std::string(31, '0') + "g", &back));
  BOOST_TEST(Digest{}.Hex() == std::string(32, '0'));
}

BOOST_AUTO_TEST_CASE(digest_separates_texts_that_differ_by_one_character) {
  BOOST_TEST((ContentDigest(kStory) == ContentDigest(std::string(kStory))));
  BOOST_TEST(!(ContentDigest(kStory) == ContentDigest(kStory + "s")));
  BOOST_TEST(!(ContentDigest("") == ContentDigest(" ")));
}

BOOST_AUTO_TEST_CASE(fingerprints_are_deterministic) {
  const auto a = Fingerprinter().Compute(kStory);
  const auto b = Fingerprinter().Compute(kStory);
  BOOST_TEST(a.simhash == b.simhash);
  BOOST_TEST((a.sketch == b.sketch));
  BOOST_TEST(a.simhash != 0u);
}

BOOST_AUTO_TEST_CASE(syndicated_copy_is_close_and_passes_verification) {
  const auto options = simshard::DedupOptions::Defaults();
  const Fingerprinter fingerprinter;
  const auto original = fingerprinter.Compute(kStory);
  const auto copy = fingerprinter.Compute(SyndicatedCopy(kStory));
  BOOST_TEST(HammingDistance(original.simhash, copy.simhash) <= options.max_distance);
  BOOST_TEST(SketchSimilarity(original, copy) >= options.min_similarity);
}

BOOST_AUTO_TEST_CASE(distinct_stories_are_far_apart_and_fail_verification) {
  const auto options = simshard::DedupOptions::Defaults();
  const Fingerprinter fingerprinter;
  const auto a = fingerprinter.Compute(kStory);
  const auto b = fingerprinter.Compute(kOtherStory);
  BOOST_TEST(HammingDistance(a.simhash, b.simhash) > options.max_distance);
  BOOST_TEST(SketchSimilarity(a, b) < 0.2);
}

BOOST_AUTO_TEST_CASE(sketch_similarity_stays_in_bounds_and_tracks_overlap) {
  std::mt19937_64 rng(7);
  const Fingerprinter fingerprinter;
  const std::string base = RandomWords(rng, 400);
  const auto fp = fingerprinter.Compute(base);
  BOOST_TEST(SketchSimilarity(fp, fp) == 1.0);
  // Half the words replaced: far fewer shared 3-shingles than a small edit leaves.
  const std::string half = base.substr(0, base.size() / 2) + " " + RandomWords(rng, 200);
  const double s_half = SketchSimilarity(fp, fingerprinter.Compute(half));
  const std::string nearly = base + " " + RandomWords(rng, 10);
  const double s_nearly = SketchSimilarity(fp, fingerprinter.Compute(nearly));
  BOOST_TEST(s_nearly > 0.8);
  BOOST_TEST(s_half > 0.15);
  BOOST_TEST(s_half < 0.6);
  for (int i = 0; i < 20; ++i) {
    const double s = SketchSimilarity(fp, fingerprinter.Compute(RandomWords(rng, 300)));
    BOOST_TEST(s >= 0.0);
    BOOST_TEST(s < 0.25);
  }
}

BOOST_AUTO_TEST_CASE(short_and_empty_texts_get_fingerprints) {
  const Fingerprinter fingerprinter;
  const auto empty = fingerprinter.Compute("");
  const auto one = fingerprinter.Compute("hello");
  const auto two = fingerprinter.Compute("hello world");
  BOOST_TEST(empty.simhash == 0u);
  BOOST_TEST(one.simhash != 0u);
  BOOST_TEST(SketchSimilarity(one, two) < 0.5);
  BOOST_TEST(SketchSimilarity(two, fingerprinter.Compute("hello  world ")) == 1.0);
}

BOOST_AUTO_TEST_CASE(config_name_changes_with_features) {
  simshard::FingerprintConfig a, b;
  b.trigram_weight = a.trigram_weight + 1;
  BOOST_TEST(!a.Name().empty());
  BOOST_TEST(a.Name() != b.Name());
  BOOST_TEST(a.Name() == simshard::FingerprintConfig{}.Name());
}

BOOST_AUTO_TEST_CASE(swapped_and_doubled_letters_leave_fingerprints_unchanged) {
  std::string typos = kStory;
  typos.replace(typos.find("council"), 7, "cuoncil");    // swapped
  typos.replace(typos.find("bridge"), 6, "briddge");     // doubled
  typos.replace(typos.find("engineers"), 9, "enigneers");
  const Fingerprinter fingerprinter;
  const auto a = fingerprinter.Compute(kStory);
  const auto b = fingerprinter.Compute(typos);
  BOOST_TEST(a.simhash == b.simhash);
  BOOST_TEST((a.sketch == b.sketch));
  // With exact word hashes the same typos change the shingle set behind the sketch.
  simshard::FingerprintConfig exact;
  exact.letter_set_tokens = false;
  BOOST_TEST(!(Fingerprinter(exact).Compute(kStory).sketch ==
               Fingerprinter(exact).Compute(typos).sketch));
}

BOOST_AUTO_TEST_CASE(lead_weighting_tolerates_a_long_appended_tail) {
  // An editor's note and a long extra paragraph after the story: a third more words.
  const std::string longer = kStory + " " + kOtherStory.substr(0, kOtherStory.size() / 2);
  const Fingerprinter fingerprinter;
  const int with_lead =
      HammingDistance(fingerprinter.Compute(kStory).simhash, fingerprinter.Compute(longer).simhash);
  BOOST_TEST(with_lead <= simshard::DedupOptions::Defaults().max_distance);
  simshard::FingerprintConfig flat;
  flat.lead_words = 0;
  const int without_lead = HammingDistance(Fingerprinter(flat).Compute(kStory).simhash,
                                           Fingerprinter(flat).Compute(longer).simhash);
  BOOST_TEST(with_lead < without_lead);
}

BOOST_AUTO_TEST_CASE(non_ascii_words_are_hashed_by_all_their_bytes) {
  // Words that share their first byte and the low bits of their bytes would collide
  // under a letter-set hash; each must count as itself.
  const std::vector<std::string> cjk = {"北京", "上海", "广州", "深圳", "天津", "重庆", "成都",
                                        "武汉", "南京", "西安", "杭州", "苏州"};
  const std::vector<std::string> cyrillic = {"москва", "киев", "минск", "рига", "таллин",
                                             "вильнюс", "казань", "омск"};
  std::mt19937_64 rng(3);
  auto text = [&](const std::vector<std::string>& words, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) {
      if (i) out += ' ';
      out += words[rng() % words.size()];
    }
    return out;
  };
  const std::string base = text(cjk, 80);
  const Fingerprinter fingerprinter;
  const auto a = fingerprinter.Compute(base);
  const auto b = fingerprinter.Compute(base + " " + text(cjk, 3));
  const auto c = fingerprinter.Compute(text(cyrillic, 80));
  const auto d = fingerprinter.Compute(text(cjk, 80));
  BOOST_TEST(SketchSimilarity(a, b) > 0.8);
  BOOST_TEST(SketchSimilarity(a, c) < 0.3);
  BOOST_TEST(HammingDistance(a.simhash, b.simhash) < HammingDistance(a.simhash, d.simhash));
}

// Catalogs keep fingerprints between nights: the same text must keep giving the same
// bits, whatever the code computing them (SSE2 or not) looks like.
BOOST_AUTO_TEST_CASE(fingerprints_of_fixed_texts_do_not_change) {
  struct Expected {
    std::string text;
    uint64_t simhash;
    simshard::Sketch sketch;
  };
  const std::vector<Expected> cases = {
      {kStory, 0x9502540df8e745c4ull,
       {158, 83, 234, 135, 61, 104, 115, 93, 65, 125, 94, 213, 218, 247, 215, 122,
        125, 104, 141, 84, 43, 249, 166, 6, 22, 110, 135, 11, 180, 193, 104, 93}},
      {"caf\xc3\xa9 na\xc3\xafve stra\xc3\x9f" "e", 0xcc0fdb11f6973a8cull,
       {103, 59, 162, 102, 126, 127, 195, 247, 113, 180, 32, 115, 231, 115, 186, 139,
        4, 43, 218, 134, 213, 171, 110, 203, 125, 244, 122, 58, 36, 185, 119, 207}},
      {"one", 0x63726b03be8583b2ull,
       {252, 165, 53, 127, 250, 149, 138, 33, 23, 222, 241, 192, 231, 199, 197, 116,
        245, 255, 20, 190, 188, 197, 160, 125, 108, 109, 183, 105, 33, 227, 139, 214}},
  };
  const Fingerprinter fingerprinter;
  for (const Expected& e : cases) {
    const auto fp = fingerprinter.Compute(e.text);
    BOOST_TEST(fp.simhash == e.simhash, "text: " << e.text);
    BOOST_TEST(fp.sketch == e.sketch, "text: " << e.text);
  }
}

// The same for texts built to cross the word scanner's edges, under three settings; the
// summaries were computed by the byte-by-byte scanner this one replaced.
BOOST_AUTO_TEST_CASE(fingerprints_of_scanner_edge_texts_do_not_change) {
  const std::vector<std::string> texts = ScannerEdgeTexts();
  simshard::FingerprintConfig prefix_trigrams;
  prefix_trigrams.token_prefix_bytes = 5;
  prefix_trigrams.trigram_weight = 1;
  prefix_trigrams.sketch_shingle_words = 3;
  simshard::FingerprintConfig whole_words;
  whole_words.letter_set_tokens = false;
  whole_words.min_unigram_bytes = 3;
  whole_words.sketch_shingle_words = 1;
  BOOST_TEST(FingerprintsSummary(Fingerprinter(), texts) == 0x7f1075d608b0df32ull);
  BOOST_TEST(FingerprintsSummary(Fingerprinter(prefix_trigrams), texts) == 0xf859de17cd874150ull);
  BOOST_TEST(FingerprintsSummary(Fingerprinter(whole_words), texts) == 0xbdeed70a9d03ce69ull);
}
