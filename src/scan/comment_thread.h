// Reader comments below an article: blog engines print them as plain paragraphs in the
// article's own container, each closed by a signature ("Posted by: Ann at May 3, 2012
// 9:01 AM", "Ann says:"), under a heading ("12 Comments", "Leave a Reply"). The article
// ends where they start. See doc/INPUTS.md.
#pragma once

#include <string>

namespace simshard::scan {

// Words of article text that must come before a comment section for it to be cut: a
// page that opens with what looks like comments is left alone.
inline constexpr int kMinWordsBeforeComments = 60;

// Cuts `text` (paragraphs separated by "\n\n") where its comment thread starts: at a
// comment heading, or at the first of three or more signatures. Leaves it as it is when
// neither is found after kMinWordsBeforeComments words.
void CutCommentThread(std::string* text);

}  // namespace simshard::scan
