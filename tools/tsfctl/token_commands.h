// tsfctl token add: a new bearer token in a server's tokens file.
#ifndef TSFORECAST_TOOLS_TSFCTL_TOKEN_COMMANDS_H_
#define TSFORECAST_TOOLS_TSFCTL_TOKEN_COMMANDS_H_

#include <functional>

#include "CLI/CLI.hpp"

namespace tsforecast::tsfctl {

// Adds the token commands to `app`; the function returned runs the one
// that was parsed and says whether one was.
std::function<bool()> AddTokenCommands(CLI::App& app);

}  // namespace tsforecast::tsfctl

#endif  // TSFORECAST_TOOLS_TSFCTL_TOKEN_COMMANDS_H_
