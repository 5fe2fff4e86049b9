// The session of a build with MPI: rank 0 coordinates (and computes with its own threads), every
// other rank computes what rank 0 hands it. Only the main thread of a process calls MPI
// (MPI_THREAD_FUNNELED); its worker threads never do.
#include <fmt/format.h>
#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "base/input_error.hpp"
#include "lab/parallel/coordinator.hpp"
#include "lab/parallel/mpi_session.hpp"

namespace moelab::lab {
namespace {

constexpr int kTagToCoordinator = 101;  // a worker's message header
constexpr int kTagPayload = 102;        // the bytes after a header, in chunks
constexpr int kTagAssign = 103;         // rank 0's answer: a point (index + key) or stop
constexpr std::uint64_t kStop = ~std::uint64_t{0};
constexpr std::uint64_t kNoPoint = ~std::uint64_t{0};
constexpr std::size_t kChunkBytes = std::size_t{1} << 28;  // MPI counts are int: send big results in parts

struct Header {
  std::uint8_t kind = 0;  // RemoteWorkers::Message::Kind
  std::uint8_t input_error = 0;
  std::uint64_t index = kNoPoint;
  std::uint64_t bytes = 0;
};
constexpr int kHeaderBytes = 1 + 1 + 8 + 8;

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("MPI: ") + what + " failed");
}

std::vector<char> pack(const Header& h) {
  std::vector<char> out(kHeaderBytes);
  out[0] = static_cast<char>(h.kind);
  out[1] = static_cast<char>(h.input_error);
  std::memcpy(out.data() + 2, &h.index, 8);
  std::memcpy(out.data() + 10, &h.bytes, 8);
  return out;
}

Header unpack(const std::vector<char>& in) {
  Header h;
  h.kind = static_cast<std::uint8_t>(in[0]);
  h.input_error = static_cast<std::uint8_t>(in[1]);
  std::memcpy(&h.index, in.data() + 2, 8);
  std::memcpy(&h.bytes, in.data() + 10, 8);
  return h;
}

void send_to_coordinator(RemoteWorkers::Message::Kind kind, std::uint64_t index, const std::string& bytes,
                         bool input_error = false) {
  Header h;
  h.kind = static_cast<std::uint8_t>(kind);
  h.input_error = input_error ? 1 : 0;
  h.index = index;
  h.bytes = bytes.size();
  auto packed = pack(h);
  check(MPI_Send(packed.data(), kHeaderBytes, MPI_BYTE, 0, kTagToCoordinator, MPI_COMM_WORLD), "MPI_Send");
  for (std::size_t at = 0; at < bytes.size(); at += kChunkBytes) {
    const int n = static_cast<int>(std::min(kChunkBytes, bytes.size() - at));
    check(MPI_Send(bytes.data() + at, n, MPI_BYTE, 0, kTagPayload, MPI_COMM_WORLD), "MPI_Send");
  }
}

class MpiWorkers final : public RemoteWorkers {
 public:
  explicit MpiWorkers(int size) : left_(size - 1) {}
  ~MpiWorkers() override {
    try {
      release_workers(*this);
    } catch (...) {
      // MPI itself failed; MPI_Finalize (or the launcher) ends the job.
    }
  }

  std::optional<Message> poll() override {
    int flag = 0;
    MPI_Status status;
    check(MPI_Iprobe(MPI_ANY_SOURCE, kTagToCoordinator, MPI_COMM_WORLD, &flag, &status), "MPI_Iprobe");
    if (!flag) return std::nullopt;
    std::vector<char> raw(kHeaderBytes);
    const int source = status.MPI_SOURCE;
    check(MPI_Recv(raw.data(), kHeaderBytes, MPI_BYTE, source, kTagToCoordinator, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
          "MPI_Recv");
    const Header h = unpack(raw);
    Message m;
    m.worker = source;
    m.kind = static_cast<Message::Kind>(h.kind);
    m.index = static_cast<std::size_t>(h.index);
    m.input_error = h.input_error != 0;
    m.bytes.resize(h.bytes);
    for (std::size_t at = 0; at < m.bytes.size(); at += kChunkBytes) {
      const int n = static_cast<int>(std::min<std::size_t>(kChunkBytes, m.bytes.size() - at));
      check(MPI_Recv(m.bytes.data() + at, n, MPI_BYTE, source, kTagPayload, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
            "MPI_Recv");
    }
    if (m.kind == Message::Kind::bye) --left_;
    return m;
  }

  void assign(int worker, std::size_t index, const std::string& point_key) override {
    std::string msg(8, '\0');
    const std::uint64_t i = index;
    std::memcpy(msg.data(), &i, 8);
    msg += point_key;
    check(MPI_Send(msg.data(), static_cast<int>(msg.size()), MPI_BYTE, worker, kTagAssign, MPI_COMM_WORLD), "MPI_Send");
  }

  void stop(int worker) override {
    const std::uint64_t i = kStop;
    check(MPI_Send(&i, 8, MPI_BYTE, worker, kTagAssign, MPI_COMM_WORLD), "MPI_Send");
  }

  bool any_left() const override { return left_ > 0; }
  std::string name(int worker) const override { return fmt::format("rank {}", worker); }

 private:
  int left_;
};

}  // namespace

bool mpi_built() { return true; }

MpiSession::MpiSession() {
  if (!launched_by_mpi()) return;
  int provided = 0;
  check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  initialised_ = true;
  check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
}

MpiSession::~MpiSession() {
  if (initialised_) MPI_Finalize();
}

std::unique_ptr<RemoteWorkers> MpiSession::workers() {
  if (rank_ != 0 || size_ < 2) return nullptr;
  return std::make_unique<MpiWorkers>(size_);
}

void MpiSession::serve(const std::function<WorkerTask()>& make_task, unsigned threads) {
  using Kind = RemoteWorkers::Message::Kind;
  WorkerTask task;
  try {
    task = make_task();
  } catch (const InputError& e) {
    send_to_coordinator(Kind::error, kNoPoint, e.what(), true);
    threads = 0;
  } catch (const std::exception& e) {
    send_to_coordinator(Kind::error, kNoPoint, e.what());
    threads = 0;
  }
  // Keys rank 0 sent with each point, for the task to compare with its own.
  std::mutex keys_mutex;
  std::map<std::size_t, std::string> expected;
  std::optional<LocalPool> pool;
  unsigned open = threads == 0 ? 1 : threads;  // messages awaiting an answer
  if (threads > 0) {
    pool.emplace(threads, [&](std::size_t index, std::atomic<double>& fraction) {
      std::string key;
      {
        std::lock_guard lock(keys_mutex);
        key = expected.at(index);
      }
      return task(index, key, fraction);
    });
    for (unsigned i = 0; i < threads; ++i) send_to_coordinator(Kind::ready, kNoPoint, "");
  }
  while (open > 0) {
    int flag = 0;
    MPI_Status status;
    check(MPI_Iprobe(0, kTagAssign, MPI_COMM_WORLD, &flag, &status), "MPI_Iprobe");
    if (flag) {
      int count = 0;
      check(MPI_Get_count(&status, MPI_BYTE, &count), "MPI_Get_count");
      std::string msg(static_cast<std::size_t>(count), '\0');
      check(MPI_Recv(msg.data(), count, MPI_BYTE, 0, kTagAssign, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
      std::uint64_t index = 0;
      std::memcpy(&index, msg.data(), 8);
      if (index == kStop) {
        --open;
      } else {
        {
          std::lock_guard lock(keys_mutex);
          expected[index] = msg.substr(8);
        }
        pool->submit(index);
      }
      continue;
    }
    if (!pool) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      continue;
    }
    if (auto d = pool->wait(std::chrono::milliseconds(2))) {
      if (!d->error) {
        send_to_coordinator(Kind::result, d->index, d->bytes);
        continue;
      }
      try {
        std::rethrow_exception(d->error);
      } catch (const InputError& e) {
        send_to_coordinator(Kind::error, d->index, e.what(), true);
      } catch (const std::exception& e) {
        send_to_coordinator(Kind::error, d->index, e.what());
      }
    }
  }
  send_to_coordinator(Kind::bye, kNoPoint, "");
}

}  // namespace moelab::lab
