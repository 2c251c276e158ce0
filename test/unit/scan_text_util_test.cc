// TidyText: white space inside lines collapses to one space, whatever the run.
#include <boost/test/unit_test.hpp>

#include <random>
#include <string>

#include "scan/text_util.h"

using simshard::scan::TidyText;

BOOST_AUTO_TEST_CASE(runs_of_spaces_and_tabs_collapse_to_one_space) {
  BOOST_TEST(TidyText("one  two\t\tthree \f\v\r four") == "one two three four");
  // Runs that start or end at every position of an eight-byte block.
  for (size_t lead = 0; lead < 17; ++lead) {
    for (size_t run = 1; run < 11; ++run) {
      const std::string line = std::string(lead, 'a') + std::string(run, run % 2 ? ' ' : '\t') + "b c";
      BOOST_TEST(TidyText(line) == std::string(lead, 'a') + (lead ? " " : "") + "b c", "lead " << lead << " run " << run);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_line_is_collapsed_as_a_byte_by_byte_reading_would) {
  // One line (no line breaks): every run of spaces, tabs, form feeds, vertical tabs and
  // carriage returns inside it becomes one space, the ends are trimmed, the rest stays.
  auto expected = [](const std::string& line) {
    std::string out;
    bool space = false;
    for (char c : line) {
      if (c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r') {
        space = true;
        continue;
      }
      if (space && !out.empty()) out += ' ';
      space = false;
      out += c;
    }
    return out;
  };
  std::mt19937 rng(11);
  const std::string alphabet = "ab. \t\r\f\v\x01\x1f\xc3\xa9";
  for (int round = 0; round < 3000; ++round) {
    std::string s(rng() % 60, ' ');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    BOOST_TEST_REQUIRE(TidyText(s) == expected(s), "input: " << s);
  }
}
