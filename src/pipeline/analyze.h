// The parallel front half of a run: the scanner on one thread, `threads` workers that
// turn each item into an Analyzed (archive and dedup: extract, fold and fingerprint;
// extract: Extract() only), and the results handed back in input order.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "simshard/document.h"
#include "simshard/fingerprint.h"
#include "simshard/scan.h"
#include "simshard/status.h"

namespace simshard::pipeline {

// One input document with everything the deciding thread needs precomputed (an
// AnalyzeFn that only extracts leaves all but `doc` empty).
struct Analyzed {
  Document doc;
  // Of the extracted text before learned chrome is stripped, so it (and the id made from
  // it) does not depend on what the chrome model knew: a rerun finds its own documents.
  // For a weak or empty page, RawBytesDigest of doc.original instead.
  Digest digest;
  Fingerprint fingerprint;  // of the text the archive keeps (chrome stripped); none when weak
  std::vector<uint64_t> paragraph_keys;  // ParagraphKey of each paragraph of doc.text
  // Why a weak or empty page's text is no evidence of duplication, for its report row
  // ("weak extraction (3 words)"); empty for an extracted page.
  std::string weak_reason;
  // RawBytesDigest(doc.original) when doc.original was left out (the decide file of an
  // archive run cut into tasks, which the decider reads without the original bytes); zero
  // when doc.original is there to hash.
  Digest raw_digest;
  // Set by the decider when it took learned chrome out of doc.text (never in stage files:
  // the decide stage hands such text on to the write tasks).
  bool text_stripped = false;
};

// Extract + fold + fingerprint one item. Pure; runs on worker threads.
Analyzed Analyze(RawItem&& item, const ScanOptions& scan, const Fingerprinter& fingerprinter);

// Marks `a` as a page whose text is too thin to decide duplicates on (`extraction` weak or
// empty, `why` for the report): it gets the digest of its original bytes, so it can only
// be an exact duplicate of the same bytes, and no fingerprint, so it is never near to
// anything. Its text stays as it is.
void MarkWeak(Analyzed* a, Extraction extraction, std::string why);

// "weak extraction (N words)" or "empty extraction (no text)": what Extract found.
std::string ExtractionReason(const Document& doc);

// "1 word", "12 words".
std::string WordCount(int words);

// What a worker makes of one item. Called on several worker threads at once, so it must
// be pure (or thread-safe); the stream sets doc.seq afterwards.
using AnalyzeFn = std::function<Analyzed(RawItem&& item, const ScanOptions& scan)>;

// Analyze() with `fingerprinter`: what archive and dedup decide on.
AnalyzeFn FullAnalysis(Fingerprinter fingerprinter);

class AnalyzedStream {
 public:
  // Starts the scanner thread and `threads` workers (0: all cores) that run `analyze`.
  AnalyzedStream(std::vector<std::string> inputs, ScanOptions scan, unsigned threads,
                 AnalyzeFn analyze);
  // The same over some units of the input only (a task's slice: Scanner::ListUnits).
  AnalyzedStream(std::vector<InputUnit> units, ScanOptions scan, unsigned threads,
                 AnalyzeFn analyze);
  // Replays what the tasks of a run cut into tasks analysed, file after file (each a
  // slice of the input, in order: stage_file.h), numbered as one stream numbers them.
  explicit AnalyzedStream(std::vector<std::string> stage_files);
  // The same over files of analysed records under another magic (the chrome stage's).
  AnalyzedStream(std::vector<std::string> stage_files, std::string_view magic);
  ~AnalyzedStream();  // cancels and joins
  AnalyzedStream(const AnalyzedStream&) = delete;
  AnalyzedStream& operator=(const AnalyzedStream&) = delete;

  // The next document in input order; empty at the end of the input or once cancelled.
  std::optional<Analyzed> Next();

  // Stops every thread early (the deciding thread hit a fatal error).
  void Cancel();

  // Joins the threads; the scanner's fatal error, if any.
  Status Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

unsigned ResolveThreads(unsigned requested);

}  // namespace simshard::pipeline
