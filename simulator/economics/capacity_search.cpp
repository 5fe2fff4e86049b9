#include "simulator/economics/capacity_search.hpp"

#include <algorithm>
#include <stdexcept>

namespace moelab::sim {

const char* search_status_name(SearchStatus s) {
  switch (s) {
    case SearchStatus::found:
      return "found";
    case SearchStatus::none_meet:
      return "none_meet";
    case SearchStatus::all_meet:
      return "all_meet";
  }
  return "?";
}

SearchResult highest_meeting(const SearchRange& range, const SloProbe& probe) {
  if (!(range.min > 0 && range.min <= range.start && range.start <= range.max && range.relative_tolerance > 0)) {
    throw std::invalid_argument("highest_meeting: need 0 < min <= start <= max and tolerance > 0");
  }
  SearchResult r;
  auto meets = [&](double v) {
    ++r.probes;
    return probe(v);
  };
  double lo = 0, hi = 0;  // lo meets, hi fails; 0 = not yet found
  if (meets(range.start)) {
    lo = range.start;
    while (hi == 0) {
      if (lo >= range.max) return {SearchStatus::all_meet, lo, 0, r.probes};
      const double v = std::min(2 * lo, range.max);
      (meets(v) ? lo : hi) = v;
    }
  } else {
    hi = range.start;
    while (lo == 0) {
      if (hi <= range.min) return {SearchStatus::none_meet, 0, hi, r.probes};
      const double v = std::max(hi / 2, range.min);
      (meets(v) ? lo : hi) = v;
    }
  }
  while (hi - lo > range.relative_tolerance * lo) {
    const double mid = 0.5 * (lo + hi);
    (meets(mid) ? lo : hi) = mid;
  }
  return {SearchStatus::found, lo, hi, r.probes};
}

SearchResult lowest_meeting_integer(std::int64_t start, std::int64_t min, std::int64_t max, const SloProbe& probe) {
  if (!(min >= 1 && min <= start && start <= max)) {
    throw std::invalid_argument("lowest_meeting_integer: need 1 <= min <= start <= max");
  }
  SearchResult r;
  auto meets = [&](std::int64_t v) {
    ++r.probes;
    return probe(static_cast<double>(v));
  };
  std::int64_t lo = 0, hi = 0;  // lo fails, hi meets; 0 = not yet found
  if (meets(start)) {
    hi = start;
    while (lo == 0) {
      if (hi <= min) return {SearchStatus::found, static_cast<double>(hi), static_cast<double>(min - 1), r.probes};
      const std::int64_t v = std::max(hi / 2, min);
      if (meets(v))
        hi = v;
      else
        lo = v;
    }
  } else {
    lo = start;
    while (hi == 0) {
      if (lo >= max) return {SearchStatus::none_meet, 0, static_cast<double>(lo), r.probes};
      const std::int64_t v = std::min(2 * lo, max);
      if (meets(v))
        hi = v;
      else
        lo = v;
    }
  }
  while (hi - lo > 1) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (meets(mid))
      hi = mid;
    else
      lo = mid;
  }
  return {SearchStatus::found, static_cast<double>(hi), static_cast<double>(lo), r.probes};
}

}  // namespace moelab::sim
