# R's nlme() on the Theoph data: the independent estimate that
# scripts/compare_theoph.sh compares with ketsim fit --method foce-i.
# One-compartment first-order absorption with the dose in mg (Dose x Wt),
# concentration in ng/mL, log-normal CL, V and ka (diagonal random effects),
# additive error, maximum likelihood.  Usage: Rscript theoph_nlme.R OUT_DIR
# (writes OUT_DIR/theoph.csv for ketsim and OUT_DIR/nlme.txt).
suppressMessages(library(nlme))
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else "."
d <- Theoph
d$amt <- d$Dose * d$Wt
d$conc_ng <- d$conc * 1000
# the ketsim data set: one oral dose (CMT 2) at 0, then the samples (a
# sample at 0 is listed after the dose: NONMEM order, the value after it)
rows <- list()
for (s in unique(as.character(d$Subject))) {
  ds <- d[as.character(d$Subject) == s, ]
  rows[[length(rows) + 1]] <- data.frame(ID = s, TIME = 0, AMT = ds$amt[1], CMT = 2, EVID = 1, DV = ".",
                                         OUTPUT = ".", BW = ds$Wt[1])
  rows[[length(rows) + 1]] <- data.frame(ID = s, TIME = ds$Time, AMT = ".", CMT = ".", EVID = 0,
                                         DV = format(ds$conc_ng, digits = 10), OUTPUT = "plasma_theo_ng_per_ml",
                                         BW = ds$Wt[1])
}
write.csv(do.call(rbind, rows), file.path(out, "theoph.csv"), row.names = FALSE, quote = FALSE)
f1 <- function(amt, t, lcl, lv, lka) {
  cl <- exp(lcl); v <- exp(lv); ka <- exp(lka); ke <- cl / v
  amt * 1000 / v * ka / (ka - ke) * (exp(-ke * t) - exp(-ka * t))
}
g <- groupedData(conc_ng ~ Time | Subject, data = d)
fit <- nlme(conc_ng ~ f1(amt, Time, lcl, lv, lka), data = g,
            fixed = lcl + lv + lka ~ 1, random = pdDiag(lcl + lv + lka ~ 1),
            start = c(lcl = log(2.8), lv = log(35), lka = log(1.5)), method = "ML")
fe <- fixef(fit)
se <- sqrt(diag(vcov(fit)))
sds <- as.numeric(VarCorr(fit)[, "StdDev"])
res <- c(CL = exp(fe[["lcl"]]), V = exp(fe[["lv"]]), KA = exp(fe[["lka"]]),
         SE_CL = exp(fe[["lcl"]]) * se[["lcl"]], SE_V = exp(fe[["lv"]]) * se[["lv"]], SE_KA = exp(fe[["lka"]]) * se[["lka"]],
         SD_CL = sds[1], SD_V = sds[2], SD_KA = sds[3], SIGMA = sds[4], M2LL = -2 * as.numeric(logLik(fit)))
write.table(data.frame(name = names(res), value = format(res, digits = 10)), file.path(out, "nlme.txt"),
            row.names = FALSE, col.names = FALSE, quote = FALSE)
