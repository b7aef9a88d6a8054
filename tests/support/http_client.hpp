#pragma once
// A blocking HTTP/1.1 client for tests (Boost.Beast): one request per call,
// a fresh connection each time, a deadline on every call.

#include <chrono>
#include <map>
#include <string>

namespace rolecall::testing {

struct HttpResult {
  int status = 0;                              // 0 = the connection failed (see error)
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string error;
};

HttpResult http_request(unsigned short port, const std::string& method, const std::string& target,
                        const std::map<std::string, std::string>& headers = {},
                        const std::string& body = {},
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Sends `raw` bytes as they are and returns what came back until the peer
// closed or `timeout` passed (for malformed-request tests).
std::string raw_exchange(unsigned short port, const std::string& raw,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace rolecall::testing
