// ForecastEngine: saved forecast vintages, kept as series attachments.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "service/engine/forecast_engine.h"

namespace tsforecast::service {
namespace {

// A stored attachment as the vintage clients see: the saved forecast with
// the id and time it was saved under.
absl::StatusOr<v1::ForecastVintage> VintageFromAttachment(
    const storage::SeriesAttachment& doc) {
  v1::ForecastVintage v;
  if (!v.mutable_forecast()->ParseFromString(doc.payload)) {
    return absl::DataLossError(
        absl::StrCat("forecast vintage ", doc.id, " is unreadable"));
  }
  v.set_vintage_id(static_cast<int64_t>(doc.id));
  v.set_create_time_ms(doc.create_time_ms);
  v.mutable_forecast()->set_vintage_id(static_cast<int64_t>(doc.id));
  return v;
}

}  // namespace

absl::StatusOr<int64_t> ForecastEngine::SaveVintage(
    const v1::ForecastResponse& forecast) {
  v1::ForecastResponse kept = forecast;
  kept.clear_cached();
  kept.clear_vintage_id();
  TSF_ASSIGN_OR_RETURN(
      uint64_t id,
      store_->AddAttachment(forecast.series(), absl::ToUnixMillis(absl::Now()),
                            kept.SerializeAsString()));
  return static_cast<int64_t>(id);
}

absl::StatusOr<std::vector<v1::ForecastVintage>> ForecastEngine::LoadVintages(
    absl::string_view series, uint64_t before_id, size_t limit) const {
  absl::StatusOr<std::vector<storage::SeriesAttachment>> docs =
      store_->ListAttachments(series, before_id, limit, /*with_payload=*/true);
  if (!docs.ok()) return docs.status();
  std::vector<v1::ForecastVintage> out;
  out.reserve(docs->size());
  for (const storage::SeriesAttachment& doc : *docs) {
    TSF_ASSIGN_OR_RETURN(v1::ForecastVintage v, VintageFromAttachment(doc));
    out.push_back(std::move(v));
  }
  return out;
}

absl::StatusOr<v1::ForecastVintage> ForecastEngine::GetVintage(
    absl::string_view series, int64_t vintage_id) const {
  if (vintage_id <= 0) {
    return absl::InvalidArgumentError(
        "vintage_id: required, as returned by Forecast with save_vintage or "
        "by ListForecastVintages");
  }
  absl::StatusOr<storage::SeriesAttachment> doc =
      store_->GetAttachment(series, static_cast<uint64_t>(vintage_id));
  if (!doc.ok()) {
    if (doc.status().code() == absl::StatusCode::kNotFound &&
        absl::StrContains(doc.status().message(), "attachment")) {
      return absl::NotFoundError(absl::StrCat(
          "series \"", series, "\" has no forecast vintage ", vintage_id));
    }
    return doc.status();
  }
  return VintageFromAttachment(*doc);
}

}  // namespace tsforecast::service
