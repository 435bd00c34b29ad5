# A small virtual trial: the zarate2006 crossover (saline vs ketamine
# 0.5 mg/kg over 40 min) with 40 patients, replicated 5 times.
#
#   Rscript r/examples/small_trial.R [OUT_DIR]
#
# prints the response rates and power at the primary visit and writes
# OUT_DIR/small_trial.png: mean MADRS per arm over visits in replicate 0.
library(ketsim)
args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args)) args[1] else "."
res <- trial("zarate2006", replicates = 5, subjects = 40, seed = 1)
s <- res$summary
metrics <- setNames(s$metrics, vapply(s$metrics, `[[`, "", "name"))
for (arm in s$arms) {
  m <- metrics[[sprintf("%s@%s.response", arm$name, s$primary_visit)]]
  cat(sprintf("%9s: response at %s %.0f%% (5th-95th percentile over replicates %.0f%%-%.0f%%)\n",
              arm$name, s$primary_visit, 100 * m$median, 100 * m$p5, 100 * m$p95))
}
for (p in s$power)
  if (endsWith(p$test, paste0("@", s$primary_visit)))
    cat(sprintf("power of %s at alpha %g: %.0f%%\n", p$test, p$alpha, 100 * p$power))

rated <- res$subjects[res$subjects$madrs_rated >= 0, ]
means <- aggregate(madrs_rated ~ arm + time_in_period_h, data = rated, FUN = mean)
path <- file.path(out_dir, "small_trial.png")
png(path, width = 600, height = 400)
arms <- unique(means$arm)
plot(NULL, xlim = range(means$time_in_period_h) / 24, ylim = range(means$madrs_rated),
     xlab = "days after the infusion", ylab = "mean rated MADRS",
     main = sprintf("%s: %d patients, replicate 0", s$scenario, s$subjects))
for (i in seq_along(arms)) {
  a <- means[means$arm == arms[i], ]
  lines(a$time_in_period_h / 24, a$madrs_rated, type = "b", pch = 19, col = i)
}
legend("topright", legend = arms, col = seq_along(arms), lwd = 1, pch = 19)
invisible(dev.off())
cat("wrote", path, "\n")
