// Cutting reader comments off the end of an article's text.
#include <boost/test/unit_test.hpp>

#include <string>

#include "scan/comment_thread.h"

using simshard::scan::CutCommentThread;

namespace {

const std::string kArticle =
    "The council voted on Tuesday to rebuild the harbour wall before the winter storms, "
    "after engineers warned that the old stones could give way in a single high tide.\n\n"
    "Work starts in June and will close the quay to cars for three months, the council "
    "said, while boats can still land at the north pier during the whole of the works.";

std::string Cut(std::string text) {
  CutCommentThread(&text);
  return text;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(comment_thread)

BOOST_AUTO_TEST_CASE(signed_comments_after_the_articles_own_signature_go) {
  const std::string page = kArticle + "\n\nPosted by Laurie at September 10, 2012 9:01 AM\n\n"
                           "Great news, finally!\n\nPosted by: Ellen at September 10, 2012 11:40 AM\n\n"
                           "About time.\n\nPosted by: Toni at September 10, 2012 12:11 PM";
  BOOST_TEST(Cut(page) == kArticle);
}

BOOST_AUTO_TEST_CASE(a_counted_comment_heading_ends_the_article) {
  BOOST_TEST(Cut(kArticle + "\n\n12 Comments\n\nAnn says:\n\nLovely.") == kArticle);
  BOOST_TEST(Cut(kArticle + "\n\nLeave a Reply\n\nYour email address will not be published.") == kArticle);
  BOOST_TEST(Cut(kArticle + "\n\n3 Responses to “Harbour wall”\n\nBob says:\n\nGood.") == kArticle);
}

BOOST_AUTO_TEST_CASE(what_only_looks_like_comments_stays) {
  // A bare "Comments" is a table column or a menu entry; one signature is a byline;
  // "wrote:" introduces quotes; and nothing is cut before the article has begun.
  const std::string table = kArticle + "\n\nComment\n\nscheduled timestamp of the task";
  BOOST_TEST(Cut(table) == table);
  const std::string byline = kArticle + "\n\nPosted by Laurie at September 10, 2012 9:01 AM";
  BOOST_TEST(Cut(byline) == byline);
  const std::string quotes = kArticle + "\n\nAnn wrote:\n\nA\n\nBob wrote:\n\nB\n\nCy wrote:\n\nC";
  BOOST_TEST(Cut(quotes) == quotes);
  const std::string early = "12 Comments\n\n" + kArticle;
  BOOST_TEST(Cut(early) == early);
}

BOOST_AUTO_TEST_SUITE_END()
