# Population estimation (FOCE-I, SAEM): fit.json is written with jansson;
# the population data generator for the recovery tests and the comparison
# scripts.
pkg_check_modules(JANSSON REQUIRED IMPORTED_TARGET jansson)
target_link_libraries(ketsim PUBLIC PkgConfig::JANSSON)
add_executable(pop_make_data tests/tools/pop_make_data.c tests/tools/popgen.c tests/tools/popgen_joint.c)
target_include_directories(pop_make_data PRIVATE ${CMAKE_SOURCE_DIR}/tests/tools)
target_compile_definitions(pop_make_data PRIVATE KETSIM_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
target_link_libraries(pop_make_data PRIVATE ketsim)
if(TARGET test_popest)
  target_sources(test_popest PRIVATE ${CMAKE_SOURCE_DIR}/tests/tools/popgen.c)
  target_include_directories(test_popest PRIVATE ${CMAKE_SOURCE_DIR}/tests/tools)
  target_compile_definitions(test_popest PRIVATE KETSIM_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
endif()
