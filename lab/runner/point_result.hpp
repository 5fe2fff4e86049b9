#pragma once
// What one sweep point produces, whichever process computed it: the tables and attributes of
// /runs/NNNN, its /summary row and what is reported about it. Points travel (between MPI ranks)
// and persist (the partial-result store) as bytes; the result file is always written from the
// decoded form, in point order, so it is the same whatever the number of processes.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lab/h5/table.hpp"
#include "lab/h5/writer.hpp"
#include "simulator/metrics/metric.hpp"

namespace moelab::lab {

struct PointResult {
  std::uint64_t index = 0;
  std::string label;
  h5::Table requests;
  h5::Table timeseries;
  h5::Table kv_transfers;  // disaggregated runs only (no columns otherwise: not written)
  std::vector<std::pair<std::string, h5::AttrValue>> attrs;  // of /runs/NNNN, in write order
  std::vector<std::pair<std::string, double>> summary;       // metric name and value, simulator order
  std::vector<std::string> invariant_violations;
  std::int64_t unservable_requests = 0;  // dropped at admission (they could never run)
  std::int64_t first_unservable_id = -1;
  std::string first_unservable_reason;
};

// Exact round trip: decode(encode(p)) writes the same bytes as p (doubles keep their bits).
std::string encode_point(const PointResult& point);
// Throws std::runtime_error when `bytes` is not a whole encoded point.
PointResult decode_point(std::string_view bytes);

// The summary row as the simulator's metrics (definitions looked up by name).
std::vector<sim::Metric> summary_metrics_of(const PointResult& point);

}  // namespace moelab::lab
