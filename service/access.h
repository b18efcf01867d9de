// Access control of one call, for the gRPC services and the HTTP port
// alike: who calls (from the "authorization" header), whether their role
// allows the call, and whether the series it touches are in their scope.
// With no tokens file every call is allowed, as before access control.
#ifndef TSFORECAST_SERVICE_ACCESS_H_
#define TSFORECAST_SERVICE_ACCESS_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "service/auth/authorizer.h"
#include "storage/series_store.h"

namespace tsforecast::service {

// The caller of a call; null when access control is off.
using Caller = std::shared_ptr<const auth::Principal>;

class Access {
 public:
  // `authorizer` null: access control off. Neither is owned.
  Access(const auth::Authorizer* authorizer, storage::SeriesStore* store)
      : authorizer_(authorizer), store_(store) {}

  bool enabled() const { return authorizer_ != nullptr; }

  // From now on every gRPC call is refused with UNAVAILABLE (the server
  // is draining): clients retry elsewhere or after the restart, instead of
  // seeing CANCELLED.
  void StartDraining() { draining_.store(true); }

  // UNAUTHENTICATED without a valid token, PERMISSION_DENIED when the
  // token's role is below `need`. `what` names the call in the message.
  absl::StatusOr<Caller> Check(absl::string_view authorization, auth::Role need,
                               absl::string_view what) const;
  absl::StatusOr<Caller> Check(const grpc::ServerContextBase& context,
                               auth::Role need, absl::string_view what) const;

  // PERMISSION_DENIED when the stored series `series` is outside the
  // caller's scope, and for a scoped caller when it does not exist, with
  // the same message: a scoped token cannot learn which names exist
  // beyond its scope.
  absl::Status CheckSeries(const Caller& caller,
                           absl::string_view series) const;
  // The same for a series about to be created or relabelled.
  absl::Status CheckLabels(const Caller& caller, absl::string_view series,
                           const storage::Labels& labels) const;
  // Adds the caller's scope to the matchers of a listing, so that it only
  // finds series the caller may see.
  static void NarrowToScope(const Caller& caller,
                            std::vector<storage::LabelMatcher>* matchers);
  // Whether the caller may see `info` (for filtering listings).
  static bool Sees(const Caller& caller, const storage::SeriesInfo& info);
  // Whole-store operations (backup, compaction): an unscoped token only.
  static absl::Status CheckUnscoped(const Caller& caller,
                                    absl::string_view what);

 private:
  const auth::Authorizer* authorizer_;
  storage::SeriesStore* store_;
  std::atomic<bool> draining_{false};
};

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_ACCESS_H_
