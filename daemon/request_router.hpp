#pragma once
// Maps method + path to an endpoint handler and records, for every request,
// the endpoint/status counter, the latency histogram and one log line. An
// endpoint is a plain function of HttpRequest, so each is testable alone.

#include <functional>
#include <string>
#include <vector>

#include "adapters/common/http_message.hpp"

namespace rolecall {

class Metrics;

class RequestRouter {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  explicit RequestRouter(Metrics* metrics) : metrics_(metrics) {}

  // `path` matches exactly, or as a prefix when it ends in '/' and
  // `prefix` is true. `name` labels metrics and logs (e.g. "slack_events").
  void add(std::string method, std::string path, std::string name, Handler handler,
           bool prefix = false);

  HttpResponse handle(const HttpRequest& request) const;

 private:
  struct Route {
    std::string method, path, name;
    Handler handler;
    bool prefix;
  };
  std::vector<Route> routes_;
  Metrics* metrics_;
};

}  // namespace rolecall
