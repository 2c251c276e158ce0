// Fingerprinting speed (MB/s of folded text on one core), beside two baselines measured
// in the same run: a textbook SimHash (one XXH3 per word 3-gram, 64 counter updates per
// feature) and XXH3 over every word alone (the cost of just hashing the tokens).
//
//   bench/fingerprint_speed [CORPUS.tar.zst]   (default ../shared/corpora/bbc-news-2004-2005.tar.zst)
//
// Text is the BBC corpus folded by FoldForFingerprint when it is present, else generated.
#include <xxhash.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "quality_corpus.h"
#include "simshard/fingerprint.h"
#include "simshard/normalize.h"

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> GeneratedTexts() {
  std::mt19937_64 rng(5);
  std::vector<std::string> words;
  for (int i = 0; i < 20000; ++i) {
    std::string w;
    const int length = 2 + static_cast<int>(rng() % 9);
    for (int c = 0; c < length; ++c) w += static_cast<char>('a' + rng() % 26);
    words.push_back(w);
  }
  std::vector<std::string> texts(2000);
  for (std::string& t : texts) {
    for (int i = 0; i < 400; ++i) t += (i ? " " : "") + words[rng() % words.size()];
  }
  return texts;
}

// Charikar's SimHash as usually written: every feature updates 64 counters.
uint64_t TextbookSimHash(std::string_view text) {
  int counts[64] = {};
  std::vector<std::string_view> words;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    words.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  for (size_t i = 0; i + 2 < words.size(); ++i) {
    const char* begin = words[i].data();
    const size_t length = static_cast<size_t>(words[i + 2].data() + words[i + 2].size() - begin);
    const uint64_t h = XXH3_64bits(begin, length);
    for (int b = 0; b < 64; ++b) counts[b] += (h >> b & 1) ? 1 : -1;
  }
  uint64_t out = 0;
  for (int b = 0; b < 64; ++b) out |= static_cast<uint64_t>(counts[b] > 0) << b;
  return out;
}

uint64_t HashWordsOnly(std::string_view text) {
  uint64_t acc = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    acc ^= XXH3_64bits(text.data() + start, end - start);
    start = end + 1;
  }
  return acc;
}

// Runs fn over all texts until at least `min_bytes` were processed; MB/s.
template <typename Fn>
double MegabytesPerSecond(const std::vector<std::string>& texts, uint64_t min_bytes, Fn&& fn) {
  uint64_t bytes = 0, sink = 0;
  const auto start = Clock::now();
  while (bytes < min_bytes) {
    for (const std::string& t : texts) {
      sink += fn(t);
      bytes += t.size();
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (sink == 42) std::printf(" ");  // keep the work observable
  return bytes / seconds / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string corpus =
      argc > 1 ? argv[1] : "../shared/corpora/bbc-news-2004-2005.tar.zst";
  std::vector<std::string> texts;
  std::string source = "generated text";
  for (const auto& article : simshard_bench::LoadBbcArticles(corpus)) {
    texts.push_back(simshard::FoldForFingerprint(article.text));
  }
  if (!texts.empty()) {
    source = corpus + " (folded)";
  } else {
    texts = GeneratedTexts();
  }
  uint64_t total = 0;
  for (const auto& t : texts) total += t.size();
  std::printf("fingerprint_speed: %zu texts, %.1f MB of %s, one core\n", texts.size(), total / 1e6,
              source.c_str());

  const uint64_t kMinBytes = 400'000'000;
  const simshard::Fingerprinter fingerprinter;
  const double ours = MegabytesPerSecond(texts, kMinBytes, [&](const std::string& t) {
    return fingerprinter.Compute(t).simhash;
  });
  const double textbook = MegabytesPerSecond(texts, kMinBytes / 4, TextbookSimHash);
  const double hash_only = MegabytesPerSecond(texts, kMinBytes, HashWordsOnly);
  std::printf("  Fingerprinter::Compute (SimHash + sketch): %7.1f MB/s (target >= 100)\n", ours);
  std::printf("  baseline textbook SimHash, word 3-grams:   %7.1f MB/s\n", textbook);
  std::printf("  XXH3 of every word alone (upper bound):    %7.1f MB/s\n", hash_only);
  std::printf("  config: %s\n", fingerprinter.config().Name().c_str());
  return 0;
}
