#pragma once
// Pricing a prefill->decode KV transfer on the fabric, and the NICs' occupancy.
//
// One request's KV (the model's KV bytes per token x prompt tokens: the MLA latent where the model
// uses it, the kv_bytes_per_element it is served with) leaves the prefill instance's DP rank and
// lands on the decode instance's. Every GPU of a rank has its own NIC (one NIC per GPU, 8 per
// HGX node) and holds its share of the KV (GQA: its heads; an MLA latent is replicated on the
// rank's TP GPUs, so each sends a slice), so the copy runs over min(source, destination) rank
// GPUs in parallel: alpha-beta, latency + bytes / (NICs x effective NIC bandwidth), with the
// slower side's link figures when the pools' hardware differs.
//
// Contention: a transfer holds the source instance's and the destination instance's NICs for its
// duration; transfers that share either side are served one after another in the order their
// prefills finished (first come first served, no bandwidth sharing).
#include <cstdint>
#include <vector>

#include "simulator/fabric/fabric.hpp"

namespace moelab::sim {

struct KvTransferPath {
  LinkSpec nic;                           // per GPU: the slower of the two sides
  std::int64_t nics = 1;                  // parallel NIC pairs: min(source rank GPUs, destination rank GPUs)
  double seconds(double kv_bytes) const;  // latency + wire time
  double wire_s(double kv_bytes) const;   // bytes / (NICs x bandwidth)
};

// Layer-wise streaming (Splitwise section 6.1, Mooncake): the prompt's last prefill step ran
// `step_s` up to `ready_s` over `layers` layers; layer l's KV (1/layers of the bytes) may leave
// when the step has computed it, at ready_s - step_s + step_s (l + 1) / layers, and the layers go
// out one after another on the NICs. The first layer is ready at `first_layer_ready_s`; given
// the time `start_s` the NICs are free for it, the last byte lands at
//   max(start_s + wire, ready_s + wire / layers) + latency.
struct LayerwiseTiming {
  double first_layer_ready_s = 0;
  double done_s = 0;
};
LayerwiseTiming layerwise_timing(double ready_s, double step_s, std::int64_t layers, double start_s, double wire_s,
                                 double latency_s);

KvTransferPath kv_transfer_path(const Fabric& source, std::int64_t source_rank_gpus, const Fabric& destination,
                                std::int64_t destination_rank_gpus);

// When each instance's NICs are next free.
class NicSchedule {
 public:
  NicSchedule(std::size_t sources, std::size_t destinations)
      : source_free_s_(sources, 0), destination_free_s_(destinations, 0) {}
  // Books a transfer of `duration_s` that may start at `ready_s`; returns its start.
  double book(std::size_t source, std::size_t destination, double ready_s, double duration_s);
  // When both sides are free at or after `ready_s`; `occupy` then holds them until `until_s`.
  double free_at(std::size_t source, std::size_t destination, double ready_s) const;
  void occupy(std::size_t source, std::size_t destination, double until_s);

 private:
  std::vector<double> source_free_s_, destination_free_s_;
};

}  // namespace moelab::sim
