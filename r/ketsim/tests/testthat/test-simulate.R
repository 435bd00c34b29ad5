test_that("the default simulation is the program's", {
  skip_without_cli()
  df <- simulate()
  expect_identical(as_cli_csv(df), run_cli("simulate"))
  expect_equal(nrow(df), 14 * 24 * 6 + 1)
})

test_that("units and subject are the program's", {
  skip_without_cli()
  json <- tempfile(fileext = ".json")
  on.exit(unlink(json))
  run_cli("simulate", "--until", "1d", "--every", "1h", "--out", json)
  doc <- jsonlite::fromJSON(json, simplifyVector = FALSE)
  df <- simulate(until = "1d", every = "1h")
  expect_identical(as.list(attr(df, "units")), doc$units)
  expect_identical(names(df), names(doc$series))
  expect_identical(attr(df, "species"), doc$species)
  expect_identical(attr(df, "drug"), doc$drug)
  expect_identical(attr(df, "weight_kg"), doc$weight_kg)
})

test_that("options are the program's", {
  skip_without_cli()
  expect_identical(
    as_cli_csv(simulate(species = "rat", dose = "ip:10mg/kg", until = "3d",
                        outputs = c("time_h", "mtorc1_rel", "spine_density_rel"))),
    run_cli("simulate", "--species", "rat", "--dose", "ip:10mg/kg", "--until", "3d",
            "--outputs", "time_h,mtorc1_rel,spine_density_rel"))
  expect_identical(
    as_cli_csv(simulate(drug = "esketamine", dose = c("in:56mg", "in:56mg@3d"), until = "7d",
                        weight_kg = 82.5)),
    run_cli("simulate", "--drug", "esketamine", "--dose", "in:56mg", "--dose", "in:56mg@3d",
            "--until", "7d", "--weight", "82.5"))
  expect_identical(
    as_cli_csv(simulate(set = list(nmda.interneuron_selectivity = 5), until = 48, every = 0.5,
                        outputs = "time_h,madrs")),
    run_cli("simulate", "--set", "nmda.interneuron_selectivity=5", "--until", "48h",
            "--every", "30min", "--outputs", "time_h,madrs"))
  drug_file <- file.path(source_dir, "examples", "hnk_like.yaml")
  expect_identical(as_cli_csv(simulate(drug = drug_file, dose = "iv:1mg/kg", until = "1d")),
                   run_cli("simulate", "--drug", drug_file, "--dose", "iv:1mg/kg", "--until", "1d"))
})

test_that("datasets from a path and from a data frame are the program's", {
  skip_without_cli()
  ds <- file.path(source_dir, "examples", "dataset.csv")
  out <- tempfile(fileext = ".csv")
  on.exit(unlink(out))
  run_cli("simulate", "--dataset", ds, "--out", out, "--quiet")
  want <- utils::read.csv(out, stringsAsFactors = FALSE)
  expect_identical(simulate_dataset(ds), want)
  input <- utils::read.csv(ds, stringsAsFactors = FALSE, comment.char = "#")
  expect_identical(simulate_dataset(input), want)
})
