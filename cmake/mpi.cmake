# Optional MPI: `mpirun -np K ketsim trial ...` splits the subjects between
# processes (src/trial/dist.c).  Built only when an MPI C library is found;
# a build without it is an ordinary single-process program.
find_package(MPI COMPONENTS C QUIET)
if(MPI_C_FOUND)
  option(KETSIM_MPI "Split trials between MPI processes" ON)
else()
  set(KETSIM_MPI OFF)
endif()
if(KETSIM_MPI)
  target_link_libraries(ketsim PUBLIC MPI::MPI_C)
  target_compile_definitions(ketsim PUBLIC KETSIM_HAVE_MPI)
  message(STATUS "ketsim: MPI support on (${MPI_C_LIBRARY_NAMES})")
else()
  message(STATUS "ketsim: MPI support off")
endif()
# The MPI tests need to know whether the binary can split work.
foreach(t cli_mpi_determinism cli_robust_mpi cli_mpi_dynamic cli_popest_determinism)
  if(TEST ${t})
    set_tests_properties(${t} PROPERTIES ENVIRONMENT
      "KETSIM_DATA_DIR=${CMAKE_SOURCE_DIR}/data;KETSIM_BUILT_WITH_MPI=${KETSIM_MPI}")
  endif()
endforeach()
