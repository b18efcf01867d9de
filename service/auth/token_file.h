// The tokens file: one bearer token per line, stored as a salted SHA-256
// hash so that the file does not hold the secrets themselves.
//
//   # comment
//   <id> <name> <role> <salt> <sha256(salt + secret)> [rate=<calls/s>]
//       [<selector>]
//
// `id` is 16 hex digits, also the first part of the secret
// ("tsf_<id>_<64 hex digits>"), so a presented token finds its line without
// trying every hash. The secret carries 256 random bits, so one fast hash
// suffices (a password would need a slow one). The selector, when given,
// limits the token to series it matches (Prometheus syntax, may contain
// spaces: it is the rest of the line). The rate, when given, limits the
// calls the token may make per second (a decimal; no selector can begin
// with "rate=", so the two cannot be confused).
#ifndef TSFORECAST_SERVICE_AUTH_TOKEN_FILE_H_
#define TSFORECAST_SERVICE_AUTH_TOKEN_FILE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "service/auth/role.h"

namespace tsforecast::service::auth {

struct TokenRecord {
  std::string id;    // 16 hex digits
  std::string name;  // who holds it: [A-Za-z0-9_.@-]{1,64}
  Role role = Role::kRead;
  std::string salt;       // 32 hex digits
  std::string hash_hex;   // 64 hex digits
  std::string selector;   // empty: every series
  double rate_per_s = 0;  // calls per second; 0: unlimited
};

// INVALID_ARGUMENT naming the line for a malformed one; duplicate ids or
// names are errors too.
absl::StatusOr<std::vector<TokenRecord>> ParseTokenFile(absl::string_view text);
std::string FormatTokenLine(const TokenRecord& record);

// SHA-256 of salt then secret, as hex.
std::string HashSecret(absl::string_view salt, absl::string_view secret);

// The id a secret names, or "" when it is not of the form tsf_<id>_<hex>.
std::string SecretId(absl::string_view secret);

struct NewToken {
  TokenRecord record;
  std::string secret;  // shown once, never stored
};

// A fresh token from the system's random source.
absl::StatusOr<NewToken> MakeToken(absl::string_view name, Role role,
                                   absl::string_view selector,
                                   double rate_per_s = 0);

// Appends a new token to `path` (created with mode 0600 if missing; an
// existing name is ALREADY_EXISTS) and returns it with its secret.
absl::StatusOr<NewToken> AddTokenToFile(const std::string& path,
                                        absl::string_view name, Role role,
                                        absl::string_view selector,
                                        double rate_per_s = 0);

}  // namespace tsforecast::service::auth

#endif  // TSFORECAST_SERVICE_AUTH_TOKEN_FILE_H_
