# Fitting and sensitivity analysis: a generator of synthetic data for the
# recovery tests, shared by the unit test and the CLI test.
add_executable(fit_make_data tests/tools/fit_make_data.c tests/tools/fitgen.c)
target_include_directories(fit_make_data PRIVATE ${CMAKE_SOURCE_DIR}/tests/tools)
target_link_libraries(fit_make_data PRIVATE ketsim)
if(TARGET test_fit)
  target_sources(test_fit PRIVATE ${CMAKE_SOURCE_DIR}/tests/tools/fitgen.c)
  target_include_directories(test_fit PRIVATE ${CMAKE_SOURCE_DIR}/tests/tools)
endif()
