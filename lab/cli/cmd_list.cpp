// `moelab list TOPIC`: what a config may name (topics in lab/cli/list_topics.cpp).
#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "lab/cli/command.hpp"
#include "lab/cli/list_topics.hpp"

namespace moelab::cli {

void add_list_command(CLI::App& app, CliState& state) {
  auto topic = std::make_shared<std::string>();
  auto markdown = std::make_shared<bool>(false);
  std::vector<std::string> names;
  std::string help = "What to list:";
  for (const auto& t : list_topics()) {
    names.push_back(t.name);
    help += fmt::format("\n  {:<10} {}", t.name, t.help);
  }
  CLI::App* sub = app.add_subcommand("list", "List models, hardware, engines, policies, workloads, metrics, ...");
  sub->add_option("topic", *topic, help)->required()->check(CLI::IsMember(names));
  sub->add_flag("--markdown", *markdown,
                "Print a Markdown table (for the docs: lab/h5/SCHEMA.md holds `list metrics`)");
  sub->callback([&state, topic, markdown] {
    state.action = [topic, markdown] {
      for (const auto& t : list_topics()) {
        if (t.name != *topic) continue;
        if (*markdown) {
          fmt::print("{}", t.markdown ? t.markdown() : entries_markdown(t.entries()));
          continue;
        }
        const auto entries = t.entries();
        std::size_t width = 0;
        for (const auto& e : entries) width = std::max(width, e.name.size());
        for (const auto& e : entries) {
          if (e.description.empty()) {
            fmt::print("{}\n", e.name);
          } else {
            fmt::print("{:<{}}  {}\n", e.name, width, e.description);
          }
        }
      }
      return 0;
    };
  });
}

}  // namespace moelab::cli
