#include "lab/runner/point_result.hpp"

#include <cstring>
#include <stdexcept>
#include <type_traits>

#include "simulator/metrics/summary.hpp"

namespace moelab::lab {
namespace {

// Little-endian on every machine moelab targets (x86-64, aarch64): values are copied as they lie
// in memory, and a version byte guards the layout.
constexpr std::uint8_t kFormatVersion = 2;

class ByteWriter {
 public:
  template <class T>
  void pod(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void str(std::string_view s) {
    pod<std::uint64_t>(s.size());
    out_.append(s.data(), s.size());
  }
  template <class T>
  void pods(const std::vector<T>& v) {
    pod<std::uint64_t>(v.size());
    if (!v.empty()) out_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  void strs(const std::vector<std::string>& v) {
    pod<std::uint64_t>(v.size());
    for (const auto& s : v) str(s);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  template <class T>
  T pod() {
    T v;
    need(sizeof v);
    std::memcpy(&v, in_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  std::string str() {
    const auto n = count(1);
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  template <class T>
  std::vector<T> pods() {
    const auto n = count(sizeof(T));
    std::vector<T> v(n);
    if (n > 0) std::memcpy(v.data(), in_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
    return v;
  }
  std::vector<std::string> strs() {
    const auto n = count(sizeof(std::uint64_t));
    std::vector<std::string> v;
    v.reserve(n);
    for (std::uint64_t i = 0; i < n; ++i) v.push_back(str());
    return v;
  }
  bool at_end() const { return pos_ == in_.size(); }

 private:
  // An element count that the remaining bytes can hold (a corrupt count fails here, not in new[]).
  std::uint64_t count(std::size_t min_element_bytes) {
    const auto n = pod<std::uint64_t>();
    if (min_element_bytes > 0 && n > (in_.size() - pos_) / min_element_bytes) fail();
    return n;
  }
  void need(std::size_t n) const {
    if (in_.size() - pos_ < n) fail();
  }
  [[noreturn]] static void fail() { throw std::runtime_error("truncated or corrupt point result"); }
  std::string_view in_;
  std::size_t pos_ = 0;
};

enum class ColumnTag : std::uint8_t { f64 = 0, i64 = 1, i32 = 2, text = 3 };
enum class AttrTag : std::uint8_t { text = 0, f64 = 1, i64 = 2, f64s = 3, texts = 4 };

void write_table(ByteWriter& w, const h5::Table& t) {
  w.pod<std::uint64_t>(t.columns().size());
  for (const auto& c : t.columns()) {
    w.str(c.name);
    w.str(c.unit);
    w.str(c.description);
    std::visit(
        [&](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::vector<double>>) {
            w.pod(ColumnTag::f64);
            w.pods(v);
          } else if constexpr (std::is_same_v<V, std::vector<std::int64_t>>) {
            w.pod(ColumnTag::i64);
            w.pods(v);
          } else if constexpr (std::is_same_v<V, std::vector<std::int32_t>>) {
            w.pod(ColumnTag::i32);
            w.pods(v);
          } else {
            w.pod(ColumnTag::text);
            w.strs(v);
          }
        },
        c.data);
  }
}

h5::Table read_table(ByteReader& r) {
  h5::Table t;
  const auto columns = r.pod<std::uint64_t>();
  for (std::uint64_t i = 0; i < columns; ++i) {
    std::string name = r.str(), unit = r.str(), description = r.str();
    switch (r.pod<ColumnTag>()) {
      case ColumnTag::f64:
        t.add(name, unit, description, r.pods<double>());
        break;
      case ColumnTag::i64:
        t.add(name, unit, description, r.pods<std::int64_t>());
        break;
      case ColumnTag::i32:
        t.add(name, unit, description, r.pods<std::int32_t>());
        break;
      case ColumnTag::text:
        t.add(name, unit, description, r.strs());
        break;
      default:
        throw std::runtime_error("corrupt point result: unknown column type");
    }
  }
  return t;
}

void write_attr(ByteWriter& w, const h5::AttrValue& value) {
  std::visit(
      [&](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::string>) {
          w.pod(AttrTag::text);
          w.str(v);
        } else if constexpr (std::is_same_v<V, double>) {
          w.pod(AttrTag::f64);
          w.pod(v);
        } else if constexpr (std::is_same_v<V, std::int64_t>) {
          w.pod(AttrTag::i64);
          w.pod(v);
        } else if constexpr (std::is_same_v<V, std::vector<double>>) {
          w.pod(AttrTag::f64s);
          w.pods(v);
        } else {
          w.pod(AttrTag::texts);
          w.strs(v);
        }
      },
      value);
}

h5::AttrValue read_attr(ByteReader& r) {
  switch (r.pod<AttrTag>()) {
    case AttrTag::text:
      return r.str();
    case AttrTag::f64:
      return r.pod<double>();
    case AttrTag::i64:
      return r.pod<std::int64_t>();
    case AttrTag::f64s:
      return r.pods<double>();
    case AttrTag::texts:
      return r.strs();
  }
  throw std::runtime_error("corrupt point result: unknown attribute type");
}

}  // namespace

std::string encode_point(const PointResult& p) {
  ByteWriter w;
  w.pod(kFormatVersion);
  w.pod(p.index);
  w.str(p.label);
  write_table(w, p.requests);
  write_table(w, p.timeseries);
  write_table(w, p.kv_transfers);
  w.pod<std::uint64_t>(p.attrs.size());
  for (const auto& [name, value] : p.attrs) {
    w.str(name);
    write_attr(w, value);
  }
  w.pod<std::uint64_t>(p.summary.size());
  for (const auto& [name, value] : p.summary) {
    w.str(name);
    w.pod(value);
  }
  w.strs(p.invariant_violations);
  w.pod(p.unservable_requests);
  w.pod(p.first_unservable_id);
  w.str(p.first_unservable_reason);
  return w.take();
}

PointResult decode_point(std::string_view bytes) {
  ByteReader r(bytes);
  if (r.pod<std::uint8_t>() != kFormatVersion) throw std::runtime_error("point result of another format version");
  PointResult p;
  p.index = r.pod<std::uint64_t>();
  p.label = r.str();
  p.requests = read_table(r);
  p.timeseries = read_table(r);
  p.kv_transfers = read_table(r);
  const auto attrs = r.pod<std::uint64_t>();
  for (std::uint64_t i = 0; i < attrs; ++i) {
    std::string name = r.str();
    p.attrs.emplace_back(std::move(name), read_attr(r));
  }
  const auto metrics = r.pod<std::uint64_t>();
  for (std::uint64_t i = 0; i < metrics; ++i) {
    std::string name = r.str();
    p.summary.emplace_back(std::move(name), r.pod<double>());
  }
  p.invariant_violations = r.strs();
  p.unservable_requests = r.pod<std::int64_t>();
  p.first_unservable_id = r.pod<std::int64_t>();
  p.first_unservable_reason = r.str();
  if (!r.at_end()) throw std::runtime_error("corrupt point result: trailing bytes");
  return p;
}

std::vector<sim::Metric> summary_metrics_of(const PointResult& point) {
  std::vector<sim::Metric> out;
  out.reserve(point.summary.size());
  for (const auto& [name, value] : point.summary) {
    const sim::MetricDefinition* def = sim::find_summary_metric(name);
    if (def == nullptr) throw std::runtime_error("point result names an unknown metric: " + name);
    out.push_back(sim::Metric{def, value});
  }
  return out;
}

}  // namespace moelab::lab
