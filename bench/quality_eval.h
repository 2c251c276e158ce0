// The labeled evaluation set of bench/quality.cc, generated from the BBC corpus: pages
// from several made-up sites, each with its own chrome and format (HTML, text, JSON Lines
// feed), holding original stories, syndicated copies with the edits real copies carry,
// and two-sentence briefs on chrome-heavy pages. Every page knows its story, so whether a
// duplicate decision is right can be checked.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "quality_corpus.h"
#include "simshard/scan.h"

namespace simshard_bench {

// How often a syndicated copy carries each edit.
struct EditMix {
  const char* name;
  double headline;      // "UPDATE 1-" prefix or a site suffix
  double dateline;      // "LONDON (Reuters) - " before the first paragraph
  double trim;          // last paragraph dropped (BBC paragraphs are 15-40% of a story)
  double note;          // editor's note appended
  int max_typos;        // typos per hundred words: uniform in [0, max_typos]
};

// Calibrated so that the plain settings score near what issue reports for its hidden set
// (word 3-gram SimHash at k=3 about 37%, word unigrams about 83%).
inline constexpr EditMix kCalibratedEdits{"calibrated", 0.5, 0.5, 0.15, 0.2, 2};
// Harsher: every other copy trimmed, up to four typos per hundred words.
inline constexpr EditMix kHarshEdits{"harsh", 0.5, 0.6, 0.5, 0.3, 4};

struct EvalDoc {
  simshard::RawItem item;
  int story = 0;
  std::string kind;  // original | copy | brief
};

struct Story {
  std::string headline;
  std::vector<std::string> paragraphs;
};

inline Story ParseArticle(const std::string& text) {
  Story s;
  std::istringstream in(text);
  std::string line, current;
  auto flush = [&] {
    if (current.empty()) return;
    if (s.headline.empty()) {
      s.headline = current;
    } else {
      s.paragraphs.push_back(current);
    }
    current.clear();
  };
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      flush();
    } else {
      current += (current.empty() ? "" : " ") + line;
    }
  }
  flush();
  return s;
}

// Groups articles that share most of their text (exact word 5-gram containment >= 0.5),
// so the BBC's own repeated stories count as one story in the labels.
inline std::vector<int> StoryClusters(const std::vector<BbcArticle>& articles) {
  std::vector<int> parent(articles.size());
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](int x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  std::vector<std::vector<uint64_t>> shingles(articles.size());
  std::unordered_map<uint64_t, std::vector<int>> postings;
  for (size_t i = 0; i < articles.size(); ++i) {
    std::vector<std::string> words;
    std::string w;
    for (char c : articles[i].text + " ") {
      if (std::isalnum(static_cast<unsigned char>(c))) {
        w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      } else if (!w.empty()) {
        words.push_back(w);
        w.clear();
      }
    }
    std::set<uint64_t> set;
    for (size_t k = 0; k + 5 <= words.size(); ++k) {
      set.insert(std::hash<std::string>()(words[k] + " " + words[k + 1] + " " + words[k + 2] +
                                          " " + words[k + 3] + " " + words[k + 4]));
    }
    shingles[i].assign(set.begin(), set.end());
    for (uint64_t h : set) postings[h].push_back(static_cast<int>(i));
  }
  for (size_t i = 0; i < articles.size(); ++i) {
    std::map<int, int> shared;
    for (uint64_t h : shingles[i]) {
      for (int j : postings[h]) {
        if (j > static_cast<int>(i)) ++shared[j];
      }
    }
    for (const auto& [j, count] : shared) {
      const size_t smaller = std::min(shingles[i].size(), shingles[j].size());
      if (smaller > 0 && count * 2 >= static_cast<int>(smaller)) parent[find(j)] = find(i);
    }
  }
  std::vector<int> cluster(articles.size());
  for (size_t i = 0; i < articles.size(); ++i) cluster[i] = find(static_cast<int>(i));
  return cluster;
}

class EvalGenerator {
 public:
  EvalGenerator(EditMix edits, uint64_t seed) : edits_(edits), rng_(seed) {}

  // Originals on the home site, 0-2 syndicated copies of each on other sites, and briefs
  // made from the first two sentences of stories not used otherwise; shuffled.
  std::vector<EvalDoc> Generate(const std::vector<BbcArticle>& articles) {
    const std::vector<int> cluster = StoryClusters(articles);
    std::vector<EvalDoc> docs;
    std::set<int> used_clusters;
    for (size_t i = 0; i < articles.size(); ++i) {
      if (!used_clusters.insert(cluster[i]).second) continue;
      const Story story = ParseArticle(articles[i].text);
      if (story.paragraphs.empty()) continue;
      const int id = static_cast<int>(i);
      if (used_clusters.size() % 7 == 0) {  // one story in seven becomes a brief
        docs.push_back(Page(kBriefSite, Brief(story), id, "brief"));
        continue;
      }
      docs.push_back(Page(kHomeSite, story, id, "original"));
      const double r = Uniform();
      const int copies = r < 0.4 ? 0 : r < 0.8 ? 1 : 2;
      for (int c = 0; c < copies; ++c) {
        const int site = 1 + static_cast<int>(rng_() % (kSites.size() - 2));
        docs.push_back(Page(site, Syndicate(story, kSites[site].name), id, "copy"));
      }
    }
    std::shuffle(docs.begin(), docs.end(), rng_);
    for (size_t i = 0; i < docs.size(); ++i) docs[i].item.seq = i;
    return docs;
  }

 private:
  struct Site {
    const char* host;
    const char* name;
    simshard::ItemFormat format;
    bool curly;  // typographic quotes and dashes
    bool wrap;   // hard-wrapped text
  };
  static constexpr int kHomeSite = 0;
  static constexpr int kBriefSite = 5;
  inline static const std::vector<Site> kSites = {
      {"news.home.example", "Home News", simshard::ItemFormat::kHtml, false, false},
      {"www.daily-courier.example", "Daily Courier", simshard::ItemFormat::kHtml, true, false},
      {"wire.example", "Wire Feed", simshard::ItemFormat::kJsonLine, false, false},
      {"text.gazette.example", "The Gazette", simshard::ItemFormat::kText, true, true},
      {"m.herald.example", "Herald Mobile", simshard::ItemFormat::kHtml, true, false},
      {"briefs.portal.example", "Portal Briefs", simshard::ItemFormat::kHtml, false, false},
  };

  double Uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }

  Story Brief(const Story& s) {
    Story b;
    b.headline = "In brief: " + s.headline;
    const std::string& p = s.paragraphs[0];
    size_t end = 0;
    for (int sentence = 0; sentence < 2; ++sentence) {
      const size_t dot = p.find(". ", end);
      end = dot == std::string::npos ? p.size() : dot + 1;
    }
    b.paragraphs.push_back(p.substr(0, end));
    return b;
  }

  std::string Typos(const std::string& text, double rate) {
    std::istringstream in(text);
    std::string word, out;
    while (in >> word) {
      if (word.size() > 3 && Uniform() < rate) {
        const size_t i = 1 + rng_() % (word.size() - 2);
        switch (rng_() % 3) {
          case 0: std::swap(word[i], word[i + 1]); break;
          case 1: word.erase(i, 1); break;
          default: word.insert(i, 1, word[i]); break;
        }
      }
      out += (out.empty() ? "" : " ") + word;
    }
    return out;
  }

  Story Syndicate(Story s, const std::string& site_name) {
    static const char* kDatelines[] = {"LONDON (Reuters) - ", "NEW YORK (AP) - ",
                                       "PARIS (AFP) - ", "LONDON, Jan 12 (Agency) - "};
    static const char* kNotes[] = {
        "Editor's note: An earlier version of this story misstated a figure in the fifth "
        "paragraph.",
        "Editor's note: This story has been updated with comment from the company.",
        "(Reporting by staff; editing by the news desk)"};
    if (Uniform() < edits_.headline) {
      s.headline = rng_() % 2 ? "UPDATE 1-" + s.headline : s.headline + " - " + site_name;
    }
    if (Uniform() < edits_.dateline) s.paragraphs[0] = kDatelines[rng_() % 4] + s.paragraphs[0];
    if (s.paragraphs.size() >= 3 && Uniform() < edits_.trim) s.paragraphs.pop_back();
    if (Uniform() < edits_.note) s.paragraphs.push_back(kNotes[rng_() % 3]);
    const double rate = static_cast<double>(rng_() % (edits_.max_typos + 1)) / 100.0;
    for (std::string& p : s.paragraphs) p = Typos(p, rate);
    return s;
  }

  static std::string Curly(const std::string& s) {
    std::string out;
    bool open = true;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '"') {
        out += open ? "\u201c" : "\u201d";
        open = !open;
      } else if (s[i] == '\'') {
        out += "\u2019";
      } else if (s.compare(i, 3, " - ") == 0) {
        out += " \u2013 ";
        i += 2;
      } else {
        out += s[i];
      }
    }
    return out;
  }

  static std::string Wrap(const std::string& p) {
    std::istringstream in(p);
    std::string word, out, line;
    while (in >> word) {
      if (!line.empty() && line.size() + word.size() + 1 > 72) {
        out += line + "\n";
        line.clear();
      }
      line += (line.empty() ? "" : " ") + word;
    }
    return out + line;
  }

  static std::string Escape(const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == '&') out += "&amp;";
      else if (c == '<') out += "&lt;";
      else if (c == '>') out += "&gt;";
      else if (c == '"') out += "&quot;";
      else out += c;
    }
    return out;
  }

  static std::string JsonString(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    return out + "\"";
  }

  // Chrome every page of a site repeats: menus and footers outside the article, and an
  // appeal inside it (which only the learned chrome model can remove).
  static std::string Appeal(const Site& site) {
    return std::string("Support ") + site.name +
           ": our journalism is funded by readers like you. Donate today. Remind me later.";
  }

  static std::string HeavyChrome(int n) {
    std::string out;
    static const char* kItems[] = {"World", "Business", "Politics", "Technology", "Science",
                                   "Health", "Education", "Entertainment", "Arts", "Sport"};
    for (int i = 0; i < n; ++i) {
      out += std::string("<li><a href=\"/s/") + std::to_string(i) + "\">" + kItems[i % 10] +
             " section " + std::to_string(i) + ": latest headlines, analysis and video</a></li>";
    }
    return out;
  }

  EvalDoc Page(int site_index, const Story& story, int id, const char* kind) {
    const Site& site = kSites[site_index];
    const std::string slug = std::to_string(counter_++);
    Story s = story;
    if (site.curly) {
      s.headline = Curly(s.headline);
      for (std::string& p : s.paragraphs) p = Curly(p);
    }
    EvalDoc doc;
    doc.story = id;
    doc.kind = kind;
    doc.item.url = std::string("https://") + site.host + "/story/" + slug;
    doc.item.source = std::string(site.host) + "/" + slug;
    doc.item.format = site.format;
    std::string& bytes = doc.item.bytes;
    if (site.format == simshard::ItemFormat::kHtml) {
      const bool heavy = site_index == kBriefSite;
      bytes = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + Escape(s.headline) +
              " | " + site.name + "</title></head><body><header><nav><ul>" +
              HeavyChrome(heavy ? 40 : 8) + "</ul></nav></header><main><article><h1>" +
              Escape(s.headline) + "</h1>";
      for (const std::string& p : s.paragraphs) bytes += "<p>" + Escape(p) + "</p>";
      bytes += "<p>" + Escape(Appeal(site)) + "</p></article><aside><h2>Most read</h2><ol>" +
               HeavyChrome(heavy ? 25 : 5) + "</ol></aside></main><footer><p>&copy; 2005 " +
               site.name + ". All rights reserved. We use cookies to improve your experience." +
               "</p></footer></body></html>";
    } else if (site.format == simshard::ItemFormat::kText) {
      bytes = std::string(site.name) + "\n\nHome | World | Business | Sport\n\n" + s.headline;
      for (const std::string& p : s.paragraphs) bytes += "\n\n" + (site.wrap ? Wrap(p) : p);
      bytes += "\n\n" + Appeal(site) + "\n";
    } else {
      std::string text;
      for (const std::string& p : s.paragraphs) text += (text.empty() ? "" : "\n\n") + p;
      bytes = "{\"url\":" + JsonString(doc.item.url) + ",\"title\":" + JsonString(s.headline) +
              ",\"text\":" + JsonString(text) + "}";
    }
    doc.item.input_bytes = bytes.size();
    return doc;
  }

  EditMix edits_;
  std::mt19937_64 rng_;
  uint64_t counter_ = 0;
};

}  // namespace simshard_bench
