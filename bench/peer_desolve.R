# deSolve lsoda on ketsim's own right-hand side, compiled (libketsim_rhs.so
# loaded with dyn.load; func = "ketsim_derivs"): the default single
# infusion, 14 days, on the dense grid (every 10 min) and the trial grid
# (41 times), at ketsim's tolerances.  Three set-ups:
#   default   deSolve's defaults: hmax = the largest output spacing, the
#             Jacobian by lsoda's own difference quotients (the old benchmark)
#   hmaxinf   hmax = Inf (no bound on the step)
#   jac       hmax = Inf and the compiled Jacobian (jacfunc = "ketsim_jac",
#             jactype = "fullusr": coloured difference quotients in C)
# Prints desolve_SETUP_GRID_ms (best of 3 rounds of REPEATS solves, process
# CPU time) and lsoda's own counters; writes OUTDIR/desolve_SETUP_GRID.csv.
# usage: Rscript peer_desolve.R LIBKETSIM_RHS.so OUTDIR REPEATS
suppressMessages(library(deSolve))
args <- commandArgs(trailingOnly = TRUE)
lib <- args[1]; outdir <- args[2]; repeats <- as.integer(args[3])
dyn.load(lib)
dll <- sub("\\.so$", "", basename(lib))
n <- .C("ketsim_bench_init_R", n = integer(1))$n
y0 <- .C("ketsim_bench_y0_R", y = double(n))$y
atol <- .C("ketsim_bench_atol_R", a = double(n))$a
t_inf <- .C("ketsim_bench_infusion_end_R", t = double(1))$t
# the grids of bench/sim_bench.c, computed the same way
dense <- (0:2016) * (1 / 6)
dense[length(dense)] <- 14 * 24
trial <- c(0, (1:36) * (5 / 60), 24, 72, 168, 336)
grids <- list(dense = dense, trial = trial)

solve <- function(grid, setup) {
  first <- c(grid[grid < t_inf], t_inf)
  second <- grid[grid >= t_inf]
  seg <- function(y, times, on) {
    a <- list(y = y, times = times, func = "ketsim_derivs", parms = c(on), dllname = dll,
              initfunc = "ketsim_initmod", nout = 0, rtol = 1e-6, atol = atol, maxsteps = 1000000)
    if (setup != "default") a$hmax <- Inf
    if (setup == "jac") {
      a$jacfunc <- "ketsim_jac"
      a$jactype <- "fullusr"
    }
    do.call(lsoda, a)
  }
  s1 <- seg(y0, first, 1)
  s2 <- seg(s1[nrow(s1), -1], second, 0)
  # lsoda's counters (?diagnostics): istate 2 steps, 3 right-hand sides
  # (its own difference quotients included), 14 Jacobians
  c1 <- attr(s1, "istate"); c2 <- attr(s2, "istate")
  list(out = rbind(s1[-nrow(s1), ], s2), steps = c1[2] + c2[2], rhs = c1[3] + c2[3],
       jac = c1[14] + c2[14])
}

for (g in names(grids)) {
  for (setup in c("default", "hmaxinf", "jac")) {
    best <- Inf
    for (round in 1:3) {
      tm <- system.time(for (i in seq_len(repeats)) r <- solve(grids[[g]], setup))
      best <- min(best, (tm[["user.self"]] + tm[["sys.self"]]) / repeats)
    }
    key <- sprintf("desolve_%s_%s", setup, g)
    cat(sprintf("%s_ms=%.3f\n%s_steps=%d\n%s_rhs=%d\n%s_jac=%d\n", key, best * 1000, key, r$steps, key, r$rhs,
                key, r$jac))
    write.table(format(unclass(r$out), digits = 17), file.path(outdir, paste0(key, ".csv")), sep = ",",
                row.names = FALSE, col.names = FALSE, quote = FALSE)
  }
}
