# Run by ctest (cmake/install.cmake): install into a scratch prefix, check
# the files, then build and run a small program against the installed library
# through pkg-config, once linked to libketsim.so and once to libketsim.a.
file(REMOVE_RECURSE ${PREFIX})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX}
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed: ${rc}")
endif()

set(expected
  bin/ketsim
  ${LIBDIR}/libketsim.a
  ${LIBDIR}/libketsim.so
  ${LIBDIR}/libketsim.so.0
  ${LIBDIR}/pkgconfig/ketsim.pc
  include/ketsim/ketsim.h
  include/ketsim/dataset.h
  include/ketsim/plot.h
  include/ketsim/progress.h
  include/ketsim/subject.h
  include/ketsim/dist.h
  ${MANDIR}/man1/ketsim.1
  share/ketsim/targets.csv)
foreach(f ${expected})
  if(NOT EXISTS ${PREFIX}/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()

# The installed program runs and finds nothing of the build tree it needs.
execute_process(COMMAND ${PREFIX}/bin/ketsim simulate --until 1h --every 1h
                          --outputs plasma_ketamine_ng_per_ml
                RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out MATCHES "plasma_ketamine_ng_per_ml")
  message(FATAL_ERROR "installed ketsim did not run: ${rc} ${out}")
endif()

# The shared library answers to its SONAME and records no path of the build.
execute_process(COMMAND readelf -d ${PREFIX}/${LIBDIR}/libketsim.so
                RESULT_VARIABLE rc OUTPUT_VARIABLE dyn)
if(NOT rc EQUAL 0 OR NOT dyn MATCHES "SONAME[^\n]*\\[libketsim\\.so\\.0\\]")
  message(FATAL_ERROR "libketsim.so has no SONAME libketsim.so.0: ${dyn}")
endif()
if(dyn MATCHES "${BUILD_DIR}")
  message(FATAL_ERROR "installed libketsim.so points into the build tree: ${dyn}")
endif()

# pkg-config: the .pc file points into the prefix and is enough to link.
set(ENV{PKG_CONFIG_PATH} ${PREFIX}/${LIBDIR}/pkgconfig)
function(pc out)
  execute_process(COMMAND pkg-config ${ARGN} ketsim
                  RESULT_VARIABLE rc OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0 OR NOT flags MATCHES "-L${PREFIX}/")
    message(FATAL_ERROR "pkg-config ${ARGN} ketsim failed or points elsewhere: ${flags}")
  endif()
  string(REPLACE ";" " " args "${ARGN}")
  message(STATUS "pkg-config ${args} ketsim: ${flags}")
  set(${out} "${flags}" PARENT_SCOPE)
endfunction()
pc(shared_flags --cflags --libs)
pc(static_flags --static --cflags --libs)
# With both libraries in one directory -lketsim means the shared one, so the
# static link names the archive (docs/library.md says the same to users).
string(REGEX REPLACE "-lketsim( |$)" "-l:libketsim.a\\1" archive_flags "${static_flags}")
# Linking every member of the archive, not only those a small program pulls
# in, proves Libs.private and Requires.private cover all of the library
# (MPI, libsbml, PLplot included).
string(REGEX REPLACE "-lketsim( |$)"
       "-Wl,--whole-archive -l:libketsim.a -Wl,--no-whole-archive\\1" whole_flags "${static_flags}")

# build NAME FLAGS: compile examples/library/plasma_40min.c into PREFIX/NAME
function(build name flags)
  separate_arguments(flag_list UNIX_COMMAND "${flags} ${EXTRA_FLAGS}")
  execute_process(COMMAND ${CC} -std=c11 -Wall -Wextra -Werror ${SOURCE_DIR}/examples/library/plasma_40min.c
                          -o ${PREFIX}/${name} ${flag_list}
                  RESULT_VARIABLE rc ERROR_VARIABLE cc_err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "building ${name} against the installed library failed: ${cc_err}")
  endif()
endfunction()
build(use_shared "${shared_flags} -Wl,-rpath,${PREFIX}/${LIBDIR}")
build(use_static "${archive_flags}")
build(use_whole "${whole_flags}")

execute_process(COMMAND readelf -d ${PREFIX}/use_shared OUTPUT_VARIABLE dyn_shared)
execute_process(COMMAND readelf -d ${PREFIX}/use_static OUTPUT_VARIABLE dyn_static)
if(NOT dyn_shared MATCHES "NEEDED[^\n]*libketsim\\.so\\.0")
  message(FATAL_ERROR "use_shared does not load libketsim.so.0: ${dyn_shared}")
endif()
if(dyn_static MATCHES "libketsim")
  message(FATAL_ERROR "use_static loads libketsim dynamically: ${dyn_static}")
endif()

set(results "")
foreach(name use_shared use_static use_whole)
  execute_process(COMMAND ${PREFIX}/${name} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err_out
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "^plasma ketamine at 40 min: ([0-9.eE+-]+) ng/mL$")
    message(FATAL_ERROR "${name} (linked against the installed library) failed: ${rc} ${out} ${err_out}")
  endif()
  list(APPEND results "${CMAKE_MATCH_1}")
endforeach()
list(REMOVE_DUPLICATES results)
list(LENGTH results n_results)
if(NOT n_results EQUAL 1)
  message(FATAL_ERROR "shared and static builds disagree: ${results}")
endif()

# The same number as the installed program prints (to its 10 significant digits).
execute_process(COMMAND ${PREFIX}/bin/ketsim simulate --until 40min --every 40min --weight 70
                        --outputs plasma_ketamine_ng_per_ml
                RESULT_VARIABLE rc OUTPUT_VARIABLE cli OUTPUT_STRIP_TRAILING_WHITESPACE)
string(REGEX MATCH "[^\n]+$" cli_last "${cli}")
execute_process(COMMAND printf "%.10g" ${results} OUTPUT_VARIABLE lib_10)
if(NOT rc EQUAL 0 OR NOT cli_last STREQUAL lib_10)
  message(FATAL_ERROR "library gives ${results} (${lib_10}), the CLI ${cli_last}")
endif()
message(STATUS "install tree complete; plasma ketamine at 40 min ${results} ng/mL "
               "from libketsim.so, libketsim.a and the CLI alike")
