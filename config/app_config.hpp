#pragma once
// The effective application configuration: the YAML file (see
// config/rolecall.example.yaml, where every key is documented) with the
// environment overrides applied, defaults filled in and secrets read.
//
// Built only by load_config() (config/config_loader.hpp), which validates
// everything; a value of this type is therefore always consistent. It is a
// plain value with no globals behind it: on SIGHUP the daemon loads a new one
// and swaps it in. Immutable after loading; safe to share between threads.
//
// Secrets (signing secret, tokens, webhook keys, Workflows URLs) are held in
// plain strings for the adapters to use; describe() is the only rendering of
// this struct and never shows them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.hpp"
#include "core/team.hpp"

namespace rolecall {

// Where a secret came from, for the start-up log ("set via SLACK_BOT_TOKEN").
enum class SecretSource { none, config, file, environment };

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";  // host:port; ROLECALL_LISTEN overrides
  std::string host = "127.0.0.1";         // parsed from listen ("[::1]:80" gives "::1")
  std::uint16_t port = 8080;              // 0 = any free port
  unsigned threads = 0;                   // 0 = one per core (serve --threads wins)
  std::size_t body_limit_bytes = std::size_t{1024} * 1024;
  std::size_t header_limit_bytes = std::size_t{8} * 1024;
  unsigned read_timeout_ms = 10000;
  unsigned shutdown_grace_ms = 5000;  // time in-flight requests get on SIGTERM
  // Open connections at most; beyond it a new connection gets a 503 (or is
  // closed) at once, without being read or handled (daemon/http_server.hpp).
  unsigned max_connections = 1024;
};

enum class StorageBackend { sqlite, postgres };
std::string_view to_string(StorageBackend b) noexcept;

struct StorageConfig {
  // sqlite (one process, `path`) or postgres (any number of replicas, `url`).
  // Left out: postgres when a URL is configured, else sqlite.
  StorageBackend backend = StorageBackend::sqlite;
  // PostgreSQL connection string (libpq URI or key=value): storage.url,
  // storage.url_file, or ROLECALL_DATABASE_URL (wins). May hold a password:
  // never logged (describe() says only where it came from).
  std::string url;
  SecretSource url_source = SecretSource::none;
  unsigned pool_size = 8;                // PostgreSQL connections per process
  unsigned pool_timeout_ms = 5000;       // wait for a pooled connection, then 503
  unsigned ping_timeout_ms = 1000;       // /readyz's own database check, its own connection
  std::string path = "var/rolecall.db";  // relative to the working directory; ROLECALL_DB overrides
  bool store_message_text = true;        // false: keep decisions, drop message bodies
  unsigned retention_days = 90;          // 0 = keep forever
  unsigned busy_timeout_ms = 5000;       // SQLite busy timeout
  // Write WAL frames through the WAL-coalescing VFS (SqliteStoreOptions::
  // wal_coalescing); false = stock SQLite, the default.
  bool wal_coalescing = false;
};

struct TaxonomyConfig {
  // Resolved: a relative path in the file is taken relative to the config
  // file's directory. Default: taxonomy.yaml next to the config file.
  std::string path;
  // The learned classifier weights (core/classifier_model_text.hpp), resolved
  // like `path`. Default: classifier-model.tsv next to the taxonomy file.
  // Empty when the config says `model: none` (the cue lexicon alone decides).
  std::string model;
  // False when `model` is the default. A missing default file is then a
  // warning and rolecall classifies with the cue lexicon alone; a missing file
  // the config names is an error.
  bool model_explicit = false;
};

enum class LogLevel { trace, debug, info, warn, error };
enum class LogFormat { automatic, json, text };  // automatic: text on a terminal, else json

struct LogConfig {
  LogLevel level = LogLevel::info;
  LogFormat format = LogFormat::automatic;
};

struct RoutingConfig {
  double clarify_below = 0.45;   // below this confidence rolecall asks instead of routing
  unsigned learn_threshold = 3;  // corrections before a team-specific rule is learnt; 0 = never
};

struct SlackConfig {
  // Effective switch: a signing secret or an app-level token is available
  // and `enabled` is not false. (DESIGN.md: Slack is on when a signing
  // secret or an app token is available.)
  bool active = false;
  std::optional<bool> enabled;  // as written in the file; nullopt = auto / not given
  std::string signing_secret;   // secret; empty: no POST /slack/events
  SecretSource signing_secret_source = SecretSource::none;
  std::string bot_token;  // secret ("xoxb-…"); empty: no posting outside direct replies
  SecretSource bot_token_source = SecretSource::none;
  // The app-level token ("xapp-…", scope connections:write): Socket Mode is
  // on when it is set. Validated at load: never empty once given, always
  // starting with "xapp-".
  std::string app_token;  // secret
  SecretSource app_token_source = SecretSource::none;
  unsigned socket_connections = 2;                 // redundant Socket Mode connections (1..10)
  std::string api_url = "https://slack.com/api/";  // always ends in '/'; SLACK_API_URL overrides
  unsigned post_interval_ms = 1000;                // minimum gap between posts to one channel
  unsigned max_attempts = 8;
  unsigned request_timeout_ms = 10000;

  // Events arrive over Socket Mode (an app token is configured).
  bool socket_mode() const noexcept { return active && !app_token.empty(); }
  // POST /slack/events is served (a signing secret is configured).
  bool http_events() const noexcept { return active && !signing_secret.empty(); }
};

// A Microsoft Teams outgoing webhook (POST /teams/webhook/NAME; the one
// named "default" also answers POST /teams/webhook).
struct TeamsWebhook {
  std::string name;
  std::string team;       // product team id this webhook belongs to (may be empty)
  std::string key_bytes;  // secret: the base64-decoded security token, 32 bytes
  SecretSource key_source = SecretSource::none;
  bool active = false;  // the token is available and Teams is not disabled
};

struct TeamsConfig {
  bool active = false;          // at least one webhook is active
  std::optional<bool> enabled;  // as written; nullopt = auto; false turns every webhook off
  std::vector<TeamsWebhook> webhooks;
  unsigned max_attempts = 8;
  unsigned request_timeout_ms = 10000;

  // nullptr when there is no webhook of that name.
  const TeamsWebhook* find_webhook(std::string_view name) const noexcept;
};

struct ConsoleConfig {
  bool enabled = false;
  std::string access_token;  // secret; empty = answer only loopback peers
  SecretSource access_token_source = SecretSource::none;

  bool loopback_only() const noexcept { return access_token.empty(); }
};

struct DigestConfig {
  unsigned catch_up_hours = 12;  // a digest missed by up to this long is still posted
  // How often the scheduler looks whether a digest is due (and renews its
  // lease, daemon/digest_scheduler.hpp): a digest goes out at most this long
  // after its time.
  unsigned check_interval_seconds = 30;
};

struct OutboxConfig {
  unsigned max_attempts = 8;
  unsigned base_backoff_ms = 1000;
  unsigned max_backoff_ms = 300000;
  // Pending rows above which the daemon warns and counts (daemon/
  // outbox_depth_watch.hpp); rows are still accepted beyond it.
  unsigned max_depth = 100000;
  // How long a replica's claim on the outbox rows it is delivering lasts
  // (OutboxOptions::claim_lease): a replica that dies mid-delivery leaves its
  // rows to the others this long after its claim. ROLECALL_OUTBOX_LEASE_SECONDS
  // overrides. 5 .. 86400.
  unsigned lease_seconds = 60;
};

struct AppConfig {
  std::string source_path;  // the config file this was loaded from
  ServerConfig server;
  StorageConfig storage;
  TaxonomyConfig taxonomy;
  LogConfig log;
  RoutingConfig routing;
  SlackConfig slack;
  TeamsConfig teams;  // Microsoft Teams; the product teams are `directory`
  ConsoleConfig console;
  DigestConfig digest;
  OutboxConfig outbox;
  unsigned dedupe_ttl_hours = 24;
  // The product teams (`product_teams:` and `default_team:` in the file).
  TeamDirectory directory;
  // Non-fatal problems found while loading, for the start-up log.
  std::vector<Problem> warnings;

  // The effective configuration, one "key = value" per line, for logging at
  // start-up and reload. Secrets appear only as "(set …)" / "(unset)";
  // Teams Workflows URLs (which embed a signature) only as a count.
  std::string describe() const;
};

std::string_view to_string(LogLevel level) noexcept;
std::string_view to_string(LogFormat format) noexcept;
std::string_view to_string(SecretSource source) noexcept;

}  // namespace rolecall
