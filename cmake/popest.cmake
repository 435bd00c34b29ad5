# Population estimation (FOCE-I, SAEM): fit.json is written with jansson;
# the population data generator for the recovery tests and the comparison
# scripts.
pkg_check_modules(JANSSON REQUIRED IMPORTED_TARGET jansson)
target_link_libraries(ketsim PUBLIC PkgConfig::JANSSON)
