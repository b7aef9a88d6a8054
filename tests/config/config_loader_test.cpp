#include "config/config_loader.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/config_error.hpp"
#include "config/time_zones.hpp"
#include "tests/config/config_test_util.hpp"
#include "tests/support/test_helpers.hpp"

namespace rolecall {
namespace {

namespace fs = std::filesystem;
using testing::error_count;
using testing::has_problem;
using testing::problems_of;

// A Teams security token (base64 of 32 bytes) and its first byte.
constexpr const char* kTeamsToken = "vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA=";
constexpr const char* kOtherToken = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

constexpr const char* kSmallTaxonomy = ROLECALL_SOURCE_DIR "/tests/config/data/taxonomy_small.yaml";
constexpr const char* kShippedModel = ROLECALL_SOURCE_DIR "/config/classifier-model.tsv";

// The smallest config that names people.
constexpr const char* kOneTeam = R"(product_teams:
  - id: core
    product_managers: [{name: Pat, slack: U0PAT0001}]
    product_owners: [{name: Olu, slack: U0OLU0001}]
)";

class ConfigLoaderTest : public ::testing::Test {
 protected:
  // Writes `content` to dir/relpath (creating folders) and returns the path.
  std::string write(const std::string& relpath, std::string_view content) {
    fs::path p = dir_.path() / relpath;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }

  AppConfig load(std::string_view yaml, const Environment& env = {}) {
    return load_config(write("rolecall.yaml", yaml), env);
  }

  std::vector<Problem> problems(std::string_view yaml, const Environment& env = {}) {
    std::string path = write("rolecall.yaml", yaml);
    return problems_of([&] { load_config(path, env); });
  }

  std::string config_path() const { return (dir_.path() / "rolecall.yaml").string(); }

  testing::TempDir dir_;
};

TEST_F(ConfigLoaderTest, EmptyFileGivesDefaults) {
  AppConfig c = load("");
  EXPECT_EQ(c.server.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.server.host, "127.0.0.1");
  EXPECT_EQ(c.server.port, 8080);
  EXPECT_EQ(c.server.threads, 0u);
  EXPECT_EQ(c.server.body_limit_bytes, 1024u * 1024u);
  EXPECT_EQ(c.server.header_limit_bytes, 8192u);
  EXPECT_EQ(c.server.read_timeout_ms, 10000u);
  EXPECT_EQ(c.server.max_connections, 1024u);
  EXPECT_EQ(c.storage.path, "var/rolecall.db");
  EXPECT_TRUE(c.storage.store_message_text);
  EXPECT_EQ(c.storage.retention_days, 90u);
  EXPECT_FALSE(c.storage.wal_coalescing);  // stock SQLite unless asked
  EXPECT_EQ(c.outbox.max_depth, 100000u);
  EXPECT_EQ(c.taxonomy.path, (dir_.path() / "taxonomy.yaml").lexically_normal().string());
  EXPECT_EQ(c.log.level, LogLevel::info);
  EXPECT_EQ(c.log.format, LogFormat::automatic);
  EXPECT_DOUBLE_EQ(c.routing.clarify_below, 0.45);
  EXPECT_EQ(c.routing.learn_threshold, 3u);
  EXPECT_FALSE(c.slack.active);
  EXPECT_EQ(c.slack.api_url, "https://slack.com/api/");
  EXPECT_EQ(c.slack.post_interval_ms, 1000u);
  EXPECT_EQ(c.slack.max_attempts, 8u);
  EXPECT_FALSE(c.teams.active);
  EXPECT_TRUE(c.teams.webhooks.empty());
  EXPECT_FALSE(c.console.enabled);
  EXPECT_EQ(c.digest.catch_up_hours, 12u);
  EXPECT_EQ(c.dedupe_ttl_hours, 24u);
  EXPECT_TRUE(c.directory.teams().empty());
  EXPECT_EQ(c.source_path, config_path());
  // "no product_teams" is worth a warning, not an error.
  EXPECT_TRUE(has_problem(c.warnings, "no product_teams"));
}

TEST_F(ConfigLoaderTest, ReadsEverySection) {
  AppConfig c = load(R"(server:
  listen: "[::1]:9090"
  threads: 4
  body_limit_bytes: 2048
  header_limit_bytes: 4096
  read_timeout_ms: 500
  shutdown_grace_ms: 100
  max_connections: 50
storage: {path: /tmp/x.db, store_message_text: false, retention_days: 0, busy_timeout_ms: 10, wal_coalescing: true}
log: {level: debug, format: json}
routing: {clarify_below: 0.6, learn_threshold: 0}
slack: {api_url: "http://127.0.0.1:1234/api", post_interval_ms: 0, max_attempts: 2, request_timeout_ms: 300}
teams: {max_attempts: 3, request_timeout_ms: 400}
console: {enabled: yes}
digest: {catch_up_hours: 2}
outbox: {max_attempts: 5, base_backoff_ms: 10, max_backoff_ms: 20, max_depth: 7}
dedupe_ttl_hours: 48
)");
  EXPECT_EQ(c.server.host, "::1");
  EXPECT_EQ(c.server.port, 9090);
  EXPECT_EQ(c.server.threads, 4u);
  EXPECT_EQ(c.server.body_limit_bytes, 2048u);
  EXPECT_EQ(c.server.header_limit_bytes, 4096u);
  EXPECT_EQ(c.server.read_timeout_ms, 500u);
  EXPECT_EQ(c.server.shutdown_grace_ms, 100u);
  EXPECT_EQ(c.server.max_connections, 50u);
  EXPECT_EQ(c.storage.path, "/tmp/x.db");
  EXPECT_FALSE(c.storage.store_message_text);
  EXPECT_EQ(c.storage.retention_days, 0u);
  EXPECT_EQ(c.storage.busy_timeout_ms, 10u);
  EXPECT_TRUE(c.storage.wal_coalescing);
  EXPECT_EQ(c.log.level, LogLevel::debug);
  EXPECT_EQ(c.log.format, LogFormat::json);
  EXPECT_DOUBLE_EQ(c.routing.clarify_below, 0.6);
  EXPECT_EQ(c.routing.learn_threshold, 0u);
  EXPECT_EQ(c.slack.api_url, "http://127.0.0.1:1234/api/");  // '/' appended
  EXPECT_EQ(c.slack.post_interval_ms, 0u);
  EXPECT_EQ(c.slack.max_attempts, 2u);
  EXPECT_EQ(c.slack.request_timeout_ms, 300u);
  EXPECT_EQ(c.teams.max_attempts, 3u);
  EXPECT_EQ(c.teams.request_timeout_ms, 400u);
  EXPECT_TRUE(c.console.enabled);
  EXPECT_TRUE(c.console.loopback_only());
  EXPECT_EQ(c.digest.catch_up_hours, 2u);
  EXPECT_EQ(c.outbox.max_attempts, 5u);
  EXPECT_EQ(c.outbox.base_backoff_ms, 10u);
  EXPECT_EQ(c.outbox.max_backoff_ms, 20u);
  EXPECT_EQ(c.outbox.max_depth, 7u);
  EXPECT_EQ(c.dedupe_ttl_hours, 48u);
}

TEST_F(ConfigLoaderTest, ResourceBoundsAndTheVfsSwitchAreChecked) {
  auto p = problems(R"(server: {max_connections: 0}
storage: {wal_coalescing: sometimes}
outbox: {max_depth: -5}
)");
  EXPECT_TRUE(has_problem(p, 1, 27, "server.max_connections must be a whole number from 1 to"))
      << to_string(p);
  EXPECT_TRUE(has_problem(p, 2, 27, "storage.wal_coalescing must be true or false"))
      << to_string(p);
  EXPECT_TRUE(has_problem(p, 3, 21, "outbox.max_depth must be a whole number from 1 to"))
      << to_string(p);
  EXPECT_EQ(error_count(p), 3u) << to_string(p);
}

TEST_F(ConfigLoaderTest, StorageBackendFollowsTheUrlUnlessNamed) {
  AppConfig sqlite = load("");
  EXPECT_EQ(sqlite.storage.backend, StorageBackend::sqlite);
  EXPECT_EQ(sqlite.storage.pool_size, 8u);

  const std::string url = "postgresql://rc:pw@db/rolecall";
  AppConfig env = load("", Environment{{"ROLECALL_DATABASE_URL", url}});
  EXPECT_EQ(env.storage.backend, StorageBackend::postgres);
  EXPECT_EQ(env.storage.url, url);
  EXPECT_EQ(env.storage.url_source, SecretSource::environment);
  EXPECT_EQ(env.describe().find("pw@"), std::string::npos) << env.describe();
  EXPECT_NE(env.describe().find("storage.url = (set, from environment)"), std::string::npos);

  write("db-url", url + "\n");
  AppConfig file =
      load("storage: {backend: postgres, url_file: db-url, pool_size: 3, pool_timeout_ms: 50}");
  EXPECT_EQ(file.storage.url, url);
  EXPECT_EQ(file.storage.url_source, SecretSource::file);
  EXPECT_EQ(file.storage.pool_size, 3u);
  EXPECT_EQ(file.storage.pool_timeout_ms, 50u);
  // The environment wins over the file's keys.
  AppConfig both =
      load("storage: {url: postgresql://file/x}", Environment{{"ROLECALL_DATABASE_URL", url}});
  EXPECT_EQ(both.storage.url, url);
  // Named sqlite stays sqlite whatever URL is around.
  AppConfig named = load("storage: {backend: sqlite}", Environment{{"ROLECALL_DATABASE_URL", url}});
  EXPECT_EQ(named.storage.backend, StorageBackend::sqlite);
}

TEST_F(ConfigLoaderTest, ReplicaSettingsTheirDefaultsAndTheLeaseFromTheEnvironment) {
  AppConfig defaults = load("");
  EXPECT_EQ(defaults.outbox.lease_seconds, 60u);
  EXPECT_EQ(defaults.storage.ping_timeout_ms, 1000u);
  EXPECT_EQ(defaults.digest.check_interval_seconds, 30u);
  AppConfig file = load(
      "outbox: {lease_seconds: 120}\nstorage: {ping_timeout_ms: 250}\n"
      "digest: {check_interval_seconds: 5}\n");
  EXPECT_EQ(file.outbox.lease_seconds, 120u);
  EXPECT_EQ(file.storage.ping_timeout_ms, 250u);
  EXPECT_EQ(file.digest.check_interval_seconds, 5u);
  AppConfig env =
      load("outbox: {lease_seconds: 120}", Environment{{"ROLECALL_OUTBOX_LEASE_SECONDS", "7"}});
  EXPECT_EQ(env.outbox.lease_seconds, 7u);
  EXPECT_NE(env.describe().find("outbox.lease_seconds = 7"), std::string::npos) << env.describe();

  auto p = problems("outbox: {lease_seconds: 2}\n");
  EXPECT_TRUE(has_problem(p, 1, 25, "outbox.lease_seconds must be a whole number from 5 to"))
      << to_string(p);
  auto e = problems("", Environment{{"ROLECALL_OUTBOX_LEASE_SECONDS", "soon"}});
  EXPECT_TRUE(has_problem(
      e, "ROLECALL_OUTBOX_LEASE_SECONDS must be a whole number from 5 to 86400 (got 'soon')"))
      << to_string(e);
  EXPECT_EQ(error_count(e), 1u) << to_string(e);
}

TEST_F(ConfigLoaderTest, StorageBackendProblemsHavePositions) {
  auto p = problems(R"(storage:
  backend: mysql
  pool_size: 0
)");
  EXPECT_TRUE(has_problem(p, 2, 12, "storage.backend must be sqlite or postgres (got 'mysql')"))
      << to_string(p);
  EXPECT_TRUE(has_problem(p, 3, 14, "storage.pool_size must be a whole number from 1 to"))
      << to_string(p);
  auto missing = problems("storage:\n  backend: postgres\n");
  EXPECT_TRUE(has_problem(missing, 2, 12, "no database is named")) << to_string(missing);
  auto both = problems("storage:\n  url: postgresql://a/b\n  url_file: f\n");
  EXPECT_TRUE(has_problem(both, 3, 13, "give either storage.url or storage.url_file, not both"))
      << to_string(both);
}

TEST_F(ConfigLoaderTest, ScalarProblemsAreAllReportedWithPositions) {
  auto p = problems(R"(server:
  listen: localhost
  threads: -1
  body_limit_bytes: lots
  liste: "x"
storage:
  store_message_text: maybe
log: {level: verbose, format: xml}
routing: {clarify_below: 1.5}
outbox: {base_backoff_ms: 100, max_backoff_ms: 10}
slak: {}
)");
  EXPECT_TRUE(has_problem(p, 2, 11, "server.listen must be host:port"));
  EXPECT_TRUE(has_problem(p, 3, 12, "server.threads must be a whole number from 0 to 1024"));
  EXPECT_TRUE(has_problem(p, 4, 21, "server.body_limit_bytes must be a whole number"));
  EXPECT_TRUE(has_problem(p, 5, 3, "unknown key 'liste' in server (did you mean 'listen'?)"));
  EXPECT_TRUE(has_problem(p, 7, 23, "storage.store_message_text must be true or false"));
  EXPECT_TRUE(has_problem(p, 8, 14, "unknown log.level 'verbose'"));
  EXPECT_TRUE(has_problem(p, 8, 31, "unknown log.format 'xml'"));
  EXPECT_TRUE(has_problem(p, 9, 26, "routing.clarify_below must be a number from 0 to 1"));
  EXPECT_TRUE(has_problem(p, 10, 48, "outbox.max_backoff_ms must not be smaller"));
  EXPECT_TRUE(has_problem(p, 11, 1, "unknown key 'slak' (did you mean 'slack'?)"));
  EXPECT_EQ(error_count(p), 10u) << to_string(p);
  for (const auto& problem : p) EXPECT_EQ(problem.file, config_path());
}

TEST_F(ConfigLoaderTest, SyntaxErrorHasPosition) {
  auto p = problems("server:\n  listen: [a\nstorage: {}\n");
  ASSERT_EQ(error_count(p), 1u) << to_string(p);
  EXPECT_TRUE(has_problem(p, "YAML syntax error"));
  EXPECT_GT(p[0].line, 0);
  EXPECT_GT(p[0].column, 0);
}

TEST_F(ConfigLoaderTest, MissingConfigFileIsAProblem) {
  auto p = problems_of([&] { load_config((dir_.path() / "nope.yaml").string(), {}); });
  ASSERT_EQ(p.size(), 1u);
  EXPECT_TRUE(has_problem(p, "cannot read the config file"));
  auto checked = check_config((dir_.path() / "nope.yaml").string(), {});
  EXPECT_TRUE(has_problem(checked, "cannot read the config file"));
}

TEST_F(ConfigLoaderTest, EnvironmentOverridesTheFile) {
  std::string yaml = std::string(R"(server: {listen: "127.0.0.1:1"}
storage: {path: from-file.db}
slack:
  signing_secret: file-secret
  bot_token: file-token
  api_url: https://file.example/api/
)") + kOneTeam;
  Environment env{{"ROLECALL_LISTEN", "0.0.0.0:9999"},
                  {"ROLECALL_DB", "/data/env.db"},
                  {"SLACK_SIGNING_SECRET", "env-secret"},
                  {"SLACK_BOT_TOKEN", "xoxb-env"},
                  {"SLACK_API_URL", "http://127.0.0.1:5555/api"}};
  AppConfig c = load(yaml, env);
  EXPECT_EQ(c.server.listen, "0.0.0.0:9999");
  EXPECT_EQ(c.server.host, "0.0.0.0");
  EXPECT_EQ(c.server.port, 9999);
  EXPECT_EQ(c.storage.path, "/data/env.db");
  EXPECT_EQ(c.slack.signing_secret, "env-secret");
  EXPECT_EQ(c.slack.signing_secret_source, SecretSource::environment);
  EXPECT_EQ(c.slack.bot_token, "xoxb-env");
  EXPECT_EQ(c.slack.api_url, "http://127.0.0.1:5555/api/");
  EXPECT_TRUE(c.slack.active);

  // Without the environment the file's values hold.
  AppConfig f = load(yaml);
  EXPECT_EQ(f.server.port, 1);
  EXPECT_EQ(f.storage.path, "from-file.db");
  EXPECT_EQ(f.slack.signing_secret, "file-secret");
  EXPECT_EQ(f.slack.signing_secret_source, SecretSource::config);
  EXPECT_EQ(f.slack.api_url, "https://file.example/api/");

  // An empty variable counts as unset.
  AppConfig e = load(yaml, Environment{{"SLACK_SIGNING_SECRET", ""}, {"ROLECALL_DB", ""}});
  EXPECT_EQ(e.slack.signing_secret, "file-secret");
  EXPECT_EQ(e.storage.path, "from-file.db");
}

TEST_F(ConfigLoaderTest, BadEnvironmentValuesAreProblemsOfTheEnvironment) {
  auto p = problems(kOneTeam, Environment{{"ROLECALL_LISTEN", "8080"},
                                          {"SLACK_API_URL", "slack.com/api"},
                                          {"TEAMS_WEBHOOK_SECRET", "not-a-token-SECRETVALUE"}});
  EXPECT_TRUE(has_problem(p, 0, 0, "ROLECALL_LISTEN must be host:port"));
  EXPECT_TRUE(has_problem(p, 0, 0, "SLACK_API_URL must be an http:// or https:// URL"));
  EXPECT_TRUE(has_problem(p, 0, 0, "TEAMS_WEBHOOK_SECRET is not a Teams security token"));
  EXPECT_EQ(error_count(p), 3u) << to_string(p);
  for (const auto& problem : p) EXPECT_EQ(problem.file, "environment");
  EXPECT_EQ(to_string(p).find("SECRETVALUE"), std::string::npos);
}

TEST_F(ConfigLoaderTest, SlackFollowsItsSigningSecret) {
  // Off without a secret, on with one.
  EXPECT_FALSE(load(kOneTeam).slack.active);
  AppConfig on =
      load(kOneTeam, Environment{{"SLACK_SIGNING_SECRET", "s"}, {"SLACK_BOT_TOKEN", "t"}});
  EXPECT_TRUE(on.slack.active);
  EXPECT_FALSE(has_problem(on.warnings, "bot token"));

  // auto is the same as leaving it out.
  std::string automatic = std::string("slack: {enabled: auto}\n") + kOneTeam;
  EXPECT_FALSE(load(automatic).slack.active);
  EXPECT_TRUE(load(automatic, Environment{{"SLACK_SIGNING_SECRET", "s"}}).slack.active);
  EXPECT_TRUE(has_problem(problems(std::string("slack: {enabled: sometimes}\n") + kOneTeam), 1, 18,
                          "slack.enabled must be true, false or auto"));

  // enabled: false wins over a secret.
  std::string off = std::string("slack: {enabled: false}\n") + kOneTeam;
  EXPECT_FALSE(load(off, Environment{{"SLACK_SIGNING_SECRET", "s"}}).slack.active);

  // enabled: true without a secret is an error pointing at `enabled`.
  auto p = problems(std::string("slack:\n  enabled: true\n") + kOneTeam);
  EXPECT_TRUE(has_problem(p, 2, 12, "slack is enabled but no signing secret"));

  // On without a bot token: a warning, not an error.
  AppConfig warn = load(kOneTeam, Environment{{"SLACK_SIGNING_SECRET", "s"}});
  EXPECT_TRUE(warn.slack.active);
  EXPECT_TRUE(has_problem(warn.warnings, "no bot token"));
}

TEST_F(ConfigLoaderTest, AnAppTokenTurnsOnSlackOverSocketMode) {
  // The app token alone turns Slack on, over Socket Mode, without a signing
  // secret (and so without /slack/events).
  AppConfig socket = load(kOneTeam, Environment{{"SLACK_APP_TOKEN", "xapp-1-A0APP-123-abc"},
                                                {"SLACK_BOT_TOKEN", "xoxb-1"}});
  EXPECT_TRUE(socket.slack.active);
  EXPECT_TRUE(socket.slack.socket_mode());
  EXPECT_FALSE(socket.slack.http_events());
  EXPECT_EQ(socket.slack.app_token, "xapp-1-A0APP-123-abc");
  EXPECT_EQ(socket.slack.app_token_source, SecretSource::environment);
  EXPECT_EQ(socket.slack.socket_connections, 2u);
  EXPECT_TRUE(socket.warnings.empty()) << to_string(socket.warnings);

  // Both: Socket Mode and the Events API URL.
  AppConfig both =
      load(kOneTeam, Environment{{"SLACK_APP_TOKEN", "xapp-1-x"}, {"SLACK_SIGNING_SECRET", "s"}});
  EXPECT_TRUE(both.slack.socket_mode());
  EXPECT_TRUE(both.slack.http_events());

  // Neither: off; enabled: true then names both ways.
  AppConfig off = load(kOneTeam);
  EXPECT_FALSE(off.slack.active);
  EXPECT_FALSE(off.slack.socket_mode());
  auto p = problems(std::string("slack:\n  enabled: true\n") + kOneTeam);
  EXPECT_TRUE(has_problem(p, 2, 12, "no signing secret or app-level token"));
  EXPECT_TRUE(has_problem(p, 2, 12, "SLACK_APP_TOKEN"));

  // enabled: false wins over the token.
  EXPECT_FALSE(load(std::string("slack: {enabled: false}\n") + kOneTeam,
                    Environment{{"SLACK_APP_TOKEN", "xapp-1-x"}})
                   .slack.socket_mode());

  // From the file, inline or from a file; the environment wins.
  write("secrets/app", "xapp-from-file\n");
  AppConfig file = load(std::string("slack:\n  app_token_file: secrets/app\n  "
                                    "socket_connections: 10\n") +
                        kOneTeam);
  EXPECT_EQ(file.slack.app_token, "xapp-from-file");
  EXPECT_EQ(file.slack.app_token_source, SecretSource::file);
  EXPECT_EQ(file.slack.socket_connections, 10u);
  EXPECT_TRUE(file.slack.socket_mode());
  AppConfig inline_token = load(std::string("slack: {app_token: xapp-inline}\n") + kOneTeam,
                                Environment{{"SLACK_APP_TOKEN", "xapp-env"}});
  EXPECT_EQ(inline_token.slack.app_token, "xapp-env");
}

TEST_F(ConfigLoaderTest, EmptyOrWrongAppTokensStopTheStartWithoutShowingThem) {
  const std::string bot_like = "xoxb-1234-SECRETBOT";
  const std::string garbage = "not-a-token-SECRETGARBAGE";
  write("secrets/empty", "\n");

  // Empty inline value.
  auto empty = problems(std::string("slack:\n  app_token: \"\"\n") + kOneTeam);
  EXPECT_TRUE(has_problem(empty, 2, 14, "slack.app_token is empty"));
  // Empty file.
  auto empty_file = problems(std::string("slack:\n  app_token_file: secrets/empty\n") + kOneTeam);
  EXPECT_TRUE(has_problem(empty_file, 2, 19, "is empty"));
  // A bot token where the app token belongs, in the file and in the environment.
  auto bot = problems(std::string("slack:\n  app_token: ") + bot_like + "\n" + kOneTeam);
  EXPECT_TRUE(has_problem(bot, 2, 14, "slack.app_token is not an app-level token"));
  EXPECT_TRUE(has_problem(bot, 2, 14, "this is a bot token"));
  auto env = problems(kOneTeam, Environment{{"SLACK_APP_TOKEN", garbage}});
  EXPECT_TRUE(has_problem(env,
                          "SLACK_APP_TOKEN is not an app-level token: it must start with "
                          "xapp-"));
  auto spaced = problems(kOneTeam, Environment{{"SLACK_APP_TOKEN", "xapp-1 2"}});
  EXPECT_TRUE(has_problem(spaced, "SLACK_APP_TOKEN contains spaces or control characters"));
  // socket_connections: 1..10.
  auto many =
      problems(std::string("slack:\n  app_token: xapp-1\n  socket_connections: 11\n") + kOneTeam);
  EXPECT_TRUE(has_problem(many, 3, 23, "socket_connections"));
  EXPECT_TRUE(has_problem(problems(std::string("slack: {socket_connections: 0}\n") + kOneTeam),
                          "socket_connections"));

  for (const auto* list : {&bot, &env}) {
    const std::string text = to_string(*list);
    EXPECT_EQ(text.find("SECRETBOT"), std::string::npos) << text;
    EXPECT_EQ(text.find("SECRETGARBAGE"), std::string::npos) << text;
  }

  // describe() says where it came from, never what it is.
  AppConfig c = load(kOneTeam, Environment{{"SLACK_APP_TOKEN", "xapp-1-SECRETAPP"}});
  const std::string text = c.describe();
  EXPECT_EQ(text.find("SECRETAPP"), std::string::npos) << text;
  EXPECT_NE(text.find("slack.app_token = (set, from environment)"), std::string::npos) << text;
  EXPECT_NE(text.find("slack.socket_mode = true"), std::string::npos) << text;
  EXPECT_NE(text.find("slack.socket_connections = 2"), std::string::npos) << text;
}

TEST_F(ConfigLoaderTest, SecretFilesAreReadRelativeToTheConfigAndTrimmed) {
  write("secrets/signing", "from-file-secret\n");
  write("secrets/bot", "xoxb-file\r\n");
  write("secrets/console", "console-token-0123456789\n");
  write("secrets/teams", std::string(kTeamsToken) + "\n");
  AppConfig c = load(std::string(R"(slack:
  signing_secret_file: secrets/signing
  bot_token_file: )") +
                     (dir_.path() / "secrets/bot").string() + R"(
console:
  enabled: true
  access_token_file: secrets/console
teams:
  webhooks:
    - name: core
      team: core
      secret_file: secrets/teams
)" + kOneTeam);
  EXPECT_EQ(c.slack.signing_secret, "from-file-secret");
  EXPECT_EQ(c.slack.signing_secret_source, SecretSource::file);
  EXPECT_EQ(c.slack.bot_token, "xoxb-file");
  EXPECT_TRUE(c.slack.active);
  EXPECT_EQ(c.console.access_token, "console-token-0123456789");
  EXPECT_FALSE(c.console.loopback_only());
  ASSERT_EQ(c.teams.webhooks.size(), 1u);
  EXPECT_EQ(c.teams.webhooks[0].key_bytes.size(), 32u);
  EXPECT_EQ(c.teams.webhooks[0].key_source, SecretSource::file);
  EXPECT_TRUE(c.teams.webhooks[0].active);
  EXPECT_TRUE(c.teams.active);
}

TEST_F(ConfigLoaderTest, SecretFileProblems) {
  write("secrets/empty", "\n");
  auto p = problems(std::string(R"(slack:
  signing_secret_file: secrets/missing
  bot_token: inline
  bot_token_file: secrets/empty
console:
  access_token_file: secrets/empty
)") + kOneTeam);
  EXPECT_TRUE(has_problem(p, 2, 24, "cannot read slack.signing_secret_file"));
  EXPECT_TRUE(has_problem(p, 2, 24, "secrets/missing"));
  EXPECT_TRUE(
      has_problem(p, 4, 19, "give either slack.bot_token or slack.bot_token_file, not both"));
  EXPECT_TRUE(has_problem(p, 6, 22, "console.access_token_file"));
  EXPECT_TRUE(has_problem(p, 6, 22, "is empty"));
  EXPECT_EQ(error_count(p), 3u) << to_string(p);
}

TEST_F(ConfigLoaderTest, SecretsNeverAppearInDescribeOrErrors) {
  const std::string signing = "SIGNING-c0ffee-1234";
  const std::string bot = "xoxb-BOTTOKEN-5678";
  const std::string console = "CONSOLE-TOKEN-abcdef-0123";
  const std::string url_sig = "SIGNATURE-QWERTY";
  write("secrets/console", console);
  std::string yaml = R"(slack: {bot_token: )" + bot + R"(}
console: {enabled: true, access_token_file: secrets/console}
teams:
  webhooks:
    - {name: core, team: core, secret: ")" +
                     std::string(kTeamsToken) + R"("}
product_teams:
  - id: core
    teams_webhooks: [core]
    teams_workflow_urls: ["https://example.invalid/flow?sig=)" +
                     url_sig + R"("]
    combined: {name: Pat, slack: U0PAT0001}
)";
  AppConfig c = load(yaml, Environment{{"SLACK_SIGNING_SECRET", signing}});
  std::string text = c.describe();
  for (const auto& secret : {signing, bot, console, url_sig, std::string(kTeamsToken)}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " leaked into:\n" << text;
  }
  EXPECT_NE(text.find("slack.signing_secret = (set, from environment)"), std::string::npos) << text;
  EXPECT_NE(text.find("slack.bot_token = (set, from config)"), std::string::npos) << text;
  EXPECT_NE(text.find("console.access_token = (set, from file)"), std::string::npos) << text;
  EXPECT_NE(text.find("teams.webhooks.core = team core, token (set, from config), active"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("product_teams.core.teams_workflow_urls = 1 (set)"), std::string::npos);
  // The key bytes (binary) are not printed either.
  EXPECT_EQ(text.find(c.teams.webhooks.at(0).key_bytes), std::string::npos);

  // Secrets in broken entries don't leak into the error text.
  const std::string bad_token = "BADTOKEN-not-base64!!";
  const std::string bad_url = "ftp://example.invalid/flow?sig=" + url_sig;
  std::string broken = R"(slack: {enabled: maybe, signing_secret: [)" + signing + R"(]}
teams:
  webhooks:
    - {name: core, team: core, secret: ")" +
                       bad_token + R"("}
    - {name: short, secret: "AAAA"}
product_teams:
  - id: core
    teams_workflow_urls: [")" +
                       bad_url + R"("]
    combined: {name: Pat, slack: U0PAT0001}
)";
  auto p = problems(broken);
  std::string errors = to_string(p);
  EXPECT_TRUE(
      has_problem(p, 4, 40, "the secret of teams.webhooks[core] is not a Teams security token"));
  EXPECT_TRUE(
      has_problem(p, 5, 29, "the secret of teams.webhooks[short] is not a Teams security token"));
  EXPECT_TRUE(has_problem(p, 8, 27, "teams_workflow_urls entries must be https:// URLs"));
  EXPECT_TRUE(has_problem(p, 1, 41, "slack.signing_secret must be a string"));
  for (const auto& secret : {signing, bad_token, url_sig}) {
    EXPECT_EQ(errors.find(secret), std::string::npos) << secret << " leaked into:\n" << errors;
  }
}

TEST_F(ConfigLoaderTest, DescribeShowsTheEffectiveConfig) {
  AppConfig c = load(kOneTeam, Environment{{"ROLECALL_LISTEN", "0.0.0.0:81"}});
  std::string text = c.describe();
  EXPECT_NE(text.find("server.listen = 0.0.0.0:81\n"), std::string::npos) << text;
  EXPECT_NE(text.find("slack.active = false\n"), std::string::npos) << text;
  EXPECT_NE(text.find("slack.signing_secret = (unset)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("product_teams.core.product_managers = [Pat (slack U0PAT0001)]"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("product_teams.core.digest = monday 09:00 UTC"), std::string::npos) << text;
  EXPECT_NE(text.find("default_team = core\n"), std::string::npos) << text;
}

TEST_F(ConfigLoaderTest, TeamsWebhooksAndTheDefaultToken) {
  std::string yaml = std::string(R"(teams:
  webhooks:
    - {name: core, team: core, secret: ")") +
                     kTeamsToken + R"("}
    - {name: spare}
)" + kOneTeam;
  AppConfig c = load(yaml);
  ASSERT_EQ(c.teams.webhooks.size(), 2u);
  const TeamsWebhook* core = c.teams.find_webhook("core");
  ASSERT_NE(core, nullptr);
  EXPECT_TRUE(core->active);
  EXPECT_EQ(core->team, "core");
  EXPECT_EQ(static_cast<unsigned char>(core->key_bytes[0]), 0xbe);
  const TeamsWebhook* spare = c.teams.find_webhook("spare");
  ASSERT_NE(spare, nullptr);
  EXPECT_FALSE(spare->active);  // no token: off, not an error
  EXPECT_TRUE(c.teams.active);
  // webhook.team alone links the team to the webhook in the directory.
  ASSERT_NE(c.directory.by_teams_webhook("core"), nullptr);
  EXPECT_EQ(c.directory.by_teams_webhook("core")->id, "core");

  // TEAMS_WEBHOOK_SECRET alone creates the default webhook for the default team.
  AppConfig d = load(kOneTeam, Environment{{"TEAMS_WEBHOOK_SECRET", kOtherToken}});
  const TeamsWebhook* def = d.teams.find_webhook("default");
  ASSERT_NE(def, nullptr);
  EXPECT_TRUE(def->active);
  EXPECT_EQ(def->team, "core");
  ASSERT_NE(d.directory.by_teams_webhook("default"), nullptr);
  EXPECT_EQ(d.directory.by_teams_webhook("default")->id, "core");
  EXPECT_EQ(def->key_source, SecretSource::environment);
  EXPECT_EQ(def->key_bytes[31], '\x1f');
  EXPECT_TRUE(d.teams.active);

  // ... and overrides the token of a configured default webhook.
  AppConfig o = load(std::string(R"(teams:
  webhooks:
    - {name: default, secret: ")") +
                         kTeamsToken + "\"}\n" + kOneTeam,
                     Environment{{"TEAMS_WEBHOOK_SECRET", kOtherToken}});
  ASSERT_NE(o.teams.find_webhook("default"), nullptr);
  EXPECT_EQ(o.teams.find_webhook("default")->key_bytes[0], '\0');

  // enabled: false turns every webhook off.
  AppConfig off = load(std::string("teams: {enabled: false}\n") + kOneTeam,
                       Environment{{"TEAMS_WEBHOOK_SECRET", kOtherToken}});
  EXPECT_FALSE(off.teams.active);
  EXPECT_FALSE(off.teams.find_webhook("default")->active);
}

TEST_F(ConfigLoaderTest, TeamsWebhookProblems) {
  auto p = problems(R"(teams:
  enabled: true
  webhooks:
    - {name: core, team: nosuch}
    - {name: core}
    - {name: "bad name"}
    - {team: core}
    - {name: x, secret: "AAAA", secret_file: y}
product_teams:
  - id: core
    teams_webhooks: [ghost]
    combined: {name: Pat}
)");
  EXPECT_TRUE(has_problem(p, 2, 12, "teams is enabled but no webhook has a security token"));
  EXPECT_TRUE(has_problem(p, 4, 26, "teams.webhooks[core].team 'nosuch' is not a team"));
  EXPECT_TRUE(has_problem(p, 5, 14, "duplicate webhook name 'core' (first defined at line 4)"));
  EXPECT_TRUE(has_problem(p, 6, 14, "webhook name 'bad name' may only contain"));
  EXPECT_TRUE(has_problem(p, 7, 7, "missing required key 'teams.webhooks[3].name'"));
  EXPECT_TRUE(has_problem(p, 8, 46, "give either teams.webhooks[x].secret or"));
  EXPECT_TRUE(
      has_problem(p, 8, 25, "the secret of teams.webhooks[x] is not a Teams security token"));
  EXPECT_TRUE(has_problem(p, 11, 22, "teams_webhooks names 'ghost', which is not defined"));
  EXPECT_EQ(error_count(p), 8u) << to_string(p);
}

TEST_F(ConfigLoaderTest, WebhookTeamLinksMustAgree) {
  auto p = problems(R"(teams:
  webhooks:
    - {name: a, team: one}
    - {name: b}
product_teams:
  - id: one
    teams_webhooks: [b]
    combined: {name: Pat}
  - id: two
    teams_webhooks: [a, b]
    combined: {name: Sam}
)");
  EXPECT_TRUE(has_problem(p, 10, 22,
                          "teams webhook 'a' is listed by team 'two' but "
                          "teams.webhooks[a].team is 'one' (line 3)"));
  EXPECT_TRUE(has_problem(p, 10, 25, "teams webhook 'b' already belongs to team 'one' (line 7)"));
  EXPECT_EQ(error_count(p), 2u) << to_string(p);
}

TEST_F(ConfigLoaderTest, ProductTeamsAreBuiltIntoTheDirectory) {
  write("urls.txt",
        "# Workflows URLs\nhttps://example.invalid/a?sig=1\n\n  https://example.invalid/b  \n");
  AppConfig c = load(R"(teams:
  webhooks: [{name: chk}]
product_teams:
  - id: checkout
    name: Checkout
    slack_channels: [C0CHECKOUT1, G0PRIVATE1]
    intake_channels: [C0CHKINTAKE]
    teams_webhooks: [chk]
    teams_workflow_urls: ["https://example.invalid/x"]
    teams_workflow_urls_file: urls.txt
    product_managers:
      - {name: Priya Nair, slack: U0PRIYA001, teams: priya@example.com, teams_name: Priya}
    product_owners:
      - {name: Tom Becker, slack: W0TOMB0001}
      - {name: Lee}
    digest: {enabled: false, day: Sun, time: "7:05", time_zone: Asia/Kolkata}
  - id: growth
    slack_channels: [C0GROWTH01]
    combined: {name: Ana Souza, slack: U0ANA00001}
    digest: {day: friday, time: "16:00", time_zone: America/New_York}
default_team: growth
)");
  const auto& d = c.directory;
  ASSERT_EQ(d.teams().size(), 2u);
  const Team* checkout = d.find("checkout");
  ASSERT_NE(checkout, nullptr);
  EXPECT_EQ(checkout->name, "Checkout");
  EXPECT_EQ(checkout->slack_channels, (std::vector<std::string>{"C0CHECKOUT1", "G0PRIVATE1"}));
  EXPECT_EQ(checkout->intake_channels, std::vector<std::string>{"C0CHKINTAKE"});
  EXPECT_EQ(checkout->teams_webhooks, std::vector<std::string>{"chk"});
  EXPECT_EQ(
      checkout->teams_workflow_urls,
      (std::vector<std::string>{"https://example.invalid/x", "https://example.invalid/a?sig=1",
                                "https://example.invalid/b"}));
  ASSERT_EQ(checkout->product_managers.size(), 1u);
  EXPECT_EQ(checkout->product_managers[0].display_name, "Priya Nair");
  EXPECT_EQ(checkout->product_managers[0].slack_user_id, "U0PRIYA001");
  EXPECT_EQ(checkout->product_managers[0].teams_id, "priya@example.com");
  EXPECT_EQ(checkout->product_managers[0].teams_name, "Priya");
  ASSERT_EQ(checkout->product_owners.size(), 2u);
  EXPECT_EQ(checkout->product_owners[0].slack_user_id, "W0TOMB0001");
  EXPECT_FALSE(checkout->is_combined());
  EXPECT_FALSE(checkout->digest.enabled);
  EXPECT_EQ(checkout->digest.weekday, 7u);
  EXPECT_EQ(checkout->digest.hour, 7u);
  EXPECT_EQ(checkout->digest.minute, 5u);
  EXPECT_EQ(checkout->digest.time_zone, "Asia/Kolkata");

  const Team* growth = d.find("growth");
  ASSERT_NE(growth, nullptr);
  EXPECT_EQ(growth->name, "growth");  // defaults to the id
  ASSERT_TRUE(growth->is_combined());
  EXPECT_EQ(growth->combined->display_name, "Ana Souza");
  EXPECT_EQ(growth->digest.weekday, 5u);
  EXPECT_EQ(growth->digest.time_zone, "America/New_York");

  EXPECT_EQ(d.default_team()->id, "growth");
  EXPECT_EQ(d.by_slack_channel("C0CHKINTAKE")->id, "checkout");
  EXPECT_TRUE(d.is_intake_channel("C0CHKINTAKE"));
  EXPECT_EQ(d.by_teams_webhook("chk")->id, "checkout");
  EXPECT_EQ(c.teams.find_webhook("chk")->team, "checkout");
  EXPECT_TRUE(c.warnings.empty()) << to_string(c.warnings);
}

// Every team-directory problem in one file, all reported together.
TEST_F(ConfigLoaderTest, ReportsAllTeamDirectoryProblemsAtOnce) {
  auto p = problems(R"(product_teams:
  - id: checkout
    slack_channels: [C0CHECKOUT1, general]
    product_managers: [{name: Priya, slack: priya}]
    product_owners: [{name: Tom, slak: U0TOM0001}]
    digest: {day: mondey, time: "25:00", time_zone: Europe/Berln}
  - id: checkout
    combined: {name: X}
  - id: growth
    slack_channels: [C0CHECKOUT1]
  - id: ops
    combined: {name: Ana}
    product_managers: [{name: Bo}]
    digest: {enabled: true, timezone: UTC}
  - id: Bad Id
    combined: {name: Z}
default_team: nosuch
)");
  EXPECT_TRUE(has_problem(p, 3, 35,
                          "'general' in product_teams[checkout].slack_channels is not "
                          "a Slack channel id"));
  EXPECT_TRUE(has_problem(p, 4, 45,
                          "product_teams[checkout].product_managers[0].slack 'priya' "
                          "is not a Slack user id"));
  EXPECT_TRUE(has_problem(p, 5, 34,
                          "unknown key 'slak' in product_teams[checkout]."
                          "product_owners[0] (did you mean 'slack'?)"));
  EXPECT_TRUE(has_problem(p, 6, 19, "unknown day 'mondey'"));
  EXPECT_TRUE(has_problem(p, 6, 33, "product_teams[checkout].digest.time must be a 24-hour time"));
  EXPECT_TRUE(has_problem(p, 6, 53, "unknown time zone 'Europe/Berln'"));
  EXPECT_TRUE(has_problem(p, 7, 9, "duplicate team id 'checkout' (first defined at line 2)"));
  EXPECT_TRUE(has_problem(p, 10, 22,
                          "Slack channel C0CHECKOUT1 already belongs to team "
                          "'checkout' (line 3)"));
  EXPECT_TRUE(has_problem(p, 9, 5, "product_teams[growth] names nobody"));
  EXPECT_TRUE(has_problem(p, 12, 15,
                          "product_teams[ops] has both 'combined' and "
                          "product_managers/product_owners"));
  EXPECT_TRUE(has_problem(p, 14, 29,
                          "unknown key 'timezone' in product_teams[ops].digest "
                          "(did you mean 'time_zone'?)"));
  EXPECT_TRUE(has_problem(p, 15, 9, "team id 'Bad Id' may only contain"));
  EXPECT_TRUE(has_problem(p, 17, 15, "default_team 'nosuch' is not a team in product_teams"));
  EXPECT_EQ(error_count(p), 13u) << to_string(p);
}

TEST_F(ConfigLoaderTest, ATeamWithOnlyOneRoleIsAWarning) {
  AppConfig c = load(R"(product_teams:
  - id: solo
    product_owners: [{name: Olu}]
)");
  EXPECT_TRUE(has_problem(c.warnings, 2, 5, "product_teams[solo] has no product_managers"));
  EXPECT_FALSE(has_errors(c.warnings));
}

TEST(TimeZones, KnowsIanaNames) {
  for (const char* zone : {"Asia/Kolkata", "America/New_York", "Europe/Berlin", "UTC",
                           "America/Sao_Paulo", "Australia/Adelaide"}) {
    EXPECT_EQ(time_zone_problem(zone), std::nullopt) << zone;
  }
  for (const char* zone : {"Mars/Olympus_Mons", "Europe/Berln", "", "CEST", "+05:30"}) {
    auto problem = time_zone_problem(zone);
    ASSERT_TRUE(problem.has_value()) << zone;
    EXPECT_NE(problem->find("unknown time zone"), std::string::npos) << *problem;
  }
}

TEST_F(ConfigLoaderTest, TaxonomyPathIsRelativeToTheConfigFile) {
  // Relative: against the config file's directory, not the working directory.
  std::string sub = write("etc/app.yaml", "taxonomy: {path: ../tax/t.yaml}\n");
  AppConfig c = load_config(sub, {});
  EXPECT_EQ(c.taxonomy.path, (dir_.path() / "tax/t.yaml").string());
  // Absolute: as written.
  std::string abs =
      write("etc/abs.yaml", "taxonomy: {path: " + std::string(kSmallTaxonomy) + "}\n");
  EXPECT_EQ(load_config(abs, {}).taxonomy.path, kSmallTaxonomy);
  // Default: taxonomy.yaml next to the config file.
  std::string def = write("etc/def.yaml", "");
  EXPECT_EQ(load_config(def, {}).taxonomy.path, (dir_.path() / "etc/taxonomy.yaml").string());
}

TEST_F(ConfigLoaderTest, CheckConfigAlsoValidatesTheTaxonomy) {
  write("conf/taxonomy.yaml",
        "topics:\n  - id: a\n    role: boss\n    explanation: x\n    cues: [a]\n");
  std::string path = write("conf/rolecall.yaml", std::string("log: {level: loud}\n") + kOneTeam);
  auto p = check_config(path, {});
  std::string tax = (dir_.path() / "conf/taxonomy.yaml").string();
  EXPECT_TRUE(has_problem(p, 1, 14, "unknown log.level 'loud'"));
  EXPECT_TRUE(has_problem(p, 3, 11, "unknown role 'boss'"));
  ASSERT_EQ(error_count(p), 2u) << to_string(p);
  EXPECT_EQ(p[0].file, path);
  EXPECT_EQ(p[1].file, tax);

  // A missing taxonomy file is reported with its resolved path.
  std::string other = write("other/rolecall.yaml", kOneTeam);
  auto missing = check_config(other, {});
  EXPECT_TRUE(has_problem(missing, "cannot read the taxonomy file"));
  EXPECT_EQ(missing.back().file, (dir_.path() / "other/taxonomy.yaml").string());

  // All good: no problems at all.
  std::string good =
      write("good/rolecall.yaml", "taxonomy: {path: " + std::string(kSmallTaxonomy) +
                                      ", model: " + std::string(kShippedModel) + "}\n" + kOneTeam);
  EXPECT_TRUE(check_config(good, {}).empty()) << to_string(check_config(good, {}));
}

TEST_F(ConfigLoaderTest, ClassifierModelProblems) {
  // Default model (next to the taxonomy) missing: a warning, not an error.
  std::string defaulted = write(
      "d/rolecall.yaml", "taxonomy: {path: " + std::string(kSmallTaxonomy) + "}\n" + kOneTeam);
  auto w = check_config(defaulted, {});
  EXPECT_EQ(error_count(w), 0u) << to_string(w);
  EXPECT_TRUE(has_problem(w, "no classifier model next to the taxonomy")) << to_string(w);

  // A model the config names must exist and parse; problems carry the line.
  write("m/broken.tsv", "rolecall-classifier-model 1\nroles a b\n");
  std::string broken = write("m/rolecall.yaml", "taxonomy: {path: " + std::string(kSmallTaxonomy) +
                                                    ", model: broken.tsv}\n" + kOneTeam);
  auto b = check_config(broken, {});
  EXPECT_TRUE(has_problem(b, 2, 1, "roles must be")) << to_string(b);
  std::string missing = write("m/missing.yaml", "taxonomy: {path: " + std::string(kSmallTaxonomy) +
                                                    ", model: nowhere.tsv}\n" + kOneTeam);
  auto m = check_config(missing, {});
  EXPECT_TRUE(has_problem(m, "cannot read the classifier model")) << to_string(m);
  EXPECT_EQ(error_count(m), 1u);

  // `none`: the cue lexicon alone, nothing to report.
  std::string none = write("n/rolecall.yaml", "taxonomy: {path: " + std::string(kSmallTaxonomy) +
                                                  ", model: none}\n" + kOneTeam);
  EXPECT_TRUE(check_config(none, {}).empty()) << to_string(check_config(none, {}));
  EXPECT_TRUE(load_config(none, {}).taxonomy.model.empty());
}

TEST(ResolveConfigPath, FlagThenEnvironmentThenDefault) {
  Environment env{{"ROLECALL_CONFIG", "/etc/rolecall.yaml"}};
  EXPECT_EQ(resolve_config_path(std::string("cli.yaml"), env), "cli.yaml");
  EXPECT_EQ(resolve_config_path(std::nullopt, env), "/etc/rolecall.yaml");
  EXPECT_EQ(resolve_config_path(std::nullopt, Environment{}), "config/rolecall.example.yaml");
  EXPECT_EQ(resolve_config_path(std::nullopt, Environment{{"ROLECALL_CONFIG", ""}}),
            "config/rolecall.example.yaml");
}

TEST(EnvironmentTest, FromProcessReadsTheKnownVariables) {
  ::setenv("ROLECALL_DB", "/tmp/from-process.db", 1);
  ::setenv("SLACK_BOT_TOKEN", "", 1);
  Environment env = Environment::from_process();
  EXPECT_EQ(env.get("ROLECALL_DB"), "/tmp/from-process.db");
  EXPECT_EQ(env.get("SLACK_BOT_TOKEN"), std::nullopt);
  ::unsetenv("ROLECALL_DB");
  ::unsetenv("SLACK_BOT_TOKEN");
}

// The shipped example runs as it is: no secrets, Slack and Teams off, console
// on (loopback only), three teams with valid ids and time zones.
TEST(ExampleConfig, LoadsCleanly) {
  std::string path = std::string(ROLECALL_SOURCE_DIR) + "/config/rolecall.example.yaml";
  AppConfig c;
  try {
    c = load_config(path, Environment{});
  } catch (const ConfigError& e) {
    FAIL() << e.what();
  }
  EXPECT_TRUE(c.warnings.empty()) << to_string(c.warnings);
  EXPECT_FALSE(c.slack.active);
  EXPECT_FALSE(c.teams.active);
  EXPECT_TRUE(c.console.enabled);
  EXPECT_TRUE(c.console.loopback_only());
  EXPECT_EQ(c.server.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.taxonomy.path, std::string(ROLECALL_SOURCE_DIR) + "/config/taxonomy.yaml");
  const auto& d = c.directory;
  ASSERT_EQ(d.teams().size(), 3u);
  EXPECT_EQ(d.default_team()->id, "checkout");
  const Team* checkout = d.find("checkout");
  EXPECT_EQ(checkout->product_managers.at(0).slack_user_id, "U0PRIYA001");
  EXPECT_EQ(checkout->product_owners.at(0).slack_user_id, "U0TOMB0001");
  EXPECT_EQ(checkout->intake_channels, std::vector<std::string>{"C0CHKINTAKE"});
  EXPECT_EQ(checkout->digest.time_zone, "Europe/Berlin");
  EXPECT_EQ(checkout->teams_webhooks, std::vector<std::string>{"checkout"});
  EXPECT_EQ(d.find("growth")->combined->slack_user_id, "U0ANA00001");
  EXPECT_EQ(d.find("growth")->digest.time_zone, "America/New_York");
  EXPECT_EQ(d.find("payments")->digest.time_zone, "Asia/Kolkata");
  for (const auto& t : d.teams()) {
    EXPECT_FALSE(t.intake_channels.empty()) << t.id;
    EXPECT_FALSE(t.teams_workflow_urls.empty()) << t.id;
  }
  const TeamsWebhook* webhook = c.teams.find_webhook("checkout");
  ASSERT_NE(webhook, nullptr);
  EXPECT_FALSE(webhook->active);

  // With secrets in the environment, the same file turns the platforms on.
  AppConfig on = load_config(path, Environment{{"SLACK_SIGNING_SECRET", "s"},
                                               {"SLACK_BOT_TOKEN", "xoxb-1"},
                                               {"TEAMS_WEBHOOK_SECRET", kTeamsToken}});
  EXPECT_TRUE(on.slack.active);
  EXPECT_TRUE(on.teams.active);
  EXPECT_EQ(on.teams.find_webhook("default")->team, "checkout");
}

TEST(ExampleConfig, CheckConfigPassesWithTheShippedTaxonomy) {
  std::string path = std::string(ROLECALL_SOURCE_DIR) + "/config/rolecall.example.yaml";
  if (!std::ifstream(std::string(ROLECALL_SOURCE_DIR) + "/config/taxonomy.yaml")) {
    GTEST_SKIP() << "config/taxonomy.yaml does not exist yet";
  }
  auto p = check_config(path, Environment{});
  EXPECT_TRUE(p.empty()) << to_string(p);
}

}  // namespace
}  // namespace rolecall
