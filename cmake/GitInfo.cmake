# The commit goes into every HDF5 file; read at configure time (re-run cmake to refresh).
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
  OUTPUT_VARIABLE MOELAB_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _git_rc)
if(NOT _git_rc EQUAL 0 OR NOT MOELAB_GIT_COMMIT)
  set(MOELAB_GIT_COMMIT "unknown")
endif()
