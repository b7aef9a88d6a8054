#pragma once
// The HTTP request/response as adapters see them: bytes and headers, no
// sockets. The daemon's Beast server converts to and from these, so every
// adapter handler can be tested by calling it with a value.

#include <map>
#include <string>
#include <string_view>

namespace rolecall {

struct HttpRequest {
  std::string method;  // "GET", "POST", …
  std::string target;  // path and query, e.g. "/teams/webhook/design?x=1"
  // Header names lower-cased; values verbatim.
  std::map<std::string, std::string> headers;
  std::string body;          // raw bytes exactly as received
  std::string peer_address;  // remote IP, e.g. "127.0.0.1"
  std::string request_id;    // assigned by the server for log correlation

  // Empty string when absent. `name` must be lower case.
  std::string_view header(std::string_view name) const {
    auto it = headers.find(std::string(name));
    return it == headers.end() ? std::string_view{} : std::string_view{it->second};
  }
  std::string_view path() const {
    std::string_view t = target;
    return t.substr(0, t.find('?'));
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::map<std::string, std::string> headers;  // extra headers

  static HttpResponse json(int status, std::string body) {
    return {status, "application/json", std::move(body), {}};
  }
  static HttpResponse text(int status, std::string body) {
    return {status, "text/plain; charset=utf-8", std::move(body), {}};
  }
};

}  // namespace rolecall
