# The fault-injection library for tests (tests/tools/faultinj.c), preloaded by
# tests/cli/fault_walk.sh.  Not in sanitizer or fuzzing builds: the
# sanitizers interpose the same calls and must be loaded first.
if(NOT KETSIM_SANITIZE AND NOT KETSIM_FUZZ)
  add_library(ketsim_faultinj SHARED ${CMAKE_SOURCE_DIR}/tests/tools/faultinj.c)
  target_link_libraries(ketsim_faultinj PRIVATE ${CMAKE_DL_LIBS})
  set_target_properties(ketsim_faultinj PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/tools)
  set_tests_properties(cli_fault_walk PROPERTIES
    ENVIRONMENT "KETSIM_DATA_DIR=${CMAKE_SOURCE_DIR}/data;KETSIM_FAULTINJ=$<TARGET_FILE:ketsim_faultinj>")
endif()
set_tests_properties(cli_fault_walk PROPERTIES SKIP_RETURN_CODE 77)
