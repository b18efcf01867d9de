#include "service/auth/authorizer.h"

#include <openssl/crypto.h>

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "service/auth/token_file.h"
#include "service/retry_hint.h"
#include "storage/selector.h"

namespace tsforecast::service::auth {

absl::StatusOr<std::shared_ptr<const Authorizer::Table>> Authorizer::Read(
    const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("tokens file ", path,
                     " cannot be read; create it with `tsfctl token add`"));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  absl::StatusOr<std::vector<TokenRecord>> records =
      ParseTokenFile(buffer.str());
  if (!records.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", records.status().message()));
  }
  auto table = std::make_shared<Table>();
  for (const TokenRecord& r : *records) {
    auto principal = std::make_shared<Principal>();
    principal->id = r.id;
    principal->name = r.name;
    principal->role = r.role;
    principal->rate_per_s = r.rate_per_s;
    principal->selector = r.selector;
    if (!r.selector.empty()) {
      absl::StatusOr<std::vector<storage::LabelMatcher>> matchers =
          storage::ParseSelector(r.selector);
      absl::StatusOr<storage::SeriesSelector> scope =
          matchers.ok()
              ? storage::SeriesSelector::Compile(*matchers)
              : absl::StatusOr<storage::SeriesSelector>(matchers.status());
      if (!scope.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": token \"", r.name,
                         "\": selector: ", scope.status().message()));
      }
      principal->scope = *std::move(scope);
      principal->scope_matchers = *std::move(matchers);
    }
    (*table)[r.id] = Entry{r.salt, r.hash_hex, std::move(principal)};
  }
  return table;
}

absl::StatusOr<std::unique_ptr<Authorizer>> Authorizer::Load(
    const std::string& tokens_file) {
  std::unique_ptr<Authorizer> a(new Authorizer(tokens_file));
  absl::Status s = a->Reload();
  if (!s.ok()) return s;
  return a;
}

absl::Status Authorizer::Reload() {
  absl::StatusOr<std::shared_ptr<const Table>> table = Read(path_);
  if (!table.ok()) return table.status();
  rates_.Retain(**table);
  absl::MutexLock lock(&mu_);
  table_ = *std::move(table);
  return absl::OkStatus();
}

absl::Status Authorizer::Admit(const Principal& caller) const {
  const absl::Duration wait =
      rates_.Admit(caller.id, caller.rate_per_s, absl::Now());
  if (wait == absl::ZeroDuration()) return absl::OkStatus();
  return WithRetryAfter(
      absl::ResourceExhaustedError(absl::StrCat(
          "token \"", caller.name, "\" may make ", caller.rate_per_s,
          " calls per second (rate= in the tokens file) and has used them; "
          "retry in ",
          absl::ToInt64Milliseconds(wait), " ms")),
      wait);
}

size_t Authorizer::size() const {
  absl::MutexLock lock(&mu_);
  return table_->size();
}

absl::StatusOr<std::shared_ptr<const Principal>> Authorizer::Authenticate(
    absl::string_view authorization) const {
  if (authorization.empty()) {
    return absl::UnauthenticatedError(
        "this server requires a bearer token: send the header "
        "\"authorization: Bearer <token>\" (tsfctl: TSF_TOKEN or "
        "--token_file; an admin creates tokens with `tsfctl token add`)");
  }
  absl::string_view secret = authorization;
  if (!absl::ConsumePrefix(&secret, "Bearer ") &&
      !absl::ConsumePrefix(&secret, "bearer ")) {
    return absl::UnauthenticatedError(
        "authorization: expected \"Bearer <token>\"");
  }
  const std::string id = SecretId(secret);
  std::shared_ptr<const Table> table;
  {
    absl::MutexLock lock(&mu_);
    table = table_;
  }
  auto it = id.empty() ? table->end() : table->find(id);
  if (it == table->end()) {
    return absl::UnauthenticatedError("the bearer token is not valid");
  }
  const std::string hash = HashSecret(it->second.salt, secret);
  if (hash.size() != it->second.hash_hex.size() ||
      CRYPTO_memcmp(hash.data(), it->second.hash_hex.data(), hash.size()) !=
          0) {
    return absl::UnauthenticatedError("the bearer token is not valid");
  }
  return it->second.principal;
}

absl::Status RequireRole(const Principal& caller, Role need,
                         absl::string_view what) {
  if (caller.role >= need) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      what, " needs a token with role ", RoleName(need), " or above; token \"",
      caller.name, "\" has role ", RoleName(caller.role)));
}

absl::Status RequireScope(const Principal& caller, absl::string_view series,
                          const storage::Labels& labels) {
  if (!caller.Scoped() || caller.InScope(series, labels)) {
    return absl::OkStatus();
  }
  return OutOfScope(caller, series);
}

absl::Status OutOfScope(const Principal& caller, absl::string_view series) {
  return absl::PermissionDeniedError(absl::StrCat(
      "token \"", caller.name, "\" may only use existing series matching ",
      caller.selector, "; \"", series, "\" is not one of them"));
}

}  // namespace tsforecast::service::auth
