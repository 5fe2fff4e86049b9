#pragma once
// MPI, when this process was started by an MPI launcher (mpirun/mpiexec/srun set OMPI_COMM_WORLD_SIZE,
// PMI_SIZE or PMIX_RANK) and moelab was built with MPI (found by CMake -> built). Otherwise the
// session is a single process and MPI is never touched, so the same binary runs as before
// without mpirun.
#include <functional>
#include <memory>
#include <string>

#include "lab/parallel/local_pool.hpp"
#include "lab/parallel/remote_workers.hpp"

namespace moelab::lab {

bool mpi_built();
// Started by an MPI launcher; `world_size` is the number of processes it started (0 = unknown).
bool launched_by_mpi(int* world_size = nullptr);

class MpiSession {
 public:
  // Initialises MPI when launched by an MPI launcher. Throws InputError when launched with
  // several processes by a build without MPI (each would run the whole sweep).
  MpiSession();
  ~MpiSession();  // MPI_Finalize
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool is_worker() const { return rank_ > 0; }

  // Rank 0 of a job of several ranks: the others, as workers (nullptr otherwise). Destroying it
  // releases them (answers stop to everything until each has said bye).
  std::unique_ptr<RemoteWorkers> workers();

  // A worker rank's whole life: compute the points rank 0 hands out with `threads` threads until
  // told to stop. `make_task` prepares (plans the sweep); what it throws is reported to rank 0.
  // The task gets the point's key from rank 0 to compare with its own.
  using WorkerTask = std::function<std::string(std::size_t index, const std::string& expected_key,
                                               std::atomic<double>& fraction_done)>;
  void serve(const std::function<WorkerTask()>& make_task, unsigned threads);

 private:
  int rank_ = 0;
  int size_ = 1;
  bool initialised_ = false;
};

}  // namespace moelab::lab
