// tsfctl write|read|latest|delete: points in and out.
#ifndef TSFORECAST_TOOLS_TSFCTL_POINTS_COMMANDS_H_
#define TSFORECAST_TOOLS_TSFCTL_POINTS_COMMANDS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "tools/tsfctl/client.h"

namespace tsforecast::tsfctl {

// Adds the points commands to `app`; the function returned runs the one
// that was parsed, if any.
std::function<void(const Client&)> AddPointsCommands(CLI::App& app);

// The points a streamed read returns, appended to `ts` and `values`.
void StreamPoints(const Client& c, const v1::StreamReadPointsRequest& req,
                  std::vector<int64_t>& ts, std::vector<double>& values);

// Every point of a series, oldest first.
void ReadAllPoints(const Client& c, const std::string& series,
                   std::vector<int64_t>& ts, std::vector<double>& values);

}  // namespace tsforecast::tsfctl

#endif  // TSFORECAST_TOOLS_TSFCTL_POINTS_COMMANDS_H_
