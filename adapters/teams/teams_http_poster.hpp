#pragma once
// The outbound HTTP seam of the Teams adapter: one blocking JSON POST. The
// production implementation (cpprest_teams_http_poster.hpp) is the only
// code that sees cpprestsdk, so it can be replaced by a Beast client without
// touching the deliverer.

#include <chrono>
#include <map>
#include <string>

namespace rolecall {

struct TeamsPostResult {
  bool responded = false;                      // an HTTP response arrived (any status)
  int status = 0;                              // when responded
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool timed_out = false;  // no response within the timeout
  // Transport failure when !responded (connection refused, TLS, timeout,
  // bad URL). Never contains the URL or its query string.
  std::string error;
};

class TeamsHttpPoster {
 public:
  virtual ~TeamsHttpPoster() = default;
  // POSTs `body` to `url` with Content-Type "application/json;
  // charset=utf-8" and waits at most about `timeout` for the whole
  // exchange. Blocking; safe to call from several threads at once; never
  // throws (failures come back in the result).
  virtual TeamsPostResult post_json(const std::string& url, const std::string& body,
                                    std::chrono::milliseconds timeout) = 0;
};

}  // namespace rolecall
