# MOELAB_SANITIZE: compile and link everything with sanitizers, e.g. "address,undefined" (the
# `sanitize` preset). With clang, UBSan's float-cast-overflow check is added (g++ has none) and
# every report aborts, so a test or fuzz run cannot pass over one.
set(MOELAB_SANITIZE "" CACHE STRING "Sanitizers for every target (e.g. address,undefined); empty = none")
if(MOELAB_SANITIZE)
  set(_san "-fsanitize=${MOELAB_SANITIZE}")
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang" AND MOELAB_SANITIZE MATCHES "undefined")
    string(APPEND _san ",float-cast-overflow")
  endif()
  add_compile_options(${_san} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(${_san} -fno-sanitize-recover=all)
  message(STATUS "moelab: sanitizers ${_san}")
endif()
