# Golden values for tests/forecast/golden_test.cc, from R 4.2 and the
# forecast package 8.20 (Debian: r-base-core, r-cran-forecast).
#   Rscript scripts/golden/make_golden.R tests/golden
# Writes, per case, the input series (<case>.input.csv: value) and R's
# forecasts (<case>.expected.csv: h,mean,lo80,hi80,lo95,hi95), plus
# parameters.csv (case,name,value). Data sets ship with R.
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) > 0) args[1] else "tests/golden"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
params <- data.frame(case = character(), name = character(), value = numeric())

emit <- function(case, x, fc) {
  write.csv(data.frame(value = as.numeric(x)),
            file.path(out, paste0(case, ".input.csv")), row.names = FALSE)
  lower <- if (is.null(fc$lower)) matrix(NA, length(fc$mean), 2) else fc$lower
  upper <- if (is.null(fc$upper)) matrix(NA, length(fc$mean), 2) else fc$upper
  df <- data.frame(h = seq_along(fc$mean), mean = as.numeric(fc$mean),
                   lo80 = as.numeric(lower[, 1]), hi80 = as.numeric(upper[, 1]),
                   lo95 = as.numeric(lower[, 2]), hi95 = as.numeric(upper[, 2]))
  write.csv(df, file.path(out, paste0(case, ".expected.csv")), row.names = FALSE)
}
param <- function(case, name, value) {
  params[nrow(params) + 1, ] <<- list(case, name, value)
}

# Exact recursions with fixed parameters (HoltWinters runs the textbook
# recursions from the first observations; its beta is on the level change,
# i.e. ETS beta / alpha).
hw <- HoltWinters(Nile, alpha = 0.3, beta = FALSE, gamma = FALSE,
                  l.start = Nile[1])
emit("ses_fixed_nile", Nile, list(mean = predict(hw, 10)))
hw2 <- HoltWinters(WWWusage, alpha = 0.5, beta = 0.4, gamma = FALSE,
                   l.start = WWWusage[2], b.start = WWWusage[2] - WWWusage[1])
emit("holt_fixed_wwwusage", WWWusage, list(mean = predict(hw2, 10)))

# The benchmark family, with intervals.
emit("naive_airpassengers", AirPassengers, naive(AirPassengers, h = 24))
emit("snaive_airpassengers", AirPassengers, snaive(AirPassengers, h = 24))
emit("drift_airpassengers", AirPassengers, rwf(AirPassengers, h = 24, drift = TRUE))
emit("mean_nile", Nile, meanf(Nile, h = 10))

# Fitted by maximum likelihood.
f <- ets(Nile, model = "ANN")
emit("ets_ann_nile", Nile, forecast(f, h = 10))
param("ets_ann_nile", "alpha", f$par["alpha"])
f <- ets(WWWusage, model = "AAN", damped = FALSE)
emit("ets_aan_wwwusage", WWWusage, forecast(f, h = 10))
param("ets_aan_wwwusage", "alpha", f$par["alpha"])
f <- ets(WWWusage, model = "AAN", damped = TRUE)
emit("ets_aadn_wwwusage", WWWusage, forecast(f, h = 10))
param("ets_aadn_wwwusage", "phi", f$par["phi"])
emit("theta_usaccdeaths", USAccDeaths, thetaf(USAccDeaths, h = 24))
emit("theta_nile", Nile, thetaf(Nile, h = 10))
f <- ets(USAccDeaths, model = "AAA", damped = FALSE)
emit("ets_aaa_usaccdeaths", USAccDeaths, forecast(f, h = 24))
f <- ets(AirPassengers, model = "MAM", damped = FALSE)
emit("ets_mam_airpassengers", AirPassengers, forecast(f, h = 24))
f <- ets(UKgas)
emit("ets_auto_ukgas", UKgas, forecast(f, h = 8))
param("ets_auto_ukgas", "aicc", f$aicc)
cat("ets(UKgas) picks", f$method, "\n")
# STL evaluated at every point (jumps of 1) so that no interpolation enters.
s <- stl(USAccDeaths, s.window = 7, s.jump = 1, t.jump = 1, l.jump = 1)
write.csv(data.frame(value = as.numeric(USAccDeaths)),
          file.path(out, "stl_usaccdeaths.input.csv"), row.names = FALSE)
write.csv(data.frame(seasonal = as.numeric(s$time.series[, "seasonal"]),
                     trend = as.numeric(s$time.series[, "trend"])),
          file.path(out, "stl_usaccdeaths.expected.csv"), row.names = FALSE)
lambda <- BoxCox.lambda(AirPassengers, method = "guerrero")
write.csv(data.frame(value = as.numeric(AirPassengers)),
          file.path(out, "guerrero_airpassengers.input.csv"), row.names = FALSE)
param("guerrero_airpassengers", "lambda", lambda)
write.csv(params, file.path(out, "parameters.csv"), row.names = FALSE)
cat("R", R.version$major, R.version$minor, "forecast",
    as.character(packageVersion("forecast")), "\n")
