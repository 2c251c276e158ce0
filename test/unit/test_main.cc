#define BOOST_TEST_MODULE simshard
#include <boost/test/unit_test.hpp>
