#pragma once
// What kind of traffic to generate or replay; parsed from an experiment's [workload] table by
// lab/config/workload_config.cpp and turned into a Workload by make_workload().
// simulator/workload/README.md describes every kind, its keys and how content ids are named.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "simulator/workload/request.hpp"

namespace moelab::sim {

// A distribution of positive integer counts (tokens, turns). Samples are rounded to the nearest
// integer and clamped to [max(min, 1), max] (max 0 = no upper clamp), so every sample is >= 1.
struct LengthDistribution {
  std::string kind = "fixed";  // fixed | uniform | lognormal | empirical | geometric
  double value = 0;            // fixed
  double min = 1, max = 0;     // uniform bounds (inclusive); clamps for the other kinds (max 0 = no clamp)
  double mean = 0;             // lognormal: mean of the distribution (not of its log); geometric: mean >= 1
  double sigma = 0;            // lognormal: sigma of the underlying normal
  std::vector<double> values;  // empirical: support
  std::vector<double> weights; // empirical: probabilities (normalised on load)
};

struct ArrivalProcess {
  std::string kind = "poisson";  // poisson | gamma | burst (all at t = 0, offline benchmark)
  double rate_per_s = 1.0;
  double cv = 1.0;               // gamma: coefficient of variation of inter-arrival times
};

// kind = "chat": closed-loop multi-turn sessions. Sessions start by `arrivals`; each turn's prompt
// is the whole history plus a new user message (length from WorkloadSpec::prompt_tokens), its
// answer length from WorkloadSpec::output_tokens; the next turn arrives think time after the
// previous one finishes.
struct ChatSpec {
  LengthDistribution turns;           // turns per session (>= 1)
  double think_time_mean_s = 0;       // exponential think time between finish and next turn; 0 = none
  std::int64_t system_prompt_tokens = 0;  // shared by every session (0 = none)
  std::int64_t sessions = 0;          // sessions to start; 0 = unbounded (stop by the run's limits)
  std::int64_t max_context_tokens = 0;  // a session ends before a turn whose prompt+output exceeds it; 0 = no cap
};

// kind = "rag": system prompt + k documents (Zipf popularity over a corpus, placed in draw order
// or by popularity rank) + a question (WorkloadSpec::prompt_tokens); answer from output_tokens.
struct RagSpec {
  std::int64_t system_prompt_tokens = 0;
  std::int64_t corpus_documents = 0;      // corpus size N
  double zipf_s = 1.0;                    // P(rank r) proportional to r^-s, r = 1..N
  std::int64_t documents_per_request = 0; // k distinct documents per request (k <= N)
  LengthDistribution document_tokens;     // each document's length, drawn once per document
  std::string document_order = "drawn";  // drawn | popularity (most popular first)
};

// kind = "shared_prefix": one of `num_prefixes` fixed prefixes (system prompt / few-shot
// examples), chosen uniformly, + a unique suffix (WorkloadSpec::prompt_tokens).
struct SharedPrefixSpec {
  std::int64_t prefix_tokens = 0;
  std::int64_t num_prefixes = 1;
};

struct TraceData;  // a validated trace held in memory (simulator/workload/trace_data.hpp)

struct WorkloadSpec {
  std::string kind = "synthetic";  // synthetic | mooncake | csv | chat | rag | shared_prefix
  ArrivalProcess arrivals;
  LengthDistribution prompt_tokens;  // synthetic: prompt; chat: new user message per turn; rag: question; shared_prefix: suffix
  LengthDistribution output_tokens;
  std::string trace_path;         // mooncake | csv: resolved path
  double trace_time_scale = 1.0;  // multiply trace timestamps (0.5 = replay twice as fast)
  std::int64_t content_block_tokens = 512;  // tokens per content id: mooncake 512 (fixed by the trace); chat/rag/shared_prefix: a choice (16 by default in configs)
  std::int64_t num_requests = 0;  // open-loop kinds and traces: stop after this many (0 = unbounded / whole trace)
  ChatSpec chat;
  RagSpec rag;
  SharedPrefixSpec shared_prefix;
  // Trace already loaded and validated by parse_workload (so make_workload does not read it again);
  // null = make_workload loads trace_path itself.
  std::shared_ptr<const TraceData> trace;
};

// Seeded, deterministic. Bad trace lines throw InputError naming file and line.
std::unique_ptr<Workload> make_workload(const WorkloadSpec& spec, std::uint64_t seed);

// Registered kinds, in registry order (for `moelab list workloads`).
std::vector<std::string> workload_kinds();

}  // namespace moelab::sim
