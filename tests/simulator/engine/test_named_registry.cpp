// base/named_registry.hpp, and the simulator's policy registries built on it.
#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "base/named_registry.hpp"
#include "simulator/cluster/router.hpp"
#include "simulator/engine/scheduler.hpp"

using namespace moelab;

namespace {
using Doubler = int(int);
int twice(int x) { return 2 * x; }
}  // namespace

BOOST_AUTO_TEST_SUITE(named_registry)

BOOST_AUTO_TEST_CASE(lookup_finds_and_rejects_with_key_and_known_names) {
  const NamedRegistry<Doubler> r("thing.kind", "thing",
                                 {{"twice", "doubles", twice}, {"thrice", "triples", [](int x) { return 3 * x; }}});
  BOOST_TEST(r.lookup("thrice").make(5) == 15);
  BOOST_TEST(r.lookup("twice").description == "doubles");
  BOOST_TEST(r.find("nope") == nullptr);
  BOOST_TEST(r.names() == (std::vector<std::string>{"twice", "thrice"}));
  try {
    r.lookup("nope", {"exp.toml", 3, 9});
    BOOST_FAIL("unknown name accepted");
  } catch (const InputError& e) {
    BOOST_TEST(e.key() == "thing.kind");
    BOOST_TEST(std::string(e.what()) == "exp.toml:3:9: thing.kind: unknown thing 'nope' (known: twice, thrice)");
  }
}

BOOST_AUTO_TEST_CASE(duplicate_names_and_missing_factories_are_programming_errors) {
  using R = NamedRegistry<Doubler>;
  BOOST_CHECK_THROW(R("k", "thing", {{"a", "", twice}, {"a", "", twice}}), std::logic_error);
  BOOST_CHECK_THROW(R("k", "thing", {{"a", "", nullptr}}), std::logic_error);
}

BOOST_AUTO_TEST_CASE(policy_registries_describe_every_entry_and_make_what_they_name) {
  for (const auto& e : sim::scheduler_registry().entries()) {
    BOOST_TEST(!e.description.empty(), e.name);
    BOOST_TEST(sim::make_scheduler(e.name)->name() == e.name);
  }
  for (const auto& e : sim::router_registry().entries()) {
    BOOST_TEST(!e.description.empty(), e.name);
    BOOST_TEST(sim::make_router(e.name, 1)->name() == e.name);
  }
  for (const auto& e : sim::kv_cache_registry().entries()) BOOST_TEST(!e.description.empty(), e.name);
  BOOST_CHECK_THROW(sim::make_router("random", 1), InputError);
  BOOST_TEST(sim::scheduler_registry().key() == "engine.scheduler");
  BOOST_TEST(sim::router_registry().key() == "cluster.router");
}

BOOST_AUTO_TEST_SUITE_END()
