# Installation: the program, the static and shared libraries and their
# headers, a pkg-config file, the man page and the data files.  `ctest -R
# install` checks that an install into a scratch prefix puts everything in
# place and that programs build against it through pkg-config, both ways.
include(GNUInstallDirs)

# ketsim.pc: `pkg-config --libs ketsim` links the shared library, which
# carries its own dependencies; `pkg-config --static --libs ketsim` adds
# what the archive needs (Requires.private, Libs.private).  That list is the
# library's own link list as configured, translated item by item, so a
# feature that links something new (cmake/*.cmake) reaches the .pc file or
# stops the configuration here; it is never silently missing.
function(ketsim_pc_translate item requires_var libs_var)
  set(requires ${${requires_var}})
  set(libs ${${libs_var}})
  if(item MATCHES "^\\$<LINK_ONLY:(.+)>$")
    set(item "${CMAKE_MATCH_1}")
  endif()
  if(item MATCHES "^PkgConfig::(.+)$")
    # pkg_check_modules(PREFIX ...) keeps the module it found in PREFIX_MODULE_NAME
    set(module "${${CMAKE_MATCH_1}_MODULE_NAME}")
    if(NOT module)
      message(FATAL_ERROR "ketsim.pc: no pkg-config module name for ${item}")
    endif()
    list(APPEND requires ${module})
  elseif(item STREQUAL "Threads::Threads")
    # glibc 2.34 and later need no flag, older C libraries do; -pthread is
    # right for both.
    list(APPEND libs -pthread)
  elseif(TARGET ${item})
    # another imported target (MPI::MPI_C): what it links, as paths
    get_target_property(sub ${item} INTERFACE_LINK_LIBRARIES)
    get_target_property(opts ${item} INTERFACE_LINK_OPTIONS)
    foreach(s IN LISTS sub)
      ketsim_pc_translate("${s}" requires libs)
    endforeach()
    if(opts)
      list(APPEND libs ${opts})
    endif()
  elseif(item MATCHES "^/.*/lib([^/]+)\\.(so|a)(\\.[0-9.]+)?$")
    set(name "${CMAKE_MATCH_1}")
    get_filename_component(dir "${item}" DIRECTORY)
    list(FIND CMAKE_C_IMPLICIT_LINK_DIRECTORIES "${dir}" implicit)
    if(implicit EQUAL -1)
      list(APPEND libs "-L${dir}")
    endif()
    list(APPEND libs "-l${name}")
  elseif(item MATCHES "^-")
    list(APPEND libs "${item}")
  elseif(item MATCHES "^[A-Za-z0-9_+.-]+$")
    list(APPEND libs "-l${item}")
  else()
    message(FATAL_ERROR "ketsim.pc: cmake/install.cmake does not know how a "
                        "pkg-config user links '${item}'; teach ketsim_pc_translate")
  endif()
  set(${requires_var} ${requires} PARENT_SCOPE)
  set(${libs_var} ${libs} PARENT_SCOPE)
endfunction()

function(ketsim_write_pc)
  get_target_property(deps ketsim INTERFACE_LINK_LIBRARIES)
  set(requires "")
  set(libs "")
  foreach(item IN LISTS deps)
    ketsim_pc_translate("${item}" requires libs)
  endforeach()
  list(REMOVE_DUPLICATES requires)
  list(REMOVE_DUPLICATES libs)
  list(JOIN requires " " KETSIM_PC_REQUIRES_PRIVATE)
  list(JOIN libs " " KETSIM_PC_PRIVATE_LIBS)
  # The .pc file finds the prefix from its own place, so an install into
  # any --prefix is usable as is.
  file(RELATIVE_PATH KETSIM_PC_TO_PREFIX "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
  string(REGEX REPLACE "/$" "" KETSIM_PC_TO_PREFIX "${KETSIM_PC_TO_PREFIX}")
  configure_file(${CMAKE_SOURCE_DIR}/cmake/ketsim.pc.in ${CMAKE_BINARY_DIR}/ketsim.pc @ONLY)
endfunction()

install(TARGETS ketsim_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS ketsim ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS ketsim_shared LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
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
    -DSOURCE_DIR=${CMAKE_SOURCE_DIR}
    -DCC=${CMAKE_C_COMPILER}
    -DEXTRA_FLAGS=${KETSIM_INSTALL_CHECK_FLAGS}
    -DLIBDIR=${CMAKE_INSTALL_LIBDIR}
    -DMANDIR=${CMAKE_INSTALL_MANDIR}
    -P ${CMAKE_SOURCE_DIR}/tests/install_check.cmake)

# The program finds its installed data from its own place: BINDIR/../DATADIR
# relative to the prefix, so an install into any --prefix works without
# KETSIM_DATA_DIR (src/cli/datadir_cli.c).
file(RELATIVE_PATH KETSIM_BIN_TO_DATA "/${CMAKE_INSTALL_BINDIR}" "/${CMAKE_INSTALL_DATADIR}/ketsim")
target_compile_definitions(ketsim_cli PRIVATE KETSIM_BIN_TO_DATA="${KETSIM_BIN_TO_DATA}")
