#pragma once
// The outbound port to Slack: the Web API (https://slack.com/api/<method>)
// and response_url posts. rolecall's code depends on this interface only;
// the one implementation (cpprest_slack_web_api.hpp) is replaceable, because
// cpprestsdk's upstream is archived.
//
// Implementations: callable from any thread concurrently; blocking; return
// within their own per-request timeout; never throw; never follow redirects;
// never log the token.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rolecall {

struct SlackApiResult {
  int http_status = 0;            // 0 = no HTTP response (connect/TLS/timeout error)
  nlohmann::json body;            // parsed JSON body; null when absent or not JSON
  std::string raw_body;           // the body bytes as received
  std::int64_t retry_after = -1;  // seconds, from Retry-After (or a body "retry_after"); -1 none
  std::string network_error;      // set when http_status == 0

  // HTTP 2xx and a JSON body with "ok": true.
  bool ok() const;
  // The body's "error" code ("channel_not_found"), or "" when there is none.
  std::string error() const;
};

class SlackWebApi {
 public:
  virtual ~SlackWebApi() = default;
  // POST <base>/<method> with the bot token (Authorization: Bearer) and a
  // JSON body (Content-Type: application/json; charset=utf-8).
  virtual SlackApiResult call(const std::string& method, const nlohmann::json& body) = 0;
  // GET <base>/<method>?<query> with the bot token, the arguments
  // percent-encoded in the query string. For the read methods
  // (conversations.replies / conversations.history), which Slack documents
  // with form or query arguments: JSON bodies are for write methods.
  virtual SlackApiResult get(const std::string& method,
                             const std::vector<std::pair<std::string, std::string>>& query) = 0;
  // POST a JSON body to an absolute URL (a response_url). Never sends the
  // token: the URL is itself the credential.
  virtual SlackApiResult post_url(const std::string& absolute_url, const nlohmann::json& body) = 0;
};

// Who the bot token belongs to (auth.test): `user_id` and `bot_id` filter the
// bot's own messages out of the event stream.
struct SlackIdentity {
  std::string user_id;  // the bot user, e.g. "U0442US8QGH"
  std::string bot_id;   // e.g. "B0439P161B9"
  std::string team_id;
  std::string team;  // workspace name
  std::string url;   // workspace URL
};

struct SlackAuthResult {
  std::optional<SlackIdentity> identity;  // set on success
  std::string error;                      // "invalid_auth", "http_503", "network: …" on failure
  bool transient = false;                 // network / 5xx / rate limit: worth retrying at startup
};

// Calls auth.test. invalid_auth / not_authed / token_revoked … are permanent
// (fail fast at startup); network errors, 5xx and 429 are transient.
SlackAuthResult slack_auth_test(SlackWebApi& api);

// JSON text for the wire: invalid UTF-8 is replaced instead of throwing.
std::string to_wire_json(const nlohmann::json& body);

}  // namespace rolecall
