#pragma once
// Helpers shared by the workload tests: specs from TOML, draining a workload, temp files, simple
// statistics.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <queue>
#include <string>
#include <vector>

#include <unistd.h>

#include "lab/config/strict_table_reader.hpp"
#include "lab/config/strict_toml.hpp"
#include "lab/config/workload_config.hpp"
#include "simulator/workload/length_distribution.hpp"
#include "simulator/workload/workload_spec.hpp"

namespace moelab::test {

// The lines of a [workload] table, changed by `key=value` overrides below it (as
// `--set workload.key=value` would), read as an experiment file's: checked, traces read in full.
inline sim::WorkloadSpec workload_spec(const std::string& body, const std::vector<std::string>& sets = {},
                                       const std::filesystem::path& dir = ".") {
  toml::table root = config::parse_text("[workload]\n" + body, "test.toml");
  for (const auto& s : sets) config::apply_override(root, "workload." + s);
  config::StrictTable top(root, "test.toml");
  config::StrictTable section = top.table("workload");
  return config::parse_workload(section, dir);
}

// The same read without checks (and without reading traces): make_workload checks by itself.
inline sim::WorkloadSpec unchecked_workload_spec(const std::string& body, const std::vector<std::string>& sets = {},
                                                 const std::filesystem::path& dir = ".") {
  toml::table root = config::parse_text("[workload]\n" + body, "test.toml");
  for (const auto& s : sets) config::apply_override(root, "workload." + s);
  config::StrictTable top(root, "test.toml");
  config::StrictTable section = top.table("workload");
  config::StrictTableReader reader(section, dir);
  return sim::read_workload_unchecked(reader);
}

// A length distribution written as a config value: "512" or "{ kind = \"lognormal\", ... }".
inline sim::LengthDistributionPtr length_distribution(const std::string& value) {
  const toml::table root = config::parse_text("d = " + value, "test.toml");
  config::StrictTable top(root, "test.toml");
  config::StrictTableReader reader(top, ".");
  auto d = sim::read_length_distribution(reader, "d");
  reader.finish();
  return d;
}

// Pop up to n requests from an open-loop workload (stops early when it runs dry).
inline std::vector<sim::Request> drain(sim::Workload& w, std::size_t n) {
  std::vector<sim::Request> out;
  while (out.size() < n && w.peek_arrival_s()) out.push_back(w.pop());
  return out;
}

// A fresh file under the temp directory holding `text`; the name carries `tag` so failures are legible.
inline std::filesystem::path write_temp(const std::string& tag, const std::string& text) {
  static int counter = 0;
  const auto dir = std::filesystem::temp_directory_path() / "moelab_test_sim_workload";
  std::filesystem::create_directories(dir);
  const auto path = dir / (tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::ofstream(path) << text;
  return path;
}

struct Moments {
  double mean = 0, sd = 0;
  double cv() const { return sd / mean; }
};

inline Moments moments(const std::vector<double>& x) {
  Moments m;
  for (double v : x) m.mean += v;
  m.mean /= static_cast<double>(x.size());
  double ss = 0;
  for (double v : x) ss += (v - m.mean) * (v - m.mean);
  m.sd = std::sqrt(ss / static_cast<double>(x.size() - 1));
  return m;
}

struct Served {
  sim::Request request;
  double finish_s;
};

// An engine stand-in with unlimited capacity: every request takes `service_s(request)` seconds.
// Drives the workload strictly in time order and reports finishes, as a real engine does.
template <class ServiceTime>
std::vector<Served> serve_all(sim::Workload& w, ServiceTime service_s, std::size_t limit = 1'000'000) {
  std::vector<Served> out;
  using Finish = std::pair<double, std::size_t>;  // (finish time, index into out)
  std::priority_queue<Finish, std::vector<Finish>, std::greater<>> running;
  while (out.size() < limit) {
    const auto next = w.peek_arrival_s();
    if (next && (running.empty() || *next <= running.top().first)) {
      sim::Request r = w.pop();
      BOOST_TEST(r.arrival_s == *next);
      const double finish = r.arrival_s + service_s(r);
      out.push_back({std::move(r), finish});
      running.push({finish, out.size() - 1});
    } else if (!running.empty()) {
      const auto [t, i] = running.top();
      running.pop();
      w.on_finished(out[i].request, t);
    } else {
      break;
    }
  }
  return out;
}

}  // namespace moelab::test
