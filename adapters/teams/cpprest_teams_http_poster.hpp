#pragma once
// TeamsHttpPoster on cpprestsdk's http_client (TLS via OpenSSL, proxies,
// timeouts). Declared without cpprest types so no other file includes
// cpprest headers (TOOLCHAIN.md: its U() macro breaks fmt).

#include <memory>
#include <string>

#include "adapters/teams/teams_http_poster.hpp"

namespace rolecall {

class CpprestTeamsHttpPoster : public TeamsHttpPoster {
 public:
  // `proxy_url` e.g. "http://proxy.internal:3128"; empty = direct.
  explicit CpprestTeamsHttpPoster(std::string proxy_url = {});
  TeamsPostResult post_json(const std::string& url, const std::string& body,
                            std::chrono::milliseconds timeout) override;

 private:
  std::string proxy_url_;
};

}  // namespace rolecall
