// Bearer-token access control, shared by the gRPC services and the HTTP
// port. Tokens come from a tokens file (token_file.h), reloaded on demand
// (SIGHUP); each has a role and optionally a label selector that limits it
// to the series it matches.
#ifndef TSFORECAST_SERVICE_AUTH_AUTHORIZER_H_
#define TSFORECAST_SERVICE_AUTH_AUTHORIZER_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "service/auth/rate_limiter.h"
#include "service/auth/role.h"
#include "storage/selector.h"
#include "storage/types.h"

namespace tsforecast::service::auth {

// Who is calling.
struct Principal {
  std::string id;  // the token's id, not secret
  std::string name;
  Role role = Role::kRead;
  double rate_per_s = 0;  // calls per second; 0: unlimited
  std::string selector;   // as written in the tokens file
  // The selector parsed, to narrow listings, and compiled, to test one
  // series; both empty for every series.
  std::vector<storage::LabelMatcher> scope_matchers;
  storage::SeriesSelector scope;

  bool Scoped() const { return !scope.empty(); }
  bool InScope(absl::string_view series, const storage::Labels& labels) const {
    return scope.Matches(series, labels);
  }
};

class Authorizer {
 public:
  // Reads `tokens_file`; INVALID_ARGUMENT naming the line of a bad entry
  // (a bad selector too), NOT_FOUND when the file cannot be read.
  static absl::StatusOr<std::unique_ptr<Authorizer>> Load(
      const std::string& tokens_file);

  // Reads the file again. On error the tokens in use stay, and the error
  // says why.
  absl::Status Reload();

  // The caller of an "Authorization" value ("Bearer tsf_..."); an empty
  // value is UNAUTHENTICATED saying how to send a token, a wrong one
  // UNAUTHENTICATED without saying which part was wrong. The secret is
  // compared in constant time.
  absl::StatusOr<std::shared_ptr<const Principal>> Authenticate(
      absl::string_view authorization) const;

  // RESOURCE_EXHAUSTED, saying when to retry, when the caller has used up
  // its rate (calls per second from the tokens file); every authenticated
  // call takes one.
  absl::Status Admit(const Principal& caller) const;

  size_t size() const;

 private:
  struct Entry {
    std::string salt, hash_hex;
    std::shared_ptr<const Principal> principal;
  };
  using Table = absl::flat_hash_map<std::string, Entry>;  // by token id
  static absl::StatusOr<std::shared_ptr<const Table>> Read(
      const std::string& path);

  explicit Authorizer(std::string path) : path_(std::move(path)) {}
  const std::string path_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const Table> table_ ABSL_GUARDED_BY(mu_);
  mutable RateLimiter rates_;
};

// PERMISSION_DENIED naming the role `what` needs and the one the caller
// has.
absl::Status RequireRole(const Principal& caller, Role need,
                         absl::string_view what);

// PERMISSION_DENIED when the series lies outside the caller's scope.
absl::Status RequireScope(const Principal& caller, absl::string_view series,
                          const storage::Labels& labels);
// The PERMISSION_DENIED of RequireScope, also given for a name that does
// not exist, so that the two cannot be told apart.
absl::Status OutOfScope(const Principal& caller, absl::string_view series);

}  // namespace tsforecast::service::auth

#endif  // TSFORECAST_SERVICE_AUTH_AUTHORIZER_H_
