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
# Seasonal ETS: R's estimates and log-likelihood too, so the test can
# evaluate our likelihood at R's parameters (init states in R's order:
# l, b, s1 (latest) .. s_{m-1}).
ets_par <- function(case, f) {
  for (nm in names(f$par)) param(case, nm, f$par[[nm]])
  param(case, "loglik", f$loglik)
}
f <- ets(USAccDeaths, model = "AAA", damped = FALSE)
emit("ets_aaa_usaccdeaths", USAccDeaths, forecast(f, h = 24))
ets_par("ets_aaa_usaccdeaths", f)
f <- ets(AirPassengers, model = "MAM", damped = FALSE)
emit("ets_mam_airpassengers", AirPassengers, forecast(f, h = 24))
ets_par("ets_mam_airpassengers", f)
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
# auto.arima on R's classic series: the order picked, coefficients,
# log-likelihood and forecasts with intervals.
for (nm in c("USAccDeaths", "lynx", "WWWusage", "LakeHuron", "nottem",
             "UKgas")) {
  x <- get(nm)
  f <- auto.arima(x)
  case <- paste0("arima_", tolower(nm))
  emit(case, x, forecast(f, h = 2 * max(frequency(x), 4)))
  param(case, "frequency", frequency(x))
  ord <- arimaorder(f)
  for (i in seq_along(ord)) param(case, paste0("order_", names(ord)[i]), ord[[i]])
  for (cn in names(coef(f))) param(case, paste0("coef_", cn), coef(f)[[cn]])
  param(case, "loglik", f$loglik)
  param(case, "sigma2", f$sigma2)
}
# The non-stepwise search (every model up to order 5, no approximation).
for (nm in c("WWWusage", "lynx", "USAccDeaths")) {
  f <- auto.arima(get(nm), stepwise = FALSE, approximation = FALSE)
  case <- paste0("arima_full_", tolower(nm))
  ord <- arimaorder(f)
  for (i in seq_along(ord)) param(case, paste0("order_", names(ord)[i]), ord[[i]])
  param(case, "loglik", f$loglik)
}
# Fixed orders through Arima(), including a drift and a seasonal MA.
f <- Arima(AirPassengers, order = c(2, 1, 1), seasonal = c(0, 1, 1),
           lambda = 0)
emit("arima_211_011_log_airpassengers", log(AirPassengers),
     forecast(Arima(log(AirPassengers), order = c(2, 1, 1),
                    seasonal = c(0, 1, 1)), h = 24))
f <- Arima(WWWusage, order = c(1, 1, 0), include.drift = TRUE)
emit("arima_110_drift_wwwusage", WWWusage, forecast(f, h = 10))
for (cn in names(coef(f))) param("arima_110_drift_wwwusage", paste0("coef_", cn), coef(f)[[cn]])
param("arima_110_drift_wwwusage", "loglik", f$loglik)
# Croston's method (forecast::croston, alpha 0.1) on a short series and on
# a seeded intermittent one.
param("croston_short", "mean", croston(c(0, 3, 0, 0, 5, 0, 4), alpha = 0.1)$mean[1])
set.seed(3)
x <- rpois(60, 0.4) * round(runif(60, 5, 20))
emit("croston_intermittent", x, list(mean = croston(x, h = 6, alpha = 0.1)$mean))

# The differencing tests auto.arima runs (inputs ship with R, so only the
# statistics are stored).
kpss_stat <- function(x) {
  urca::ur.kpss(x, type = "mu", use.lag = trunc(3 * sqrt(length(x)) / 13))@teststat[1]
}
param("tests_wwwusage", "kpss", kpss_stat(WWWusage))
param("tests_wwwusage", "kpss_diff", kpss_stat(diff(WWWusage)))
param("tests_wwwusage", "ndiffs", ndiffs(WWWusage))
param("tests_lakehuron", "kpss", kpss_stat(LakeHuron))
param("tests_lakehuron", "ndiffs", ndiffs(LakeHuron))
param("tests_usaccdeaths", "seasonal_strength", forecast:::seas.heuristic(USAccDeaths))
param("tests_usaccdeaths", "nsdiffs", nsdiffs(USAccDeaths))
param("tests_nottem", "seasonal_strength", forecast:::seas.heuristic(nottem))
write.csv(params, file.path(out, "parameters.csv"), row.names = FALSE)
cat("R", R.version$major, R.version$minor, "forecast",
    as.character(packageVersion("forecast")), "\n")
