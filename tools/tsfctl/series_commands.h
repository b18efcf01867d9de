// tsfctl series create|list|show|update|delete.
#ifndef TSFORECAST_TOOLS_TSFCTL_SERIES_COMMANDS_H_
#define TSFORECAST_TOOLS_TSFCTL_SERIES_COMMANDS_H_

#include <functional>
#include <string>

#include "CLI/CLI.hpp"
#include "tools/tsfctl/client.h"

namespace tsforecast::tsfctl {

// Adds the series commands to `app`; the function returned runs the one
// that was parsed, if any.
std::function<void(const Client&)> AddSeriesCommands(CLI::App& app);

// The series `name`: its definition, for commands that print its values.
v1::Series GetSeries(const Client& c, const std::string& name);

}  // namespace tsforecast::tsfctl

#endif  // TSFORECAST_TOOLS_TSFCTL_SERIES_COMMANDS_H_
