#include "simulator/workload/spec_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "base/input_error.hpp"

namespace moelab::sim {
namespace {

constexpr double kMaxCount = static_cast<double>(std::numeric_limits<std::int32_t>::max());

std::string join_key(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

std::optional<SpecProblem> problem(const std::string& prefix, const std::string& key, std::string text) {
  return SpecProblem{join_key(prefix, key), std::move(text)};
}

bool is_generator(const std::string& kind) {
  return kind == "synthetic" || kind == "chat" || kind == "rag" || kind == "shared_prefix";
}

}  // namespace

std::optional<SpecProblem> check_length_distribution(const LengthDistribution& d, const std::string& prefix) {
  static const std::vector<std::string> kinds = {"fixed", "uniform", "lognormal", "empirical", "geometric"};
  if (std::find(kinds.begin(), kinds.end(), d.kind) == kinds.end()) {
    return problem(prefix, "kind", fmt::format("unknown value '{}'; expected one of: {}", d.kind, fmt::join(kinds, ", ")));
  }
  if (!std::isfinite(d.min) || d.min < 1) {
    return problem(prefix, "min", fmt::format("must be >= 1 (every count is at least 1), got {}", d.min));
  }
  if (!std::isfinite(d.max) || d.max < 0 || d.max > kMaxCount || (d.max > 0 && d.max < d.min)) {
    return problem(prefix, "max", fmt::format("must be 0 (no clamp) or in [min = {}, {}], got {}", d.min, kMaxCount, d.max));
  }
  if (d.kind == "fixed") {
    if (!(d.value >= 1) || d.value > kMaxCount) return problem(prefix, "value", fmt::format("must be >= 1, got {}", d.value));
  } else if (d.kind == "uniform") {
    if (d.max <= 0) return problem(prefix, "max", "uniform needs max >= min");
  } else if (d.kind == "lognormal") {
    if (!(d.mean > 0) || !std::isfinite(d.mean)) return problem(prefix, "mean", fmt::format("must be > 0, got {}", d.mean));
    if (!(d.sigma >= 0) || !std::isfinite(d.sigma) || d.sigma > 10) {
      return problem(prefix, "sigma", fmt::format("must be in [0, 10], got {}", d.sigma));
    }
  } else if (d.kind == "geometric") {
    if (!(d.mean >= 1) || !std::isfinite(d.mean)) return problem(prefix, "mean", fmt::format("must be >= 1, got {}", d.mean));
  } else {  // empirical
    if (d.values.empty()) return problem(prefix, "values", "must not be empty");
    if (d.weights.size() != d.values.size()) {
      return problem(prefix, "weights", fmt::format("has {} entries but values has {}", d.weights.size(), d.values.size()));
    }
    double total = 0;
    for (std::size_t i = 0; i < d.values.size(); ++i) {
      if (!(d.values[i] >= 1) || d.values[i] > kMaxCount) {
        return problem(prefix, "values", fmt::format("element {} must be >= 1, got {}", i, d.values[i]));
      }
      if (!(d.weights[i] >= 0) || !std::isfinite(d.weights[i])) {
        return problem(prefix, "weights", fmt::format("element {} must be >= 0, got {}", i, d.weights[i]));
      }
      total += d.weights[i];
    }
    if (!(total > 0)) return problem(prefix, "weights", "must not all be 0");
  }
  return std::nullopt;
}

std::optional<SpecProblem> check_arrivals(const ArrivalProcess& a, const std::string& prefix) {
  if (a.kind != "poisson" && a.kind != "gamma" && a.kind != "burst") {
    return problem(prefix, "kind", fmt::format("unknown value '{}'; expected one of: poisson, gamma, burst", a.kind));
  }
  if (a.kind != "burst" && (!(a.rate_per_s > 0) || !std::isfinite(a.rate_per_s))) {
    return problem(prefix, "rate_per_s", fmt::format("must be > 0, got {}", a.rate_per_s));
  }
  if (a.kind == "gamma" && (!(a.cv > 0) || !std::isfinite(a.cv) || a.cv > 100)) {
    return problem(prefix, "cv", fmt::format("must be in (0, 100], got {}", a.cv));
  }
  return std::nullopt;
}

std::optional<SpecProblem> check_workload(const WorkloadSpec& s) {
  const auto kinds = workload_kinds();
  if (std::find(kinds.begin(), kinds.end(), s.kind) == kinds.end()) {
    return problem("", "kind", fmt::format("unknown value '{}'; expected one of: {}", s.kind, fmt::join(kinds, ", ")));
  }
  if (s.num_requests < 0) return problem("", "num_requests", fmt::format("must be >= 0, got {}", s.num_requests));
  if (is_generator(s.kind)) {
    if (auto p = check_arrivals(s.arrivals, "arrivals")) return p;
    if (auto p = check_length_distribution(s.prompt_tokens, "prompt_tokens")) return p;
    if (auto p = check_length_distribution(s.output_tokens, "output_tokens")) return p;
    if (s.kind != "synthetic" && s.content_block_tokens <= 0) {
      return problem("", "content_block_tokens", fmt::format("must be > 0, got {}", s.content_block_tokens));
    }
    if (s.arrivals.kind == "burst") {
      if (s.kind == "chat" && s.chat.sessions == 0) {
        return problem("chat", "sessions", "burst arrivals start every session at t = 0: give a number of sessions > 0");
      }
      if (s.kind != "chat" && s.num_requests == 0) {
        return problem("", "num_requests", "burst arrivals put every request at t = 0: give a number of requests > 0");
      }
    }
  } else {  // traces
    if (s.trace_path.empty() && !s.trace) return problem("", "trace", "required for a trace replay");
    if (!(s.trace_time_scale > 0) || !std::isfinite(s.trace_time_scale)) {
      return problem("", "trace_time_scale", fmt::format("must be > 0, got {}", s.trace_time_scale));
    }
    if (s.kind == "mooncake" && s.content_block_tokens != 512) {
      return problem("", "content_block_tokens",
                     fmt::format("the Mooncake trace's hash ids name 512-token blocks; got {}", s.content_block_tokens));
    }
  }
  if (s.kind == "chat") {
    const auto& c = s.chat;
    if (auto p = check_length_distribution(c.turns, "chat.turns")) return p;
    if (!(c.think_time_mean_s >= 0) || !std::isfinite(c.think_time_mean_s)) {
      return problem("chat", "think_time_mean_s", fmt::format("must be >= 0, got {}", c.think_time_mean_s));
    }
    if (c.system_prompt_tokens < 0 || c.system_prompt_tokens > kMaxCount) {
      return problem("chat", "system_prompt_tokens", fmt::format("must be in [0, {}], got {}", kMaxCount, c.system_prompt_tokens));
    }
    if (c.sessions < 0) return problem("chat", "sessions", fmt::format("must be >= 0, got {}", c.sessions));
    if (c.max_context_tokens < 0) {
      return problem("chat", "max_context_tokens", fmt::format("must be >= 0, got {}", c.max_context_tokens));
    }
  }
  if (s.kind == "rag") {
    const auto& r = s.rag;
    if (r.system_prompt_tokens < 0 || r.system_prompt_tokens > kMaxCount) {
      return problem("rag", "system_prompt_tokens", fmt::format("must be in [0, {}], got {}", kMaxCount, r.system_prompt_tokens));
    }
    // The Zipf table holds one double per document.
    if (r.corpus_documents < 1 || r.corpus_documents > 10'000'000) {
      return problem("rag", "corpus_documents", fmt::format("must be in [1, 1e7], got {}", r.corpus_documents));
    }
    if (!(r.zipf_s >= 0) || !std::isfinite(r.zipf_s)) return problem("rag", "zipf_s", fmt::format("must be >= 0, got {}", r.zipf_s));
    if (r.documents_per_request < 1 || r.documents_per_request > r.corpus_documents) {
      return problem("rag", "documents_per_request",
                     fmt::format("must be in [1, corpus_documents = {}], got {}", r.corpus_documents, r.documents_per_request));
    }
    if (auto p = check_length_distribution(r.document_tokens, "rag.document_tokens")) return p;
    if (r.document_order != "drawn" && r.document_order != "popularity") {
      return problem("rag", "document_order", fmt::format("unknown value '{}'; expected one of: drawn, popularity", r.document_order));
    }
  }
  if (s.kind == "shared_prefix") {
    const auto& p = s.shared_prefix;
    if (p.prefix_tokens < 0 || p.prefix_tokens > kMaxCount) {
      return problem("shared_prefix", "prefix_tokens", fmt::format("must be in [0, {}], got {}", kMaxCount, p.prefix_tokens));
    }
    if (p.num_prefixes < 1) return problem("shared_prefix", "num_prefixes", fmt::format("must be >= 1, got {}", p.num_prefixes));
  }
  return std::nullopt;
}

void require_valid_workload(const WorkloadSpec& spec) {
  if (auto p = check_workload(spec)) {
    throw InputError({"<workload spec>", 0, 0}, "workload." + p->key, p->problem);
  }
}

}  // namespace moelab::sim
