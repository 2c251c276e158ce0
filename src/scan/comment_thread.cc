#include "scan/comment_thread.h"

#include <string_view>
#include <vector>

#include "scan/text_util.h"

namespace simshard::scan {
namespace {

constexpr size_t kMaxSignatureBytes = 150;
constexpr size_t kMaxHeadingBytes = 60;
constexpr int kMinSignatures = 3;  // the article's own, then two comments

bool HasDigit(std::string_view s) {
  for (char c : s)
    if (c >= '0' && c <= '9') return true;
  return false;
}

// "Posted by: Ann at May 3, 2012 9:01 AM", "Posted on May 3, 2012 | Permalink",
// "Comment #4 - Posted by: Drew at ...", "Ann says:".
bool IsSignature(std::string_view paragraph) {
  if (paragraph.size() > kMaxSignatureBytes) return false;
  const std::string p = AsciiLower(paragraph);
  std::string_view rest = p;
  if (rest.starts_with("comment #") || rest.starts_with("comment by")) return HasDigit(rest);
  if (rest.starts_with("posted by") || rest.starts_with("posted on") || rest.starts_with("posted at"))
    return HasDigit(rest);
  // "Ann wrote:" also introduces quotes in articles and forum posts; "says:" on a line
  // of its own is how blog engines sign comments.
  return rest.size() <= 80 && rest.ends_with(" says:");
}

// "12 Comments", "Comments (3)", "3 responses to “Title”", "Leave a Reply". A bare
// "Comments" is also a table's column or a menu item: it needs a count.
bool IsCommentHeading(std::string_view paragraph) {
  if (paragraph.size() > kMaxHeadingBytes) return false;
  const bool counted = HasDigit(paragraph);
  std::string p;
  for (char c : AsciiLower(paragraph))
    if ((c >= 'a' && c <= 'z') || c == ' ') p.push_back(c);
  const std::string_view label = TrimAscii(p);
  if (counted && (label == "comments" || label == "comment" || label == "responses"))
    return true;
  for (std::string_view heading : {"reader comments", "leave a reply", "leave a comment", "post a comment",
                                   "add a comment", "add your comment", "comments are closed",
                                   "join the discussion", "join the conversation"})
    if (label == heading) return true;
  return label.starts_with("responses to ") || label.starts_with("comments on ") ||
         label.starts_with("thoughts on ") || label.starts_with("replies to ");
}

}  // namespace

void CutCommentThread(std::string* text) {
  std::vector<size_t> starts;  // byte offset of each paragraph
  std::vector<std::string_view> paragraphs;
  const std::string_view all = *text;
  for (size_t pos = 0; pos <= all.size();) {
    size_t end = all.find("\n\n", pos);
    if (end == std::string_view::npos) end = all.size();
    starts.push_back(pos);
    paragraphs.push_back(all.substr(pos, end - pos));
    pos = end + 2;
  }
  int signatures = 0;
  for (std::string_view p : paragraphs) signatures += IsSignature(p);
  int words = 0;
  for (size_t i = 0; i < paragraphs.size(); ++i) {
    const bool cut = words >= kMinWordsBeforeComments &&
                     ((signatures >= kMinSignatures && IsSignature(paragraphs[i])) ||
                      IsCommentHeading(paragraphs[i]));
    if (cut) {
      text->resize(starts[i] >= 2 ? starts[i] - 2 : 0);
      return;
    }
    words += CountWords(paragraphs[i], kMinWordsBeforeComments);
  }
}

}  // namespace simshard::scan
