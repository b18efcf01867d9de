#include "bench/accuracy/r_reference.h"

#include <cmath>
#include <cstdio>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace tsforecast::bench {
namespace {

constexpr char kHeader[] =
    "set,method,stride,series,smape,mase,owa,coverage80,coverage95,msis,"
    "ms_median,ms_mean,failed";

double Number(absl::string_view s) {
  double v = NAN;
  if (!absl::SimpleAtod(s, &v)) return NAN;
  return v;
}

}  // namespace

std::vector<RReferenceRow> ReadRReference(const std::string& path) {
  std::vector<RReferenceRow> out;
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "note: no R reference at %s\n", path.c_str());
    return out;
  }
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> c = absl::StrSplit(line, ',');
    if (c.size() != 13) continue;
    RReferenceRow r;
    r.set = c[0];
    r.method = c[1];
    r.stride = static_cast<int>(Number(c[2]));
    r.scores.series = static_cast<int>(Number(c[3]));
    r.scores.smape = Number(c[4]);
    r.scores.mase = Number(c[5]);
    r.scores.owa = Number(c[6]);
    r.scores.coverage80 = Number(c[7]);
    r.scores.coverage95 = Number(c[8]);
    r.scores.msis = Number(c[9]);
    r.scores.ms_median = Number(c[10]);
    r.scores.ms_mean = Number(c[11]);
    r.scores.failed = static_cast<int>(Number(c[12]));
    out.push_back(std::move(r));
  }
  return out;
}

void WriteRReference(const std::string& path,
                     const std::vector<RReferenceRow>& rows) {
  std::ofstream out(path);
  out << kHeader << "\n";
  for (const RReferenceRow& r : rows) {
    const Scores& s = r.scores;
    out << r.set << "," << r.method << "," << r.stride << "," << s.series << ","
        << s.smape << "," << s.mase << "," << s.owa << "," << s.coverage80
        << "," << s.coverage95 << "," << s.msis << "," << s.ms_median << ","
        << s.ms_mean << "," << s.failed << "\n";
  }
}

RForecasts ReadRForecasts(const std::string& dir, const std::string& set,
                          const std::vector<Series>& data) {
  RForecasts out;
  std::ifstream fc(dir + "/" + set + ".r.csv");
  std::ifstream times(dir + "/" + set + ".r_times.csv");
  if (!fc || !times) return out;
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < data.size(); ++i) index[data[i].id] = i;
  out.included.assign(data.size(), false);
  const auto slot =
      [&](const std::string& method) -> std::vector<SeriesForecast>& {
    auto it = out.methods.find(method);
    if (it == out.methods.end()) {
      it = out.methods.emplace(method, std::vector<SeriesForecast>(data.size()))
               .first;
    }
    return it->second;
  };
  std::string line;
  std::getline(times, line);
  while (std::getline(times, line)) {
    std::vector<std::string> c = absl::StrSplit(line, ',');
    if (c.size() != 4 || !index.contains(c[0])) continue;
    const size_t i = index[c[0]];
    out.included[i] = true;
    out.stride = static_cast<int>(Number(c[3]));
    slot(c[1])[i].ms = Number(c[2]) * 1000;
  }
  std::getline(fc, line);
  while (std::getline(fc, line)) {
    std::vector<std::string> c = absl::StrSplit(line, ',');
    if (c.size() < 3 || !index.contains(c[0])) continue;
    const size_t i = index[c[0]];
    std::vector<double> v;
    for (size_t k = 2; k < c.size(); ++k) v.push_back(Number(c[k]));
    const std::vector<std::string> name = absl::StrSplit(c[1], ':');
    SeriesForecast& f = slot(name[0])[i];
    if (name.size() == 1) {
      f.mean = v;
      f.ok = true;
    } else if (name[1] == "lo80") {
      f.lo80 = v;
    } else if (name[1] == "hi80") {
      f.hi80 = v;
    } else if (name[1] == "lo95") {
      f.lo95 = v;
    } else if (name[1] == "hi95") {
      f.hi95 = v;
    }
  }
  // The mean of three (R_eat) has no time of its own: the sum of its parts.
  if (out.methods.contains("R_eat")) {
    auto& eat = out.methods["R_eat"];
    for (size_t i = 0; i < data.size(); ++i) {
      for (const char* part : {"R_ets", "R_auto.arima", "R_thetaf"}) {
        if (out.methods.contains(part)) eat[i].ms += out.methods[part][i].ms;
      }
    }
  }
  for (auto& [method, f] : out.methods) {
    for (SeriesForecast& s : f) {
      const auto finite = [](const std::vector<double>& v) {
        for (double x : v) {
          if (!std::isfinite(x)) return false;
        }
        return true;
      };
      s.finite = finite(s.mean) && finite(s.lo80) && finite(s.hi80) &&
                 finite(s.lo95) && finite(s.hi95);
    }
  }
  return out;
}

}  // namespace tsforecast::bench
