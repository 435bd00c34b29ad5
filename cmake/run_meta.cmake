# The git commit the program was configured from, stored in the run table
# of results databases (src/cli/results_db_cli.c) and in run reports
# (src/cli/report_cli.c).  It is read when the
# build is configured; "unknown" outside a git checkout.
find_package(Git QUIET)
set(KETSIM_GIT_COMMIT "unknown")
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse HEAD
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
    OUTPUT_VARIABLE _ketsim_commit OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE _ketsim_git_rc ERROR_QUIET)
  if(_ketsim_git_rc EQUAL 0 AND _ketsim_commit MATCHES "^[0-9a-f]+$")
    set(KETSIM_GIT_COMMIT "${_ketsim_commit}")
  endif()
endif()
set_source_files_properties(${CMAKE_SOURCE_DIR}/src/cli/results_db_cli.c
  ${CMAKE_SOURCE_DIR}/src/cli/report_cli.c PROPERTIES
  COMPILE_DEFINITIONS "KETSIM_GIT_COMMIT=\"${KETSIM_GIT_COMMIT}\"")
