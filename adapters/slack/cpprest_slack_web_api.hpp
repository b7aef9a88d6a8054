#pragma once
// SlackWebApi over cpprestsdk's http_client. The only place (with its .cpp)
// that knows about cpprest: replace both files to change the HTTP client.
//
// - GETs (get()) share one http_client per origin (scheme://host:port),
//   created on first use and kept (connection reuse). POSTs (call(),
//   post_url()) each use a client and connection of their own: cpprest
//   silently resends a request whose reused connection closed before the
//   reply, and a resent chat.postMessage posts twice. Safe for concurrent
//   calls from any thread.
// - Every request has `timeout`; no redirect is followed (max_redirects 0:
//   a 3xx comes back as the status, and is a permanent failure).
// - The bot token goes only to `base_url` methods, never to post_url().

#include <chrono>
#include <memory>
#include <string>

#include "adapters/slack/slack_web_api.hpp"

namespace rolecall {

struct CpprestSlackWebApiOptions {
  std::string base_url = "https://slack.com/api/";  // SLACK_API_URL; a missing '/' is added
  std::string token;                                // xoxb-…; secret, never logged
  std::chrono::milliseconds timeout{10000};         // per request
};

class CpprestSlackWebApi final : public SlackWebApi {
 public:
  // Throws std::invalid_argument when base_url is not an http(s) URL.
  explicit CpprestSlackWebApi(CpprestSlackWebApiOptions options);
  ~CpprestSlackWebApi() override;
  CpprestSlackWebApi(const CpprestSlackWebApi&) = delete;
  CpprestSlackWebApi& operator=(const CpprestSlackWebApi&) = delete;

  SlackApiResult call(const std::string& method, const nlohmann::json& body) override;
  SlackApiResult get(const std::string& method,
                     const std::vector<std::pair<std::string, std::string>>& query) override;
  SlackApiResult post_url(const std::string& absolute_url, const nlohmann::json& body) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rolecall
