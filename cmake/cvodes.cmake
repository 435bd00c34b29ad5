# Forward sensitivities (src/sim/fsens.c) need CVODES.  CVODES and CVODE
# export the same CVode* symbols with different internal memory layouts, so
# linking both into one program would let CVodeCreate come from one library
# and CVodeSensInit from the other.  CVODES is a superset of CVODE with the
# same calls, so the library links CVODES in CVODE's place: the plain solver
# (src/sim/solver.c) runs on it unchanged.
find_library(SUNDIALS_CVODES sundials_cvodes REQUIRED)
foreach(prop LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
  get_target_property(ketsim_libs ketsim ${prop})
  if(ketsim_libs)
    list(FIND ketsim_libs "${SUNDIALS_CVODE}" cvode_at)
    if(cvode_at GREATER -1)
      list(REMOVE_AT ketsim_libs ${cvode_at})
      list(INSERT ketsim_libs ${cvode_at} "${SUNDIALS_CVODES}")
    else()
      list(APPEND ketsim_libs "${SUNDIALS_CVODES}")
    endif()
    set_property(TARGET ketsim PROPERTY ${prop} "${ketsim_libs}")
  endif()
endforeach()
