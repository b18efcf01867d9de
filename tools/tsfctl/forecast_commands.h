// tsfctl forecast|watch|vintages|backtest|models.
#ifndef TSFORECAST_TOOLS_TSFCTL_FORECAST_COMMANDS_H_
#define TSFORECAST_TOOLS_TSFCTL_FORECAST_COMMANDS_H_

#include <functional>

#include "CLI/CLI.hpp"
#include "tools/tsfctl/client.h"

namespace tsforecast::tsfctl {

// Adds the forecast commands to `app`; the function returned runs the one
// that was parsed, if any.
std::function<void(const Client&)> AddForecastCommands(CLI::App& app);

}  // namespace tsforecast::tsfctl

#endif  // TSFORECAST_TOOLS_TSFCTL_FORECAST_COMMANDS_H_
