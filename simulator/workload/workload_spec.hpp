#pragma once
// What kind of traffic to generate or replay; parsed from an experiment's [workload] table by
// lab/config/workload_config.cpp and turned into a Workload by make_workload().
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "simulator/workload/request.hpp"

namespace moelab::sim {

struct LengthDistribution {
  std::string kind = "fixed";  // fixed | uniform | lognormal | empirical
  double value = 0;            // fixed
  double min = 1, max = 0;     // uniform bounds; also clamps for lognormal (max 0 = no clamp)
  double mean = 0;             // lognormal: mean of the distribution (not of its log)
  double sigma = 0;            // lognormal: sigma of the underlying normal
  std::vector<double> values;  // empirical: support
  std::vector<double> weights; // empirical: probabilities (normalised on load)
};

struct ArrivalProcess {
  std::string kind = "poisson";  // poisson | gamma | burst (all at t = 0, offline benchmark)
  double rate_per_s = 1.0;
  double cv = 1.0;               // gamma: coefficient of variation of inter-arrival times
};

struct WorkloadSpec {
  std::string kind = "synthetic";  // synthetic | mooncake | csv (issue 3 adds chat | rag | shared_prefix)
  ArrivalProcess arrivals;
  LengthDistribution prompt_tokens;
  LengthDistribution output_tokens;
  std::string trace_path;         // mooncake | csv: resolved path
  double trace_time_scale = 1.0;  // multiply trace timestamps (0.5 = replay twice as fast)
  std::int64_t content_block_tokens = 512;  // mooncake hash_id block size
};

// Seeded, deterministic. Bad trace lines throw InputError naming file and line.
std::unique_ptr<Workload> make_workload(const WorkloadSpec& spec, std::uint64_t seed);

}  // namespace moelab::sim
