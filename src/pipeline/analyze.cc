#include "pipeline/analyze.h"

#include <atomic>
#include <thread>

#include "pipeline/bounded_queue.h"
#include "pipeline/stage_file.h"
#include "scan/text_util.h"
#include "simshard/normalize.h"
#include "util/thread_name.h"

namespace simshard::pipeline {

void MarkWeak(Analyzed* a, Extraction extraction, std::string why) {
  a->doc.extraction = extraction;
  a->weak_reason = std::move(why);
  // xxh3 runs at memory speed: hashing the bytes again costs far less than the extraction.
  a->digest = a->raw_digest != Digest{} ? a->raw_digest : RawBytesDigest(a->doc.original);
  a->fingerprint = Fingerprint{};
}

std::string WordCount(int words) {
  return std::to_string(words) + (words == 1 ? " word" : " words");
}

std::string ExtractionReason(const Document& doc) {
  if (doc.extraction == Extraction::kEmpty) return "empty extraction (no text)";
  return "weak extraction (" + WordCount(scan::CountWords(doc.text, kWeakTextWords)) + ")";
}

Analyzed Analyze(RawItem&& item, const ScanOptions& scan, const Fingerprinter& fingerprinter) {
  Analyzed a;
  a.doc = Extract(std::move(item), scan);
  if (a.doc.skipped()) return a;
  if (a.doc.extraction != Extraction::kExtracted) {
    MarkWeak(&a, a.doc.extraction, ExtractionReason(a.doc));
    return a;
  }
  // One fold serves the fingerprint and the chrome paragraph keys; its memory is kept
  // from document to document.
  thread_local std::string folded;
  FoldWithParagraphKeys(a.doc.text, &folded, &a.paragraph_keys);
  if (folded.empty()) {  // symbols without a letter: all such texts would be equal
    a.paragraph_keys.clear();
    MarkWeak(&a, Extraction::kWeak, "weak extraction (no words)");
    return a;
  }
  a.digest = ContentDigest(folded);
  a.fingerprint = fingerprinter.Compute(folded);
  return a;
}

AnalyzeFn FullAnalysis(Fingerprinter fingerprinter) {
  return [fingerprinter = std::move(fingerprinter)](RawItem&& item, const ScanOptions& scan) {
    return Analyze(std::move(item), scan, fingerprinter);
  };
}

unsigned ResolveThreads(unsigned requested) {
  if (requested > 0) return requested;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 ? cores : 1;
}

// Items travel in batches: one hand-off (and one wake-up) per batch rather than per
// document keeps the threads busy with documents instead of with each other. Memory in
// flight is about (3 * workers + 4) batches of at most kBatchBytes of input (plus one
// document that overshoots), whatever the size of the input.
constexpr size_t kBatchItems = 64;
constexpr size_t kBatchBytes = 256 << 10;

struct RawBatch {
  uint64_t number = 0;
  std::vector<RawItem> items;
};

struct AnalyzedStream::Impl {
  Impl(std::vector<std::string> in, ScanOptions s, unsigned threads, AnalyzeFn fn)
      : inputs(std::move(in)),
        scan(std::move(s)),
        analyze(std::move(fn)),
        workers_count(ResolveThreads(threads)),
        raw(workers_count + 2),
        // A longer window lets the workers get further ahead while the archive is opened
        // (StartAnalysis), but documents then leave the cache before they are decided:
        // 64 batches cost 2.3% more CPU on the bench crawl and saved no time.
        ordered(2 * workers_count + 2) {}

  void ScanAll() {
    RawBatch batch;
    size_t batch_bytes = 0;
    auto ship = [&] {
      const uint64_t next = batch.number + 1;
      const bool pushed = raw.Push(std::move(batch));
      batch = RawBatch{next, {}};
      batch_bytes = 0;
      return pushed;
    };
    Scanner scanner(scan);
    const std::function<bool(RawItem&&)> add = [&](RawItem&& item) {
      batch_bytes += item.bytes.size();
      batch.items.push_back(std::move(item));
      return batch.items.size() < kBatchItems && batch_bytes < kBatchBytes ? true : ship();
    };
    scan_status = units ? scanner.ScanUnits(*units, add) : scanner.Scan(inputs, add);
    if (!batch.items.empty()) ship();
    raw.Close();
  }

  void Work() {
    while (std::optional<RawBatch> batch = raw.Pop()) {
      std::vector<Analyzed> out;
      out.reserve(batch->items.size());
      for (RawItem& item : batch->items) {
        const uint64_t seq = item.seq;
        out.push_back(analyze(std::move(item), scan));
        out.back().doc.seq = seq;
      }
      if (!ordered.Put(batch->number, std::move(out))) return;
    }
    if (--workers_running == 0) ordered.ProducersDone();
  }

  std::optional<Analyzed> Next() {
    while (cursor == current.size()) {
      std::optional<std::vector<Analyzed>> batch = ordered.Take();
      if (!batch) return std::nullopt;
      current = std::move(*batch);
      cursor = 0;
    }
    return std::move(current[cursor++]);
  }

  // The stage files' documents, in batches as the workers would hand them over.
  void ReplayAll() {
    uint64_t number = 0, seq = 0;
    std::vector<Analyzed> batch;
    LineRenumberer lines;
    for (const std::string& path : stage_files) {
      StageReader reader;
      scan_status = reader.Open(path, magic);
      Analyzed a;
      while (scan_status.ok() && reader.Next(&a)) {
        a.doc.seq = seq++;
        scan_status = lines.Fix(&a.doc);
        if (!scan_status.ok()) break;
        batch.push_back(std::move(a));
        if (batch.size() == kBatchItems && !ordered.Put(number++, std::exchange(batch, {}))) return;
      }
      if (scan_status.ok()) scan_status = reader.status();
      if (!scan_status.ok()) break;
    }
    if (!batch.empty() && scan_status.ok()) ordered.Put(number++, std::move(batch));
    ordered.ProducersDone();
  }

  void Start() {
    if (!stage_files.empty()) {
      scanner_thread = std::thread([this] {
        NameThisThread("ss-replay");
        ReplayAll();
      });
      return;
    }
    workers_running = workers_count;
    scanner_thread = std::thread([this] {
      NameThisThread("ss-scan");
      ScanAll();
    });
    for (unsigned i = 0; i < workers_count; ++i) {
      workers.emplace_back([this] {
        NameThisThread("ss-analyze");
        Work();
      });
    }
  }

  void Cancel() {
    raw.Cancel();
    ordered.Cancel();
  }

  void Join() {
    if (scanner_thread.joinable()) scanner_thread.join();
    for (std::thread& t : workers) {
      if (t.joinable()) t.join();
    }
  }

  const std::vector<std::string> inputs;
  std::optional<std::vector<InputUnit>> units;  // scanned instead of `inputs`
  std::vector<std::string> stage_files;  // replayed instead of scanning `inputs`
  std::string_view magic = kAnalyzedMagic;  // of the stage files
  const ScanOptions scan;
  const AnalyzeFn analyze;
  const unsigned workers_count;
  BoundedQueue<RawBatch> raw;
  ReorderBuffer<std::vector<Analyzed>> ordered;  // batches by number
  std::atomic<unsigned> workers_running{0};
  std::thread scanner_thread;
  std::vector<std::thread> workers;
  Status scan_status;  // written by the scanner thread, read after Join
  std::vector<Analyzed> current;  // the batch the deciding thread is going through
  size_t cursor = 0;
};

AnalyzedStream::AnalyzedStream(std::vector<std::string> inputs, ScanOptions scan,
                               unsigned threads, AnalyzeFn analyze)
    : impl_(std::make_unique<Impl>(std::move(inputs), std::move(scan), threads,
                                   std::move(analyze))) {
  impl_->Start();
}

AnalyzedStream::AnalyzedStream(std::vector<InputUnit> units, ScanOptions scan, unsigned threads,
                               AnalyzeFn analyze)
    : impl_(std::make_unique<Impl>(std::vector<std::string>{}, std::move(scan), threads,
                                   std::move(analyze))) {
  impl_->units = std::move(units);
  impl_->Start();
}

AnalyzedStream::AnalyzedStream(std::vector<std::string> stage_files)
    : AnalyzedStream(std::move(stage_files), kAnalyzedMagic) {}

AnalyzedStream::AnalyzedStream(std::vector<std::string> stage_files, std::string_view magic)
    : impl_(std::make_unique<Impl>(std::vector<std::string>{}, ScanOptions{}, 1, AnalyzeFn{})) {
  impl_->stage_files = std::move(stage_files);
  impl_->magic = magic;
  impl_->Start();
}

AnalyzedStream::~AnalyzedStream() {
  impl_->Cancel();
  impl_->Join();
}

std::optional<Analyzed> AnalyzedStream::Next() { return impl_->Next(); }

void AnalyzedStream::Cancel() { impl_->Cancel(); }

Status AnalyzedStream::Finish() {
  impl_->Join();
  return impl_->scan_status;
}

}  // namespace simshard::pipeline
