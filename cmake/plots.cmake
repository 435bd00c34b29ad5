# Figures (PLplot with the cairo driver for PNG and SVG).
pkg_check_modules(PLPLOT REQUIRED IMPORTED_TARGET plplot)
target_link_libraries(ketsim PUBLIC PkgConfig::PLPLOT)
