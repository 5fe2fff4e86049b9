#pragma once
// Deterministic searches for the edge of a service-level objective, over a caller's probe (run a
// simulation at a value, say whether its steady state meets the SLO). Both assume monotonicity:
// more load never helps, more replicas never hurt. The probes are recorded by the caller.
//
// highest_meeting (rate): from `start`, double (or halve) until the SLO's edge is bracketed, then
// bisect at the arithmetic midpoint until upper <= lower x (1 + relative_tolerance). Result: the
// highest probed value that meets (lower) and the lowest probed value that does not (upper).
// lowest_meeting_integer (replicas): the same over integers, until upper = lower + 1; the result is
// the fewest replicas that meet (upper) and the most that do not (lower).
#include <cstdint>
#include <functional>

namespace moelab::sim {

enum class SearchStatus {
  found,      // the edge lies between the two results (replicas: also when `min` itself meets)
  none_meet,  // even the range's easiest value fails (rate: min; replicas: max)
  all_meet,   // rate: even max meets, so the capacity is at least max
};

const char* search_status_name(SearchStatus s);  // "found" | "none_meet" | "all_meet"

struct SearchRange {
  double start = 1;
  double min = 0;                    // > 0
  double max = 0;                    // >= start >= min
  double relative_tolerance = 0.01;  // rate searches
};

struct SearchResult {
  SearchStatus status = SearchStatus::found;
  double meets = 0;  // rate: highest value meeting (0 if none); replicas: fewest meeting (0 if none)
  double fails = 0;  // rate: lowest value failing (0 if none); replicas: most failing (min - 1 if none)
  int probes = 0;
};

using SloProbe = std::function<bool(double value)>;

SearchResult highest_meeting(const SearchRange& range, const SloProbe& probe);
SearchResult lowest_meeting_integer(std::int64_t start, std::int64_t min, std::int64_t max, const SloProbe& probe);

}  // namespace moelab::sim
