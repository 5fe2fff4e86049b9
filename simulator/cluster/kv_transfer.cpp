#include "simulator/cluster/kv_transfer.hpp"

#include <algorithm>

namespace moelab::sim {

double KvTransferPath::seconds(double kv_bytes) const {
  if (kv_bytes <= 0) return 0;
  return nic.latency_s + kv_bytes / (static_cast<double>(nics) * nic.bytes_per_s);
}

KvTransferPath kv_transfer_path(const Fabric& source, std::int64_t source_rank_gpus, const Fabric& destination,
                                std::int64_t destination_rank_gpus) {
  KvTransferPath p;
  p.nic.bytes_per_s = std::min(source.nic.bytes_per_s, destination.nic.bytes_per_s);
  p.nic.latency_s = std::max(source.nic.latency_s, destination.nic.latency_s);
  p.nics = std::max<std::int64_t>(1, std::min(source_rank_gpus, destination_rank_gpus));
  return p;
}

double KvTransferPath::wire_s(double kv_bytes) const {
  return kv_bytes <= 0 ? 0 : kv_bytes / (static_cast<double>(nics) * nic.bytes_per_s);
}

LayerwiseTiming layerwise_timing(double ready_s, double step_s, std::int64_t layers, double start_s, double wire_s,
                                 double latency_s) {
  const double l = static_cast<double>(std::max<std::int64_t>(layers, 1));
  LayerwiseTiming t;
  t.first_layer_ready_s = ready_s - step_s + step_s / l;
  t.done_s = std::max(start_s + wire_s, ready_s + wire_s / l) + latency_s;
  return t;
}

double NicSchedule::free_at(std::size_t source, std::size_t destination, double ready_s) const {
  return std::max({ready_s, source_free_s_.at(source), destination_free_s_.at(destination)});
}

void NicSchedule::occupy(std::size_t source, std::size_t destination, double until_s) {
  source_free_s_.at(source) = destination_free_s_.at(destination) = until_s;
}

double NicSchedule::book(std::size_t source, std::size_t destination, double ready_s, double duration_s) {
  const double start = std::max({ready_s, source_free_s_.at(source), destination_free_s_.at(destination)});
  source_free_s_[source] = destination_free_s_[destination] = start + duration_s;
  return start;
}

}  // namespace moelab::sim
