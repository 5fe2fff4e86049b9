// [workload] -> sim::WorkloadSpec through the simulator's workload registry: this file only adapts
// the strict TOML table to the simulator's TableReader.
#include "lab/config/workload_config.hpp"

#include "lab/config/strict_table_reader.hpp"

namespace moelab::config {

sim::WorkloadSpec parse_workload(StrictTable& section, const std::filesystem::path& config_dir) {
  StrictTableReader reader(section, config_dir);
  return sim::read_workload(reader);
}

}  // namespace moelab::config
