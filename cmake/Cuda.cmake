# CUDA is optional: with nvcc present the .cu variants compile for sm_90a; nothing needs a GPU to pass.
# MOELAB_REQUIRE_CUDA=ON (preset "gpu", scripts/device-check.sh) turns a missing nvcc into a
# configure error instead of a build that quietly has no cuda variants.
set(MOELAB_HAVE_CUDA OFF)
if(MOELAB_REQUIRE_CUDA AND NOT MOELAB_ENABLE_CUDA)
  message(FATAL_ERROR "moelab: MOELAB_REQUIRE_CUDA=ON contradicts MOELAB_ENABLE_CUDA=OFF")
endif()
if(MOELAB_ENABLE_CUDA)
  include(CheckLanguage)
  # A compiler named explicitly (-DCMAKE_CUDA_COMPILER, $CUDACXX) that does not exist is "none found".
  if(MOELAB_REQUIRE_CUDA AND CMAKE_CUDA_COMPILER AND NOT EXISTS "${CMAKE_CUDA_COMPILER}")
    message(FATAL_ERROR "moelab: CUDA is required (MOELAB_REQUIRE_CUDA=ON) but CMAKE_CUDA_COMPILER="
                        "${CMAKE_CUDA_COMPILER} does not exist. Install the CUDA toolkit (nvcc), or "
                        "configure with the `default` or `cpu` preset, which do not require CUDA.")
  endif()
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    # The static runtime plus CUDA::cudart puts two runtimes on the link line with CMake 3.25.
    set(CMAKE_CUDA_RUNTIME_LIBRARY Shared)
    # CMake 3.25 has no C++20 flag for nvcc 13 in its tables; name it so CUDA_STANDARD 20 works.
    set(CMAKE_CUDA20_STANDARD_COMPILE_OPTION "-std=c++20")
    set(CMAKE_CUDA20_EXTENSION_COMPILE_OPTION "-std=c++20")
    enable_language(CUDA)
    set(CMAKE_CUDA_STANDARD 20)
    set(CMAKE_CUDA_STANDARD_REQUIRED ON)
    find_package(CUDAToolkit REQUIRED)
    set(MOELAB_HAVE_CUDA ON)
    message(STATUS "moelab: CUDA ${CMAKE_CUDA_COMPILER_VERSION}, architectures ${CMAKE_CUDA_ARCHITECTURES}")
  elseif(MOELAB_REQUIRE_CUDA)
    message(FATAL_ERROR "moelab: CUDA is required (MOELAB_REQUIRE_CUDA=ON, preset `gpu`) but no CUDA compiler "
                        "was found: nvcc is not on PATH and neither CUDACXX nor CMAKE_CUDA_COMPILER names one. "
                        "Install the CUDA toolkit (e.g. /usr/local/cuda/bin/nvcc) and put it on PATH, or "
                        "configure with the `default` or `cpu` preset, which build without CUDA.")
  else()
    message(STATUS "moelab: no CUDA compiler; cuda variants are not built")
  endif()
endif()
