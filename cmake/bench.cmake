# Benchmarks (bench/run.sh): the per-subject timing driver and
# libketsim_rhs.so, ketsim's right-hand side for other ODE solvers.
# (libketsim.a is position-independent for libketsim.so, so it links into
# this shared object too.)
add_executable(sim_bench bench/sim_bench.c)
target_include_directories(sim_bench PRIVATE ${CMAKE_SOURCE_DIR}/src)
target_link_libraries(sim_bench PRIVATE ketsim)
add_library(ketsim_rhs SHARED bench/rhs_lib.c)
target_include_directories(ketsim_rhs PRIVATE ${CMAKE_SOURCE_DIR}/src)
target_link_libraries(ketsim_rhs PRIVATE ketsim)
