// Scanning + extraction throughput on one core, for plain text, HTML, WARC and JSON Lines
// inputs made from ../shared/corpora/bbc-news-2004-2005.tar.zst, plus folding speed and
// what the chrome rules remove.
//
//   scan_throughput [CORPUS.tar.zst]
//
// Without the corpus (default: ../shared/corpora/... from the working directory or the
// project root above the build folder) it prints a message and exits 0.
#include <zlib.h>

#include <algorithm>
#include <boost/filesystem.hpp>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "scan/charset.h"
#include "scan/chrome_rules.h"
#include "scan/text_util.h"
#include "simshard/normalize.h"
#include "util/paragraphs.h"
#include "simshard/scan.h"

namespace fs = boost::filesystem;

// CPU time of this thread: "MB/s on one core" that other processes on the machine
// disturb less than wall time would.
double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

namespace {

constexpr int kRuns = 3;
constexpr int kCopies = 4;  // the corpus is small; repeat it for steadier timings

std::string FindCorpus(int argc, char** argv) {
  if (argc > 1) return argv[1];
  const std::string rel = "shared/corpora/bbc-news-2004-2005.tar.zst";
  const fs::path exe_dir = fs::absolute(fs::path(argv[0])).parent_path();
  for (const fs::path& p : {fs::path("..") / rel, exe_dir / "../../.." / rel, exe_dir / "../.." / rel})
    if (fs::exists(p)) return p.string();
  return {};
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p.string(), std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p.string(), std::ios::binary).write(bytes.data(), bytes.size());
}

std::string Gzip(const std::string& data) {
  uLongf size = compressBound(data.size()) + 32;
  std::string out(size, '\0');
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = data.size();
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = out.size();
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string HtmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

// A BBC article as a news page: headline, paragraphs, and typical chrome around them.
std::string AsHtml(const std::string& text, const std::string& url) {
  const auto paras = simshard::SplitParagraphs(text);
  const std::string title = paras.empty() ? "" : HtmlEscape(std::string(paras[0]));
  std::string page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title +
                     " | Example News</title><link rel=\"canonical\" href=\"" + url + "\">"
                     "<meta property=\"article:published_time\" content=\"2005-03-01T10:00:00Z\">"
                     "<script>window.analytics = {page: 'article', id: 1234};</script>"
                     "<style>body{font-family:serif}.nav a{margin:4px}</style></head><body>"
                     "<header><nav class=\"nav\"><a href=\"/\">Home</a><a href=\"/business\">Business</a>"
                     "<a href=\"/politics\">Politics</a><a href=\"/sport\">Sport</a><a href=\"/tech\">Tech</a>"
                     "</nav></header><div class=\"cookie-notice\"><p>We use cookies to improve this site."
                     "</p><button>Accept</button></div><main><article><h1>" + title + "</h1>";
  for (size_t i = 1; i < paras.size(); ++i) page += "<p>" + HtmlEscape(std::string(paras[i])) + "</p>\n";
  page += "</article><aside><h2>Related</h2><ul><li><a href=\"/a\">Another story</a></li>"
          "<li><a href=\"/b\">Yet another story</a></li></ul></aside></main><footer><p>About | "
          "Contact | Privacy</p><p>&copy; Example News</p></footer></body></html>\n";
  return page;
}

std::string WarcResponse(const std::string& url, const std::string& html) {
  const std::string http = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " +
                           std::to_string(html.size()) + "\r\n\r\n" + html;
  return "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: " + url +
         "\r\nWARC-Date: 2005-03-01T10:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
         "Content-Length: " + std::to_string(http.size()) + "\r\n\r\n" + http + "\r\n\r\n";
}

void AppendJsonString(std::string* out, const std::string& s) {
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') { out->push_back('\\'); out->push_back(c); }
    else if (c == '\n') out->append("\\n");
    else if (static_cast<unsigned char>(c) < 0x20) out->push_back(' ');
    else out->push_back(c);
  }
  out->push_back('"');
}

struct Inputs {
  fs::path text_dir, html_dir, warc_gz, jsonl;
  std::vector<std::string> articles;  // the BBC texts as read
};

Inputs Build(const fs::path& unpacked, const fs::path& work) {
  Inputs in{work / "text", work / "html", work / "crawl.warc.gz", work / "feed.jsonl", {}};
  std::vector<fs::path> files;
  for (fs::recursive_directory_iterator it(unpacked / "bbc"), end; it != end; ++it)
    if (it->path().extension() == ".txt" && it->path().filename() != "README.TXT") files.push_back(it->path());
  std::sort(files.begin(), files.end());
  std::ofstream warc(in.warc_gz.string(), std::ios::binary), jsonl(in.jsonl.string(), std::ios::binary);
  for (int copy = 0; copy < kCopies; ++copy) {
    for (const fs::path& f : files) {
      const std::string text = ReadFile(f);
      if (copy == 0) in.articles.push_back(text);
      const std::string rel = std::to_string(copy) + "/" + f.parent_path().filename().string() + "/" +
                              f.stem().string();
      const std::string url = "https://news.example/" + rel + ".html";
      const std::string html = AsHtml(text, url);
      WriteFile(in.text_dir / (rel + ".txt"), text);
      WriteFile(in.html_dir / (rel + ".html"), html);
      const std::string record = Gzip(WarcResponse(url, html));
      warc.write(record.data(), record.size());
      std::string line = "{\"url\":";
      AppendJsonString(&line, url);
      line += ",\"text\":";
      AppendJsonString(&line, text);
      line += "}\n";
      jsonl.write(line.data(), line.size());
    }
  }
  return in;
}

// Best of kRuns: scan + extract of `input` on this thread.
void Measure(const std::string& label, const fs::path& input) {
  double best = 1e30;
  uint64_t bytes = 0, docs = 0, skipped = 0;
  for (int run = 0; run < kRuns; ++run) {
    bytes = docs = skipped = 0;
    const simshard::ScanOptions options;
    const double start = CpuSeconds();
    simshard::Scanner(options).Scan({input.string()}, [&](simshard::RawItem&& item) {
      bytes += item.bytes.size();
      const simshard::Document d = simshard::Extract(std::move(item), options);
      ++docs;
      skipped += d.skipped();
      return true;
    });
    best = std::min(best, CpuSeconds() - start);
  }
  std::printf("%-28s %8.1f MB/s  (%.1f MB of payload, %llu docs, %llu skipped, %.3f s CPU)\n", label.c_str(),
              bytes / 1e6 / best, bytes / 1e6, static_cast<unsigned long long>(docs),
              static_cast<unsigned long long>(skipped), best);
}

void MeasureFold(const std::vector<std::string>& texts) {
  uint64_t bytes = 0;
  for (const auto& t : texts) bytes += t.size();
  for (bool icu_only : {false, true}) {
    double best = 1e30;
    size_t sink = 0;
    for (int run = 0; run < kRuns; ++run) {
      const double start = CpuSeconds();
      for (const auto& t : texts)
        sink += (icu_only ? simshard::FoldForFingerprintIcuOnly(t) : simshard::FoldForFingerprint(t)).size();
      best = std::min(best, CpuSeconds() - start);
    }
    std::printf("%-28s %8.1f MB/s  (%.1f MB, folded %zu bytes per run)\n",
                icu_only ? "fold, ICU path only" : "fold, with ASCII fast path", bytes / 1e6 / best,
                bytes / 1e6, sink / kRuns);
  }
}

// ParagraphKey over every paragraph, as the pipeline computes it for the chrome model.
void MeasureParagraphKeys(const std::vector<std::string>& texts) {
  uint64_t bytes = 0, sink = 0;
  double best = 1e30;
  for (int run = 0; run < kRuns; ++run) {
    bytes = 0;
    const double start = CpuSeconds();
    for (const auto& t : texts) {
      for (std::string_view p : simshard::SplitParagraphs(t)) {
        sink += simshard::ParagraphKey(p);
        bytes += p.size();
      }
    }
    best = std::min(best, CpuSeconds() - start);
  }
  std::printf("%-28s %8.1f MB/s  (%.1f MB, checksum %llu)\n", "paragraph keys", bytes / 1e6 / best,
              bytes / 1e6, static_cast<unsigned long long>(sink % 1000));
}

// What the chrome rules take out of clean article text (ideally nothing).
void MeasureRules(const std::vector<std::string>& texts) {
  simshard::scan::ChromeRuleStats stats;
  uint64_t paragraphs = 0, bytes = 0, pages_touched = 0;
  for (const auto& t : texts) {
    const size_t before = stats.paragraphs_removed;
    simshard::scan::RemoveRuleChrome(t, &stats);
    paragraphs += simshard::SplitParagraphs(t).size();
    bytes += t.size();
    pages_touched += stats.paragraphs_removed > before;
  }
  std::printf("chrome rules on clean BBC text: %zu of %llu paragraphs removed (%zu of %llu bytes), "
              "%llu of %zu articles touched\n", stats.paragraphs_removed,
              static_cast<unsigned long long>(paragraphs), stats.bytes_removed,
              static_cast<unsigned long long>(bytes), static_cast<unsigned long long>(pages_touched),
              texts.size());
}

// Plain-text page chrome as scrapers save it, in three house styles, around a story.
struct TextChrome {
  std::vector<std::string> before, after;
};

const std::vector<TextChrome>& TextChromeStyles() {
  static const std::vector<TextChrome> kStyles = {
      {{"Skip to main content", "Home  News  Sport  Business  Tech  Opinion",
        "We use cookies to give you the best experience on our website. By continuing you agree "
        "to our use of cookies. Accept all | Manage settings"},
       {"Share this article: Facebook | X | WhatsApp | Email", "Related stories",
        "- Markets rally as rates hold", "- Minister resigns over expenses",
        "Newsletter: Get our morning briefing in your inbox every weekday. Enter your email and "
        "press sign up.", "(c) Example News Ltd. All rights reserved.", "Support Example News",
        "Dear reader,", "Independent journalism costs money. If you value our reporting, please "
        "support us with a monthly contribution.", "Thank you for reading.", "Remind me later."}},
      {{"Latest: Weather | Traffic | Elections | Lottery results | Tide tables",
        "Advertisement"},
       {"Read more: Council approves new budget", "Most read", "1. Ferry back in service",
        "2. Lido reopens with heated water", "About us | Contact | Privacy policy | Terms",
        "The Daily Example is free to read because readers support it. Become a supporter today "
        "from just 3 pounds a month."}},
      {{"Menu", "This site uses cookies to personalise content. See our cookie policy."},
       {"Share on Facebook", "Share on Twitter", "More from Business",
        "- Oil prices slip", "- Airline profits up", "Sign up for our newsletter and get the day's "
        "news delivered to your inbox.", "A message from the editor:", "Before you go: we need "
        "your help. Your support keeps our newsroom open.", "Please support independent "
        "journalism: donate now.", "Maybe later"}},
  };
  return kStyles;
}

// Each BBC article in a page with chrome: how many story paragraphs the text keeps and
// how many chrome paragraphs survive the rules (the learned model is not involved).
void MeasureTextChrome(const std::vector<std::string>& articles) {
  size_t story = 0, story_kept = 0, chrome = 0, chrome_left = 0;
  const simshard::ScanOptions options;
  for (size_t i = 0; i < articles.size(); ++i) {
    const TextChrome& style = TextChromeStyles()[i % TextChromeStyles().size()];
    std::string page;
    for (const auto& line : style.before) page += line + "\n";
    page += articles[i] + "\n";
    for (const auto& line : style.after) page += line + "\n";
    simshard::RawItem item;
    item.format = simshard::ItemFormat::kText;
    item.source = "bench/page.txt";
    item.bytes = page;
    const simshard::Document d = simshard::Extract(std::move(item), options);
    const std::string expected = simshard::scan::TidyText(simshard::scan::DecodeToUtf8(articles[i], ""));
    for (std::string_view p : simshard::SplitParagraphs(expected)) {
      ++story;
      story_kept += d.text.find(p) != std::string::npos;
    }
    for (const auto* lines : {&style.before, &style.after}) {
      for (const std::string& line : *lines) {
        ++chrome;
        chrome_left += d.text.find(simshard::scan::TidyText(line)) != std::string::npos;
      }
    }
  }
  std::printf("text pages with chrome (3 styles): story paragraphs kept %zu of %zu (%.2f%%), "
              "chrome paragraphs left %zu of %zu\n", story_kept, story, 100.0 * story_kept / story,
              chrome_left, chrome);
}

// The same for the HTML pages: story paragraphs kept, chrome snippets left.
void MeasureHtmlChrome(const std::vector<std::string>& articles) {
  static const std::vector<std::string> kChrome = {  // distinctive strings of the chrome
      "window.analytics", "font-family", "HomeBusiness", "Home Business", "We use cookies to "
      "improve this site", "Another story", "Yet another story", "About | Contact", "Example News"};
  size_t story = 0, story_kept = 0, chrome_left = 0;
  const simshard::ScanOptions options;
  for (const std::string& article : articles) {
    simshard::RawItem item;
    item.format = simshard::ItemFormat::kHtml;
    item.source = "bench/page.html";
    item.bytes = AsHtml(simshard::scan::DecodeToUtf8(article, ""), "https://news.example/a");
    const simshard::Document d = simshard::Extract(std::move(item), options);
    const std::string expected = simshard::scan::TidyText(simshard::scan::DecodeToUtf8(article, ""));
    const auto paras = simshard::SplitParagraphs(expected);
    for (size_t i = 1; i < paras.size(); ++i) {  // the headline is the page's <h1>
      ++story;
      story_kept += d.text.find(paras[i]) != std::string::npos;
    }
    for (const std::string& c : kChrome) chrome_left += d.text.find(c) != std::string::npos;
  }
  std::printf("HTML pages with chrome: story paragraphs kept %zu of %zu (%.2f%%), chrome snippets "
              "left %zu of %zu\n", story_kept, story, 100.0 * story_kept / story, chrome_left,
              kChrome.size() * articles.size());
}

// The donation appeal glued to a real scraped story: what the rules take, and what stays.
void MeasureHarbin(const fs::path& corpus_dir) {
  const fs::path path = corpus_dir / "harbin-trade-expo-2024.txt";
  if (!fs::exists(path)) return;
  const std::string raw = ReadFile(path);
  const std::string text = simshard::scan::TidyText(raw);
  simshard::scan::ChromeRuleStats stats;
  const std::string kept = simshard::scan::RemoveRuleChrome(text, &stats);
  const bool story_kept = kept.find("President Vladimir Putin traveled") == 0 &&
                          kept.ends_with("Putin is expected to hold a press conference with Russian "
                                         "state media later on Friday.");
  std::printf("chrome rules on harbin-trade-expo-2024.txt: %zu of %zu paragraphs removed (%zu of %zu "
              "text bytes), story %s\n", stats.paragraphs_removed, simshard::SplitParagraphs(text).size(),
              stats.bytes_removed, text.size(), story_kept ? "kept whole" : "DAMAGED");
}

}  // namespace

int main(int argc, char** argv) {
  const std::string corpus = FindCorpus(argc, argv);
  if (corpus.empty()) {
    std::puts("scan_throughput: ../shared/corpora/bbc-news-2004-2005.tar.zst not found; skipped");
    return 0;
  }
  const fs::path work = fs::temp_directory_path() / fs::unique_path("simshard-scanbench-%%%%%%");
  fs::create_directories(work / "unpacked");
  const std::string unpack = "zstd -dc '" + corpus + "' | tar -x -C '" + (work / "unpacked").string() + "'";
  if (std::system(unpack.c_str()) != 0) {
    std::fprintf(stderr, "scan_throughput: cannot unpack %s\n", corpus.c_str());
    return 1;
  }
  const Inputs in = Build(work / "unpacked", work);
  std::printf("scan + extract on one core (thread CPU time), best of %d runs, BBC corpus x%d\n",
              kRuns, kCopies);
  Measure("plain text files", in.text_dir);
  Measure("HTML files", in.html_dir);
  Measure("WARC (.warc.gz per record)", in.warc_gz);
  Measure("JSON Lines", in.jsonl);
  MeasureFold(in.articles);
  MeasureParagraphKeys(in.articles);
  MeasureRules(in.articles);
  MeasureTextChrome(in.articles);
  MeasureHtmlChrome(in.articles);
  MeasureHarbin(fs::path(corpus).parent_path());
  fs::remove_all(work);
  return 0;
}
