#pragma once
// data/prices/tco.toml -> the owned-hardware data of the `own` cost model (server types and
// facility defaults); its [evidence.*] tables are checked (every number sourced) but not returned.
#include "simulator/economics/cost_data.hpp"

namespace moelab::config {

struct TcoData {
  std::vector<sim::OwnedServer> servers;
  sim::FacilityDefaults facility;
};

TcoData load_tco();

// Everything the cost models draw from: rental ranges and TCO data.
sim::CostData load_cost_data();

}  // namespace moelab::config
