#include "lab/config/strict_toml.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <sstream>
#include <tuple>

#include "base/input_files.hpp"

namespace moelab::config {
namespace {

std::string type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    default:
      return "nothing";
  }
}

std::string format_number(double v) { return fmt::format("{}", v); }

// A bracketed list with every bare word quoted: "[vllm, 2]" -> ["vllm", 2].
std::optional<std::string> bracketed_words_as_toml(const std::string& value) {
  std::string v = value;
  while (!v.empty() && v.front() == ' ') v.erase(v.begin());
  while (!v.empty() && v.back() == ' ') v.pop_back();
  if (v.size() < 2 || v.front() != '[' || v.back() != ']') return std::nullopt;
  std::string out = "[";
  std::string item;
  std::istringstream in(v.substr(1, v.size() - 2));
  bool first = true;
  while (std::getline(in, item, ',')) {
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (item.empty()) return std::nullopt;
    bool is_toml_value = true;
    try {
      (void)toml::parse("v = " + item);
    } catch (const toml::parse_error&) {
      is_toml_value = false;
    }
    if (!is_toml_value) {
      for (char c : item) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) ||
              std::string_view("_-./:+@").find(c) != std::string_view::npos)) {
          return std::nullopt;
        }
      }
      item = "\"" + item + "\"";
    }
    out += (first ? "" : ", ") + item;
    first = false;
  }
  return out + "]";
}

// Optimal string alignment distance (edits: insert, delete, substitute, swap neighbours), case-blind.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1, 0));
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1])) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

}  // namespace

SourceLocation location_of(const toml::node& node, const std::string& file) {
  const auto& src = node.source();
  SourceLocation loc;
  loc.file = (src.path && !src.path->empty()) ? *src.path : file;
  loc.line = static_cast<int>(src.begin.line);
  loc.column = static_cast<int>(src.begin.column);
  return loc;
}

toml::table parse_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw InputError({path.string(), 0, 0}, "", "no such file");
  }
  note_input_file(path);
  try {
    return toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    const auto& src = e.source();
    throw InputError({path.string(), static_cast<int>(src.begin.line), static_cast<int>(src.begin.column)}, "",
                     std::string("TOML syntax: ") + std::string(e.description()));
  }
}

toml::table parse_text(std::string_view text, const std::string& origin) {
  try {
    return toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    const auto& src = e.source();
    throw InputError({origin, static_cast<int>(src.begin.line), static_cast<int>(src.begin.column)}, "",
                     std::string("TOML syntax: ") + std::string(e.description()));
  }
}

void apply_override(toml::table& root, std::string_view assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw InputError({"--set", 0, 0}, std::string(assignment), "expected key=value");
  }
  std::string key(assignment.substr(0, eq));
  std::string value(assignment.substr(eq + 1));
  while (!key.empty() && key.back() == ' ') key.pop_back();
  // Split the dotted key; every part must be a bare TOML key.
  std::vector<std::string> parts;
  std::string part;
  for (char c : key) {
    if (c == '.') {
      parts.push_back(part);
      part.clear();
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') {
      part += c;
    } else {
      throw InputError({"--set", 0, 0}, key, "a key may hold only letters, digits, '_', '-' and '.'");
    }
  }
  parts.push_back(part);
  for (const auto& p : parts) {
    if (p.empty()) throw InputError({"--set", 0, 0}, key, "empty part in dotted key");
  }

  // Parsed as "a.b.c = value", so every table the override creates carries the "--set" source
  // too (an error about an unknown `a` must blame the override, not the experiment file).
  const std::string dotted = fmt::format("{}", fmt::join(parts, "."));
  // The text must be exactly one value: "1\nother = 2" is not a number with something after it.
  auto one_value = [&](const toml::table& t) {
    const toml::table* level = &t;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      if (level->size() != 1 || level->get(parts[i]) == nullptr || !level->get(parts[i])->is_table()) return false;
      level = level->get(parts[i])->as_table();
    }
    return level->size() == 1 && level->get(parts.back()) != nullptr;
  };
  toml::table parsed;
  try {
    parsed = toml::parse(dotted + " = " + value, std::string("--set"));
    if (!one_value(parsed)) throw toml::parse_error("more than one value", toml::source_region{});
  } catch (const toml::parse_error&) {
    parsed = toml::table{};
  }
  if (parsed.empty()) {
    if (const auto list = bracketed_words_as_toml(value)) {
      try {
        parsed = toml::parse(dotted + " = " + *list, std::string("--set"));
        if (!one_value(parsed)) parsed = toml::table{};
      } catch (const toml::parse_error&) {
        parsed = toml::table{};
      }
    }
  }
  if (parsed.empty()) {
    // A bare word (an id, a file name) is a string. Parsed as a quoted string (not built
    // directly) so that it, too, carries the "--set" source for error messages.
    std::string quoted = dotted + " = \"";
    for (char c : value) {
      if (c == '"' || c == '\\') {
        quoted += '\\';
        quoted += c;
      } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        quoted += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
      } else {
        quoted += c;
      }
    }
    quoted += '"';
    try {
      parsed = toml::parse(quoted, std::string("--set"));
    } catch (const toml::parse_error& e) {
      throw InputError({"--set", 0, 0}, key, std::string("cannot read the value: ") + std::string(e.description()));
    }
  }

  toml::table* cur = &root;
  toml::table* from = &parsed;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    toml::node* next = cur->get(parts[i]);
    if (next == nullptr) {
      // The rest of the path is new: move the parsed tables over, sources and all.
      toml::node* sub = from->get(parts[i]);
      sub->visit([&](auto&& concrete) { cur->insert_or_assign(parts[i], std::move(concrete)); });
      return;
    }
    if (!next->is_table()) {
      throw InputError({"--set", 0, 0}, key, fmt::format("'{}' is {}, not a table", parts[i], type_name(*next)));
    }
    cur = next->as_table();
    from = from->get(parts[i])->as_table();
  }
  // Move (not copy) so the node keeps its "--set" source region for later error messages.
  toml::node* v = from->get(parts.back());
  v->visit([&](auto&& concrete) { cur->insert_or_assign(parts.back(), std::move(concrete)); });
}

std::string to_toml_text(const toml::table& root) {
  std::ostringstream out;
  out << toml::toml_formatter{root};
  return out.str();
}

StrictTable::StrictTable(const toml::table& table, std::string file, std::string prefix)
    : table_(&table), file_(std::move(file)), prefix_(std::move(prefix)) {}

bool StrictTable::has(std::string_view key) const {
  asked_.emplace(key);
  return table_->contains(key);
}

std::string StrictTable::full_key(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
}

const toml::node* StrictTable::node(std::string_view key) const {
  asked_.emplace(key);
  const toml::node* n = table_->get(key);
  if (n != nullptr) read_.emplace(key);
  return n;
}

SourceLocation StrictTable::location_of(std::string_view key) const {
  if (const toml::node* n = table_->get(key)) return config::location_of(*n, file_);
  return config::location_of(*table_, file_);
}

void StrictTable::fail(std::string_view key, const std::string& problem) const {
  throw InputError(location_of(key), full_key(key), problem);
}

const toml::node& StrictTable::require(std::string_view key) {
  const toml::node* n = node(key);
  if (n == nullptr) fail(key, "required key is missing");
  return *n;
}

std::string StrictTable::string(std::string_view key) {
  const auto& n = require(key);
  if (!n.is_string()) fail(key, "expected a string, got " + type_name(n));
  return std::string(*n.value<std::string_view>());
}
std::string StrictTable::string_or(std::string_view key, std::string fallback) {
  return has(key) ? string(key) : std::move(fallback);
}

std::int64_t StrictTable::integer(std::string_view key) {
  const auto& n = require(key);
  if (!n.is_integer()) fail(key, "expected an integer, got " + type_name(n));
  return *n.value<std::int64_t>();
}
std::int64_t StrictTable::integer_or(std::string_view key, std::int64_t fallback) {
  return has(key) ? integer(key) : fallback;
}

namespace {
// A TOML number as a double, or the problem: an integer beyond 2^53 would silently round (toml++
// then returns no value at all), and inf/nan are no physical quantity.
std::optional<std::string> as_number(const toml::node& n, double& out) {
  if (auto i = n.value_exact<std::int64_t>()) {
    if (*i > kMaxExactDoubleInt || *i < -kMaxExactDoubleInt) {
      return fmt::format(
          "the integer {} is beyond +/-2^53 and would not be held exactly; write it as a float (e.g. {:g})", *i,
          static_cast<double>(*i));
    }
    out = static_cast<double>(*i);
    return std::nullopt;
  }
  const auto d = n.value_exact<double>();
  if (!d) return "expected a number, got " + type_name(n);
  if (!std::isfinite(*d)) return std::string("must be finite");
  out = *d;
  return std::nullopt;
}
}  // namespace

double StrictTable::number(std::string_view key) {
  const auto& n = require(key);
  if (!n.is_number()) fail(key, "expected a number, got " + type_name(n));
  double v = 0;
  if (auto problem = as_number(n, v)) fail(key, *problem);
  return v;
}
double StrictTable::number_or(std::string_view key, double fallback) { return has(key) ? number(key) : fallback; }

bool StrictTable::boolean(std::string_view key) {
  const auto& n = require(key);
  if (!n.is_boolean()) fail(key, "expected a boolean, got " + type_name(n));
  return *n.value<bool>();
}
bool StrictTable::boolean_or(std::string_view key, bool fallback) { return has(key) ? boolean(key) : fallback; }

std::int64_t StrictTable::integer_in(std::string_view key, const IntRange& range) {
  const auto v = integer(key);
  if (auto problem = out_of_range(v, range)) fail(key, *problem);
  return v;
}
std::int64_t StrictTable::integer_in_or(std::string_view key, const IntRange& range, std::int64_t fallback) {
  return has(key) ? integer_in(key, range) : fallback;
}
double StrictTable::number_in(std::string_view key, const NumberRange& range) {
  const auto v = number(key);
  if (auto problem = out_of_range(v, range)) fail(key, *problem);
  return v;
}
double StrictTable::number_in_or(std::string_view key, const NumberRange& range, double fallback) {
  return has(key) ? number_in(key, range) : fallback;
}

std::int64_t StrictTable::positive_integer(std::string_view key) {
  const auto v = integer(key);
  if (v <= 0) fail(key, fmt::format("must be > 0, got {}", v));
  return v;
}
std::int64_t StrictTable::positive_integer_or(std::string_view key, std::int64_t fallback) {
  return has(key) ? positive_integer(key) : fallback;
}
std::int64_t StrictTable::non_negative_integer(std::string_view key) {
  const auto v = integer(key);
  if (v < 0) fail(key, fmt::format("must be >= 0, got {}", v));
  return v;
}
std::int64_t StrictTable::non_negative_integer_or(std::string_view key, std::int64_t fallback) {
  return has(key) ? non_negative_integer(key) : fallback;
}
double StrictTable::positive_number(std::string_view key) {
  const auto v = number(key);
  if (!(v > 0)) fail(key, "must be > 0, got " + format_number(v));
  return v;
}
double StrictTable::positive_number_or(std::string_view key, double fallback) {
  return has(key) ? positive_number(key) : fallback;
}
double StrictTable::non_negative_number(std::string_view key) {
  const auto v = number(key);
  if (!(v >= 0)) fail(key, "must be >= 0, got " + format_number(v));
  return v;
}
double StrictTable::non_negative_number_or(std::string_view key, double fallback) {
  return has(key) ? non_negative_number(key) : fallback;
}
double StrictTable::fraction(std::string_view key) {
  const auto v = number(key);
  if (!(v > 0 && v <= 1)) fail(key, "must be in (0, 1], got " + format_number(v));
  return v;
}
double StrictTable::fraction_or(std::string_view key, double fallback) { return has(key) ? fraction(key) : fallback; }

std::string StrictTable::choice(std::string_view key, const std::vector<std::string>& allowed) {
  auto v = string(key);
  for (const auto& a : allowed) {
    if (a == v) return v;
  }
  fail(key, fmt::format("unknown value '{}'; expected one of: {}", v, fmt::join(allowed, ", ")));
}
std::string StrictTable::choice_or(std::string_view key, const std::vector<std::string>& allowed,
                                   std::string fallback) {
  return has(key) ? choice(key, allowed) : std::move(fallback);
}

namespace {
template <class F>
void each_element(StrictTable& t, std::string_view key, const toml::node& n, F&& f) {
  const auto* arr = n.as_array();
  if (arr == nullptr) t.fail(key, "expected an array, got " + type_name(n));
  for (std::size_t i = 0; i < arr->size(); ++i) f(i, *arr->get(i));
}
}  // namespace

std::vector<double> StrictTable::number_array(std::string_view key) {
  std::vector<double> out;
  each_element(*this, key, require(key), [&](std::size_t i, const toml::node& e) {
    if (!e.is_number()) fail(key, fmt::format("element {} must be a number, got {}", i, type_name(e)));
    double v = 0;
    if (auto problem = as_number(e, v))
      throw InputError(config::location_of(e, file_), full_key(key), fmt::format("element {}: {}", i, *problem));
    out.push_back(v);
  });
  return out;
}
std::vector<std::int64_t> StrictTable::integer_array(std::string_view key) {
  std::vector<std::int64_t> out;
  each_element(*this, key, require(key), [&](std::size_t i, const toml::node& e) {
    if (!e.is_integer()) fail(key, fmt::format("element {} must be an integer, got {}", i, type_name(e)));
    out.push_back(*e.value<std::int64_t>());
  });
  return out;
}
std::vector<std::string> StrictTable::string_array(std::string_view key) {
  std::vector<std::string> out;
  each_element(*this, key, require(key), [&](std::size_t i, const toml::node& e) {
    if (!e.is_string()) fail(key, fmt::format("element {} must be a string, got {}", i, type_name(e)));
    out.emplace_back(*e.value<std::string_view>());
  });
  return out;
}

StrictTable StrictTable::table(std::string_view key) {
  const auto& n = require(key);
  if (!n.is_table()) fail(key, "expected a table, got " + type_name(n));
  StrictTable sub(*n.as_table(), file_, full_key(key));
  sub.unknown_ = unknown_;
  return sub;
}
std::optional<StrictTable> StrictTable::table_if_present(std::string_view key) {
  if (!has(key)) return std::nullopt;
  return table(key);
}
std::vector<StrictTable> StrictTable::tables(std::string_view key) {
  std::vector<StrictTable> out;
  each_element(*this, key, require(key), [&](std::size_t i, const toml::node& e) {
    if (!e.is_table()) fail(key, fmt::format("element {} must be a table, got {}", i, type_name(e)));
    out.emplace_back(*e.as_table(), file_, fmt::format("{}[{}]", full_key(key), i));
    out.back().unknown_ = unknown_;
  });
  return out;
}

std::string StrictTable::unknown_key_problem(std::string_view key) const {
  std::set<std::string, std::less<>> known = asked_;
  known.insert(read_.begin(), read_.end());
  // Near misses: a few edits away (more for longer keys), or one key a prefix of the other.
  const std::size_t reach = key.size() <= 4 ? 1 : key.size() <= 8 ? 2 : 3;
  std::vector<std::pair<std::size_t, std::string>> near;
  for (const auto& k : known) {
    const std::size_t d = edit_distance(key, k);
    const bool prefix = std::min(key.size(), k.size()) >= 3 && (k.rfind(key, 0) == 0 || key.rfind(k, 0) == 0);
    if (d <= reach || prefix) near.emplace_back(d, k);
  }
  std::sort(near.begin(), near.end());
  if (near.size() > 3) near.resize(3);
  if (!near.empty()) {
    std::string list;
    for (std::size_t i = 0; i < near.size(); ++i) {
      list += (i == 0 ? "" : i + 1 == near.size() ? " or " : ", ") + ("'" + near[i].second + "'");
    }
    return "unknown key; did you mean " + list + "?";
  }
  if (!known.empty()) return fmt::format("unknown key; valid keys here: {}", fmt::join(known, ", "));
  return "unknown key (not valid here)";
}

void StrictTable::collect_unknown_keys() {
  if (!unknown_) unknown_ = std::make_shared<std::vector<InputError>>();
  reports_unknown_ = true;
}

void StrictTable::finish() const {
  std::vector<InputError> found;
  for (const auto& [k, v] : *table_) {
    if (read_.find(k.str()) == read_.end()) {
      found.emplace_back(config::location_of(v, file_), full_key(k.str()), unknown_key_problem(k.str()));
    }
  }
  if (unknown_) {
    unknown_->insert(unknown_->end(), found.begin(), found.end());
    if (!reports_unknown_ || unknown_->empty()) return;
    found = std::move(*unknown_);
    unknown_->clear();
  }
  if (!found.empty()) throw combine_input_errors(std::move(found));
}

void StrictTable::rethrow_with_unknown_keys(const InputError& e) const {
  if (!unknown_ || unknown_->empty()) throw e;
  std::vector<InputError> all = std::move(*unknown_);
  unknown_->clear();
  all.push_back(e);
  throw combine_input_errors(std::move(all));
}

InputError combine_input_errors(std::vector<InputError> errors) {
  if (errors.empty()) throw std::logic_error("combine_input_errors: no errors");
  auto order = [](const InputError& e) {
    return std::make_tuple(e.where().file == "--set", e.where().file, e.where().line, e.where().column);
  };
  std::stable_sort(errors.begin(), errors.end(),
                   [&](const InputError& a, const InputError& b) { return order(a) < order(b); });
  // A table finished twice (by a layered reader and by its owner) reports its keys once.
  errors.erase(
      std::unique(errors.begin(), errors.end(),
                  [](const InputError& a, const InputError& b) { return std::string_view(a.what()) == b.what(); }),
      errors.end());
  std::string problem = errors.front().problem();
  for (std::size_t i = 1; i < errors.size(); ++i) problem += std::string("\n") + errors[i].what();
  return InputError(errors.front().where(), errors.front().key(), problem);
}

}  // namespace moelab::config
