test_that("a trial is the program's", {
  skip_without_cli()
  dir <- tempfile()
  on.exit(unlink(dir, recursive = TRUE))
  printed <- run_cli("trial", "zarate2006", "--replicates", "3", "--subjects", "24", "--seed", "5",
                     "--threads", "2", "--out-dir", dir)
  res <- trial("zarate2006", replicates = 3, subjects = 24, seed = 5, threads = 2)
  table <- res$summary$table
  res$summary$table <- NULL
  expect_identical(res$summary, jsonlite::fromJSON(file.path(dir, "zarate2006_summary.json"),
                                                   simplifyVector = FALSE))
  expect_identical(res$subjects, utils::read.csv(file.path(dir, "zarate2006_subjects.csv"),
                                                 stringsAsFactors = FALSE))
  expect_identical(strsplit(table, "\n")[[1]], printed[seq_along(strsplit(table, "\n")[[1]])])
})

test_that("a trial does not depend on threads", {
  one <- trial("zarate2006", replicates = 2, subjects = 20, threads = 1)
  two <- trial("zarate2006", replicates = 2, subjects = 20, threads = 2)
  expect_identical(one, two)
})

test_that("a lab experiment is the program's", {
  skip_without_cli()
  dir <- tempfile()
  on.exit(unlink(dir, recursive = TRUE))
  run_cli("lab", "ampa_block", "--seed", "3", "--out-dir", dir)
  res <- lab("ampa_block", seed = 3)
  res$summary$table <- NULL
  expect_identical(res$summary, jsonlite::fromJSON(file.path(dir, "ampa_block_summary.json"),
                                                   simplifyVector = FALSE))
  expect_identical(res$animals, utils::read.csv(file.path(dir, "ampa_block_animals.csv"),
                                                stringsAsFactors = FALSE))
})
