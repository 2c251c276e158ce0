#include "scan/comment_thread.h"

#include <string_view>

#include "scan/text_util.h"
#include "util/paragraphs.h"

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
bool IsSignature(std::string_view p) {
  if (p.size() > kMaxSignatureBytes) return false;
  if (StartsWithNoCase(p, "comment #") || StartsWithNoCase(p, "comment by") ||
      StartsWithNoCase(p, "posted by") || StartsWithNoCase(p, "posted on") ||
      StartsWithNoCase(p, "posted at"))
    return HasDigit(p);
  // "Ann wrote:" also introduces quotes in articles and forum posts; "says:" on a line
  // of its own is how blog engines sign comments.
  return p.size() <= 80 && EndsWithNoCase(p, " says:");
}

// "12 Comments", "Comments (3)", "3 responses to “Title”", "Leave a Reply". A bare
// "Comments" is also a table's column or a menu item: it needs a count.
bool IsCommentHeading(std::string_view paragraph) {
  if (paragraph.size() > kMaxHeadingBytes) return false;
  char letters[kMaxHeadingBytes];  // lowercase letters and spaces only
  size_t n = 0;
  for (char c : paragraph) {
    c = AsciiLowerChar(c);
    if ((c >= 'a' && c <= 'z') || c == ' ') letters[n++] = c;
  }
  const std::string_view label = TrimAscii(std::string_view(letters, n));
  if (HasDigit(paragraph) && (label == "comments" || label == "comment" || label == "responses"))
    return true;
  for (std::string_view heading : {"reader comments", "leave a reply", "leave a comment",
                                   "post a comment", "add a comment", "add your comment",
                                   "comments are closed", "join the discussion",
                                   "join the conversation"})
    if (label == heading) return true;
  return label.starts_with("responses to ") || label.starts_with("comments on ") ||
         label.starts_with("thoughts on ") || label.starts_with("replies to ");
}

}  // namespace

void CutCommentThread(std::string* text) {
  // Most texts have neither a signature nor a heading: one cheap pass says so.
  int signatures = 0;
  bool heading = false;
  ForEachParagraph(*text, [&](size_t, std::string_view p) {
    if (p.size() <= kMaxSignatureBytes) {
      signatures += IsSignature(p);
      heading = heading || IsCommentHeading(p);
    }
    return true;
  });
  if (signatures < kMinSignatures && !heading) return;
  int words = 0;
  size_t cut = std::string::npos;
  ForEachParagraph(*text, [&](size_t offset, std::string_view p) {
    if (words >= kMinWordsBeforeComments &&
        ((signatures >= kMinSignatures && IsSignature(p)) || IsCommentHeading(p))) {
      cut = offset;
      return false;
    }
    if (words < kMinWordsBeforeComments) words += CountWords(p, kMinWordsBeforeComments);
    return true;
  });
  if (cut == std::string::npos) return;
  while (cut > 0 && IsParagraphSpace((*text)[cut - 1])) --cut;  // the blank line before it
  text->resize(cut);
}

}  // namespace simshard::scan
