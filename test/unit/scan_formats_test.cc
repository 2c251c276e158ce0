// Formats the scanner reads: plain text, HTML, JSON Lines, folders, compression.
#include <boost/test/unit_test.hpp>

#include "scan/html_extract.h"
#include "scan_fixture.h"

using namespace simshard;
using simshard::testing::Contains;
using simshard::testing::Gzip;
using simshard::testing::ScanAll;
using simshard::testing::ScratchDir;
using simshard::testing::Zstd;

namespace {

const char* kStoryHtml = R"(<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>Otter pups return | Valley Post</title>
<meta property="og:title" content="Otter pups return to the Marrow">
<meta property="article:published_time" content="2024-03-02T09:00:00Z">
<link rel="canonical" href="https://valley.example/otters">
<script>var menuText = "SCRIPT TEXT";</script><style>p { color: red }</style>
</head><body>
<header><nav><a href="/">Home</a> <a href="/news">NAVMENU</a></nav></header>
<div class="cookie-banner"><p>We use cookies. COOKIEBANNER</p></div>
<article>
<h1>Otter pups return to the Marrow</h1>
<p>Two otter pups were seen on the river Marrow this week &amp; volunteers say it is the first breeding pair in &quot;forty&quot; years.</p>
<p>The sighting near the old mill was confirmed by the county wildlife trust.</p>
<ul class="links"><li><a href="/a">Related one</a></li><li><a href="/b">Related two</a></li></ul>
</article>
<aside>SIDEBAR TEXT</aside>
<form><input name="q"> FORMTEXT</form>
<footer><p>FOOTERTEXT (c) Valley Post</p></footer>
</body></html>)";

}  // namespace

BOOST_AUTO_TEST_CASE(plain_text_file_becomes_paragraphs_with_title_and_site) {
  ScratchDir dir;
  dir.Write("crawl/site/story.txt",
            "Harbour bridge reopens\n\nThe bridge reopened on Monday\nafter six months.\n\n"
            "Traffic   was light.\n");
  const auto docs = ScanAll({dir.Path("crawl")});
  BOOST_REQUIRE_EQUAL(docs.size(), 1u);
  const Document& d = docs[0];
  BOOST_TEST(d.source == dir.Path("crawl") + "/site/story.txt");
  BOOST_TEST(d.text ==
             "Harbour bridge reopens\n\nThe bridge reopened on Monday after six months.\n\n"
             "Traffic was light.");
  BOOST_TEST(d.title == "Harbour bridge reopens");
  BOOST_TEST(d.site == dir.Path("crawl") + "/site");
  BOOST_TEST((d.kind == OriginalKind::kText));
  BOOST_TEST(d.original == "Harbour bridge reopens\n\nThe bridge reopened on Monday\nafter six months.\n\n"
                           "Traffic   was light.\n");
  BOOST_TEST(d.input_bytes == d.original.size());
}

BOOST_AUTO_TEST_CASE(text_without_blank_lines_keeps_each_line_a_paragraph) {
  ScratchDir dir;
  const auto docs = ScanAll({dir.Write("a.txt", "First line here.\nSecond line here.\n")});
  BOOST_REQUIRE_EQUAL(docs.size(), 1u);
  BOOST_TEST(docs[0].text == "First line here.\n\nSecond line here.");
}

BOOST_AUTO_TEST_CASE(hard_wrapped_text_is_joined_into_paragraphs) {
  ScratchDir dir;
  const std::string text =
      "Ferry strike called off\n"
      "By Gazette staff | 16 May 2024\n"
      "Crews at Port Avery voted on Thursday to call off the strike planned for\n"
      "next week, after the operator agreed to drop the new rotas it had\n"
      "announced in March.\n"
      "The union said talks about pay would go on over the summer and that it\n"
      "hoped for an agreement before the autumn timetable starts in September.\n"
      "- Harbour master warns of low tides\n"
      "- School choir reaches the final\n";
  const auto docs = ScanAll({dir.Write("wrapped.txt", text)});
  BOOST_REQUIRE_EQUAL(docs.size(), 1u);
  BOOST_TEST(docs[0].text ==
             "Ferry strike called off\n\nBy Gazette staff | 16 May 2024\n\n"
             "Crews at Port Avery voted on Thursday to call off the strike planned for next week, "
             "after the operator agreed to drop the new rotas it had announced in March.\n\n"
             "The union said talks about pay would go on over the summer and that it hoped for an "
             "agreement before the autumn timetable starts in September.\n\n"
             "- Harbour master warns of low tides\n\n- School choir reaches the final");
  BOOST_TEST(docs[0].title == "Ferry strike called off");
}

BOOST_AUTO_TEST_CASE(html_keeps_article_and_drops_page_furniture) {
  ScratchDir dir;
  const auto docs = ScanAll({dir.Write("otters.html", kStoryHtml)});
  BOOST_REQUIRE_EQUAL(docs.size(), 1u);
  const Document& d = docs[0];
  BOOST_TEST(!d.skipped());
  BOOST_TEST(Contains(d.text, "Two otter pups were seen on the river Marrow this week & volunteers "
                              "say it is the first breeding pair in \"forty\" years."));
  BOOST_TEST(Contains(d.text, "\n\nThe sighting near the old mill"));
  for (const char* chrome : {"SCRIPT TEXT", "NAVMENU", "COOKIEBANNER", "SIDEBAR", "FORMTEXT",
                             "FOOTERTEXT", "Related one", "color: red"})
    BOOST_TEST(!Contains(d.text, chrome), chrome);
  BOOST_TEST(d.title == "Otter pups return to the Marrow");
  BOOST_TEST(d.url == "https://valley.example/otters");
  BOOST_TEST(d.date == "2024-03-02T09:00:00Z");
  BOOST_TEST(d.site == "valley.example");
  BOOST_TEST((d.kind == OriginalKind::kHtml));
  BOOST_TEST(d.original == kStoryHtml);
}

BOOST_AUTO_TEST_CASE(html_metadata_falls_back_to_title_h1_time_and_meta_date) {
  ScratchDir dir;
  const auto docs = ScanAll(
      {dir.Write("a.html", "<html><head><title>Only title</title></head><body><main><p>Body text "
                           "of the page, long enough.</p><time datetime=\"2023-01-05\">5 Jan</time>"
                           "</main></body></html>"),
       dir.Write("b.html", "<html><head><meta name=\"date\" content=\"2022-07-01\"></head><body>"
                           "<h1>Heading one</h1><p>Some words of body.</p></body></html>")});
  BOOST_REQUIRE_EQUAL(docs.size(), 2u);
  BOOST_TEST(docs[0].title == "Only title");
  BOOST_TEST(docs[0].date == "2023-01-05");
  BOOST_TEST(docs[1].title == "Heading one");
  BOOST_TEST(docs[1].date == "2022-07-01");
  BOOST_TEST(docs[1].url.empty());
}

BOOST_AUTO_TEST_CASE(html_without_article_uses_the_densest_block) {
  std::string page = "<html><body><div class=\"top\">";
  for (int i = 0; i < 12; ++i) page += "<a href=\"/s" + std::to_string(i) + "\">Section " + std::to_string(i) + "</a> ";
  page += "</div><div id=\"story\">";
  for (int i = 0; i < 4; ++i)
    page += "<p>Paragraph " + std::to_string(i) + " of the story tells what happened at the harbour "
            "when the storm came in overnight and the boats broke loose.</p>";
  page += "</div><div class=\"bottom\"><p>Short bottom note.</p></div></body></html>";
  ScratchDir dir;
  const auto docs = ScanAll({dir.Write("p.htm", page)});
  BOOST_REQUIRE_EQUAL(docs.size(), 1u);
  BOOST_TEST(Contains(docs[0].text, "Paragraph 0 of the story"));
  BOOST_TEST(Contains(docs[0].text, "Paragraph 3 of the story"));
  BOOST_TEST(!Contains(docs[0].text, "Section 5"));
  BOOST_TEST(!Contains(docs[0].text, "Short bottom note"));
}

BOOST_AUTO_TEST_CASE(json_lines_records_fields_and_line_sources) {
  ScratchDir dir;
  const std::string path = dir.Write(
      "feed.jsonl",
      "{\"url\":\"https://news.example/a\",\"title\":\"A\",\"text\":\"Alpha story.\",\"date\":\"2024-01-01\"}\n"
      "\n"
      "{\"link\":\"https://news.example/b\",\"headline\":\"B\",\"content\":\"Beta story.\",\"published\":\"2024-01-02\"}\n"
      "{\"url\":\"https://news.example/c\", broken json\n"
      "{\"canonical_url\":\"https://news.example/d\",\"html\":\"<p>Delta <b>story</b>.</p><script>x()</script>\"}\n"
      "{\"url\":\"https://news.example/e\",\"title\":\"no text field\"}\n"
      "{\"maintext\":\"Epsilon story.\",\"date_publish\":\"2024-01-05\"}");
  const auto docs = ScanAll({path});
  BOOST_REQUIRE_EQUAL(docs.size(), 6u);
  BOOST_TEST(docs[0].source == path + "#1");
  BOOST_TEST(docs[0].url == "https://news.example/a");
  BOOST_TEST(docs[0].title == "A");
  BOOST_TEST(docs[0].text == "Alpha story.");
  BOOST_TEST(docs[0].date == "2024-01-01");
  BOOST_TEST((docs[0].kind == OriginalKind::kJsonRecord));
  BOOST_TEST(docs[0].original.starts_with("{\"url\":\"https://news.example/a\""));
  BOOST_TEST(docs[1].source == path + "#3");
  BOOST_TEST(docs[1].url == "https://news.example/b");
  BOOST_TEST(docs[1].title == "B");
  BOOST_TEST(docs[1].text == "Beta story.");
  BOOST_TEST(docs[1].date == "2024-01-02");
  BOOST_TEST(docs[2].source == path + "#4");
  BOOST_TEST(docs[2].skipped());
  BOOST_TEST(Contains(docs[2].skip_reason, "invalid JSON"));
  BOOST_TEST(docs[3].text == "Delta story.");
  BOOST_TEST(docs[3].url == "https://news.example/d");
  BOOST_TEST(docs[4].skip_reason == "no text field in JSON record");
  BOOST_TEST(docs[5].text == "Epsilon story.");
  BOOST_TEST(docs[5].date == "2024-01-05");
  BOOST_TEST(docs[5].site == dir.Path());
  uint64_t bytes = 0;
  for (const Document& d : docs) bytes += d.input_bytes;
  BOOST_TEST(bytes == boost::filesystem::file_size(path));
}

BOOST_AUTO_TEST_CASE(json_field_names_can_be_overridden) {
  ScratchDir dir;
  ScanOptions options;
  options.json_fields.text = {"article_body"};
  options.json_fields.url = {"permalink"};
  const auto docs = ScanAll({dir.Write("x.ndjson", "{\"permalink\":\"https://e.example/1\","
                                                    "\"text\":\"ignored\",\"article_body\":\"Used.\"}\n")},
                            options);
  BOOST_REQUIRE_EQUAL(docs.size(), 1u);
  BOOST_TEST(docs[0].text == "Used.");
  BOOST_TEST(docs[0].url == "https://e.example/1");
}

BOOST_AUTO_TEST_CASE(directories_walk_recursively_in_sorted_order) {
  ScratchDir dir;
  dir.Write("in/b.txt", "B text.");
  dir.Write("in/a/z.txt", "AZ text.");
  dir.Write("in/a/c.txt", "AC text.");
  dir.Write("in/C.txt", "Upper C text.");
  dir.Write("one.txt", "One text.");
  const auto docs = ScanAll({dir.Path("one.txt"), dir.Path("in") + "/"});
  std::vector<std::string> sources;
  for (const Document& d : docs) sources.push_back(d.source);
  const std::string in = dir.Path("in") + "/";
  const std::vector<std::string> expected = {dir.Path("one.txt"), in + "C.txt", in + "a/c.txt",
                                             in + "a/z.txt", in + "b.txt"};
  BOOST_TEST(sources == expected, boost::test_tools::per_element());
  for (size_t i = 0; i < docs.size(); ++i) BOOST_TEST(docs[i].seq == i);
}

BOOST_AUTO_TEST_CASE(formats_are_detected_by_content_not_name_alone) {
  ScratchDir dir;
  const auto docs = ScanAll({dir.Write("page.txt", "<!DOCTYPE html><html><body><p>Really HTML.</p></body></html>"),
                             dir.Write("noext", "Just words without an extension."),
                             dir.Write("feed.txt", "{\"text\":\"A record.\"}\n{\"text\":\"Another.\"}\n"),
                             dir.Write("photo.html", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)),
                             dir.Write("pretty.json", "[\n  {\"text\": \"a\"},\n  {\"text\": \"b\"}\n]\n")});
  BOOST_REQUIRE_EQUAL(docs.size(), 6u);
  BOOST_TEST(docs[0].text == "Really HTML.");
  BOOST_TEST((docs[0].kind == OriginalKind::kHtml));
  BOOST_TEST(docs[1].text == "Just words without an extension.");
  BOOST_TEST(docs[2].text == "A record.");
  BOOST_TEST(docs[3].text == "Another.");
  BOOST_TEST(docs[4].skip_reason == "binary content");
  BOOST_TEST(docs[5].skip_reason == "JSON that is not one object per line (JSON Lines)");
}

BOOST_AUTO_TEST_CASE(gzip_and_zstd_inputs_are_streamed_and_named_by_inner_format) {
  ScratchDir dir;
  const std::string html = "<html><body><article><p>Compressed page.</p></article></body></html>";
  const auto docs = ScanAll({dir.Write("a.html.gz", Gzip(html)),
                             dir.Write("b.jsonl.zst", Zstd("{\"text\":\"Z one.\"}\n{\"text\":\"Z two.\"}\n")),
                             dir.Write("c.txt.zst", Zstd(Gzip("Two layers of compression."))),
                             dir.Write("d.txt.gz", Gzip("Plain gz text."))});
  BOOST_REQUIRE_EQUAL(docs.size(), 5u);
  BOOST_TEST(docs[0].text == "Compressed page.");
  BOOST_TEST(docs[0].original == html);
  BOOST_TEST(docs[1].text == "Z one.");
  BOOST_TEST(docs[1].source == dir.Path("b.jsonl.zst") + "#1");
  BOOST_TEST(docs[2].text == "Z two.");
  BOOST_TEST(docs[3].text == "Two layers of compression.");
  BOOST_TEST(docs[4].text == "Plain gz text.");
}

BOOST_AUTO_TEST_CASE(missing_input_is_an_error_before_anything_is_scanned) {
  ScratchDir dir;
  dir.Write("ok.txt", "fine");
  int items = 0;
  const Status st = Scanner().Scan({dir.Path("ok.txt"), dir.Path("missing.txt")},
                                   [&](RawItem&&) { return ++items, true; });
  BOOST_TEST(!st.ok());
  BOOST_TEST(Contains(st.message(), "missing.txt"));
  BOOST_TEST(items == 0);
}

BOOST_AUTO_TEST_CASE(scan_stops_when_the_sink_says_so) {
  ScratchDir dir;
  dir.Write("d/1.txt", "one");
  dir.Write("d/2.txt", "two");
  dir.Write("d/3.txt", "three");
  int items = 0;
  const Status st = Scanner().Scan({dir.Path("d")}, [&](RawItem&&) { return ++items < 2; });
  BOOST_TEST(st.ok());
  BOOST_TEST(items == 2);
}

BOOST_AUTO_TEST_CASE(scripts_styles_and_comments_are_cut_before_parsing) {
  using simshard::scan::WithoutScriptsAndComments;
  BOOST_TEST(WithoutScriptsAndComments("<p>a</p><SCRIPT type=x>if (a < b) { s = '</div>'; }</script ><p>b</p>") ==
             "<p>a</p><SCRIPT type=x></script ><p>b</p>");
  BOOST_TEST(WithoutScriptsAndComments("<style>p{}</style><!-- <script> --><p>c</p><scripts>d</scripts>") ==
             "<style></style><p>c</p><scripts>d</scripts>");
  BOOST_TEST(WithoutScriptsAndComments("<p>x</p><script>never closed") == "<p>x</p><script>");
  BOOST_TEST(WithoutScriptsAndComments("<p>x<!-- never closed") == "<p>x");
}
