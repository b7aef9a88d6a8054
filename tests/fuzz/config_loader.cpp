// Fuzz target: the application config loader from text
// (config/config_loader: load_config_from_string), with and without the
// environment variables it reads.
//
// Properties (CONTRIBUTING.md, "The error rule"): a loader either returns a
// config or throws one ConfigError listing the problems; nothing else
// escapes (no yaml-cpp exception, no std::out_of_range); a ConfigError holds
// at least one error, each problem with a message and a non-negative
// position. Secrets never show: not in problem messages, not in warnings,
// not in AppConfig::describe() (the start-up log).
//
// Inputs that mention a `*_file` key are skipped: the loader would read that
// path, and the fuzzer soon learns to name /dev/zero or /proc files.

#include "config/config_loader.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.hpp"
#include "config/environment.hpp"
#include "fuzz_check.hpp"

namespace {

using namespace rolecall;

// Secrets handed in through the environment: distinctive, so a leak is found.
const Environment& secret_environment() {
  static const Environment* env =
      new Environment{{"SLACK_SIGNING_SECRET", "envsecret-signing-8f3a1c"},
                      {"SLACK_BOT_TOKEN", "xoxb-envsecret-token-5d2e"},
                      // 32 bytes, base64: a valid Teams token.
                      {"TEAMS_WEBHOOK_SECRET", "ZW52c2VjcmV0LXRlYW1zLWtleS0zMi1ieXRlcy0hISE="},
                      {"ROLECALL_LISTEN", "127.0.0.1:0"},
                      {"ROLECALL_DB", "/nonexistent/rolecall-fuzz.db"},
                      {"SLACK_API_URL", "http://127.0.0.1:9/api/"}};
  return *env;
}

constexpr std::string_view kEnvSecrets[] = {
    "envsecret-signing-8f3a1c", "xoxb-envsecret-token-5d2e",
    "ZW52c2VjcmV0LXRlYW1zLWtleS0zMi1ieXRlcy0hISE=", "envsecret-teams-key-32-bytes-!!!"};

void check_no_secret(std::string_view text, std::string_view secret, const char* where) {
  // Short values ("1", "ab") turn up in any text by chance.
  if (secret.size() < 8) return;
  FUZZ_CHECK(text.find(secret) == std::string_view::npos,
             std::string("a secret appears in ") + where);
}

void check_problems(const std::vector<Problem>& problems, bool must_have_error) {
  bool any_error = false;
  for (const Problem& p : problems) {
    FUZZ_CHECK(!p.message.empty(), "a problem without a message");
    FUZZ_CHECK(p.line >= 0 && p.column >= 0, "a problem with a negative position");
    any_error = any_error || p.is_error();
    const std::string rendered = to_string(p);
    for (std::string_view s : kEnvSecrets) check_no_secret(rendered, s, "a problem");
  }
  if (must_have_error) FUZZ_CHECK(any_error, "ConfigError without an error");
}

void load(std::string_view yaml, const Environment& env) {
  AppConfig config;
  try {
    config = load_config_from_string(yaml, "/nonexistent-rolecall-fuzz/rolecall.yaml", env);
  } catch (const ConfigError& e) {
    check_problems(e.problems(), true);
    (void)e.what();
    return;
  }
  // Any other exception escapes to libFuzzer, which reports it as a crash.
  check_problems(config.warnings, false);
  FUZZ_CHECK(config.server.body_limit_bytes >= 1024, "body limit below its minimum");
  FUZZ_CHECK(config.server.header_limit_bytes <= 1024 * 1024, "header limit above its maximum");
  FUZZ_CHECK(config.routing.clarify_below >= 0.0 && config.routing.clarify_below <= 1.0,
             "clarify_below outside [0, 1]");
  FUZZ_CHECK(config.slack.api_url.empty() || config.slack.api_url.back() == '/',
             "api_url does not end in '/'");
  const std::string described = config.describe();
  std::vector<std::string> secrets = {config.slack.signing_secret, config.slack.bot_token,
                                      config.console.access_token};
  for (const auto& w : config.teams.webhooks) secrets.push_back(w.key_bytes);
  for (const auto& team : config.directory.teams()) {
    for (const auto& url : team.teams_workflow_urls) secrets.push_back(url);
  }
  for (const std::string& s : secrets) {
    check_no_secret(described, s, "describe()");
    for (const Problem& p : config.warnings) check_no_secret(to_string(p), s, "a warning");
  }
  for (std::string_view s : kEnvSecrets) check_no_secret(described, s, "describe()");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  if (yaml.find("_file") != std::string_view::npos) return 0;
  load(yaml, Environment{});
  load(yaml, secret_environment());
  return 0;
}
