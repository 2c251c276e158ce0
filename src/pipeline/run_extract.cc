// `simshard extract`: the scan and extraction of a run, and nothing after it. The
// documents come back in input order from the same parallel front half as archive's, so
// the output does not depend on the number of threads.
#include <chrono>
#include <optional>

#include "pipeline/analyze.h"
#include "pipeline/extract_output.h"
#include "pipeline/run_loop.h"
#include "simshard/pipeline.h"

namespace simshard {

namespace {

using pipeline::Analyzed;
using Clock = std::chrono::steady_clock;

// Extract() only: no fold, no fingerprint. The original bytes are dropped here on the
// worker, as nothing reads them: the reorder window then holds texts, not whole pages.
Analyzed ExtractOnly(RawItem&& item, const ScanOptions& scan) {
  Analyzed a;
  a.doc = Extract(std::move(item), scan);
  std::string().swap(a.doc.original);
  return a;
}

void Count(const Document& doc, const ExtractOptions& options, ExtractSummary* summary) {
  ++summary->documents;
  summary->bytes_in += doc.input_bytes;
  if (doc.skipped()) {
    ++summary->skipped;
    ++summary->skipped_by_reason[doc.skip_reason];
    if (options.on_skipped) options.on_skipped(doc.source, doc.skip_reason);
    return;
  }
  switch (doc.extraction) {
    case Extraction::kExtracted: ++summary->extracted; break;
    case Extraction::kWeak: ++summary->weak; break;
    case Extraction::kEmpty: ++summary->empty; break;
  }
}

// Every document, in input order, to `output`; stops at the first write error.
Status WriteAll(pipeline::AnalyzedStream* stream, const ExtractOptions& options,
                pipeline::ExtractOutput* output, ExtractSummary* summary) {
  while (std::optional<Analyzed> a = stream->Next()) {
    Count(a->doc, options, summary);
    SIMSHARD_RETURN_IF_ERROR(output->Write(a->doc));
  }
  return Status::OK();
}

}  // namespace

Result<ExtractSummary> RunExtract(const ExtractOptions& options, std::FILE* out) {
  const auto start = Clock::now();
  SIMSHARD_RETURN_IF_ERROR(CheckBounds<int64_t>("threads", options.threads, kThreadsBounds));
  SIMSHARD_RETURN_IF_ERROR(CheckScanOptions(options.scan));
  SIMSHARD_RETURN_IF_ERROR(pipeline::CheckInputsExist(options.inputs));
  if (!options.output_path.empty()) {
    SIMSHARD_RETURN_IF_ERROR(pipeline::CheckOutsideInputs(
        options.inputs, "output", options.output_path, "the run would read its own output"));
  }
  // Opened before anything is read, so a bad output path fails at once.
  pipeline::ExtractOutput output;
  SIMSHARD_RETURN_IF_ERROR(output.Open(options.output_path, out));
  pipeline::AnalyzedStream stream(options.inputs, options.scan, options.threads, ExtractOnly);
  ExtractSummary summary;
  const Status written = WriteAll(&stream, options, &output, &summary);
  if (!written.ok()) {
    stream.Cancel();
    stream.Finish();
    return written;
  }
  SIMSHARD_RETURN_IF_ERROR(stream.Finish());
  SIMSHARD_RETURN_IF_ERROR(output.Commit());
  summary.elapsed_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return summary;
}

}  // namespace simshard
