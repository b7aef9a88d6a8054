#pragma once
// Logging set-up (spdlog). JSON lines (time, level, message, request_id,
// platform, team) when stdout is not a terminal or format is "json";
// readable text otherwise. Secrets are never passed to the logger: callers
// log names and outcomes, not tokens or URLs with signatures.

#include <string>
#include <string_view>

namespace rolecall {

// format: "auto" | "json" | "text"; level: trace|debug|info|warn|error|off.
// Unknown values fall back to auto / info.
void setup_logging(std::string_view level, std::string_view format);

// Per-thread context added to every JSON log line written while a request
// is being handled. RAII: restores the previous context on destruction.
class LogContext {
 public:
  LogContext(std::string request_id, std::string platform = {}, std::string team = {});
  ~LogContext();
  LogContext(const LogContext&) = delete;
  LogContext& operator=(const LogContext&) = delete;

  static void set_platform(std::string platform);
  static void set_team(std::string team);

 private:
  std::string saved_request_id_, saved_platform_, saved_team_;
};

}  // namespace rolecall
