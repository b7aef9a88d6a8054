#include "config/config_loader.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "config/base64.hpp"
#include "config/classifier_model_loader.hpp"
#include "config/diagnostics.hpp"
#include "config/taxonomy_loader.hpp"
#include "config/time_zones.hpp"
#include "config/yaml_map.hpp"

namespace rolecall {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kDefaultConfigPath = "config/rolecall.example.yaml";
constexpr std::string_view kDefaultTaxonomyFile = "taxonomy.yaml";
constexpr std::string_view kDefaultModelFile = "classifier-model.tsv";
constexpr std::size_t kTeamsKeyBytes = 32;
constexpr unsigned kMinOutboxLease = 5;
constexpr unsigned kMaxOutboxLease = 86400;

std::optional<std::string> read_text_file(const fs::path& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    error = "read error";
    return std::nullopt;
  }
  return text.str();
}

bool all_of_chars(std::string_view s, bool (*pred)(unsigned char)) {
  return std::all_of(s.begin(), s.end(),
                     [pred](char c) { return pred(static_cast<unsigned char>(c)); });
}

bool upper_alnum(unsigned char c) { return std::isupper(c) || std::isdigit(c); }
bool id_char(unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '_' || c == '-'; }
bool name_char(unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; }

// Slack ids: a type letter, then uppercase letters and digits.
bool is_slack_id(std::string_view s, std::string_view first_letters) {
  return s.size() >= 3 && first_letters.find(s[0]) != std::string_view::npos &&
         all_of_chars(s.substr(1), upper_alnum);
}

bool is_http_url(std::string_view s) {
  auto rest = [&](std::string_view scheme) {
    return s.size() > scheme.size() && s.substr(0, scheme.size()) == scheme;
  };
  return (rest("https://") || rest("http://")) &&
         std::none_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};

std::optional<HostPort> parse_listen(std::string_view text) {
  std::string_view host, port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return std::nullopt;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return std::nullopt;  // bare IPv6
  }
  if (host.empty() || port.empty() || port.size() > 5) return std::nullopt;
  if (std::any_of(host.begin(), host.end(), [](unsigned char c) { return std::isspace(c); }))
    return std::nullopt;
  if (!all_of_chars(port, [](unsigned char c) -> bool { return std::isdigit(c); }))
    return std::nullopt;
  unsigned long value = std::stoul(std::string(port));
  if (value > 65535) return std::nullopt;
  return HostPort{std::string(host), static_cast<std::uint16_t>(value)};
}

std::optional<unsigned> parse_weekday(std::string_view text) {
  static constexpr std::string_view names[] = {"monday", "tuesday",  "wednesday", "thursday",
                                               "friday", "saturday", "sunday"};
  std::string lower;
  for (unsigned char c : text) lower += static_cast<char>(std::tolower(c));
  for (unsigned i = 0; i < 7; ++i) {
    if (lower == names[i] || lower == names[i].substr(0, 3)) return i + 1;
  }
  return std::nullopt;
}

std::optional<std::pair<unsigned, unsigned>> parse_time_of_day(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || text.size() != colon + 3)
    return std::nullopt;
  auto digits = [](std::string_view s) {
    return all_of_chars(s, [](unsigned char c) -> bool { return std::isdigit(c); });
  };
  auto h = text.substr(0, colon), m = text.substr(colon + 1);
  if (!digits(h) || !digits(m)) return std::nullopt;
  unsigned hour = std::stoul(std::string(h)), minute = std::stoul(std::string(m));
  if (hour > 23 || minute > 59) return std::nullopt;
  return std::pair{hour, minute};
}

std::string trim_trailing_newlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

struct Secret {
  std::string value;
  SecretSource source = SecretSource::none;
  YAML::Mark mark = YAML::Mark::null_mark();  // where it was configured (file keys)
};

// One product team while it is being read, with what the cross-checks need.
struct TeamDraft {
  Team team;
  YAML::Mark mark;
  std::vector<YamlString> webhook_refs;
};

struct WebhookDraft {
  TeamsWebhook webhook;
  YAML::Mark mark;
  std::optional<YamlString> team_ref;
};

// Walks one config document. Problems in the file go to `diag_`, problems
// with environment variables to `env_diag_`.
class Loader {
 public:
  Loader(std::string path, const Environment& env)
      : path_(std::move(path)),
        dir_(fs::path(path_).parent_path()),
        env_(env),
        diag_(path_),
        env_diag_("environment") {}

  // Every problem found: the file's (in file order), then the environment's.
  std::vector<Problem> problems() {
    auto out = diag_.take();
    auto env = env_diag_.take();
    out.insert(out.end(), env.begin(), env.end());
    return out;
  }

  AppConfig& config() { return config_; }
  // False when the file is not valid YAML (nothing else was checked).
  bool syntax_ok() const { return syntax_ok_; }

  void load(std::string_view yaml) {
    config_.source_path = path_;
    YAML::Node root;
    try {
      root = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& e) {
      // Whatever follows a syntax error would only be noise.
      diag_.error(e.mark, "YAML syntax error: " + e.msg);
      syntax_ok_ = false;
      config_.taxonomy.path = resolve(std::string(kDefaultTaxonomyFile)).string();
      return;
    }
    YamlMap map(diag_, root, "",
                {"server", "storage", "taxonomy", "log", "routing", "slack", "teams", "console",
                 "digest", "outbox", "dedupe_ttl_hours", "product_teams", "default_team"});
    read_server(map);
    read_storage(map);
    read_taxonomy(map);
    read_log(map);
    read_routing(map);
    read_slack(map);
    read_console(map);
    read_digest(map);
    read_outbox(map);
    if (auto v = map.integer("dedupe_ttl_hours", 1, 24LL * 30)) config_.dedupe_ttl_hours = *v;
    // Product teams before Microsoft Teams: webhooks refer to team ids.
    auto teams = read_product_teams(map);
    std::string default_team = read_default_team(map, teams);
    auto webhooks = read_teams(map);
    link_webhooks(teams, webhooks, default_team);
    std::vector<Team> built;
    built.reserve(teams.size());
    for (auto& t : teams) built.push_back(std::move(t.team));
    config_.directory = TeamDirectory(std::move(built), default_team);
  }

 private:
  fs::path resolve(const std::string& p) const {
    fs::path path(p);
    if (path.is_relative() && !dir_.empty()) path = dir_ / path;
    return path.lexically_normal();
  }

  // `key` (inline) or `key_file` (path to a file holding it); `env_var`, when
  // set in the environment, wins over both. Never puts the value in a message.
  Secret read_secret(YamlMap& map, const std::string& key, std::string_view env_var = {}) {
    Secret out;
    const std::string file_key = key + "_file";
    if (map.has(key) && map.has(file_key)) {
      diag_.error(map.mark(file_key), "give either " + map.key_path(key) + " or " +
                                          map.key_path(file_key) + ", not both");
    }
    if (!env_var.empty()) {
      if (auto v = env_.get(env_var)) {
        out.value = *v;
        out.source = SecretSource::environment;
        return out;
      }
    }
    if (map.has(key)) {
      out.mark = map.mark(key);
      if (auto v = map.string(key); v && !v->empty()) {
        out.value = *v;
        out.source = SecretSource::config;
      }
      return out;
    }
    if (auto file = map.string(file_key)) {
      out.mark = map.mark(file_key);
      if (file->empty()) {
        diag_.error(map.mark(file_key), map.key_path(file_key) + " must not be empty");
        return out;
      }
      fs::path resolved = resolve(*file);
      std::string error;
      auto text = read_text_file(resolved, error);
      if (!text) {
        diag_.error(map.mark(file_key), "cannot read " + map.key_path(file_key) + " '" +
                                            resolved.string() + "': " + error);
        return out;
      }
      out.value = trim_trailing_newlines(std::move(*text));
      if (out.value.empty()) {
        diag_.error(map.mark(file_key),
                    map.key_path(file_key) + " '" + resolved.string() + "' is empty");
        return out;
      }
      out.source = SecretSource::file;
    }
    return out;
  }

  template <typename T>
  void read_uint(YamlMap& map, std::string_view key, T& field, std::int64_t min, std::int64_t max) {
    if (auto v = map.integer(key, min, max)) field = static_cast<T>(*v);
  }

  // A platform's `enabled`: true, false, or auto (follow the secrets), which
  // is also what leaving it out means.
  std::optional<bool> read_platform_switch(YamlMap& map) {
    YAML::Node v = map.value("enabled");
    if (map.has("enabled") && v.IsScalar() && v.Scalar() == "auto") return std::nullopt;
    if (!map.has("enabled")) return std::nullopt;
    bool out = false;
    if (!v.IsScalar() || !YAML::convert<bool>::decode(v, out)) {
      diag_.error(map.mark("enabled"), map.key_path("enabled") + " must be true, false or auto");
      return std::nullopt;
    }
    return out;
  }

  void read_server(YamlMap& root) {
    YamlMap map(diag_, root.value("server"), "server",
                {"listen", "threads", "body_limit_bytes", "header_limit_bytes", "read_timeout_ms",
                 "shutdown_grace_ms", "max_connections"});
    auto& s = config_.server;
    if (auto listen = map.string("listen")) {
      if (auto hp = parse_listen(*listen)) {
        s.listen = *listen;
        s.host = hp->host;
        s.port = hp->port;
      } else {
        diag_.error(map.mark("listen"),
                    "server.listen must be host:port, e.g. 127.0.0.1:8080 or "
                    "[::1]:8080 (got '" +
                        *listen + "')");
      }
    }
    if (auto listen = env_.get("ROLECALL_LISTEN")) {
      if (auto hp = parse_listen(*listen)) {
        s.listen = *listen;
        s.host = hp->host;
        s.port = hp->port;
      } else {
        env_diag_.error("ROLECALL_LISTEN must be host:port, e.g. 0.0.0.0:8080 (got '" + *listen +
                        "')");
      }
    }
    read_uint(map, "threads", s.threads, 0, 1024);
    read_uint(map, "body_limit_bytes", s.body_limit_bytes, 1024, 1024LL * 1024 * 1024);
    read_uint(map, "header_limit_bytes", s.header_limit_bytes, 1024, 1024LL * 1024);
    read_uint(map, "read_timeout_ms", s.read_timeout_ms, 100, 3600LL * 1000);
    read_uint(map, "shutdown_grace_ms", s.shutdown_grace_ms, 0, 3600LL * 1000);
    read_uint(map, "max_connections", s.max_connections, 1, 1000000);
  }

  void read_storage(YamlMap& root) {
    YamlMap map(
        diag_, root.value("storage"), "storage",
        {"backend", "url", "url_file", "pool_size", "pool_timeout_ms", "ping_timeout_ms", "path",
         "store_message_text", "retention_days", "busy_timeout_ms", "wal_coalescing"});
    auto& s = config_.storage;
    Secret url = read_secret(map, "url", "ROLECALL_DATABASE_URL");
    s.url = url.value;
    s.url_source = url.source;
    s.backend = s.url.empty() ? StorageBackend::sqlite : StorageBackend::postgres;
    if (auto backend = map.string("backend")) {
      if (*backend == "sqlite") {
        s.backend = StorageBackend::sqlite;
      } else if (*backend == "postgres") {
        s.backend = StorageBackend::postgres;
      } else {
        diag_.error(map.mark("backend"),
                    "storage.backend must be sqlite or postgres (got '" + *backend + "')");
      }
    }
    if (s.backend == StorageBackend::postgres && s.url.empty() &&
        url.source == SecretSource::none && !map.has("url") && !map.has("url_file")) {
      diag_.error(map.has("backend") ? map.mark("backend") : map.map_mark(),
                  "storage.backend is postgres but no database is named (storage.url, "
                  "storage.url_file or ROLECALL_DATABASE_URL)");
    } else if (s.backend == StorageBackend::postgres && s.url.empty() && map.has("url")) {
      diag_.error(map.mark("url"), "storage.url must not be empty");
    }
    read_uint(map, "pool_size", s.pool_size, 1, 1000);
    read_uint(map, "pool_timeout_ms", s.pool_timeout_ms, 1, 600LL * 1000);
    read_uint(map, "ping_timeout_ms", s.ping_timeout_ms, 50, 60LL * 1000);
    if (map.has("path")) {
      if (auto p = map.non_empty_string("path")) s.path = *p;
    }
    if (auto db = env_.get("ROLECALL_DB")) s.path = *db;
    if (auto v = map.boolean("store_message_text")) s.store_message_text = *v;
    read_uint(map, "retention_days", s.retention_days, 0, 100LL * 365);
    read_uint(map, "busy_timeout_ms", s.busy_timeout_ms, 0, 600LL * 1000);
    if (auto v = map.boolean("wal_coalescing")) s.wal_coalescing = *v;
  }

  void read_taxonomy(YamlMap& root) {
    YamlMap map(diag_, root.value("taxonomy"), "taxonomy", {"path", "model"});
    std::string path(kDefaultTaxonomyFile);
    if (map.has("path")) {
      if (auto p = map.non_empty_string("path")) path = *p;
    }
    config_.taxonomy.path = resolve(path).string();
    config_.taxonomy.model =
        (std::filesystem::path(config_.taxonomy.path).parent_path() / kDefaultModelFile).string();
    if (map.has("model")) {
      if (auto m = map.non_empty_string("model")) {
        config_.taxonomy.model = *m == "none" ? std::string() : resolve(*m).string();
        config_.taxonomy.model_explicit = true;
      }
    }
  }

  void read_log(YamlMap& root) {
    YamlMap map(diag_, root.value("log"), "log", {"level", "format"});
    if (auto level = map.string("level")) {
      static constexpr std::pair<std::string_view, LogLevel> levels[] = {
          {"trace", LogLevel::trace},
          {"debug", LogLevel::debug},
          {"info", LogLevel::info},
          {"warn", LogLevel::warn},
          {"error", LogLevel::error}};
      auto it = std::find_if(std::begin(levels), std::end(levels),
                             [&](const auto& p) { return p.first == *level; });
      if (it == std::end(levels)) {
        diag_.error(map.mark("level"), "unknown log.level '" + *level +
                                           "' (expected trace, debug, info, warn or error)");
      } else {
        config_.log.level = it->second;
      }
    }
    if (auto format = map.string("format")) {
      if (*format == "auto") {
        config_.log.format = LogFormat::automatic;
      } else if (*format == "json") {
        config_.log.format = LogFormat::json;
      } else if (*format == "text") {
        config_.log.format = LogFormat::text;
      } else {
        diag_.error(map.mark("format"),
                    "unknown log.format '" + *format + "' (expected auto, json or text)");
      }
    }
  }

  void read_routing(YamlMap& root) {
    YamlMap map(diag_, root.value("routing"), "routing", {"clarify_below", "learn_threshold"});
    if (auto v = map.number("clarify_below", 0.0, 1.0)) config_.routing.clarify_below = *v;
    read_uint(map, "learn_threshold", config_.routing.learn_threshold, 0, 1000);
  }

  void read_slack(YamlMap& root) {
    YamlMap map(diag_, root.value("slack"), "slack",
                {"enabled", "signing_secret", "signing_secret_file", "bot_token", "bot_token_file",
                 "app_token", "app_token_file", "socket_connections", "api_url", "post_interval_ms",
                 "max_attempts", "request_timeout_ms"});
    auto& s = config_.slack;
    s.enabled = read_platform_switch(map);
    Secret signing = read_secret(map, "signing_secret", "SLACK_SIGNING_SECRET");
    Secret bot = read_secret(map, "bot_token", "SLACK_BOT_TOKEN");
    Secret app = read_secret(map, "app_token", "SLACK_APP_TOKEN");
    s.signing_secret = std::move(signing.value);
    s.signing_secret_source = signing.source;
    s.bot_token = std::move(bot.value);
    s.bot_token_source = bot.source;
    check_app_token(map, app);
    s.app_token = std::move(app.value);
    s.app_token_source = app.source;
    read_uint(map, "socket_connections", s.socket_connections, 1, 10);

    if (auto url = map.string("api_url")) {
      if (is_http_url(*url)) {
        s.api_url = *url;
      } else {
        diag_.error(map.mark("api_url"), "slack.api_url must be an http:// or https:// URL");
      }
    }
    if (auto url = env_.get("SLACK_API_URL")) {
      if (is_http_url(*url)) {
        s.api_url = *url;
      } else {
        env_diag_.error("SLACK_API_URL must be an http:// or https:// URL");
      }
    }
    if (s.api_url.back() != '/') s.api_url += '/';
    read_uint(map, "post_interval_ms", s.post_interval_ms, 0, 60LL * 1000);
    read_uint(map, "max_attempts", s.max_attempts, 1, 100);
    read_uint(map, "request_timeout_ms", s.request_timeout_ms, 100, 600LL * 1000);

    s.active = s.enabled.value_or(true) && (!s.signing_secret.empty() || !s.app_token.empty());
    if (s.enabled.value_or(false) && s.signing_secret.empty() && s.app_token.empty()) {
      diag_.error(map.mark("enabled"),
                  "slack is enabled but no signing secret or app-level token is set "
                  "(SLACK_SIGNING_SECRET, slack.signing_secret or slack.signing_secret_file for "
                  "the Events API URL; SLACK_APP_TOKEN, slack.app_token or "
                  "slack.app_token_file for Socket Mode)");
    }
    if (s.active && s.bot_token.empty()) {
      diag_.warning(map.mark("enabled"),
                    "slack is on but has no bot token (slack.bot_token, slack.bot_token_file or "
                    "SLACK_BOT_TOKEN): only direct replies to slash commands will work");
    }
  }

  // An app-level token, once given, must look like one: an empty or wrong
  // token would only fail later, at apps.connections.open, or not at all.
  // The messages never contain the value.
  void check_app_token(YamlMap& map, Secret& app) {
    const bool from_env = app.source == SecretSource::environment;
    const bool given = app.source != SecretSource::none || map.has("app_token");
    if (!given) return;
    auto problem = [&](const std::string& what) {
      if (from_env) {
        env_diag_.error("SLACK_APP_TOKEN " + what);
      } else {
        const std::string key = app.source == SecretSource::file ? "app_token_file" : "app_token";
        diag_.error(map.mark(key), map.key_path(key) + " " + what);
      }
      app.value.clear();
      app.source = SecretSource::none;
    };
    if (app.value.empty()) {
      problem(
          "is empty (an app-level token xapp-… from Basic Information > App-Level Tokens, "
          "with the connections:write scope)");
      return;
    }
    if (std::any_of(app.value.begin(), app.value.end(),
                    [](unsigned char c) { return c <= ' ' || c == 0x7f; })) {
      problem("contains spaces or control characters");
      return;
    }
    if (app.value.rfind("xapp-", 0) != 0) {
      std::string hint;
      if (app.value.rfind("xoxb-", 0) == 0) {
        hint = " (this is a bot token: it belongs in SLACK_BOT_TOKEN / slack.bot_token)";
      } else if (app.value.rfind("xox", 0) == 0) {
        hint = " (this is a user or legacy token)";
      }
      problem("is not an app-level token: it must start with xapp-" + hint);
    }
  }

  void read_console(YamlMap& root) {
    YamlMap map(diag_, root.value("console"), "console",
                {"enabled", "access_token", "access_token_file"});
    auto& c = config_.console;
    if (auto v = map.boolean("enabled")) c.enabled = *v;
    Secret token = read_secret(map, "access_token");
    c.access_token = std::move(token.value);
    c.access_token_source = token.source;
    if (!c.access_token.empty() && c.access_token.size() < 16) {
      diag_.warning(token.mark,
                    "console.access_token is shorter than 16 characters: easy to guess for "
                    "anyone who can reach the listener");
    }
  }

  void read_digest(YamlMap& root) {
    YamlMap map(diag_, root.value("digest"), "digest",
                {"catch_up_hours", "check_interval_seconds"});
    read_uint(map, "catch_up_hours", config_.digest.catch_up_hours, 0, 7LL * 24);
    read_uint(map, "check_interval_seconds", config_.digest.check_interval_seconds, 1, 3600);
  }

  void read_outbox(YamlMap& root) {
    YamlMap map(
        diag_, root.value("outbox"), "outbox",
        {"max_attempts", "base_backoff_ms", "max_backoff_ms", "max_depth", "lease_seconds"});
    auto& o = config_.outbox;
    read_uint(map, "lease_seconds", o.lease_seconds, kMinOutboxLease, kMaxOutboxLease);
    if (auto lease = env_.get("ROLECALL_OUTBOX_LEASE_SECONDS")) {
      unsigned v = 0;
      const auto* end = lease->data() + lease->size();
      const auto [ptr, ec] = std::from_chars(lease->data(), end, v);
      if (ec != std::errc() || ptr != end || v < kMinOutboxLease || v > kMaxOutboxLease) {
        env_diag_.error("ROLECALL_OUTBOX_LEASE_SECONDS must be a whole number from " +
                        std::to_string(kMinOutboxLease) + " to " + std::to_string(kMaxOutboxLease) +
                        " (got '" + *lease + "')");
      } else {
        o.lease_seconds = v;
      }
    }
    read_uint(map, "max_attempts", o.max_attempts, 1, 100);
    read_uint(map, "base_backoff_ms", o.base_backoff_ms, 1, 3600LL * 1000);
    read_uint(map, "max_backoff_ms", o.max_backoff_ms, 1, 24LL * 3600LL * 1000);
    read_uint(map, "max_depth", o.max_depth, 1, 100000000);
    if (o.max_backoff_ms < o.base_backoff_ms) {
      diag_.error(map.mark("max_backoff_ms"),
                  "outbox.max_backoff_ms must not be smaller than outbox.base_backoff_ms");
    }
  }

  std::optional<Person> read_person(const YAML::Node& node, const std::string& path) {
    YamlMap map(diag_, node, path, {"name", "slack", "teams", "teams_name"});
    if (!node.IsMap()) {
      if (node.IsNull()) diag_.error(Diagnostics::mark_of(node), path + " is empty");
      return std::nullopt;
    }
    Person p;
    bool ok = true;
    if (auto name = map.non_empty_string("name")) {
      p.display_name = *name;
    } else {
      ok = false;
    }
    if (auto slack = map.string("slack")) {
      if (is_slack_id(*slack, "UW")) {
        p.slack_user_id = *slack;
      } else {
        diag_.error(map.mark("slack"), map.key_path("slack") + " '" + *slack +
                                           "' is not a Slack user id (U… or W…, then uppercase "
                                           "letters and digits)");
        ok = false;
      }
    }
    if (auto teams = map.string("teams")) p.teams_id = *teams;
    if (auto teams_name = map.string("teams_name")) p.teams_name = *teams_name;
    if (!ok) return std::nullopt;
    return p;
  }

  std::vector<Person> read_people(YamlMap& team, std::string_view key) {
    std::vector<Person> out;
    auto nodes = team.sequence(key);
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (auto p = read_person(nodes[i], team.key_path(key) + "[" + std::to_string(i) + "]"))
        out.push_back(std::move(*p));
    }
    return out;
  }

  DigestSchedule read_schedule(YamlMap& team) {
    YamlMap map(diag_, team.value("digest"), team.key_path("digest"),
                {"enabled", "day", "time", "time_zone"});
    DigestSchedule d;
    if (auto v = map.boolean("enabled")) d.enabled = *v;
    if (auto day = map.string("day")) {
      if (auto weekday = parse_weekday(*day)) {
        d.weekday = *weekday;
      } else {
        diag_.error(map.mark("day"), "unknown day '" + *day + "' in " + map.key_path("day") +
                                         " (expected monday, tuesday, … sunday)");
      }
    }
    if (auto time = map.string("time")) {
      if (auto hm = parse_time_of_day(*time)) {
        d.hour = hm->first;
        d.minute = hm->second;
      } else {
        diag_.error(map.mark("time"), map.key_path("time") +
                                          " must be a 24-hour time HH:MM, e.g. "
                                          "\"09:00\" (got '" +
                                          *time + "')");
      }
    }
    if (auto zone = map.string("time_zone")) {
      if (auto problem = time_zone_problem(*zone)) {
        diag_.error(map.mark("time_zone"), map.key_path("time_zone") + ": " + *problem);
      } else {
        d.time_zone = *zone;
      }
    }
    return d;
  }

  std::vector<TeamDraft> read_product_teams(YamlMap& root) {
    std::vector<TeamDraft> out;
    std::map<std::string, int> first_line;                          // team id -> line
    std::map<std::string, std::pair<std::string, int>> channel_of;  // channel -> team, line
    auto nodes = root.sequence("product_teams");
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const YAML::Node& node = nodes[i];
      std::string path = "product_teams[" + std::to_string(i) + "]";
      if (node.IsMap()) {
        const YAML::Node id = node["id"];
        if (id.IsDefined() && id.IsScalar() && !id.Scalar().empty())
          path = "product_teams[" + id.Scalar() + "]";
      }
      YamlMap map(diag_, node, path,
                  {"id", "name", "slack_channels", "intake_channels", "teams_webhooks",
                   "teams_workflow_urls", "teams_workflow_urls_file", "teams_routing_notices",
                   "product_managers", "product_owners", "combined", "digest"});
      if (!node.IsMap()) {
        if (node.IsNull()) diag_.error(Diagnostics::mark_of(node), path + " is empty");
        continue;
      }
      TeamDraft draft;
      draft.mark = node.Mark();
      Team& team = draft.team;
      bool ok = true;

      if (auto id = map.non_empty_string("id")) {
        team.id = *id;
        if (!all_of_chars(*id, id_char)) {
          diag_.error(
              map.mark("id"),
              "team id '" + *id + "' may only contain lowercase letters, digits, '_' and '-'");
        }
        auto [it, inserted] = first_line.emplace(*id, map.mark("id").line + 1);
        if (!inserted) {
          diag_.error(map.mark("id"), "duplicate team id '" + *id + "' (first defined at line " +
                                          std::to_string(it->second) + ")");
          ok = false;
        }
      } else {
        ok = false;
      }
      team.name = map.string("name").value_or(team.id);

      for (auto [key, field] : {std::pair{"slack_channels", &team.slack_channels},
                                std::pair{"intake_channels", &team.intake_channels}}) {
        for (auto& ch : map.string_list(key).value_or(std::vector<YamlString>{})) {
          if (!is_slack_id(ch.value, "CG")) {
            diag_.error(ch.mark, "'" + ch.value + "' in " + map.key_path(key) +
                                     " is not a Slack channel id (C… or G…, then uppercase "
                                     "letters and digits)");
            continue;
          }
          auto [it, inserted] = channel_of.emplace(ch.value, std::pair{team.id, ch.mark.line + 1});
          if (!inserted && it->second.first != team.id) {
            diag_.error(ch.mark, "Slack channel " + ch.value + " already belongs to team '" +
                                     it->second.first + "' (line " +
                                     std::to_string(it->second.second) +
                                     "); a channel can belong to one team only");
            continue;
          }
          if (std::find(field->begin(), field->end(), ch.value) == field->end())
            field->push_back(ch.value);
        }
      }

      for (auto& ref : map.string_list("teams_webhooks").value_or(std::vector<YamlString>{})) {
        draft.webhook_refs.push_back(ref);
      }

      auto urls = map.string_list("teams_workflow_urls").value_or(std::vector<YamlString>{});
      for (std::size_t u = 0; u < urls.size(); ++u) {
        if (!is_http_url(urls[u].value)) {
          // The URL carries a signature: don't print it.
          diag_.error(urls[u].mark,
                      map.key_path("teams_workflow_urls") + " entries must be https:// URLs");
          continue;
        }
        team.teams_workflow_urls.push_back(urls[u].value);
      }
      if (auto file = map.string("teams_workflow_urls_file")) read_url_file(map, *file, team);
      team.teams_routing_notices = map.boolean("teams_routing_notices").value_or(false);

      team.product_managers = read_people(map, "product_managers");
      team.product_owners = read_people(map, "product_owners");
      // Entries that failed to parse were reported already; count what was
      // written so they don't also produce "names nobody".
      auto written = [&](std::string_view key) -> std::size_t {
        YAML::Node v = map.value(key);
        return v.IsDefined() && v.IsSequence() ? v.size() : 0;
      };
      std::size_t managers = written("product_managers"), owners = written("product_owners");
      if (map.has("combined")) {
        if (auto p = read_person(map.value("combined"), map.key_path("combined"))) {
          team.combined = *p;
        }
        if (managers + owners > 0) {
          diag_.error(map.mark("combined"),
                      path +
                          " has both 'combined' and product_managers/product_owners: a team "
                          "has either one person in both roles or separate lists");
        }
      } else if (managers + owners == 0) {
        diag_.error(map.map_mark(), path +
                                        " names nobody: give product_managers and "
                                        "product_owners, or one combined person");
      } else if (managers == 0) {
        diag_.warning(map.map_mark(), path +
                                          " has no product_managers: PM questions will "
                                          "name nobody on this team");
      } else if (owners == 0) {
        diag_.warning(map.map_mark(), path +
                                          " has no product_owners: PO questions will "
                                          "name nobody on this team");
      }

      team.digest = read_schedule(map);
      if (ok) out.push_back(std::move(draft));
    }
    return out;
  }

  void read_url_file(YamlMap& map, const std::string& file, Team& team) {
    const std::string key = "teams_workflow_urls_file";
    fs::path resolved = resolve(file);
    std::string error;
    auto text = read_text_file(resolved, error);
    if (!text) {
      diag_.error(map.mark(key),
                  "cannot read " + map.key_path(key) + " '" + resolved.string() + "': " + error);
      return;
    }
    std::istringstream lines(*text);
    std::string line;
    int number = 0;
    while (std::getline(lines, line)) {
      ++number;
      line = trim_trailing_newlines(line);
      auto start = line.find_first_not_of(" \t");
      if (start == std::string::npos || line[start] == '#') continue;
      line = line.substr(start, line.find_last_not_of(" \t") - start + 1);
      if (!is_http_url(line)) {
        diag_.error(map.mark(key), map.key_path(key) + " '" + resolved.string() + "' line " +
                                       std::to_string(number) + " is not an https:// URL");
        continue;
      }
      team.teams_workflow_urls.push_back(line);
    }
  }

  std::string read_default_team(YamlMap& root, const std::vector<TeamDraft>& teams) {
    if (auto id = root.string("default_team")) {
      bool known = std::any_of(teams.begin(), teams.end(),
                               [&](const TeamDraft& t) { return t.team.id == *id; });
      if (!known) {
        std::string list;
        for (const auto& t : teams) list += (list.empty() ? "" : ", ") + t.team.id;
        diag_.error(
            root.mark("default_team"),
            "default_team '" + *id + "' is not a team in product_teams" +
                (list.empty() ? std::string(" (there are none)") : " (teams: " + list + ")"));
      }
      return *id;
    }
    if (teams.empty()) {
      diag_.warning(root.map_mark(),
                    "no product_teams configured: answers will name roles but no people");
      return {};
    }
    return teams.front().team.id;
  }

  std::vector<WebhookDraft> read_teams(YamlMap& root) {
    YamlMap map(diag_, root.value("teams"), "teams",
                {"enabled", "webhooks", "max_attempts", "request_timeout_ms"});
    auto& t = config_.teams;
    t.enabled = read_platform_switch(map);
    read_uint(map, "max_attempts", t.max_attempts, 1, 100);
    read_uint(map, "request_timeout_ms", t.request_timeout_ms, 100, 600LL * 1000);

    std::vector<WebhookDraft> out;
    std::map<std::string, int> first_line;
    auto nodes = map.sequence("webhooks");
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const YAML::Node& node = nodes[i];
      std::string path = "teams.webhooks[" + std::to_string(i) + "]";
      if (node.IsMap()) {
        const YAML::Node name = node["name"];
        if (name.IsDefined() && name.IsScalar() && !name.Scalar().empty())
          path = "teams.webhooks[" + name.Scalar() + "]";
      }
      YamlMap w(diag_, node, path, {"name", "team", "secret", "secret_file"});
      if (!node.IsMap()) {
        if (node.IsNull()) diag_.error(Diagnostics::mark_of(node), path + " is empty");
        continue;
      }
      WebhookDraft draft;
      draft.mark = node.Mark();
      auto name = w.non_empty_string("name");
      if (!name) continue;
      if (!all_of_chars(*name, name_char)) {
        diag_.error(w.mark("name"), "webhook name '" + *name +
                                        "' may only contain letters, digits, '_' and '-' (it is "
                                        "part of the URL /teams/webhook/NAME)");
        continue;
      }
      auto [it, inserted] = first_line.emplace(*name, w.mark("name").line + 1);
      if (!inserted) {
        diag_.error(w.mark("name"), "duplicate webhook name '" + *name +
                                        "' (first defined at line " + std::to_string(it->second) +
                                        ")");
        continue;
      }
      draft.webhook.name = *name;
      if (w.has("team")) {
        if (auto team = w.non_empty_string("team"))
          draft.team_ref = YamlString{*team, w.mark("team")};
      }
      Secret secret = read_secret(w, "secret",
                                  *name == "default" ? "TEAMS_WEBHOOK_SECRET" : std::string_view{});
      set_webhook_key(draft.webhook, secret, path);
      out.push_back(std::move(draft));
    }

    // The default webhook can exist through the environment alone.
    if (first_line.find("default") == first_line.end()) {
      if (auto token = env_.get("TEAMS_WEBHOOK_SECRET")) {
        WebhookDraft draft;
        draft.mark = YAML::Mark::null_mark();
        draft.webhook.name = "default";
        set_webhook_key(draft.webhook,
                        Secret{*token, SecretSource::environment, YAML::Mark::null_mark()},
                        "teams.webhooks[default]");
        out.push_back(std::move(draft));
      }
    }

    for (auto& d : out) {
      if (t.enabled == false) d.webhook.active = false;
      t.active = t.active || d.webhook.active;
    }
    if (t.enabled.value_or(false) && !t.active) {
      diag_.error(map.mark("enabled"),
                  "teams is enabled but no webhook has a security token (teams.webhooks[].secret, "
                  "teams.webhooks[].secret_file, or TEAMS_WEBHOOK_SECRET for the default webhook)");
    }
    return out;
  }

  void set_webhook_key(TeamsWebhook& webhook, const Secret& secret, const std::string& path) {
    if (secret.value.empty()) return;
    auto key = decode_base64(secret.value);
    if (!key || key->size() != kTeamsKeyBytes) {
      std::string message =
          " is not a Teams security token (base64 of 32 bytes, as Teams shows "
          "it when the outgoing webhook is created)";
      if (secret.source == SecretSource::environment) {
        env_diag_.error("TEAMS_WEBHOOK_SECRET" + message);
      } else {
        diag_.error(secret.mark, "the secret of " + path + message);
      }
      return;
    }
    webhook.key_bytes = std::move(*key);
    webhook.key_source = secret.source;
    webhook.active = true;
  }

  // Webhook <-> team links can be written on either side (teams.webhooks[].team
  // or product_teams[].teams_webhooks); both end up in the directory.
  void link_webhooks(std::vector<TeamDraft>& teams, std::vector<WebhookDraft>& webhooks,
                     const std::string& default_team) {
    auto find_team = [&](std::string_view id) -> TeamDraft* {
      for (auto& t : teams)
        if (t.team.id == id) return &t;
      return nullptr;
    };
    auto find_webhook = [&](std::string_view name) -> WebhookDraft* {
      for (auto& w : webhooks)
        if (w.webhook.name == name) return &w;
      return nullptr;
    };
    std::map<std::string, std::pair<std::string, int>> claimed;  // webhook -> team, line

    for (auto& t : teams) {
      for (const auto& ref : t.webhook_refs) {
        WebhookDraft* w = find_webhook(ref.value);
        if (w == nullptr) {
          diag_.error(ref.mark, "product_teams[" + t.team.id + "].teams_webhooks names '" +
                                    ref.value + "', which is not defined under teams.webhooks");
          continue;
        }
        auto [it, inserted] = claimed.emplace(ref.value, std::pair{t.team.id, ref.mark.line + 1});
        if (!inserted) {
          if (it->second.first != t.team.id) {
            diag_.error(ref.mark, "teams webhook '" + ref.value + "' already belongs to team '" +
                                      it->second.first + "' (line " +
                                      std::to_string(it->second.second) + ")");
          }
          continue;
        }
        if (w->team_ref && w->team_ref->value != t.team.id) {
          diag_.error(ref.mark, "teams webhook '" + ref.value + "' is listed by team '" +
                                    t.team.id + "' but teams.webhooks[" + ref.value +
                                    "].team is '" + w->team_ref->value + "' (line " +
                                    std::to_string(w->team_ref->mark.line + 1) + ")");
          continue;
        }
        w->webhook.team = t.team.id;
        t.team.teams_webhooks.push_back(ref.value);
      }
    }
    for (auto& w : webhooks) {
      if (w.team_ref) {
        TeamDraft* t = find_team(w.team_ref->value);
        if (t == nullptr) {
          diag_.error(w.team_ref->mark, "teams.webhooks[" + w.webhook.name + "].team '" +
                                            w.team_ref->value + "' is not a team in product_teams");
          continue;
        }
        if (claimed.emplace(w.webhook.name, std::pair{t->team.id, w.team_ref->mark.line + 1})
                .second) {
          w.webhook.team = t->team.id;
          t->team.teams_webhooks.push_back(w.webhook.name);
        }
      } else if (w.webhook.team.empty() && w.webhook.name == "default") {
        // POST /teams/webhook without a team speaks for the default team.
        TeamDraft* t = find_team(default_team);
        if (t != nullptr && claimed.emplace(w.webhook.name, std::pair{t->team.id, 0}).second) {
          w.webhook.team = t->team.id;
          t->team.teams_webhooks.push_back(w.webhook.name);
        }
      }
      config_.teams.webhooks.push_back(std::move(w.webhook));
    }
  }

  std::string path_;
  fs::path dir_;
  const Environment& env_;
  Diagnostics diag_;
  Diagnostics env_diag_;
  AppConfig config_;
  bool syntax_ok_ = true;
};

}  // namespace

std::string resolve_config_path(const std::optional<std::string>& cli_flag,
                                const Environment& env) {
  if (cli_flag && !cli_flag->empty()) return *cli_flag;
  if (auto from_env = env.get("ROLECALL_CONFIG")) return *from_env;
  return std::string(kDefaultConfigPath);
}

AppConfig load_config_from_string(std::string_view yaml, const std::string& path,
                                  const Environment& env) {
  Loader loader(path, env);
  loader.load(yaml);
  auto problems = loader.problems();
  if (has_errors(problems)) throw ConfigError(std::move(problems));
  AppConfig config = std::move(loader.config());
  config.warnings = std::move(problems);
  return config;
}

AppConfig load_config(const std::string& path, const Environment& env) {
  std::string error;
  auto text = read_text_file(path, error);
  if (!text) {
    throw ConfigError({Problem{path, 0, 0, "cannot read the config file: " + error}});
  }
  return load_config_from_string(*text, path, env);
}

std::vector<Problem> check_config(const std::string& path, const Environment& env) {
  std::string error;
  auto text = read_text_file(path, error);
  if (!text) return {Problem{path, 0, 0, "cannot read the config file: " + error}};
  Loader loader(path, env);
  loader.load(*text);
  auto problems = loader.problems();
  // Without a parsed config the taxonomy path is a guess; don't report on it.
  if (!loader.syntax_ok()) return problems;
  try {
    load_taxonomy(loader.config().taxonomy.path);
  } catch (const ConfigError& e) {
    problems.insert(problems.end(), e.problems().begin(), e.problems().end());
    return problems;  // the model is checked once the taxonomy loads
  }
  const TaxonomyConfig& tc = loader.config().taxonomy;
  if (!tc.model.empty()) {
    if (!tc.model_explicit && !fs::exists(tc.model)) {
      problems.push_back(Problem{tc.model, 0, 0,
                                 "no classifier model next to the taxonomy: rolecall will "
                                 "classify with the cue words alone, which is much less "
                                 "accurate (copy classifier-model.tsv there or set "
                                 "taxonomy.model)",
                                 Problem::Severity::warning});
    } else {
      try {
        load_classifier_model(tc.model);
      } catch (const ConfigError& e) {
        problems.insert(problems.end(), e.problems().begin(), e.problems().end());
      }
    }
  }
  return problems;
}

}  // namespace rolecall
