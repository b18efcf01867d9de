# R's forecast package on the development sets, for bench/accuracy.cc to
# score beside our models with the same metric code (one implementation of
# sMAPE, MASE, OWA, coverage and MSIS). R 4.2, forecast 8.20 (Debian's
# r-base-core and r-cran-forecast).
#   Rscript scripts/golden/r_accuracy_reference.R DATA_DIR OUT_DIR [SET ...]
# Writes OUT_DIR/<SET>.r.csv (id,method,h1..hH; methods R_<name> for the
# mean and R_<name>:lo80/hi80/lo95/hi95 for the bounds) and
# OUT_DIR/<SET>.r_times.csv (id,method,seconds). Long sets use a
# deterministic subsample, every k-th series from the first (stride below;
# auto.arima takes minutes on one hourly series); the stride is written with
# the times so the scorer says what it covers.
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
data_dir <- args[1]
out <- args[2]
dir.create(out, showWarnings = FALSE, recursive = TRUE)
sets <- list(
  list(name = "M4-Hourly", dir = "m4", file = "Hourly", freq = 24, h = 48, stride = 10),
  list(name = "M4-Weekly", dir = "m4", file = "Weekly", freq = 1, h = 13, stride = 4),
  list(name = "M3-Yearly", dir = "m3", file = "M3-Yearly", freq = 1, h = 6, stride = 1),
  list(name = "M3-Quarterly", dir = "m3", file = "M3-Quarterly", freq = 4, h = 8, stride = 1),
  list(name = "M3-Monthly", dir = "m3", file = "M3-Monthly", freq = 12, h = 18, stride = 4),
  list(name = "M3-Other", dir = "m3", file = "M3-Other", freq = 1, h = 8, stride = 1),
  list(name = "M1-Yearly", dir = "m1", file = "M1-Yearly", freq = 1, h = 6, stride = 1),
  list(name = "M1-Quarterly", dir = "m1", file = "M1-Quarterly", freq = 4, h = 8, stride = 1),
  list(name = "M1-Monthly", dir = "m1", file = "M1-Monthly", freq = 12, h = 18, stride = 2),
  list(name = "Tourism-Quarterly", dir = "tourism", file = "Tourism-Quarterly", freq = 4, h = 8, stride = 1),
  list(name = "Tourism-Yearly", dir = "tourism", file = "Tourism-Yearly", freq = 1, h = 4, stride = 1),
  list(name = "NN5-Daily", dir = "nn5", file = "NN5-Daily", freq = 7, h = 56, stride = 3),
  list(name = "FREDMD-Monthly", dir = "fred-md", file = "FREDMD-Monthly", freq = 12, h = 18, stride = 3))
# The sets named on the command line, in that order (cheap ones first lets
# a long run finish them before it reaches hourly data).
if (length(args) > 2) {
  by_name <- setNames(sets, sapply(sets, function(s) s$name))
  sets <- by_name[args[-(1:2)]]
}

# Values as the C++ runner reads them: leading and trailing NAs dropped,
# inner NAs linearly interpolated.
values <- function(row) {
  v <- suppressWarnings(as.numeric(unlist(row[-1])))
  ok <- which(!is.na(v))
  if (length(ok) == 0) return(numeric(0))
  v <- v[min(ok):max(ok)]
  if (anyNA(v)) v <- approx(seq_along(v), v, seq_along(v))$y
  v
}

# TSF_R_METHODS (comma-separated, e.g. auto.arima) and TSF_R_STRIDE (every
# k-th series in every set) narrow a run, e.g. to time auto.arima alone on a
# quiet machine.
only <- Sys.getenv("TSF_R_METHODS")
stride_override <- as.integer(Sys.getenv("TSF_R_STRIDE", "0"))
methods <- list(
  auto.arima = function(y, h) forecast(auto.arima(y), h = h, level = c(80, 95)),
  ets = function(y, h) forecast(ets(y), h = h, level = c(80, 95)),
  thetaf = function(y, h) thetaf(y, h = h, level = c(80, 95)),
  stlf = function(y, h) stlf(y, h = h, level = c(80, 95)),
  snaive = function(y, h) snaive(y, h = h, level = c(80, 95)))
if (nzchar(only)) methods <- methods[strsplit(only, ",")[[1]]]

for (s in sets) {
  if (stride_override > 0) s$stride <- stride_override
  train <- read.csv(file.path(data_dir, s$dir, paste0(s$file, "-train.csv")),
                    colClasses = "character")
  rows <- seq(1, nrow(train), by = s$stride)
  # Written as it goes (a series at a time), so a long run can be watched
  # and a cut-off one still leaves its finished series.
  fc_file <- file.path(out, paste0(s$name, ".r.csv"))
  times_file <- file.path(out, paste0(s$name, ".r_times.csv"))
  writeLines(paste(c("id", "method", paste0("h", 1:s$h)), collapse = ","), fc_file)
  writeLines("id,method,seconds,stride", times_file)
  fmt <- function(id, method, x) paste(c(id, method, format(as.numeric(x), digits = 10)), collapse = ",")
  for (i in rows) {
    lines <- character(0)
    times <- character(0)
    id <- train[i, 1]
    y <- ts(values(train[i, ]), frequency = s$freq)
    got <- list()
    for (m in names(methods)) {
      t0 <- proc.time()[["elapsed"]]
      fc <- tryCatch(methods[[m]](y, s$h), error = function(e) NULL)
      secs <- proc.time()[["elapsed"]] - t0
      times <- c(times, paste(id, paste0("R_", m), format(secs, digits = 6), s$stride, sep = ","))
      if (is.null(fc)) next
      got[[m]] <- fc
      lines <- c(lines, fmt(id, paste0("R_", m), fc$mean))
      lines <- c(lines, fmt(id, paste0("R_", m, ":lo80"), fc$lower[, 1]),
                 fmt(id, paste0("R_", m, ":hi80"), fc$upper[, 1]),
                 fmt(id, paste0("R_", m, ":lo95"), fc$lower[, 2]),
                 fmt(id, paste0("R_", m, ":hi95"), fc$upper[, 2]))
    }
    # The comb of Hyndman's M4 submission style: mean of ets, auto.arima and
    # thetaf (means and bounds alike).
    parts <- got[c("ets", "auto.arima", "thetaf")]
    if (all(!sapply(parts, is.null)) && length(parts) == 3) {
      avg <- function(f) Reduce(`+`, lapply(parts, f)) / 3
      lines <- c(lines, fmt(id, "R_eat", avg(function(p) p$mean)),
                 fmt(id, "R_eat:lo80", avg(function(p) p$lower[, 1])),
                 fmt(id, "R_eat:hi80", avg(function(p) p$upper[, 1])),
                 fmt(id, "R_eat:lo95", avg(function(p) p$lower[, 2])),
                 fmt(id, "R_eat:hi95", avg(function(p) p$upper[, 2])))
    }
    cat(lines, file = fc_file, sep = "\n", append = TRUE)
    cat(times, file = times_file, sep = "\n", append = TRUE)
  }
  message(s$name, ": ", length(rows), " series")
}
