# Benchmarks (bench/run.sh): the per-subject timing driver and
# libketsim_rhs.so, ketsim's right-hand side for other ODE solvers.
set_target_properties(ketsim PROPERTIES POSITION_INDEPENDENT_CODE ON)
add_executable(sim_bench bench/sim_bench.c)
target_include_directories(sim_bench PRIVATE ${CMAKE_SOURCE_DIR}/src)
target_link_libraries(sim_bench PRIVATE ketsim)
add_library(ketsim_rhs SHARED bench/rhs_lib.c)
target_include_directories(ketsim_rhs PRIVATE ${CMAKE_SOURCE_DIR}/src)
target_link_libraries(ketsim_rhs PRIVATE ketsim)
