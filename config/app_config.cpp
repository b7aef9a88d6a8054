#include "config/app_config.hpp"

#include <sstream>

namespace rolecall {

namespace {

std::string secret_state(const std::string& value, SecretSource source) {
  if (value.empty()) return "(unset)";
  return "(set, from " + std::string(to_string(source)) + ")";
}

std::string yes_no(bool b) { return b ? "true" : "false"; }

std::string join(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& i : items) out += (out.size() > 1 ? ", " : "") + i;
  return out + "]";
}

std::string person(const Person& p) {
  std::string out = p.display_name;
  std::string ids;
  if (!p.slack_user_id.empty()) ids += "slack " + p.slack_user_id;
  if (!p.teams_id.empty()) ids += (ids.empty() ? "" : ", ") + std::string("teams ") + p.teams_id;
  if (!ids.empty()) out += " (" + ids + ")";
  return out;
}

std::string people(const std::vector<Person>& list) {
  std::string out = "[";
  for (const auto& p : list) out += (out.size() > 1 ? ", " : "") + person(p);
  return out + "]";
}

constexpr std::string_view kWeekdays[] = {"monday", "tuesday",  "wednesday", "thursday",
                                          "friday", "saturday", "sunday"};

}  // namespace

std::string_view to_string(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::trace: return "trace";
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
  }
  return "info";
}

std::string_view to_string(LogFormat format) noexcept {
  switch (format) {
    case LogFormat::automatic: return "auto";
    case LogFormat::json: return "json";
    case LogFormat::text: return "text";
  }
  return "auto";
}

std::string_view to_string(SecretSource source) noexcept {
  switch (source) {
    case SecretSource::none: return "none";
    case SecretSource::config: return "config";
    case SecretSource::file: return "file";
    case SecretSource::environment: return "environment";
  }
  return "none";
}

const TeamsWebhook* TeamsConfig::find_webhook(std::string_view name) const noexcept {
  for (const auto& w : webhooks)
    if (w.name == name) return &w;
  return nullptr;
}

std::string_view to_string(StorageBackend b) noexcept {
  return b == StorageBackend::postgres ? "postgres" : "sqlite";
}

std::string AppConfig::describe() const {
  std::ostringstream out;
  auto line = [&](std::string_view key, const auto& value) {
    out << key << " = " << value << '\n';
  };
  line("config", source_path);
  line("server.listen", server.listen);
  line("server.threads",
       server.threads == 0 ? std::string("0 (one per core)") : std::to_string(server.threads));
  line("server.body_limit_bytes", server.body_limit_bytes);
  line("server.header_limit_bytes", server.header_limit_bytes);
  line("server.read_timeout_ms", server.read_timeout_ms);
  line("server.shutdown_grace_ms", server.shutdown_grace_ms);
  line("server.max_connections", server.max_connections);
  line("storage.backend", to_string(storage.backend));
  if (storage.backend == StorageBackend::postgres) {
    line("storage.url", secret_state(storage.url, storage.url_source));
    line("storage.pool_size", storage.pool_size);
    line("storage.pool_timeout_ms", storage.pool_timeout_ms);
    line("storage.ping_timeout_ms", storage.ping_timeout_ms);
  } else {
    line("storage.path", storage.path);
  }
  line("storage.store_message_text", yes_no(storage.store_message_text));
  line("storage.retention_days", storage.retention_days == 0
                                     ? std::string("0 (keep)")
                                     : std::to_string(storage.retention_days));
  if (storage.backend == StorageBackend::sqlite) {
    line("storage.busy_timeout_ms", storage.busy_timeout_ms);
    line("storage.wal_coalescing", yes_no(storage.wal_coalescing));
  }
  line("taxonomy.path", taxonomy.path);
  line("taxonomy.model",
       taxonomy.model.empty() ? std::string("none (cue lexicon only)") : taxonomy.model);
  line("log.level", to_string(log.level));
  line("log.format", to_string(log.format));
  line("routing.clarify_below", routing.clarify_below);
  line("routing.learn_threshold", routing.learn_threshold);
  line("slack.active", yes_no(slack.active));
  line("slack.signing_secret", secret_state(slack.signing_secret, slack.signing_secret_source));
  line("slack.bot_token", secret_state(slack.bot_token, slack.bot_token_source));
  line("slack.app_token", secret_state(slack.app_token, slack.app_token_source));
  line("slack.socket_mode", yes_no(slack.socket_mode()));
  line("slack.socket_connections", slack.socket_connections);
  line("slack.api_url", slack.api_url);
  line("slack.post_interval_ms", slack.post_interval_ms);
  line("slack.max_attempts", slack.max_attempts);
  line("slack.request_timeout_ms", slack.request_timeout_ms);
  line("teams.active", yes_no(teams.active));
  for (const auto& w : teams.webhooks) {
    line("teams.webhooks." + w.name,
         "team " + (w.team.empty() ? std::string("(default)") : w.team) + ", token " +
             secret_state(w.key_bytes, w.key_source) + (w.active ? ", active" : ", inactive"));
  }
  line("teams.max_attempts", teams.max_attempts);
  line("teams.request_timeout_ms", teams.request_timeout_ms);
  line("console.enabled", yes_no(console.enabled));
  line("console.access_token",
       secret_state(console.access_token, console.access_token_source) +
           (console.enabled && console.loopback_only() ? " (loopback peers only)" : ""));
  line("digest.catch_up_hours", digest.catch_up_hours);
  line("digest.check_interval_seconds", digest.check_interval_seconds);
  line("outbox.max_attempts", outbox.max_attempts);
  line("outbox.base_backoff_ms", outbox.base_backoff_ms);
  line("outbox.max_backoff_ms", outbox.max_backoff_ms);
  line("outbox.max_depth", outbox.max_depth);
  line("outbox.lease_seconds", outbox.lease_seconds);
  line("dedupe_ttl_hours", dedupe_ttl_hours);
  for (const auto& t : directory.teams()) {
    std::string prefix = "product_teams." + t.id;
    line(prefix + ".name", t.name);
    line(prefix + ".slack_channels", join(t.slack_channels));
    line(prefix + ".intake_channels", join(t.intake_channels));
    line(prefix + ".teams_webhooks", join(t.teams_webhooks));
    // Workflows URLs embed a signature (sig=…): they are secrets.
    line(prefix + ".teams_workflow_urls", std::to_string(t.teams_workflow_urls.size()) + " (set)");
    if (t.combined) {
      line(prefix + ".combined", person(*t.combined));
    } else {
      line(prefix + ".product_managers", people(t.product_managers));
      line(prefix + ".product_owners", people(t.product_owners));
    }
    char time[8];
    std::snprintf(time, sizeof time, "%02u:%02u", t.digest.hour % 100, t.digest.minute % 100);
    std::string day = t.digest.weekday >= 1 && t.digest.weekday <= 7
                          ? std::string(kWeekdays[t.digest.weekday - 1])
                          : "?";
    line(prefix + ".digest", (t.digest.enabled ? "" : std::string("(disabled) ")) + day + " " +
                                 time + " " + t.digest.time_zone);
  }
  const Team* def = directory.default_team();
  line("default_team", def ? def->id : std::string("(none)"));
  return out.str();
}

}  // namespace rolecall
