#include "service/ingest/push_writer.h"

#include <bit>
#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "service/retry_hint.h"
#include "storage/validation.h"

namespace tsforecast::service::ingest {
namespace {

// Prometheus marks a series gone with this NaN (its value.StaleNaN).
constexpr uint64_t kStaleMarkerBits = 0x7ff0000000000002ull;

bool IsStaleMarker(double v) {
  return std::bit_cast<uint64_t>(v) == kStaleMarkerBits;
}

// Whether a stored series is selected by the same labels as the pushed
// `labels` (which carry __name__), without building either set: its own
// labels are the pushed ones, or the pushed ones less a __name__ equal to
// its name (a series created through the API under the metric's name).
bool SameSelectableLabels(const storage::SeriesDefinition& def,
                          const storage::Labels& labels) {
  if (def.labels.size() == labels.size()) return def.labels == labels;
  if (def.labels.size() + 1 != labels.size() ||
      def.labels.contains(storage::kNameLabel)) {
    return false;
  }
  auto metric = labels.find(storage::kNameLabel);
  if (metric == labels.end() || metric->second != def.name) return false;
  auto a = def.labels.begin();
  for (auto b = labels.begin(); b != labels.end(); ++b) {
    if (b == metric) continue;
    if (a == def.labels.end() || *a != *b) return false;
    ++a;
  }
  return true;
}

}  // namespace

void PushReport::RefuseSeries(const storage::Labels& series,
                              absl::string_view why) {
  ++series_refused;
  if (first_refusal.empty()) {
    first_refusal = absl::StrCat("series ", PromSeriesText(series), ": ", why);
  }
}

void PushReport::RefuseSamples(const storage::Labels& series, uint64_t count,
                               absl::string_view why) {
  samples_refused += count;
  if (first_refusal.empty()) {
    first_refusal = absl::StrCat("series ", PromSeriesText(series), ": ", count,
                                 " samples refused: ", why);
  }
}

bool PushWriter::Known(const std::string& name) {
  absl::MutexLock lock(&known_mu_);
  return known_.contains(name);
}

void PushWriter::Remember(const std::vector<std::string>& names) {
  if (names.empty()) return;
  absl::MutexLock lock(&known_mu_);
  if (known_.size() + names.size() > kMaxKnown) known_.clear();
  known_.insert(names.begin(), names.end());
}

void PushWriter::Forget() {
  absl::MutexLock lock(&known_mu_);
  known_.clear();
}

absl::StatusOr<PushReport> PushWriter::Write(const Caller& caller,
                                             std::vector<PushedSeries> series) {
  int64_t held = 0;
  for (const PushedSeries& s : series) {
    held += static_cast<int64_t>(s.points.size()) * kIngestBytesPerPoint;
    for (const auto& [name, value] : s.labels) {
      held += static_cast<int64_t>(name.size() + value.size());
    }
  }
  std::optional<IngestBudget::Lease> lease;
  if (budget_ != nullptr) {
    absl::StatusOr<IngestBudget::Lease> taken = budget_->Acquire(held);
    if (!taken.ok()) return taken.status();
    lease.emplace(*std::move(taken));
  }

  PushReport report;
  std::vector<storage::SeriesWrite> writes;
  absl::flat_hash_map<std::string, size_t> index_of;  // name -> writes[i]
  // Stored series of this request whose calendar moves or refuses points
  // (series created through the API), for a later entry of the same one.
  absl::flat_hash_map<std::string, storage::SeriesDefinition> calendars;
  std::optional<uint64_t> stored_series;
  uint64_t to_create = 0;
  const std::string rate_key = caller == nullptr ? "" : caller->id;
  const bool use_known = caller == nullptr || !caller->Scoped();
  std::vector<std::string> checked;  // remembered once written
  bool used_known = false;
  for (PushedSeries& s : series) {
    storage::Labels labels = WithoutEmptyValues(std::move(s.labels));
    if (!s.invalid.empty()) {
      report.RefuseSeries(labels, s.invalid);
      continue;
    }
    // A known name needs no checks: the series it names was checked when
    // it was first pushed.
    std::optional<std::string> known;
    if (use_known) {
      known = UncheckedPushedSeriesName(labels);
      if (known && !Known(*known)) known.reset();
    }
    const bool is_known = known.has_value();
    absl::StatusOr<std::string> name =
        is_known ? absl::StatusOr<std::string>(*std::move(known))
                 : PushedSeriesName(labels);
    if (!name.ok()) {
      report.RefuseSeries(labels, name.status().message());
      continue;
    }
    std::vector<storage::Point> points = std::move(s.points);
    uint64_t bad = 0;
    std::erase_if(points, [&](const storage::Point& p) {
      if (IsStaleMarker(p.value)) {
        ++report.stale_markers;
        return true;
      }
      if (!std::isfinite(p.value) || !IsValidTimestampMs(p.timestamp_ms)) {
        ++bad;
        return true;
      }
      return false;
    });
    if (bad > 0) {
      report.RefuseSamples(labels, bad,
                           "values must be finite and times within years "
                           "1000 to 9999");
    }
    if (points.empty()) continue;

    if (auto it = index_of.find(*name); it != index_of.end()) {
      if (auto cal = calendars.find(*name); cal != calendars.end()) {
        if (absl::Status s =
                storage::ApplyOffGridPolicy(cal->second, points, "points");
            !s.ok()) {
          report.RefuseSeries(labels, s.message());
          continue;
        }
      }
      std::vector<storage::Point>& to = writes[it->second].points;
      to.insert(to.end(), points.begin(), points.end());
      continue;
    }
    storage::SeriesWrite write;
    write.series = *name;
    if (is_known) {
      used_known = true;
      write.points = std::move(points);
      index_of.emplace(*name, writes.size());
      writes.push_back(std::move(write));
      continue;
    }
    absl::StatusOr<storage::SeriesInfo> info = store_->GetSeries(*name);
    if (info.ok()) {
      const storage::SeriesDefinition& def = info->definition;
      if (!SameSelectableLabels(def, labels)) {
        report.RefuseSeries(
            labels, absl::StrCat("its stored name \"", *name,
                                 "\" is taken by a series with other labels, ",
                                 PromSeriesText(storage::SelectableLabels(
                                     def.name, def.labels))));
        continue;
      }
      if (absl::Status s = access_->CheckLabels(caller, *name, def.labels);
          !s.ok()) {
        report.RefuseSeries(labels, s.message());
        continue;
      }
      // The stored series' own policy (a series created through the API
      // may refuse points off its calendar): refused here, by series.
      if (absl::Status s = storage::ApplyOffGridPolicy(def, points, "points");
          !s.ok()) {
        report.RefuseSeries(labels, s.message());
        continue;
      }
      if (def.off_grid != storage::OffGridPolicy::kAccept) {
        calendars.emplace(*name, def);
      } else if (use_known) {
        checked.push_back(*name);
      }
    } else if (absl::IsNotFound(info.status())) {
      if (absl::Status s = access_->CheckLabels(caller, *name, labels);
          !s.ok()) {
        report.RefuseSeries(labels, s.message());
        continue;
      }
      if (!stored_series) {
        absl::StatusOr<storage::StorageStats> stats = store_->Stats();
        if (!stats.ok()) return stats.status();
        stored_series = stats->series_count;
      }
      if (*stored_series + to_create >=
          static_cast<uint64_t>(limits_.max_series)) {
        report.RefuseSeries(
            labels,
            absl::StrCat("not created: the store holds ", *stored_series,
                         " series, the limit for creating series by push "
                         "(server flag --push_max_series)"));
        continue;
      }
      if (limits_.new_series_per_s > 0 &&
          creations_.Admit(rate_key, limits_.new_series_per_s, absl::Now()) >
              absl::ZeroDuration()) {
        report.RefuseSeries(labels,
                            absl::StrCat("not created now: more than ",
                                         limits_.new_series_per_s,
                                         " new series per second (server flag "
                                         "--push_new_series_per_s); retry"));
        report.retry_later = true;
        continue;
      }
      ++to_create;
      write.create_if_missing = PushedDefinition(*name, labels, defaults_);
      if (std::optional<CalendarStep> step = InferredStep(points)) {
        write.create_if_missing->step = *step;
      }
      if (use_known) checked.push_back(*name);
    } else {
      return info.status();
    }
    write.points = std::move(points);
    index_of.emplace(*name, writes.size());
    writes.push_back(std::move(write));
  }
  if (writes.empty()) return report;
  absl::StatusOr<storage::WriteResult> result =
      store_->Write(std::move(writes));
  if (!result.ok()) {
    if (used_known && absl::IsNotFound(result.status())) {
      // A series pushed before was deleted since: check every name again
      // on the sender's retry (nothing of this request was stored).
      Forget();
      return WithRetryAfter(
          absl::UnavailableError(
              "a series of this request was deleted while it was pushed; "
              "nothing was stored, retry"),
          absl::Seconds(1));
    }
    return result.status();
  }
  Remember(checked);
  report.points_written = result->points_written;
  report.series_created = result->series_created;
  return report;
}

}  // namespace tsforecast::service::ingest
