# Figures (PLplot with the cairo driver for PNG and SVG).
pkg_check_modules(PLPLOT REQUIRED IMPORTED_TARGET plplot)
target_link_libraries(ketsim PUBLIC PkgConfig::PLPLOT)

# Figure tests under the sanitizers: ignore fontconfig's process-lifetime
# font cache, which LeakSanitizer reports at exit.
if(KETSIM_SANITIZE)
  foreach(t test_plot test_trial_plot cli_plot cli_figures cli_beyond cli_examples cli_subject_pipeline cli_popest_diag
          cli_popest_joint_diag cli_report test_report_html cli_observed
          cli_dataset_report cli_trial_observed)
    if(TEST ${t})
      set_property(TEST ${t} APPEND PROPERTY ENVIRONMENT
        "LSAN_OPTIONS=suppressions=${CMAKE_SOURCE_DIR}/tests/lsan_fontconfig.supp")
    endif()
  endforeach()
endif()
