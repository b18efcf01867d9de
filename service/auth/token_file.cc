#include "service/auth/token_file.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace tsforecast::service::auth {
namespace {

bool IsHex(absl::string_view s, size_t length) {
  if (s.size() != length) return false;
  for (char c : s) {
    if (!absl::ascii_isxdigit(c) || absl::ascii_isupper(c)) return false;
  }
  return true;
}

bool IsTokenName(absl::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(c) && c != '_' && c != '.' && c != '@' &&
        c != '-') {
      return false;
    }
  }
  return true;
}

absl::StatusOr<std::string> RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()),
                 static_cast<int>(bytes)) != 1) {
    return absl::InternalError("the system's random source failed");
  }
  return absl::BytesToHexString(raw);
}

constexpr char kRateRule[] =
    "rate: expected calls per second, a number above 0 and at most 1e6";
bool ValidRate(double rate) { return rate > 0 && rate <= 1e6; }

}  // namespace

absl::StatusOr<std::vector<TokenRecord>> ParseTokenFile(
    absl::string_view text) {
  std::vector<TokenRecord> out;
  std::set<std::string> ids, names;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat("tokens file line ", line_number, ": ", why));
    };
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::MaxSplits(' ', 5), absl::SkipEmpty());
    if (fields.size() < 5) {
      return bad("expected: id name role salt hash [rate=N] [selector]");
    }
    TokenRecord r;
    r.id = std::string(fields[0]);
    r.name = std::string(fields[1]);
    std::optional<Role> role = ParseRole(fields[2]);
    r.salt = std::string(fields[3]);
    r.hash_hex = std::string(fields[4]);
    if (fields.size() == 6) {
      absl::string_view rest = absl::StripAsciiWhitespace(fields[5]);
      if (absl::ConsumePrefix(&rest, "rate=")) {
        const size_t end = std::min(rest.find(' '), rest.size());
        if (!absl::SimpleAtod(rest.substr(0, end), &r.rate_per_s) ||
            !ValidRate(r.rate_per_s)) {
          return bad(kRateRule);
        }
        rest = absl::StripAsciiWhitespace(rest.substr(end));
      }
      r.selector = std::string(rest);
    }
    if (!IsHex(r.id, 16)) return bad("id: expected 16 lowercase hex digits");
    if (!IsTokenName(r.name)) {
      return bad("name: 1 to 64 of letters, digits and _ . @ -");
    }
    if (!role) return bad("role: expected read, write or admin");
    r.role = *role;
    if (!IsHex(r.salt, 32)) return bad("salt: expected 32 hex digits");
    if (!IsHex(r.hash_hex, 64)) return bad("hash: expected 64 hex digits");
    if (!ids.insert(r.id).second) return bad("duplicate id");
    if (!names.insert(r.name).second) return bad("duplicate name");
    out.push_back(std::move(r));
  }
  return out;
}

std::string FormatTokenLine(const TokenRecord& r) {
  std::string line = absl::StrCat(r.id, " ", r.name, " ", RoleName(r.role), " ",
                                  r.salt, " ", r.hash_hex);
  if (r.rate_per_s > 0) absl::StrAppend(&line, " rate=", r.rate_per_s);
  if (!r.selector.empty()) absl::StrAppend(&line, " ", r.selector);
  return line;
}

std::string HashSecret(absl::string_view salt, absl::string_view secret) {
  const std::string input = absl::StrCat(salt, secret);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(),
             nullptr);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), length));
}

std::string SecretId(absl::string_view secret) {
  // tsf_ + 16 hex + _ + 64 hex.
  if (secret.size() != 4 + 16 + 1 + 64 || !absl::StartsWith(secret, "tsf_") ||
      secret[20] != '_' || !IsHex(secret.substr(4, 16), 16) ||
      !IsHex(secret.substr(21), 64)) {
    return "";
  }
  return std::string(secret.substr(4, 16));
}

absl::StatusOr<NewToken> MakeToken(absl::string_view name, Role role,
                                   absl::string_view selector,
                                   double rate_per_s) {
  if (!IsTokenName(name)) {
    return absl::InvalidArgumentError(
        absl::StrCat("token name \"", name.substr(0, 64),
                     "\": 1 to 64 of letters, digits and _ . @ -"));
  }
  if (selector.find('\n') != absl::string_view::npos) {
    return absl::InvalidArgumentError("selector: must be one line");
  }
  if (rate_per_s != 0 && !ValidRate(rate_per_s)) {
    return absl::InvalidArgumentError(kRateRule);
  }
  NewToken t;
  absl::StatusOr<std::string> id = RandomHex(8);
  absl::StatusOr<std::string> salt = RandomHex(16);
  absl::StatusOr<std::string> secret = RandomHex(32);
  if (!id.ok()) return id.status();
  if (!salt.ok()) return salt.status();
  if (!secret.ok()) return secret.status();
  t.record.id = *id;
  t.record.name = std::string(name);
  t.record.role = role;
  t.record.salt = *salt;
  t.record.selector = std::string(absl::StripAsciiWhitespace(selector));
  t.record.rate_per_s = rate_per_s;
  t.secret = absl::StrCat("tsf_", *id, "_", *secret);
  t.record.hash_hex = HashSecret(t.record.salt, t.secret);
  return t;
}

absl::StatusOr<NewToken> AddTokenToFile(const std::string& path,
                                        absl::string_view name, Role role,
                                        absl::string_view selector,
                                        double rate_per_s) {
  std::string text;
  if (std::ifstream in(path); in) {
    std::stringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  }
  absl::StatusOr<std::vector<TokenRecord>> existing = ParseTokenFile(text);
  if (!existing.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": ", existing.status().message()));
  }
  for (const TokenRecord& r : *existing) {
    if (r.name == name) {
      return absl::AlreadyExistsError(
          absl::StrCat("a token named \"", name, "\" is already in ", path));
    }
  }
  absl::StatusOr<NewToken> token = MakeToken(name, role, selector, rate_per_s);
  if (!token.ok()) return token.status();
  // Owner-only: the hashes do not reveal secrets, but the names and roles
  // are nobody else's business.
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd < 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot open ", path, " for appending"));
  }
  std::string line = FormatTokenLine(token->record) + "\n";
  if (!text.empty() && text.back() != '\n') line.insert(0, "\n");
  const bool ok =
      write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  const bool synced = fsync(fd) == 0;
  close(fd);
  if (!ok || !synced) {
    return absl::UnavailableError(absl::StrCat("cannot write ", path));
  }
  return token;
}

}  // namespace tsforecast::service::auth
