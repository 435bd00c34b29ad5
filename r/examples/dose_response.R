# Dose-response of a single 40-minute IV infusion of racemic ketamine: peak
# plasma ketamine and the MADRS score one day later over a range of doses,
# and the MADRS time courses behind them (base R graphics).
#
#   Rscript r/examples/dose_response.R [OUT_DIR]
#
# writes OUT_DIR/dose_response.png (default: the current directory).
library(ketsim)
args <- commandArgs(trailingOnly = TRUE)
out_dir <- if (length(args)) args[1] else "."
doses <- c(0.1, 0.2, 0.3, 0.5, 0.75, 1.0)

runs <- lapply(doses, function(d)
  simulate(dose = sprintf("iv:%gmg/kg:40min", d), until = "7d", every = "10min",
           outputs = c("time_h", "plasma_ketamine_ng_per_ml", "madrs")))
cmax <- vapply(runs, function(r) max(r$plasma_ketamine_ng_per_ml), numeric(1))
madrs_24h <- vapply(runs, function(r) r$madrs[which.min(abs(r$time_h - 24))], numeric(1))
print(data.frame(dose_mg_per_kg = doses, cmax_ng_per_ml = round(cmax, 1),
                 madrs_at_24h = round(madrs_24h, 2)))

path <- file.path(out_dir, "dose_response.png")
png(path, width = 1000, height = 400)
par(mfrow = c(1, 2), mar = c(5, 5, 3, 5))
plot(doses, cmax, type = "b", pch = 19, col = "blue", xlab = "dose (mg/kg over 40 min)",
     ylab = "peak plasma ketamine (ng/mL)", main = "dose-response")
par(new = TRUE)
plot(doses, madrs_24h, type = "b", pch = 15, lty = 2, col = "red", axes = FALSE, xlab = "", ylab = "")
axis(4, col.axis = "red")
mtext("MADRS at 24 h", side = 4, line = 3, col = "red")
cols <- hcl.colors(length(doses))
plot(NULL, xlim = c(0, 7), ylim = range(vapply(runs, function(r) range(r$madrs), numeric(2))),
     xlab = "days after the infusion", ylab = "MADRS", main = "mood after one infusion")
for (i in seq_along(runs)) lines(runs[[i]]$time_h / 24, runs[[i]]$madrs, col = cols[i], lwd = 2)
legend("bottomright", legend = sprintf("%g mg/kg", doses), col = cols, lwd = 2, cex = 0.8)
invisible(dev.off())
cat("wrote", path, "\n")
