#pragma once
// Internal to the spec loaders: fill one spec from a SpecReader (overrides over a data file).
#include <string>

#include "lab/config/spec_reader.hpp"
#include "simulator/engine/engine_spec.hpp"
#include "simulator/model/hardware_spec.hpp"
#include "simulator/model/model_spec.hpp"

namespace moelab::config::detail {

sim::ModelSpec read_model(SpecReader& r, const std::string& id);
sim::HardwareSpec read_hardware(SpecReader& r, const std::string& id);
sim::EngineSpec read_engine(SpecReader& r, const std::string& id);
sim::KernelProfile read_kernel_profile(SpecReader& r, const std::string& id);

// "<source>; overridden by the experiment: a, b" when anything was overridden.
std::string describe_source(const SpecReader& r);

}  // namespace moelab::config::detail
