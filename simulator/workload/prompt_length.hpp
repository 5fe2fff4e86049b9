#pragma once
// Generated prompts are sums of segment lengths; Request holds int32 counts.
#include <cstdint>
#include <limits>
#include <string>

#include "base/input_error.hpp"

namespace moelab::sim {

inline std::int32_t checked_prompt_tokens(std::int64_t tokens, const std::string& what) {
  if (tokens > std::numeric_limits<std::int32_t>::max()) {
    throw InputError({"<workload spec>", 0, 0}, "workload", what + " adds up to more than 2^31 - 1 tokens");
  }
  return static_cast<std::int32_t>(tokens);
}

}  // namespace moelab::sim
