# The Python and R packages (python/, r/ketsim; docs/python.md, docs/r.md).
# scripts/setup.sh installs them for the system; the tests here install this
# build's libketsim and both packages into build/packages-check and compare
# every function with the program.  Not in sanitizer or fuzzing builds: an
# instrumented libketsim cannot be loaded into an uninstrumented interpreter.
if(KETSIM_SANITIZE OR KETSIM_FUZZ)
  return()
endif()

set(KETSIM_PACKAGES_WORK ${CMAKE_BINARY_DIR}/packages-check)
set(KETSIM_PACKAGES_ENV
  "KETSIM_DATA_DIR=${CMAKE_SOURCE_DIR}/data"
  "KETSIM_CLI=$<TARGET_FILE:ketsim_cli>"
  "KETSIM_SOURCE_DIR=${CMAKE_SOURCE_DIR}")

add_test(NAME packages_install
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/packages/install.sh
    ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR} ${KETSIM_PACKAGES_WORK})
set_tests_properties(packages_install PROPERTIES FIXTURES_SETUP ketsim_packages)

add_test(NAME python_package
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/packages/pytest.sh ${CMAKE_SOURCE_DIR} ${KETSIM_PACKAGES_WORK})
add_test(NAME r_package
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/packages/testthat.sh ${CMAKE_SOURCE_DIR} ${KETSIM_PACKAGES_WORK})
add_test(NAME r_package_check
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/packages/r_check.sh
    ${CMAKE_SOURCE_DIR} ${KETSIM_PACKAGES_WORK} ${CMAKE_BINARY_DIR})
add_test(NAME packages_agree
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/packages/agree.sh $<TARGET_FILE:ketsim_cli> ${KETSIM_PACKAGES_WORK})
add_test(NAME packages_examples
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/packages/examples.sh ${CMAKE_SOURCE_DIR} ${KETSIM_PACKAGES_WORK})
set_tests_properties(python_package r_package r_package_check packages_agree packages_examples PROPERTIES
  FIXTURES_REQUIRED ketsim_packages
  ENVIRONMENT "${KETSIM_PACKAGES_ENV}")
