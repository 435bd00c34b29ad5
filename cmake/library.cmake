# The library as its users see it: libketsim.so exports exactly the public
# headers' functions.  The install test (cmake/install.cmake) links programs
# against it both ways.
add_test(NAME library_exports
  COMMAND bash ${CMAKE_SOURCE_DIR}/scripts/check_exports.sh
    $<TARGET_FILE:ketsim_shared> ${CMAKE_SOURCE_DIR}/include ${CMAKE_C_COMPILER})
