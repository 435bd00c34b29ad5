test_that("the parameter table is the program's", {
  skip_without_cli()
  want <- utils::read.csv(text = run_cli("params", "--csv", "--species", "rat"),
                          colClasses = "character", na.strings = character())
  got <- params(species = "rat")
  expect_identical(got$name, want$name)
  expect_identical(sprintf("%.10g", got$value), want$value)
  for (col in c("unit", "kind", "targets", "source", "description"))
    expect_identical(got[[col]], want[[col]], label = col)
})

test_that("overrides are marked", {
  got <- params(set = list(nmda.interneuron_selectivity = 5))
  row <- got[got$name == "nmda.interneuron_selectivity", ]
  expect_equal(row$value, 5)
  expect_true(row$overridden)
  expect_equal(sum(got$overridden), 1)
})

test_that("outputs and drugs are the program's", {
  skip_without_cli()
  got <- outputs(drug = "esketamine")
  expect_identical(sprintf("%-30s %-12s %s", got$name, got$unit, got$description),
                   run_cli("outputs", "--drug", "esketamine"))
  expect_identical(names(simulate(drug = "esketamine", until = "1h")), got$name)
  d <- drugs()
  expect_identical(sprintf("%-14s %s", d$name, d$description), run_cli("drugs"))
})

test_that("a validation is the program's", {
  skip_without_cli()
  rows <- readLines(file.path(source_dir, "data", "targets.csv"))
  keep <- c(rows[1], rows[grepl("^(pk_cmax_iv|pk_dissociative_range),", rows)])
  small <- tempfile(fileext = ".csv")
  on.exit(unlink(small))
  writeLines(keep, small)
  want <- jsonlite::fromJSON(paste(suppressWarnings(system2(cli, c("validate", "--targets", small, "--json"),
                                                            stdout = TRUE)), collapse = "\n"))
  got <- validate(small)
  expect_identical(attr(got, "totals"), want$totals)
  expect_identical(got$id, want$targets$id)
  expect_identical(got$simulated, want$targets$simulated)
  expect_identical(got$pass, want$targets$pass)
})
