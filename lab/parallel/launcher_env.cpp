#include <cstdlib>
#include <string>

#include "lab/parallel/mpi_session.hpp"

namespace moelab::lab {

bool launched_by_mpi(int* world_size) {
  // OpenMPI's mpirun, then PMI-1/2 launchers (MPICH's hydra, srun --mpi=pmi2), then PMIx.
  int size = 0;
  bool launched = false;
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    if (const char* v = std::getenv(var)) {
      launched = true;
      try {
        size = std::stoi(v);
      } catch (...) {
        size = 0;
      }
      break;
    }
  }
  if (!launched && std::getenv("PMIX_RANK") != nullptr) launched = true;
  if (world_size != nullptr) *world_size = size;
  return launched;
}

}  // namespace moelab::lab
