#!/usr/bin/env bash
# The R package's tests (r/ketsim/tests/testthat) against the copy install.sh
# put in WORK/r; fails on any failed or erroring expectation.
# usage: testthat.sh SOURCE_DIR WORK_DIR
set -euo pipefail
src=$1 work=$2
cd "$src/r/ketsim/tests"
export KETSIM_R_LIBRARY=$work/r
exec Rscript -e '
.libPaths(c(Sys.getenv("KETSIM_R_LIBRARY"), .libPaths()))
suppressPackageStartupMessages({library(testthat); library(ketsim)})
res <- as.data.frame(test_dir("testthat", reporter = "summary", stop_on_failure = FALSE))
failed <- sum(res$failed) + sum(res$error)
cat(sprintf("\n%d passed, %d failed, %d skipped\n", sum(res$passed), failed, sum(res$skipped)))
quit(status = if (failed > 0) 1 else 0)' 
