#pragma once
// The environment variables the configuration reads, as a value, so tests
// inject them and the daemon snapshots the process environment once.
//
// Variables (DESIGN.md, "Environment variables override the config file"):
// ROLECALL_CONFIG, ROLECALL_LISTEN, ROLECALL_DB, SLACK_SIGNING_SECRET,
// SLACK_BOT_TOKEN, SLACK_APP_TOKEN, SLACK_API_URL, TEAMS_WEBHOOK_SECRET. An empty value counts
// as unset, the container convention (`-e SLACK_BOT_TOKEN=` turns it off).

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace rolecall {

class Environment {
 public:
  Environment() = default;
  Environment(std::initializer_list<std::pair<const std::string, std::string>> vars)
      : vars_(vars) {}

  // A snapshot of the variables above from the running process. Reads
  // getenv, so call it at start-up (or on reload), not concurrently with
  // setenv.
  static Environment from_process();

  // nullopt when unset or empty.
  std::optional<std::string> get(std::string_view name) const;
  void set(std::string name, std::string value) { vars_[std::move(name)] = std::move(value); }

  // The names from_process() reads.
  static constexpr std::string_view known_variables[] = {
      "ROLECALL_CONFIG",       "ROLECALL_LISTEN",
      "ROLECALL_DB",           "SLACK_SIGNING_SECRET",
      "SLACK_BOT_TOKEN",       "SLACK_APP_TOKEN",
      "SLACK_API_URL",         "TEAMS_WEBHOOK_SECRET",
      "ROLECALL_DATABASE_URL", "ROLECALL_OUTBOX_LEASE_SECONDS"};

 private:
  std::map<std::string, std::string, std::less<>> vars_;
};

}  // namespace rolecall
