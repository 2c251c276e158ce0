// Deciding pages one by one as the run loop does, for tests of the Decider.
#pragma once

#include <functional>
#include <string>

#include "pipeline/analyze.h"
#include "pipeline/decider.h"

namespace simshard::testing {

// A text (or HTML) page of `url`, analysed as a worker thread does.
inline pipeline::Analyzed AnalyzeItem(const std::string& url, const std::string& bytes,
                                      ItemFormat format = ItemFormat::kText) {
  RawItem item;
  item.source = "crawl/" + std::to_string(std::hash<std::string>()(bytes)) + ".txt";
  item.url = url;
  item.format = format;
  item.bytes = bytes;
  item.input_bytes = bytes.size();
  return pipeline::Analyze(std::move(item), ScanOptions{}, Fingerprinter());
}

// Decides `a` and registers it when kept, as the run loop does; the report row.
inline ReportRow DecideAndKeep(pipeline::Decider* decider, pipeline::Analyzed a) {
  ReportRow row;
  if (decider->Decide(&a, &row)) {
    row.id = pipeline::DocumentId(a.digest);
    decider->KeepId(decider->next_ordinal(), a.digest.high, a.digest, a.fingerprint, a.doc.extraction);
  }
  return row;
}

// `n` words no other seed shares: the stories of distinct pages, never near copies.
inline std::string OwnWords(int n, int seed) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    std::string word = "z";
    for (int v = seed * 1000 + i; v > 0; v /= 26) word += static_cast<char>('a' + v % 26);
    out += (i ? " " : "") + word;
  }
  return out + ".";
}

}  // namespace simshard::testing
