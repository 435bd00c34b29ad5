expect_programs_error <- function(call, ...) {
  want <- cli_error(...)
  expect_error(call, want$message, fixed = TRUE)
}

test_that("errors carry the program's message", {
  skip_without_cli()
  expect_programs_error(simulate(dose = "xx:1mg"), "simulate", "--dose", "xx:1mg")
  expect_programs_error(simulate(species = "dog"), "simulate", "--species", "dog")
  expect_programs_error(simulate(drug = "nosuchdrug"), "simulate", "--drug", "nosuchdrug")
  expect_programs_error(simulate(set = list(foo.bar = 1)), "simulate", "--set", "foo.bar=1")
  expect_programs_error(simulate(set = list(nmda.interneuron_selectivity = -5)),
                        "simulate", "--set", "nmda.interneuron_selectivity=-5")
  expect_programs_error(simulate(outputs = c("time_h", "foo")), "simulate", "--outputs", "time_h,foo")
  expect_programs_error(simulate(drug = "/nonexistent/drug.yaml"), "simulate", "--drug",
                        "/nonexistent/drug.yaml")
  expect_programs_error(trial("nosuch"), "trial", "nosuch")
  expect_programs_error(lab("nosuch"), "lab", "nosuch")
})

test_that("bad arguments are refused clearly", {
  expect_error(simulate(until = "14 parsecs"), "until: ")
  expect_error(simulate(every = 0), "--every")
  expect_error(simulate(weight_kg = 1e6), "--weight")
  expect_error(simulate(set = list(nmda.interneuron_selectivity = "five")), "must be one number")
  expect_error(simulate(set = list(5)), "named list")
  expect_error(trial("zarate2006", replicates = 0), "replicates")
  expect_error(trial("zarate2006", on_failure = "ignore"), "should be one of")
  bad <- tempfile(fileext = ".csv")
  on.exit(unlink(bad))
  writeLines(c("ID,TIME,AMT", "1,0,abc"), bad)
  expect_error(simulate_dataset(bad), "csv:2")
})
