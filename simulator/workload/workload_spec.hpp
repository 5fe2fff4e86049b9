#pragma once
// What traffic to generate or replay: a workload kind and its parameters. Each kind is one file
// (workload_registry.cpp lists them) that reads its keys of [workload] through a TableReader,
// checks them, says whether the workload ends by itself, and makes the Workload.
// simulator/workload/README.md describes every kind, its keys and how content ids are named.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/table_reader.hpp"
#include "simulator/workload/request.hpp"
#include "simulator/workload/spec_problem.hpp"

namespace moelab::sim {

// How many requests a workload makes by itself, and the key (below [workload]) that says so.
struct RequestCount {
  double requests = 0;  // exact for counts and traces; sessions x mean turns for chat
  std::string key;      // "num_requests", "chat.sessions"
};

// One kind's parameters (defined in the kind's file).
class WorkloadParams {
 public:
  virtual ~WorkloadParams() = default;
  // The first problem, keyed below [workload] ("rag.zipf_s"); nothing = make() may run.
  virtual MaybeProblem check() const = 0;
  // Read what the parameters name outside the config (a trace file) in full, so that a bad line
  // fails before anything runs; make() then reuses it. Called once, after check() passed.
  virtual void read_inputs() {}
  // True when the workload stops by itself (a trace, a request count, a session count), so a run
  // needs no stop condition.
  virtual bool ends_by_itself() const = 0;
  // The number of requests when the workload ends by itself (nothing when it does not): the run
  // planner checks the memory their result rows need before anything runs.
  virtual std::optional<RequestCount> request_count() const { return std::nullopt; }
  // Seeded and deterministic (precondition: check() found nothing).
  virtual std::unique_ptr<Workload> make(std::uint64_t seed) const = 0;
};

struct WorkloadSpec {
  std::string kind;                              // a name from workload_registry()
  std::shared_ptr<const WorkloadParams> params;  // null: no workload given
  bool ends_by_itself() const { return params && params->ends_by_itself(); }
};

// [workload] -> WorkloadSpec: `kind` picks the registry entry, which reads the rest; every key
// must be read (finish()). A problem found by check() is reported at its value's file:line:col,
// and external inputs (traces) are read in full here.
WorkloadSpec read_workload(TableReader& workload);
// The same without check() and read_inputs(): make_workload then checks (and reads) by itself.
WorkloadSpec read_workload_unchecked(TableReader& workload);

// Seeded, deterministic. Checks the spec first: a problem is an InputError at
// "<workload spec>" naming the key (workload.<key>); bad trace lines name file and line.
std::unique_ptr<Workload> make_workload(const WorkloadSpec& spec, std::uint64_t seed);

}  // namespace moelab::sim
