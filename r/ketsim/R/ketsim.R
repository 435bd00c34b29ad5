# ketsim for R: every function calls libketsim, the library the `ketsim`
# program is built on, through the same front doors (include/ketsim/api.h),
# so a result here is the program's result for the same inputs.

# Point libketsim at the data installed with it when the data directory it
# would read (the source tree it was built from) is gone and no
# KETSIM_DATA_DIR is set: an installed package keeps finding its scenarios
# after the sources move.
.onLoad <- function(libname, pkgname) {
  if (nzchar(Sys.getenv("KETSIM_DATA_DIR"))) return(invisible())
  if (file.exists(file.path(.Call(rk_data_dir), "targets.csv"))) return(invisible())
  installed <- .Call(rk_installed_data_dir)
  if (nzchar(installed) && file.exists(file.path(installed, "targets.csv")))
    Sys.setenv(KETSIM_DATA_DIR = installed)
  invisible()
}

hours <- function(x, what) {
  if (is.numeric(x) && length(x) == 1L && !is.na(x)) return(as.double(x))
  if (is.character(x) && length(x) == 1L && !is.na(x)) {
    return(tryCatch(.Call(rk_duration, x),
                    error = function(e) stop(what, ": ", conditionMessage(e), call. = FALSE)))
  }
  stop(what, ": expected hours or a duration such as \"14d\"", call. = FALSE)
}

# list(NAME = value) (or c("NAME=VALUE", ...)) as NAME=VALUE texts; values
# are written with 17 significant digits so that they read back exactly.
assignments <- function(set) {
  if (is.null(set) || length(set) == 0L) return(character())
  if (is.character(set) && is.null(names(set))) return(set)
  if (is.null(names(set)) || any(names(set) == ""))
    stop("set: expected a named list, e.g. list(nmda.interneuron_selectivity = 5)", call. = FALSE)
  vapply(names(set), function(n) {
    v <- set[[n]]
    if (!is.numeric(v) || length(v) != 1L || is.na(v))
      stop("set: '", n, "' must be one number", call. = FALSE)
    paste0(n, "=", sprintf("%.17g", v))
  }, character(1), USE.NAMES = FALSE)
}

one_string <- function(x, what, null_ok = FALSE) {
  if (is.null(x) && null_ok) return(NULL)
  if (!is.character(x) || length(x) != 1L || is.na(x))
    stop(what, ": expected one string", call. = FALSE)
  x
}

count <- function(x, what, lo, hi, default) {
  if (is.null(x)) return(as.double(default))
  if (!is.numeric(x) || length(x) != 1L || is.na(x) || x != floor(x) || x < lo || x > hi)
    stop(what, ": expected an integer between ", lo, " and ", hi, call. = FALSE)
  as.double(x)
}

call_ketsim <- function(...) {
  tryCatch(.Call(...), error = function(e) stop(conditionMessage(e), call. = FALSE))
}

simulate <- function(dose = NULL, species = "human", drug = "ketamine", weight_kg = NULL,
                     until = "14d", every = "10min", outputs = NULL, set = list(), params = NULL) {
  if (!is.null(dose) && (!is.character(dose) || anyNA(dose)))
    stop("dose: expected dose specs such as \"iv:0.5mg/kg:40min\"", call. = FALSE)
  if (!is.null(weight_kg) && (!is.numeric(weight_kg) || length(weight_kg) != 1L || is.na(weight_kg)))
    stop("weight_kg: expected one number of kg", call. = FALSE)
  if (!is.null(outputs)) outputs <- paste(outputs, collapse = ",")
  r <- call_ketsim(rk_simulate, one_string(species, "species"), one_string(drug, "drug"),
                   if (is.null(weight_kg)) 0 else as.double(weight_kg), dose,
                   hours(until, "until"), hours(every, "every"), outputs, assignments(set),
                   one_string(params, "params", null_ok = TRUE))
  df <- as.data.frame(r$values)
  names(df) <- r$names
  attr(df, "units") <- stats::setNames(r$units, r$names)
  attr(df, "species") <- r$species
  attr(df, "drug") <- r$drug
  attr(df, "weight_kg") <- r$weight_kg
  df
}

simulate_dataset <- function(data, species = "human", drug = "ketamine", weight_kg = NULL,
                             set = list(), params = NULL) {
  if (is.data.frame(data)) {
    con <- textConnection(NULL, "w")
    utils::write.csv(format_dataset(data), con, row.names = FALSE, quote = FALSE, na = "")
    lines <- textConnectionValue(con)
    close(con)
    text <- paste0(paste(lines, collapse = "\n"), "\n")
    name <- "<data.frame>"
  } else {
    name <- one_string(data, "data")
    text <- paste0(paste(readLines(name, warn = FALSE), collapse = "\n"), "\n")
  }
  out <- call_ketsim(rk_simulate_dataset, text, name, one_string(species, "species"),
                     one_string(drug, "drug"), if (is.null(weight_kg)) 0 else as.double(weight_kg),
                     assignments(set), one_string(params, "params", null_ok = TRUE))
  utils::read.csv(text = out, stringsAsFactors = FALSE)
}

# Numbers with 17 significant digits, so that the library reads back the
# same doubles.
format_dataset <- function(data) {
  for (n in names(data))
    if (is.double(data[[n]])) data[[n]] <- ifelse(is.na(data[[n]]), NA, sprintf("%.17g", data[[n]]))
  data
}

trial <- function(name, replicates = NULL, seed = NULL, threads = NULL, set = list(),
                  subjects = NULL, on_failure = c("stop", "skip"), subject_timeout_s = 10,
                  format = c("csv", "nonmem")) {
  on_failure <- match.arg(on_failure)
  format <- match.arg(format)
  num <- c(count(seed, "seed", 0, 2147483647, -1), count(replicates, "replicates", 1, 100000, 0),
           count(threads, "threads", 1, 64, 0), count(subjects, "subjects", 1, 10000, 0),
           as.double(subject_timeout_s))
  r <- call_ketsim(rk_trial, one_string(name, "name"), num, assignments(set),
                   on_failure == "skip", format == "nonmem")
  summary <- jsonlite::fromJSON(r$summary, simplifyVector = FALSE)
  summary$table <- r$table
  if (on_failure == "skip") summary$skipped <- strsplit(r$skipped, "\n", fixed = TRUE)[[1]]
  list(summary = summary, subjects = utils::read.csv(text = r$subjects, stringsAsFactors = FALSE))
}

lab <- function(name, seed = NULL, set = list()) {
  r <- call_ketsim(rk_lab, one_string(name, "name"), count(seed, "seed", 0, 2147483647, -1),
                   assignments(set))
  summary <- jsonlite::fromJSON(r$summary, simplifyVector = FALSE)
  summary$table <- r$table
  list(summary = summary, animals = utils::read.csv(text = r$animals, stringsAsFactors = FALSE))
}

validate <- function(targets = NULL) {
  doc <- jsonlite::fromJSON(call_ketsim(rk_validate, one_string(targets, "targets", null_ok = TRUE)),
                            simplifyVector = TRUE)
  df <- as.data.frame(doc$targets, stringsAsFactors = FALSE)
  attr(df, "totals") <- doc$totals
  df
}

params <- function(species = "human", drug = "ketamine", set = list()) {
  as.data.frame(call_ketsim(rk_params, one_string(species, "species"), one_string(drug, "drug"),
                            assignments(set)), stringsAsFactors = FALSE)
}

outputs <- function(species = "human", drug = "ketamine") {
  as.data.frame(call_ketsim(rk_outputs, one_string(species, "species"), one_string(drug, "drug")),
                stringsAsFactors = FALSE)
}

drugs <- function() {
  as.data.frame(call_ketsim(rk_drugs), stringsAsFactors = FALSE)
}

data_dir <- function() .Call(rk_data_dir)

library_version <- function() .Call(rk_version)
