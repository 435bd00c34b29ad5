# Installation: the program, the static library and its headers, a
# pkg-config file, the man page and the data files.  `ctest -R install` checks
# that an install into a scratch prefix puts everything in place and that a
# program builds against it through pkg-config.
include(GNUInstallDirs)

# The library is static, so users link its dependencies too: pkg-config
# gives them with --static (Requires.private / Libs.private).
set(KETSIM_PC_PRIVATE_LIBS
  "-lsundials_cvodes -lsundials_nvecserial -lsundials_sunmatrixdense -lsundials_sunlinsoldense -lsundials_sunmatrixsparse")
if(KETSIM_HAVE_KLU)
  string(APPEND KETSIM_PC_PRIVATE_LIBS " -lsundials_sunlinsolklu -lklu")
endif()
string(APPEND KETSIM_PC_PRIVATE_LIBS " -lm")
# The .pc file finds the prefix from its own place, so an install into any
# --prefix is usable as is.
file(RELATIVE_PATH KETSIM_PC_TO_PREFIX "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
string(REGEX REPLACE "/$" "" KETSIM_PC_TO_PREFIX "${KETSIM_PC_TO_PREFIX}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/ketsim.pc.in ${CMAKE_BINARY_DIR}/ketsim.pc @ONLY)

install(TARGETS ketsim_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS ketsim ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/ketsim DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${CMAKE_BINARY_DIR}/ketsim.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
install(FILES ${CMAKE_SOURCE_DIR}/docs/ketsim.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/data/ DESTINATION ${CMAKE_INSTALL_DATADIR}/ketsim)

set(KETSIM_INSTALL_CHECK_FLAGS "")
if(KETSIM_SANITIZE)
  set(KETSIM_INSTALL_CHECK_FLAGS "-fsanitize=address,undefined")
endif()
add_test(NAME install_tree
  COMMAND ${CMAKE_COMMAND}
    -DBUILD_DIR=${CMAKE_BINARY_DIR}
    -DPREFIX=${CMAKE_BINARY_DIR}/install-check
    -DCC=${CMAKE_C_COMPILER}
    -DEXTRA_FLAGS=${KETSIM_INSTALL_CHECK_FLAGS}
    -DLIBDIR=${CMAKE_INSTALL_LIBDIR}
    -DMANDIR=${CMAKE_INSTALL_MANDIR}
    -P ${CMAKE_SOURCE_DIR}/tests/install_check.cmake)
