// Article extraction from HTML, one test per failure class of real pages: the wrong
// candidate winning (consent notices, comment threads, link lists, code listings), the
// article cut short, furniture leaking in, and pages whose DOM holds no article.
// The pages are made up; their shapes follow the real ones.
#include <boost/test/unit_test.hpp>

#include <string>

#include "scan/html_content.h"
#include "scan/html_extract.h"
#include "scan/text_util.h"
#include "simshard/document.h"
#include "simshard/scan.h"

using simshard::scan::ExtractHtml;

namespace {

bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// Paragraphs of a made-up story about `topic`, each long enough to count as prose.
std::string Story(const std::string& topic, int paragraphs) {
  std::string html;
  for (int i = 0; i < paragraphs; ++i) {
    html += "<p>Paragraph " + std::to_string(i + 1) + " of the " + topic +
            " story, where the council said on Tuesday that the plan, which had been debated "
            "for months, would go ahead, and residents, shop owners and the harbour board "
            "would be asked for their views before the summer.</p>\n";
  }
  return html;
}

std::string Page(const std::string& body, const std::string& head = "") {
  return "<!DOCTYPE html><html><head><title>Valley Post</title>" + head + "</head><body>" + body +
         "</body></html>";
}

std::string LinkList(const std::string& cls, int items) {
  std::string html = "<ul class=\"" + cls + "\">";
  for (int i = 0; i < items; ++i)
    html += "<li><a href=\"/s/" + std::to_string(i) + "\">Another headline number " +
            std::to_string(i) + " from the archive</a></li>";
  return html + "</ul>";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(html_extraction)

BOOST_AUTO_TEST_CASE(the_story_wins_over_menus_sidebars_and_comment_threads) {
  std::string comments = "<div id=\"comments\"><h3>42 comments</h3>";
  for (int i = 0; i < 12; ++i)
    comments += "<div class=\"comment-body\"><p>Reader " + std::to_string(i) +
                " wrote that this was the best news, and that the council, for once, had "
                "listened to the people who live by the harbour, which is rare.</p></div>";
  comments += "</div>";
  const std::string html = Page("<div id=\"menu\">" + LinkList("nav", 20) + "</div>" +
                                "<div id=\"main\"><div class=\"post\"><h1>Harbour plan</h1>" +
                                Story("harbour", 4) + "</div>" + comments + "</div>" +
                                "<div class=\"sidebar\">" + LinkList("popular", 10) + "</div>");
  const std::string text = ExtractHtml(html)->text;
  BOOST_TEST(Contains(text, "Paragraph 1 of the harbour story"));
  BOOST_TEST(Contains(text, "Paragraph 4 of the harbour story"));
  BOOST_TEST(!Contains(text, "Reader 3 wrote"));
  BOOST_TEST(!Contains(text, "Another headline number"));
}

BOOST_AUTO_TEST_CASE(a_long_cookie_notice_does_not_win_over_a_short_story) {
  std::string notice = "<div class=\"cookie-consent-dialog\">";
  for (int i = 0; i < 6; ++i)
    notice += "<p>We and our partners use cookies, web beacons and similar technologies, "
              "for example to measure audiences, personalise content and advertising, and "
              "to store information on your device, as our privacy policy explains.</p>";
  notice += "<p><a href=\"#\">Accept</a> <a href=\"#\">Read More</a></p></div>";
  const std::string html = Page(notice + "<article><h1>Ferry vote</h1>" + Story("ferry", 2) + "</article>");
  const std::string text = ExtractHtml(html)->text;
  BOOST_TEST(Contains(text, "Paragraph 2 of the ferry story"));
  BOOST_TEST(!Contains(text, "cookies"));
}

BOOST_AUTO_TEST_CASE(ad_labels_share_bars_and_related_lists_inside_the_article_go) {
  const std::string html = Page(
      "<article><h1>Bridge reopens</h1>" + Story("bridge", 2) +
      "<div class=\"ad-slot\"><p>Advertisement</p></div>"
      "<div class=\"share-tools\"><a href=\"#\">Share</a> <a href=\"#\">Tweet</a></div>" +
      Story("second bridge", 2) + "<h3>Related stories</h3>" + LinkList("related-links", 5) +
      "</article>");
  const std::string text = ExtractHtml(html)->text;
  BOOST_TEST(Contains(text, "Paragraph 2 of the bridge story"));
  BOOST_TEST(Contains(text, "Paragraph 2 of the second bridge story"));  // not cut at the ad
  BOOST_TEST(!Contains(text, "Advertisement"));
  BOOST_TEST(!Contains(text, "Tweet"));
  BOOST_TEST(!Contains(text, "Another headline number"));
}

BOOST_AUTO_TEST_CASE(headings_lists_and_quotes_inside_the_article_stay_as_paragraphs) {
  const std::string html = Page(
      "<div class=\"article-body\">" + Story("budget", 2) +
      "<h2>What changes</h2><ul><li>Bus fares fall by a tenth from June for everyone</li>"
      "<li>Parking near the quay costs more on weekends and holidays</li></ul>"
      "<blockquote><p>We listened to the harbour, and we acted on what we heard there.</p></blockquote>" +
      Story("closing", 1) + "</div>");
  const std::string text = ExtractHtml(html)->text;
  BOOST_TEST(Contains(text, "\n\nWhat changes\n\n"));
  BOOST_TEST(Contains(text, "\n\nBus fares fall by a tenth from June for everyone\n\n"));
  BOOST_TEST(Contains(text, "We listened to the harbour, and we acted on what we heard there."));
}

BOOST_AUTO_TEST_CASE(a_story_split_by_ad_containers_is_joined) {
  const std::string html = Page(
      "<div id=\"story\"><h1>Rail strike</h1><div class=\"text\">" + Story("rail", 2) +
      "</div><div class=\"inline-ad\"><iframe src=\"/ad\"></iframe></div><div class=\"text\">" +
      Story("rail again", 2) + "</div></div><div class=\"footer\">" + LinkList("links", 8) + "</div>");
  const std::string text = ExtractHtml(html)->text;
  BOOST_TEST(Contains(text, "Paragraph 1 of the rail story"));
  BOOST_TEST(Contains(text, "Paragraph 2 of the rail again story"));
}

BOOST_AUTO_TEST_CASE(a_code_listing_is_not_the_article_unless_the_page_is_code) {
  std::string listing = "<pre>";
  for (int i = 0; i < 80; ++i)
    listing += "option_" + std::to_string(i) + " = value, other, third, fourth  # setting\n";
  listing += "</pre>";
  const std::string chapter =
      "<div class=\"chapter\"><h1>Configuring the server</h1>"
      "<p>Chapter four explains, in the reader's own language, how the server is set up, "
      "which file holds its settings, and why each of them matters.</p>" + listing +
      "<p>After the file is saved, the server reads it again within a minute, and the log "
      "says which settings changed and which were refused.</p></div>";
  const std::string text = ExtractHtml(Page(chapter + "<div class=\"toc\">" + LinkList("toc", 12) + "</div>"))->text;
  BOOST_TEST(Contains(text, "Chapter four explains"));
  BOOST_TEST(Contains(text, "After the file is saved"));

  // A page that is mostly code keeps its code.
  const std::string code_page = ExtractHtml(Page("<div><p>Example:</p>" + listing + "</div>"))->text;
  BOOST_TEST(Contains(code_page, "option_79 = value"));
}

BOOST_AUTO_TEST_CASE(json_ld_article_body_fills_a_page_whose_markup_has_no_story) {
  const std::string head =
      "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@graph\":["
      "{\"@type\":\"WebPage\"},{\"@type\":\"NewsArticle\",\"headline\":\"Lighthouse sold\","
      "\"datePublished\":\"2024-05-17T10:30:00Z\",\"articleBody\":\"The old lighthouse on "
      "the point was sold at auction on Friday to a trust that plans to open it to visitors. "
      "The trust said repairs to the lamp room would start in the autumn and take two years, "
      "and that the keeper's cottage would become a small museum about the coast.\"}]}</script>";
  const auto article = *ExtractHtml(Page("<main><div id=\"app\"><p>Loading…</p></div></main>", head));
  BOOST_TEST(Contains(article.text, "The old lighthouse on the point was sold at auction"));
  BOOST_TEST(article.date == "2024-05-17T10:30:00Z");

  // A longer story in the markup wins over a short structured body (often a teaser).
  const std::string teaser_head =
      "<script type=\"application/ld+json\">{\"articleBody\":\"Paragraph 1 of the quay story, a "
      "teaser of some twenty-five words or so that the site ships for search engines and that "
      "stops well before the story ends.\"}</script>";
  const auto full = *ExtractHtml(Page("<article>" + Story("quay", 5) + "</article>", teaser_head));
  BOOST_TEST(Contains(full.text, "Paragraph 5 of the quay story"));
}

BOOST_AUTO_TEST_CASE(the_pages_own_article_body_marker_is_trusted) {
  // The story sits in a wrapper whose class says "share"; the page marks the body.
  const std::string html = Page(
      "<div class=\"promo\"><p>" + std::string(300, 'x') + " white paper, free download, "
      "read now, sign in, register, webcast.</p></div>"
      "<div class=\"share_wrapper\"><div itemprop=\"articleBody\">" + Story("museum", 3) +
      "</div></div>");
  const std::string text = ExtractHtml(html)->text;
  BOOST_TEST(Contains(text, "Paragraph 3 of the museum story"));
  BOOST_TEST(!Contains(text, "white paper"));
}

BOOST_AUTO_TEST_CASE(taxonomy_classes_do_not_make_a_post_furniture) {
  const std::string html = Page(
      "<div class=\"post hentry tag-social-media category-comments\">" + Story("social", 3) + "</div>" +
      "<div class=\"widget\">" + LinkList("recent", 6) + "</div>");
  BOOST_TEST(Contains(ExtractHtml(html)->text, "Paragraph 3 of the social story"));
}

BOOST_AUTO_TEST_CASE(a_short_post_is_not_traded_for_its_comment_form) {
  // A photo blog: the post is one line. The full rules find it, with too few words to be
  // sure of it; without class weights the comment box below it is longer and would win.
  const std::string html = Page(
      "<div id=\"content\"><div class=\"post\"><h2>Casual heroes</h2>"
      "<div class=\"postmeta\">drawings, images &mdash; Tags: heroes &mdash; admin @ 15:05</div>"
      "<div class=\"entry\"><p>Heroes drawn at their leisure, by a local illustrator.</p></div></div>"
      "<div class=\"comments-area\"><h3>Comments (0)</h3><p>No comments yet. Be the first, below.</p>"
      "<p>RSS feed for comments on this post, TrackBack URI.</p><h3>Leave a comment</h3>"
      "<form action=\"/post-comment\">"
      "<p><input type=\"text\"> <label>Name (required), shown beside your comment</label></p>"
      "<p><input type=\"text\"> <label>Mail (will not be published), required</label></p>"
      "<p><input type=\"text\"> <label>Website, if you have one</label></p><p><textarea></textarea></p>"
      "<p>You may use these HTML tags and attributes in your comment: a, b, i, em, strong, code.</p>"
      "</form></div></div>");
  const std::string text = ExtractHtml(html)->text;
  BOOST_TEST(Contains(text, "Heroes drawn at their leisure"));
  BOOST_TEST(!Contains(text, "Name (required)"));
  BOOST_TEST(!Contains(text, "No comments yet"));
}

BOOST_AUTO_TEST_CASE(the_writers_biography_goes_and_the_byline_stays) {
  const std::string bio =
      "<div class=\"about-author\"><h4>About Ann Lee</h4><p>Ann Lee has covered the harbour, "
      "the council and the ferries for twelve years. Before that she sailed, taught, and wrote "
      "two books about the coast. She lives by the quay with two cats.</p></div>";
  // A blog engine names the post's own wrapper after its writer: that is not a bio box.
  const std::string html = Page(
      "<div class=\"entry entry-author-ann_lee\"><h1>Quay works</h1>"
      "<p class=\"post-author\">By Ann Lee, harbour reporter</p>" + Story("quay works", 3) + bio +
      "</div>");
  const std::string text = ExtractHtml(html)->text;
  BOOST_TEST(Contains(text, "By Ann Lee, harbour reporter"));
  BOOST_TEST(Contains(text, "Paragraph 3 of the quay works story"));
  BOOST_TEST(!Contains(text, "has covered the harbour"));
}

BOOST_AUTO_TEST_CASE(the_posts_meta_lines_below_the_story_go_and_the_byline_stays) {
  const std::string html = Page(
      "<div class=\"post\"><h1>Ferry timetable</h1>"
      "<p class=\"entry-meta\">Posted by Tom on May 3, 2012 in Harbour</p>" + Story("timetable", 2) +
      "<p>The new times start on <span class=\"meta-place\">Monday</span>, said the board, and "
      "the old ones stay up at the quay until then.</p>"
      "<p class=\"postmetadata\">This entry was posted on Thursday, May 3rd, 2012 at 9:01 am and "
      "is filed under Harbour, Ferries.</p>"
      "<div class=\"post-tags\">Tags: ferry, timetable, quay</div></div>");
  const std::string text = ExtractHtml(html)->text;
  BOOST_TEST(Contains(text, "Posted by Tom on May 3, 2012 in Harbour"));
  BOOST_TEST(Contains(text, "Paragraph 2 of the timetable story"));
  BOOST_TEST(Contains(text, "The new times start on Monday, said the board"));  // inline: stays
  BOOST_TEST(!Contains(text, "This entry was posted"));
  BOOST_TEST(!Contains(text, "Tags: ferry"));
}

BOOST_AUTO_TEST_CASE(copyright_and_disclaimer_boxes_are_furniture) {
  const std::string html = Page(
      "<div id=\"story\">" + Story("pier", 3) +
      "<div id=\"copyright\">Valley Post is the official paper of the valley. The name, the "
      "masthead and the harbour logo are trademarks of the Valley Post company, used here with "
      "its leave.</div><div class=\"disclaimer\">The opinions above are the writer's own, and "
      "readers should seek their own advice before acting on them.</div></div>");
  const std::string text = ExtractHtml(html)->text;
  BOOST_TEST(Contains(text, "Paragraph 3 of the pier story"));
  BOOST_TEST(!Contains(text, "trademarks"));
  BOOST_TEST(!Contains(text, "seek their own advice"));
}

BOOST_AUTO_TEST_CASE(a_long_list_beside_a_short_story_does_not_win) {
  std::string books = "<div class=\"col-2\"><h3>On my shelf</h3><ul>";
  for (int i = 0; i < 14; ++i)
    books += "<li>Writer " + std::to_string(i) + ": Harbours, Ferries and Quays, a Guide (Second, Revised "
             "Edition)</li>";
  books += "</ul></div>";
  const std::string html = Page("<div class=\"col-1\"><h1>Quay talk</h1>" + Story("talk", 2) + "</div>" + books);
  const std::string text = ExtractHtml(html)->text;
  BOOST_TEST(Contains(text, "Paragraph 2 of the talk story"));
  BOOST_TEST(!Contains(text, "Writer 3: Harbours"));
}

BOOST_AUTO_TEST_CASE(a_short_post_is_not_traded_for_the_comment_thread_below_it) {
  std::string thread = "<ol class=\"commentlist\">";
  for (int i = 0; i < 8; ++i)
    thread += "<li class=\"comment\"><p>Reader " + std::to_string(i) +
              " says: congratulations, and what a lovely name, we wish you, your family and "
              "the little one many happy, quiet nights.</p></li>";
  thread += "</ol>";
  const std::string html = Page("<div id=\"main\"><div class=\"post\"><h2>My new project</h2>"
                                "<p>Max, born on Tuesday. Future harbour pilot.</p></div>" +
                                thread + "</div>");
  const std::string text = ExtractHtml(html)->text;
  BOOST_TEST(Contains(text, "Max, born on Tuesday"));
  BOOST_TEST(!Contains(text, "Reader 3 says"));

  // An opinion column ("commentary") is the story, not reader comments: the retry that
  // finds it wins over the few words the full rules found.
  const std::string column = Page("<div class=\"kicker\"><p>Opinion, by our harbour columnist, "
                                  "every Tuesday.</p></div><div class=\"commentary\">" +
                                  Story("column", 3) + "</div>");
  BOOST_TEST(Contains(ExtractHtml(column)->text, "Paragraph 3 of the column story"));
}

BOOST_AUTO_TEST_CASE(a_page_of_only_furniture_gives_little_text_not_an_error) {
  const auto ads = ExtractHtml(Page("<div><p>Advertisement</p><p>Share</p><p>Advertisement</p></div>"));
  BOOST_TEST(ads.ok());
  BOOST_TEST(simshard::scan::CountWords(ads->text, 100) < simshard::kWeakTextWords);
  const auto nothing = ExtractHtml(Page("<div><img src=\"a.png\"></div>"));
  BOOST_TEST(nothing.ok());
  BOOST_TEST(nothing->text.empty());
}

BOOST_AUTO_TEST_CASE(words_are_counted_in_scripts_with_and_without_spaces) {
  using simshard::scan::CountWords;
  BOOST_TEST(CountWords("The ferry, at 9:30, left.", 100) == 6);  // "9:30" is two
  BOOST_TEST(CountWords("Über den Fluß — schnell!", 100) == 4);
  BOOST_TEST(CountWords("渡轮今天开航。", 100) == 6);  // one word per ideograph, not the full stop
  BOOST_TEST(CountWords("one two three four", 2) == 2);
}

BOOST_AUTO_TEST_SUITE_END()

// The public text-in, text-out stage: markup, a comment thread and rule chrome go in one
// call, and the result says how much article text there was.
BOOST_AUTO_TEST_CASE(extract_article_applies_every_per_page_chrome_rule_in_one_call) {
  std::string comments;
  for (const char* who : {"Ann", "Bo", "Cy"})
    comments += std::string("<p>I agree with the council on this one.</p><p>") + who + " says:</p>";
  const std::string page = Page(
      "<div class=\"cookie-banner\"><p>This website uses cookies to improve your experience. "
      "Accept Read More</p></div><article><h1>Harbour wall</h1>" +
      Story("harbour", 3) + "<p>Advertisement</p>" + Story("harbour", 1) + "<p>Ann says:</p>" +
      comments + "</article>");
  const simshard::ArticleText article = simshard::ExtractArticle(page, /*html=*/true);
  BOOST_TEST((article.extraction == simshard::Extraction::kExtracted));
  BOOST_TEST(Contains(article.text, "Paragraph 3 of the harbour story"));
  BOOST_TEST(!Contains(article.text, "cookies"));
  BOOST_TEST(!Contains(article.text, "Advertisement"));
  BOOST_TEST(!Contains(article.text, "says:"));
  BOOST_TEST(!Contains(article.text, "I agree"));
  BOOST_TEST(article.title == "Valley Post");
}

BOOST_AUTO_TEST_CASE(extract_article_says_when_a_page_holds_no_article) {
  // Two real failure classes: a page that is only a consent notice, and one that is only
  // ad labels and a share bar, must not come out as text that other pages can repeat.
  const simshard::ArticleText consent = simshard::ExtractArticle(
      Page("<p>This website uses cookies to improve your experience. Accept Read More</p>"), true);
  BOOST_TEST((consent.extraction != simshard::Extraction::kExtracted));
  const simshard::ArticleText labels =
      simshard::ExtractArticle(Page("<p>Advertisement</p><p>Share</p><p>Advertisement</p>"), true);
  BOOST_TEST((labels.extraction != simshard::Extraction::kExtracted));
  const simshard::ArticleText nothing = simshard::ExtractArticle(Page(""), true);
  BOOST_TEST((nothing.extraction == simshard::Extraction::kEmpty));
  BOOST_TEST(nothing.text.empty());
  // A plain text page goes through the same rules.
  const simshard::ArticleText text = simshard::ExtractArticle("Share this\n\nRead more\n\nShare this", false);
  BOOST_TEST((text.extraction != simshard::Extraction::kExtracted));
}

// A short post that only a retry finds, beside a sidebar of category links: the last
// resort finds the long link list, which must not win over the post (two posts of one
// blog came out as the same categories and were merged as duplicates).
BOOST_AUTO_TEST_CASE(a_sidebar_link_list_never_wins_over_a_short_post) {
  std::string categories = "<div class=\"module-categories\"><h2>Categories</h2><ul>";
  for (int i = 0; i < 60; ++i)
    categories += "<li><a href=\"/c/" + std::to_string(i) + "\">Crafts for ages " +
                  std::to_string(i) + " and up</a></li>";
  categories += "</ul></div>";
  const std::string page = Page(
      "<div class=\"sidebar-entry\"><p>Punch paper leaves in autumn colours and keep them for "
      "cards, garlands and collages.</p></div>" + categories);
  const std::string text = simshard::scan::ExtractHtml(page)->text;
  BOOST_TEST(Contains(text, "Punch paper leaves"), text);
  BOOST_TEST(!Contains(text, "Crafts for ages 7"), text);
}
