# Run by ctest (cmake/install.cmake): install into a scratch prefix, check
# the files, then build and run a small program against the installed library
# through pkg-config.
file(REMOVE_RECURSE ${PREFIX})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX}
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed: ${rc}")
endif()

set(expected
  bin/ketsim
  ${LIBDIR}/libketsim.a
  ${LIBDIR}/pkgconfig/ketsim.pc
  include/ketsim/ketsim.h
  include/ketsim/dataset.h
  include/ketsim/plot.h
  include/ketsim/progress.h
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

# pkg-config: the .pc file points into the prefix and is enough to link.
set(ENV{PKG_CONFIG_PATH} ${PREFIX}/${LIBDIR}/pkgconfig)
execute_process(COMMAND pkg-config --static --cflags --libs ketsim
                RESULT_VARIABLE rc OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0 OR NOT flags MATCHES "-I${PREFIX}/")
  message(FATAL_ERROR "pkg-config ketsim failed or points elsewhere: ${flags}")
endif()
file(WRITE ${PREFIX}/use.c
"#include <ketsim/ketsim.h>
#include <stdio.h>
int main(void)
{
    ketsim_params *p;
    ketsim_error err = {0};
    if (ketsim_params_create(KETSIM_HUMAN, &p, &err))
        return 1;
    printf(\"%zu\\n\", ketsim_params_count(p));
    ketsim_params_free(p);
    return 0;
}
")
separate_arguments(flag_list UNIX_COMMAND "${flags} ${EXTRA_FLAGS}")
execute_process(COMMAND ${CC} ${PREFIX}/use.c -o ${PREFIX}/use ${flag_list}
                RESULT_VARIABLE rc ERROR_VARIABLE cc_err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building against the installed library failed: ${cc_err}")
endif()
execute_process(COMMAND ${PREFIX}/use RESULT_VARIABLE rc OUTPUT_VARIABLE n)
if(NOT rc EQUAL 0 OR NOT n GREATER 10)
  message(FATAL_ERROR "program linked against the installed library failed: ${rc} ${n}")
endif()
message(STATUS "install tree complete; ${n} parameters read through the installed library")
