#include "simulator/model/op_times.hpp"

#include <cmath>
#include <stdexcept>

namespace moelab::sim {

std::string_view to_string(OpClass c) {
  switch (c) {
    case OpClass::expert_gemm:
      return "expert_gemm";
    case OpClass::prefill_attention:
      return "prefill_attention";
    case OpClass::decode_attention:
      return "decode_attention";
  }
  return "?";
}

double MeasuredOpTable::seconds_at(double at) const {
  if (!(at > 0) || shape.empty()) return 0;
  if (at <= shape.front()) return seconds.front();
  if (at >= shape.back()) return seconds.back() * at / shape.back();
  std::size_t i = 1;
  while (shape[i] < at) ++i;
  const double f = (at - shape[i - 1]) / (shape[i] - shape[i - 1]);
  return seconds[i - 1] + f * (seconds[i] - seconds[i - 1]);
}

void MeasuredOpTable::validate() const {
  if (shape.empty()) throw std::invalid_argument("no measured rows");
  if (shape.size() != seconds.size()) throw std::invalid_argument("shape and seconds differ in length");
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (!(std::isfinite(shape[i]) && shape[i] > 0))
      throw std::invalid_argument("shape " + std::to_string(shape[i]) + " is not > 0");
    if (!(std::isfinite(seconds[i]) && seconds[i] > 0))
      throw std::invalid_argument("time " + std::to_string(seconds[i]) + " s at shape " + std::to_string(shape[i]) +
                                  " is not > 0");
    if (i > 0 && !(shape[i] > shape[i - 1])) throw std::invalid_argument("shapes are not ascending and distinct");
  }
  if (!(calls_per_layer > 0)) throw std::invalid_argument("calls_per_layer must be > 0");
}

bool OpTimes::any() const {
  for (const auto& t : tables)
    if (!t.empty()) return true;
  return false;
}

std::string OpTimes::describe() const {
  std::string out;
  for (std::size_t i = 0; i < kOpClasses; ++i) {
    if (tables[i].empty()) continue;
    if (!out.empty()) out += "; ";
    out += std::string(to_string(static_cast<OpClass>(i))) + "=" + tables[i].source;
  }
  return out;
}

}  // namespace moelab::sim
