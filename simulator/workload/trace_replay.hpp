#pragma once
// What the trace kinds (mooncake, csv) share: their keys of [workload] and the replay.
//   trace = "path"           relative to the config's directory; must exist
//   trace_time_scale = 1.0   arrival = trace time * scale
//   num_requests = 0         stop after this many (0 = the whole trace)
//   content_block_tokens     only for formats with content ids; must equal the format's block size
// The replay is the same for every seed.
#include <cstdint>
#include <filesystem>
#include <memory>

#include "base/table_reader.hpp"
#include "simulator/workload/trace_data.hpp"
#include "simulator/workload/workload_spec.hpp"

namespace moelab::sim {

struct TraceFormat {
  const char* name;  // in messages: "Mooncake"
  TraceData (*load)(const std::filesystem::path& path);
  std::int64_t id_block_tokens;  // tokens per content id, fixed by the format; 0 = no ids
};

std::shared_ptr<WorkloadParams> read_trace_replay(TableReader& workload, const TraceFormat& format);

}  // namespace moelab::sim
