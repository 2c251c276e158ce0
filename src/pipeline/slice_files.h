// Records of a later stage kept per slice of the input, as the analyse tasks cut it: the
// record of a document goes to the file of the slice the document came from.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/stage_file.h"
#include "simshard/status.h"

namespace simshard::pipeline {

// One past each slice's last document, counted over the files (in order) that hold every
// document of their slice: what PerSliceFiles cuts by.
Result<std::vector<uint64_t>> SliceEnds(const std::vector<std::string>& slice_files);

class PerSliceFiles {
 public:
  PerSliceFiles(std::function<std::string(unsigned slice)> path_of, std::string_view magic,
                std::vector<uint64_t> slice_ends)
      : path_of_(std::move(path_of)), magic_(magic), ends_(std::move(slice_ends)) {}

  // The writer of the slice document `seq` (its place in the whole input) belongs to, and
  // its place within the slice. Documents come in input order; the slices before it are
  // finished, empty ones too.
  Result<StageWriter*> For(uint64_t seq, uint64_t* index);
  // Finishes every slice still open or not begun.
  Status Finish();

 private:
  Status OpenSlice();
  Status FinishSlice();

  std::function<std::string(unsigned)> path_of_;
  std::string_view magic_;
  std::vector<uint64_t> ends_;
  size_t slice_ = 0;
  std::unique_ptr<StageWriter> writer_;
};

}  // namespace simshard::pipeline
