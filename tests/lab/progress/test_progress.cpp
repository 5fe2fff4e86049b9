// Sweep progress: the status text (done/total, elapsed, rate, ETA) and the plain-line style.
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <functional>
#include <string>

#include "lab/progress/progress.hpp"

using namespace moelab::lab;

namespace {

std::string captured(const std::function<void(std::FILE*)>& f) {
  std::FILE* tmp = std::tmpfile();
  f(tmp);
  std::fflush(tmp);
  std::rewind(tmp);
  std::string out;
  char buf[256];
  while (std::fgets(buf, sizeof buf, tmp) != nullptr) out += buf;
  std::fclose(tmp);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(progress)

BOOST_AUTO_TEST_CASE(durations) {
  BOOST_TEST(format_duration(4.24) == "4.2 s");
  BOOST_TEST(format_duration(725) == "12:05");
  BOOST_TEST(format_duration(3 * 3600 + 2 * 60 + 7) == "3:02:07");
  BOOST_TEST(format_duration(-1) == "--");
}

BOOST_AUTO_TEST_CASE(status_has_done_total_elapsed_rate_and_eta) {
  BOOST_TEST(progress_status(3, 12, 0, 6.0) == "3/12 points (25%), elapsed 6.0 s, 0.5 points/s, ETA 18.0 s");
  // Resumed points took no time in this run: the rate counts only the 2 computed here.
  BOOST_TEST(progress_status(7, 12, 5, 4.0) == "7/12 points (58%), elapsed 4.0 s, 0.5 points/s, ETA 10.0 s");
  BOOST_TEST(progress_status(0, 12, 0, 1.0) == "0/12 points (0%), elapsed 1.0 s, 0 points/s, ETA --");
  // A point half done counts as half.
  BOOST_TEST(progress_status(0, 1, 0, 10.0, 0.5) == "0/1 points (0%), elapsed 10.0 s, 0.05 points/s, ETA 10.0 s");
  BOOST_TEST(progress_status(12, 12, 0, 2.0).find("ETA 0.0 s") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(lines_style_prints_one_line_per_point) {
  const std::string out = captured([](std::FILE* f) {
    SweepProgress p(ProgressStyle::lines, 3, 1, f);
    p.tick(0.5);  // nothing in this style
    p.point_done(2, "a=1");
    p.point_done(0, "");
    p.note("wrote it");
  });
  BOOST_TEST(out.find("[2/3] run 0002 a=1 done; 2/3 points (67%), elapsed ") == 0u, out);
  BOOST_TEST(out.find("\n[3/3] run 0000 done; 3/3 points (100%)") != std::string::npos, out);
  BOOST_TEST(out.find("\nwrote it\n") != std::string::npos, out);
  BOOST_TEST(out.find('\r') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(quiet_prints_nothing_and_terminal_redraws_one_line) {
  BOOST_TEST(captured([](std::FILE* f) {
               SweepProgress p(ProgressStyle::quiet, 3, 0, f);
               p.point_done(0, "x");
               p.note("n");
             }).empty());
  const std::string term = captured([](std::FILE* f) {
    SweepProgress p(ProgressStyle::terminal, 1, 0, f);
    p.tick(0.25);
  });
  BOOST_TEST(term.find("\r\033[K0/1 points (0%)") == 0u, term);
  BOOST_TEST(term.find("[#####...............]") != std::string::npos, term);
}

BOOST_AUTO_TEST_SUITE_END()
