#include "service/access.h"

#include "absl/strings/str_cat.h"

namespace tsforecast::service {

absl::StatusOr<Caller> Access::Check(absl::string_view authorization,
                                     auth::Role need,
                                     absl::string_view what) const {
  if (authorizer_ == nullptr) return Caller();
  absl::StatusOr<Caller> caller = authorizer_->Authenticate(authorization);
  if (!caller.ok()) return caller.status();
  // Refused calls count too: a client hammering with too little role is
  // slowed down like any other.
  if (absl::Status s = authorizer_->Admit(**caller); !s.ok()) return s;
  absl::Status s = auth::RequireRole(**caller, need, what);
  if (!s.ok()) return s;
  return caller;
}

absl::StatusOr<Caller> Access::Check(const grpc::ServerContextBase& context,
                                     auth::Role need,
                                     absl::string_view what) const {
  if (draining_.load()) {
    return absl::UnavailableError(absl::StrCat(
        what,
        ": the server is shutting down; retry (another replica, or "
        "this one once it is back)"));
  }
  if (authorizer_ == nullptr) return Caller();
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  const absl::string_view value =
      it == metadata.end()
          ? absl::string_view()
          : absl::string_view(it->second.data(), it->second.size());
  return Check(value, need, what);
}

absl::Status Access::CheckSeries(const Caller& caller,
                                 absl::string_view series) const {
  if (caller == nullptr || !caller->Scoped()) return absl::OkStatus();
  absl::StatusOr<storage::SeriesInfo> info = store_->GetSeries(series);
  if (absl::IsNotFound(info.status())) {
    return auth::OutOfScope(*caller, series);
  }
  if (!info.ok()) return absl::OkStatus();
  return auth::RequireScope(*caller, series, info->definition.labels);
}

absl::Status Access::CheckLabels(const Caller& caller, absl::string_view series,
                                 const storage::Labels& labels) const {
  if (caller == nullptr) return absl::OkStatus();
  return auth::RequireScope(*caller, series, labels);
}

void Access::NarrowToScope(const Caller& caller,
                           std::vector<storage::LabelMatcher>* matchers) {
  if (caller == nullptr) return;
  matchers->insert(matchers->end(), caller->scope_matchers.begin(),
                   caller->scope_matchers.end());
}

bool Access::Sees(const Caller& caller, const storage::SeriesInfo& info) {
  return caller == nullptr ||
         caller->InScope(info.definition.name, info.definition.labels);
}

absl::Status Access::CheckUnscoped(const Caller& caller,
                                   absl::string_view what) {
  if (caller == nullptr || !caller->Scoped()) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat(what, " covers every series; token \"", caller->name,
                   "\" is limited to ", caller->selector));
}

}  // namespace tsforecast::service
