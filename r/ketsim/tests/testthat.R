library(testthat)
library(ketsim)

test_check("ketsim")
