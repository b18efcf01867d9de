#include "tools/tsfctl/token_commands.h"

#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "service/auth/token_file.h"
#include "storage/selector.h"
#include "tools/tsfctl/client.h"

namespace tsforecast::tsfctl {
namespace {

struct TokenArgs {
  std::string name, role = "read", tokens_file, selector;
  double rate = 0;
};

void Add(const TokenArgs& a) {
  std::optional<service::auth::Role> role = service::auth::ParseRole(a.role);
  if (!role)
    Usage(absl::StrCat("--role \"", a.role, "\": read, write or admin"));
  if (!a.selector.empty()) {
    absl::StatusOr<std::vector<storage::LabelMatcher>> m =
        storage::ParseSelector(a.selector);
    if (!m.ok()) Usage(absl::StrCat("--selector: ", m.status().message()));
  }
  absl::StatusOr<service::auth::NewToken> token = service::auth::AddTokenToFile(
      a.tokens_file, a.name, *role, a.selector, a.rate);
  if (!token.ok()) {
    std::cerr << "tsfctl: token add failed: " << token.status().message()
              << "\n";
    throw Exit{kExitServerError};
  }
  std::cerr << "added token \"" << a.name << "\" (role " << a.role
            << (a.selector.empty() ? "" : ", series " + a.selector)
            << (a.rate > 0 ? absl::StrCat(", ", a.rate, " calls/s") : "")
            << ") to " << a.tokens_file
            << "; send SIGHUP to a running server to load it. The secret "
               "follows; it is shown only now:\n";
  std::cout << token->secret << "\n";
}

}  // namespace

std::function<bool()> AddTokenCommands(CLI::App& app) {
  auto args = std::make_shared<TokenArgs>();
  CLI::App* token = app.add_subcommand("token", "manage bearer tokens");
  token->require_subcommand(1);
  CLI::App* add = token->add_subcommand(
      "add", "add a token to a tokens file and print its secret once");
  add->add_option("name", args->name, "who holds it")->required();
  add->add_option("--role", args->role, "read, write or admin")
      ->capture_default_str();
  add->add_option("--tokens_file", args->tokens_file,
                  "the server's --tokens_file (created if missing, mode 0600)")
      ->required();
  add->add_option("--selector", args->selector,
                  "limit the token to series matching this selector, e.g. "
                  "'{market=\"shanghai\"}'");
  add->add_option("--rate", args->rate,
                  "calls per second the token may make (0: unlimited); "
                  "beyond, calls get RESOURCE_EXHAUSTED / 429");
  return [=] {
    if (!add->parsed()) return false;
    Add(*args);
    return true;
  };
}

}  // namespace tsforecast::tsfctl
