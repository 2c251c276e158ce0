#include <boost/test/unit_test.hpp>

#include "scan/date.h"

using simshard::scan::NormalizeDate;

BOOST_AUTO_TEST_CASE(dates_become_iso_8601_when_recognised) {
  BOOST_TEST(NormalizeDate("2024-05-17T08:00:00Z") == "2024-05-17T08:00:00Z");
  BOOST_TEST(NormalizeDate(" 2024-05-17 ") == "2024-05-17");
  BOOST_TEST(NormalizeDate("Fri, 17 May 2024 10:30:00 GMT") == "2024-05-17T10:30:00Z");
  BOOST_TEST(NormalizeDate("Fri, 17 May 2024 10:30:00 +0200") == "2024-05-17T10:30:00+02:00");
  BOOST_TEST(NormalizeDate("17 May 2024") == "2024-05-17");
  BOOST_TEST(NormalizeDate("May 17, 2024") == "2024-05-17");
  BOOST_TEST(NormalizeDate("September 3, 2023") == "2023-09-03");
  BOOST_TEST(NormalizeDate("2024/05/17") == "2024-05-17");
}

BOOST_AUTO_TEST_CASE(unrecognised_dates_are_kept_as_found) {
  BOOST_TEST(NormalizeDate("yesterday") == "yesterday");
  BOOST_TEST(NormalizeDate("32 May 2024") == "32 May 2024");
  BOOST_TEST(NormalizeDate("1715940000") == "1715940000");
  BOOST_TEST(NormalizeDate("").empty());
}
