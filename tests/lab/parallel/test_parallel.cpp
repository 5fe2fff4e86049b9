// Dynamic point assignment: local threads and (simulated) remote workers share the points, each
// point is delivered once, failures stop the handing out and come back to the caller.
#include <boost/test/unit_test.hpp>

#include <deque>
#include <map>
#include <set>
#include <thread>

#include "base/input_error.hpp"
#include "lab/parallel/coordinator.hpp"
#include "lab/parallel/local_pool.hpp"

using namespace moelab;
using namespace moelab::lab;

namespace {

// Remote workers in this process: each answers an assignment at once with "remote:<index>".
class FakeRemote final : public RemoteWorkers {
 public:
  FakeRemote(int workers, std::size_t fail_at = static_cast<std::size_t>(-1)) : left_(workers), fail_at_(fail_at) {
    for (int w = 1; w <= workers; ++w) inbox_.push_back({w, Message::Kind::ready, 0, "", false});
  }
  std::optional<Message> poll() override {
    if (inbox_.empty()) return std::nullopt;
    Message m = inbox_.front();
    inbox_.pop_front();
    if (m.kind == Message::Kind::bye) --left_;
    return m;
  }
  void assign(int worker, std::size_t index, const std::string& key) override {
    keys_seen[index] = key;
    assigned.push_back(index);
    if (index == fail_at_) {
      inbox_.push_back({worker, Message::Kind::error, index, "planned differently", true});
    } else {
      inbox_.push_back({worker, Message::Kind::result, index, "remote:" + std::to_string(index), false});
    }
  }
  void stop(int worker) override { inbox_.push_back({worker, Message::Kind::bye, 0, "", false}); }
  bool any_left() const override { return left_ > 0; }
  std::string name(int worker) const override { return "rank " + std::to_string(worker); }

  std::vector<std::size_t> assigned;
  std::map<std::size_t, std::string> keys_seen;

 private:
  std::deque<Message> inbox_;
  int left_;
  std::size_t fail_at_;
};

LocalPool::Task slow_local(std::chrono::milliseconds each) {
  return [each](std::size_t i, std::atomic<double>& fraction) {
    fraction = 0.5;
    std::this_thread::sleep_for(each);
    return "local:" + std::to_string(i);
  };
}

std::vector<std::size_t> first_n(std::size_t n) {
  std::vector<std::size_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(parallel)

BOOST_AUTO_TEST_CASE(local_threads_compute_every_point_once) {
  LocalPool pool(3, slow_local(std::chrono::milliseconds(2)));
  std::multiset<std::size_t> seen;
  std::size_t ticks = 0;
  CoordinatorCallbacks cb;
  cb.on_result = [&](std::size_t i, std::string bytes) {
    BOOST_TEST(bytes == "local:" + std::to_string(i));
    seen.insert(i);
  };
  cb.on_tick = [&] { ++ticks; };
  cb.key_of = [](std::size_t i) { return std::to_string(i); };
  const std::vector<std::size_t> pending = {5, 1, 9, 3, 7, 0, 2};
  run_points(pending, pool, nullptr, cb);
  BOOST_TEST(seen == std::multiset<std::size_t>(pending.begin(), pending.end()));
  BOOST_TEST(ticks > 0u);
  BOOST_TEST(!pool.busy());
}

BOOST_AUTO_TEST_CASE(remote_and_local_workers_share_the_points) {
  LocalPool pool(1, slow_local(std::chrono::milliseconds(5)));
  FakeRemote remote(2);
  std::map<std::size_t, std::string> results;
  CoordinatorCallbacks cb;
  cb.on_result = [&](std::size_t i, std::string bytes) { BOOST_TEST(results.emplace(i, bytes).second); };
  cb.key_of = [](std::size_t i) { return "key" + std::to_string(i); };
  run_points(first_n(40), pool, &remote, cb);
  BOOST_TEST(results.size() == 40u);
  BOOST_TEST(!remote.any_left());            // every worker was told to stop and said bye
  BOOST_TEST(remote.assigned.size() > 20u);  // the instant remote workers took most points
  std::size_t local = 0;
  for (const auto& [i, bytes] : results) local += bytes.rfind("local:", 0) == 0 ? 1 : 0;
  BOOST_TEST(local >= 1u);
  BOOST_TEST(remote.keys_seen.at(remote.assigned.front()) == "key" + std::to_string(remote.assigned.front()));
}

BOOST_AUTO_TEST_CASE(a_failed_point_stops_the_sweep_and_is_rethrown) {
  LocalPool pool(2, [](std::size_t i, std::atomic<double>&) -> std::string {
    if (i == 3) throw std::runtime_error("boom at 3");
    return "ok";
  });
  std::set<std::size_t> seen;
  CoordinatorCallbacks cb;
  cb.on_result = [&](std::size_t i, std::string) { seen.insert(i); };
  cb.key_of = [](std::size_t) { return std::string(); };
  BOOST_CHECK_EXCEPTION(run_points(first_n(200), pool, nullptr, cb), std::runtime_error,
                        [](const std::runtime_error& e) { return std::string(e.what()) == "boom at 3"; });
  BOOST_TEST(seen.size() < 199u);  // the handing out stopped
  BOOST_TEST(!pool.busy());
}

BOOST_AUTO_TEST_CASE(a_remote_bad_input_report_comes_back_as_input_error) {
  LocalPool pool(1, slow_local(std::chrono::milliseconds(1)));
  FakeRemote remote(2, /*fail_at=*/4);
  CoordinatorCallbacks cb;
  cb.on_result = [](std::size_t, std::string) {};
  cb.key_of = [](std::size_t) { return std::string(); };
  bool thrown = false;
  try {
    run_points(first_n(30), pool, &remote, cb);
  } catch (const InputError& e) {
    thrown = true;
    BOOST_TEST(std::string(e.what()).find("rank ") == 0u, e.what());
    BOOST_TEST(std::string(e.what()).find("planned differently") != std::string::npos);
  }
  BOOST_TEST(thrown);
  BOOST_TEST(!remote.any_left());  // released even on failure
}

BOOST_AUTO_TEST_CASE(an_exception_from_saving_a_result_stops_the_sweep) {
  LocalPool pool(1, slow_local(std::chrono::milliseconds(1)));
  std::size_t saved = 0;
  CoordinatorCallbacks cb;
  cb.on_result = [&](std::size_t, std::string) {
    if (++saved == 3) throw std::runtime_error("No space left on device");
  };
  cb.key_of = [](std::size_t) { return std::string(); };
  BOOST_CHECK_THROW(run_points(first_n(50), pool, nullptr, cb), std::runtime_error);
  BOOST_TEST(saved < 6u);
}

BOOST_AUTO_TEST_CASE(release_answers_stop_until_every_worker_left) {
  FakeRemote remote(3);
  release_workers(remote);
  BOOST_TEST(!remote.any_left());
  BOOST_TEST(remote.assigned.empty());
}

BOOST_AUTO_TEST_SUITE_END()
