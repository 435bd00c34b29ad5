# The library as its users see it (docs/library.md): libketsim.so exports
# exactly the public headers' functions, and the library keeps no mutable
# process-wide state nor changes process-wide settings.  The install test
# (cmake/install.cmake) links programs against it both ways.
add_test(NAME library_exports
  COMMAND bash ${CMAKE_SOURCE_DIR}/scripts/check_exports.sh
    $<TARGET_FILE:ketsim_shared> ${CMAKE_SOURCE_DIR}/include ${CMAKE_C_COMPILER})
add_test(NAME library_state
  COMMAND bash ${CMAKE_SOURCE_DIR}/scripts/check_state.sh $<TARGET_FILE:ketsim>)
