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
// Documents with a `*_file` key (as YAML decodes it: quoted, escaped or
// through an alias alike) are not loaded: the loader would read that path,
// and the fuzzer would soon name /dev/zero or /dev/stdin.

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
#include "yaml-cpp/yaml.h"

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

std::size_t occurrences(std::string_view text, std::string_view word) {
  std::size_t n = 0;
  for (std::size_t at = text.find(word); at != std::string_view::npos;
       at = text.find(word, at + 1)) {
    ++n;
  }
  return n;
}

// `secret` must not appear in `text`. Only distinctive secrets are checked:
// short values ("1", "ab") turn up anywhere by chance, and a value the YAML
// also writes outside the secret's key (say, a typo'd key that swallowed it:
// `{secret TOKEN}` is the key "secret TOKEN", and an unknown key is named in
// its problem) is the operator's text, not a leak of the loader's.
void check_no_secret(std::string_view yaml, std::string_view text, std::string_view secret,
                     bool from_yaml, const char* where) {
  if (secret.size() < 8 || occurrences(yaml, secret) > (from_yaml ? 1 : 0)) return;
  FUZZ_CHECK(text.find(secret) == std::string_view::npos,
             std::string("a secret appears in ") + where);
}

void check_problems(std::string_view yaml, const std::vector<Problem>& problems,
                    bool must_have_error) {
  bool any_error = false;
  for (const Problem& p : problems) {
    FUZZ_CHECK(!p.message.empty(), "a problem without a message");
    FUZZ_CHECK(p.line >= 0 && p.column >= 0, "a problem with a negative position");
    any_error = any_error || p.is_error();
    const std::string rendered = to_string(p);
    for (std::string_view s : kEnvSecrets) check_no_secret(yaml, rendered, s, false, "a problem");
  }
  if (must_have_error) FUZZ_CHECK(any_error, "ConfigError without an error");
}

void load(std::string_view yaml, const Environment& env) {
  AppConfig config;
  try {
    config = load_config_from_string(yaml, "/nonexistent-rolecall-fuzz/rolecall.yaml", env);
  } catch (const ConfigError& e) {
    check_problems(yaml, e.problems(), true);
    (void)e.what();
    return;
  }
  // Any other exception escapes to libFuzzer, which reports it as a crash.
  check_problems(yaml, config.warnings, false);
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
    check_no_secret(yaml, described, s, true, "describe()");
    for (const Problem& p : config.warnings) {
      check_no_secret(yaml, to_string(p), s, true, "a warning");
    }
  }
  for (std::string_view s : kEnvSecrets) check_no_secret(yaml, described, s, false, "describe()");
}

bool names_a_file(const YAML::Node& node, int depth) {
  if (depth > 64) return true;  // the loader refuses such nesting anyway; be safe
  if (node.IsMap()) {
    for (const auto& kv : node) {
      if (!kv.first.IsScalar()) continue;  // the loader refuses non-scalar keys
      const std::string& key = kv.first.Scalar();
      if (key.size() >= 5 && key.compare(key.size() - 5, 5, "_file") == 0) return true;
      if (names_a_file(kv.second, depth + 1)) return true;
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) {
      if (names_a_file(item, depth + 1)) return true;
    }
  }
  return false;
}

// Whether loading `yaml` could open a file the fuzzer named.
bool reads_files(std::string_view yaml) {
  try {
    return names_a_file(YAML::Load(std::string(yaml)), 0);  // as the loader parses it
  } catch (const YAML::Exception&) {
    return false;  // not YAML: the loader stops at the syntax error
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  if (reads_files(yaml)) return 0;
  load(yaml, Environment{});
  load(yaml, secret_environment());
  return 0;
}
