// Fingerprinting speed (MB/s of folded text on one core), beside two baselines measured
// in the same run: a textbook SimHash (one XXH3 per word 3-gram, 64 counter updates per
// feature) and XXH3 over every word alone (the cost of just hashing the tokens).
//
//   bench/fingerprint_speed [CORPUS.tar.zst]   (default ../shared/corpora/bbc-news-2004-2005.tar.zst)
//
// Text is the BBC corpus folded by FoldForFingerprint when it is present, else generated.
#include <xxhash.h>

#include <time.h>

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

// CPU seconds of this thread: "MB/s on one core" should not count the time other
// processes on a shared machine held the core.
double ThreadSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

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

struct Speed {
  double cpu, wall;  // MB/s per thread CPU second and per wall-clock second
};

// Runs fn over all texts until at least `min_bytes` were processed.
template <typename Fn>
Speed MegabytesPerSecond(const std::vector<std::string>& texts, uint64_t min_bytes, Fn&& fn) {
  uint64_t bytes = 0, sink = 0;
  const auto wall_start = std::chrono::steady_clock::now();
  const double start = ThreadSeconds();
  while (bytes < min_bytes) {
    for (const std::string& t : texts) {
      sink += fn(t);
      bytes += t.size();
    }
  }
  const double seconds = ThreadSeconds() - start;
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  if (sink == 42) std::printf(" ");  // keep the work observable
  return Speed{bytes / seconds / 1e6, bytes / wall / 1e6};
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
  std::printf("fingerprint_speed: %zu texts, %.1f MB of %s, one core (thread CPU time)\n",
              texts.size(), total / 1e6,
              source.c_str());

  const uint64_t kMinBytes = 400'000'000;
  const simshard::Fingerprinter fingerprinter;
  const Speed ours = MegabytesPerSecond(texts, kMinBytes, [&](const std::string& t) {
    return fingerprinter.Compute(t).simhash;
  });
  const Speed textbook = MegabytesPerSecond(texts, kMinBytes / 4, TextbookSimHash);
  const Speed hash_only = MegabytesPerSecond(texts, kMinBytes, HashWordsOnly);
  std::printf("  (MB/s per CPU second, and per wall-clock second while sharing the machine)\n");
  std::printf("  Fingerprinter::Compute (SimHash + sketch): %7.1f MB/s (wall %.1f; target >= 100)\n",
              ours.cpu, ours.wall);
  std::printf("  baseline textbook SimHash, word 3-grams:   %7.1f MB/s (wall %.1f)\n", textbook.cpu,
              textbook.wall);
  std::printf("  XXH3 of every word alone (upper bound):    %7.1f MB/s (wall %.1f)\n", hash_only.cpu,
              hash_only.wall);
  std::printf("  config: %s\n", fingerprinter.config().Name().c_str());
  return 0;
}
