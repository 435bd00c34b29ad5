# libFuzzer harnesses for every input parser (fuzz/*.c), built only with
# -DKETSIM_FUZZ=ON and clang.  The library is then instrumented for coverage
# and built with AddressSanitizer and UndefinedBehaviorSanitizer, so anything
# linked against it (CLI, unit tests, harnesses) carries the sanitizer runtime.
# Run a harness with fuzz/run.sh NAME SECONDS|RUNS; CI runs all of them for a
# short fixed time in .ci/fuzz.
option(KETSIM_FUZZ "Build the libFuzzer harnesses in fuzz/ (clang only)" OFF)

file(GLOB KETSIM_FUZZ_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/fuzz/fuzz_*.c)
list(REMOVE_ITEM KETSIM_FUZZ_SOURCES ${CMAKE_SOURCE_DIR}/fuzz/fuzz_common.c)

# fuzz_argv drives the CLI in-process: it takes the CLI's sources but main,
# and stops every command at its first solver (the wrapped functions refuse).
set(KETSIM_FUZZ_ARGV_SOURCES ${KETSIM_CLI_SOURCES})
list(REMOVE_ITEM KETSIM_FUZZ_ARGV_SOURCES ${CMAKE_SOURCE_DIR}/src/cli/main.c)
function(ketsim_fuzz_argv_target target)
  target_sources(${target} PRIVATE ${KETSIM_FUZZ_ARGV_SOURCES})
  target_link_options(${target} PRIVATE -Wl,--wrap=solver_create -Wl,--wrap=fsens_create)
  target_compile_definitions(${target} PRIVATE KETSIM_FUZZ_DATA_DIR="${CMAKE_SOURCE_DIR}/data")
endfunction()

# Every build: replay each harness over its seed corpus (fuzz/replay_main.c),
# so inputs that once broke a parser stay fixed without clang.
if(NOT KETSIM_FUZZ)
  add_library(ketsim_fuzz_replay STATIC ${CMAKE_SOURCE_DIR}/fuzz/fuzz_common.c
                                        ${CMAKE_SOURCE_DIR}/fuzz/replay_main.c)
  foreach(src ${KETSIM_FUZZ_SOURCES})
    get_filename_component(name ${src} NAME_WE)
    string(REGEX REPLACE "^fuzz_" "" short ${name})
    add_executable(replay_${short} ${src})
    target_include_directories(replay_${short} PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/fuzz)
    target_link_libraries(replay_${short} PRIVATE ketsim_fuzz_replay ketsim)
    if(short STREQUAL "argv")
      ketsim_fuzz_argv_target(replay_${short})
    endif()
    add_test(NAME fuzz_replay_${short}
             COMMAND replay_${short} ${CMAKE_SOURCE_DIR}/fuzz/corpus/${short})
    set_tests_properties(fuzz_replay_${short} PROPERTIES
      ENVIRONMENT "KETSIM_DATA_DIR=${CMAKE_SOURCE_DIR}/data")
  endforeach()
endif()

if(KETSIM_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "KETSIM_FUZZ=ON needs clang (configure with CC=clang); "
                        "the compiler is ${CMAKE_C_COMPILER_ID}")
  endif()
  set(KETSIM_FUZZ_SAN -fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  target_compile_options(ketsim PRIVATE -fsanitize=fuzzer-no-link ${KETSIM_FUZZ_SAN})
  target_link_options(ketsim INTERFACE -fsanitize=address,undefined)

  add_library(ketsim_fuzz_common STATIC ${CMAKE_SOURCE_DIR}/fuzz/fuzz_common.c)
  target_compile_options(ketsim_fuzz_common PRIVATE ${KETSIM_FUZZ_SAN})

  add_custom_target(fuzz_all)
  foreach(src ${KETSIM_FUZZ_SOURCES})
    get_filename_component(name ${src} NAME_WE)
    add_executable(${name} ${src})
    target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/fuzz)
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer ${KETSIM_FUZZ_SAN})
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_libraries(${name} PRIVATE ketsim ketsim_fuzz_common)
    if(name STREQUAL "fuzz_argv")
      ketsim_fuzz_argv_target(${name})
      target_compile_options(${name} PRIVATE ${KETSIM_FUZZ_SAN})
    endif()
    set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
    add_dependencies(fuzz_all ${name})
  endforeach()
endif()
