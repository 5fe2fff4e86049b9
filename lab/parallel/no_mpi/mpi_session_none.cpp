// The session of a build without MPI: always one process.
#include <fmt/format.h>

#include "base/input_error.hpp"
#include "lab/parallel/mpi_session.hpp"

namespace moelab::lab {

bool mpi_built() { return false; }

MpiSession::MpiSession() {
  int world = 0;
  if (launched_by_mpi(&world) && world != 1) {
    throw InputError({"mpirun", 0, 0}, "",
                     fmt::format("this moelab was built without MPI, so the {} processes mpirun started would each "
                                 "run the whole sweep; use `moelab run -j N` for N local workers, or rebuild with "
                                 "MPI (libopenmpi-dev installed, then cmake)",
                                 world > 0 ? std::to_string(world) : std::string("several")));
  }
}

MpiSession::~MpiSession() = default;

std::unique_ptr<RemoteWorkers> MpiSession::workers() { return nullptr; }

void MpiSession::serve(const std::function<WorkerTask()>&, unsigned) {}

}  // namespace moelab::lab
