// Minimal leveled logging to stderr (Abseil 20220623 has no absl/log).
// Usage: TSF_LOG(INFO) << "listening on " << address;
// Thread-safe: each message is written with one fwrite.
#ifndef TSFORECAST_COMMON_LOG_H_
#define TSFORECAST_COMMON_LOG_H_

#include <sstream>

namespace tsforecast {

enum class LogSeverity { kInfo, kWarning, kError };

// Messages below this severity are dropped. Default kInfo.
void SetMinLogSeverity(LogSeverity severity);

class LogMessage {
 public:
  LogMessage(LogSeverity severity, const char* file, int line);
  ~LogMessage();
  LogMessage(const LogMessage&) = delete;
  LogMessage& operator=(const LogMessage&) = delete;
  std::ostream& stream() { return stream_; }

 private:
  LogSeverity severity_;
  std::ostringstream stream_;
};

}  // namespace tsforecast

#define TSF_LOG_SEVERITY_INFO ::tsforecast::LogSeverity::kInfo
#define TSF_LOG_SEVERITY_WARNING ::tsforecast::LogSeverity::kWarning
#define TSF_LOG_SEVERITY_ERROR ::tsforecast::LogSeverity::kError
#define TSF_LOG(severity)                                                   \
  ::tsforecast::LogMessage(TSF_LOG_SEVERITY_##severity, __FILE__, __LINE__) \
      .stream()

#endif  // TSFORECAST_COMMON_LOG_H_
