#pragma once
// The one error type for bad user input (configs, traces, shapes, CLI values).
// `moelab` maps it to exit status 2; anything else escaping main is an internal error (exit 1).
#include <stdexcept>
#include <string>

namespace moelab {

struct SourceLocation {
  std::string file;  // path as the user named it, or "--set" for command-line overrides
  int line = 0;      // 1-based; 0 = unknown
  int column = 0;    // 1-based; 0 = unknown
};

// Text quoted from the input may be arbitrarily long (a 100 KB --set value): messages keep its
// head and tail and say how much was left out.
inline std::string shorten_for_message(std::string text, std::size_t max_chars) {
  if (text.size() <= max_chars) return text;
  const std::size_t tail = max_chars / 4;
  const std::size_t head = max_chars - tail;
  return text.substr(0, head) + " ... (" + std::to_string(text.size() - head - tail) + " characters left out) ... " +
         text.substr(text.size() - tail);
}

class InputError : public std::runtime_error {
 public:
  static constexpr std::size_t kMaxKeyChars = 160;
  static constexpr std::size_t kMaxProblemChars = 600;

  InputError(SourceLocation where, std::string key, std::string problem)
      : InputError(Shortened{}, std::move(where), shorten_for_message(std::move(key), kMaxKeyChars),
                   shorten_for_message(std::move(problem), kMaxProblemChars)) {}

  const SourceLocation& where() const noexcept { return where_; }
  const std::string& key() const noexcept { return key_; }
  const std::string& problem() const noexcept { return problem_; }

  // "file:line:col: key: problem", dropping the parts that are unknown.
  static std::string format(const SourceLocation& where, const std::string& key, const std::string& problem) {
    std::string out = where.file.empty() ? std::string("<input>") : where.file;
    // A --set value is parsed on its own as "v = <value>": its line and column mean nothing to the user.
    if (where.line > 0 && where.file != "--set") {
      out += ':' + std::to_string(where.line);
      if (where.column > 0) out += ':' + std::to_string(where.column);
    }
    out += ": ";
    if (!key.empty()) out += key + ": ";
    out += problem;
    return out;
  }

 private:
  struct Shortened {};
  InputError(Shortened, SourceLocation where, std::string key, std::string problem)
      : std::runtime_error(format(where, key, problem)),
        where_(std::move(where)),
        key_(std::move(key)),
        problem_(std::move(problem)) {}

  SourceLocation where_;
  std::string key_;
  std::string problem_;
};

}  // namespace moelab
