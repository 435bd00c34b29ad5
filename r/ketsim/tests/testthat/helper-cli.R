# The ketsim program the package is compared with (KETSIM_CLI; the ctest
# entries set it to the build's).  The program prints numbers with 10
# significant digits; the package keeps full doubles, so a column agrees
# when every value printed as the program prints it ("%.10g") is the
# program's text, character for character.
cli <- Sys.getenv("KETSIM_CLI")
source_dir <- Sys.getenv("KETSIM_SOURCE_DIR")

skip_without_cli <- function() {
  skip_if(cli == "", "KETSIM_CLI (the ketsim program) not set")
  skip_if(source_dir == "", "KETSIM_SOURCE_DIR (the ketsim sources) not set")
}

run_cli <- function(...) {
  out <- suppressWarnings(system2(cli, c(...), stdout = TRUE, stderr = FALSE))
  status <- attr(out, "status")
  if (!is.null(status) && status != 0) stop("ketsim ", paste(...), " failed with status ", status)
  out
}

# The program's exit status and one-line error message (without "ketsim: ").
cli_error <- function(...) {
  err <- tempfile()
  on.exit(unlink(err))
  status <- suppressWarnings(system2(cli, c(...), stdout = FALSE, stderr = err))
  line <- utils::tail(readLines(err), 1)
  list(status = status, message = sub("^ketsim: ", "", line))
}

as_cli_csv <- function(df) {
  rows <- apply(as.matrix(df), 1, function(r) paste(sprintf("%.10g", r), collapse = ","))
  c(paste(names(df), collapse = ","), rows)
}
