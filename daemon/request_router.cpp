#include "daemon/request_router.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>

#include "daemon/logging.hpp"
#include "daemon/metrics.hpp"

namespace rolecall {

void RequestRouter::add(std::string method, std::string path, std::string name, Handler handler,
                        bool prefix) {
  routes_.push_back(
      {std::move(method), std::move(path), std::move(name), std::move(handler), prefix});
}

HttpResponse RequestRouter::handle(const HttpRequest& request) const {
  const auto started = std::chrono::steady_clock::now();
  LogContext context(request.request_id);
  const std::string_view path = request.path();
  const Route* match = nullptr;
  bool path_known = false;
  for (const auto& r : routes_) {
    const bool path_ok = r.prefix ? path.substr(0, r.path.size()) == r.path : path == r.path;
    if (!path_ok) continue;
    path_known = true;
    if (r.method == request.method) {
      match = &r;
      break;
    }
  }
  HttpResponse response;
  const std::string_view endpoint = match ? std::string_view(match->name) : "other";
  if (match) {
    response = match->handler(request);
  } else if (path_known) {
    response = HttpResponse::json(405, R"({"error":"method not allowed"})");
  } else {
    response = HttpResponse::json(404, R"({"error":"not found"})");
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (metrics_) {
    char status[16];
    const auto [end, ec] = std::to_chars(status, status + sizeof status, response.status);
    metrics_->inc("rolecall_http_requests",
                  {{"endpoint", endpoint},
                   {"status", std::string_view(status, static_cast<std::size_t>(end - status))}});
    metrics_->observe("rolecall_http_request_duration_seconds", {{"endpoint", endpoint}}, seconds);
  }
  // Health checks and scrapes are frequent and boring: debug level only.
  const bool quiet = endpoint == "healthz" || endpoint == "readyz" || endpoint == "metrics";
  const auto level = response.status >= 500   ? spdlog::level::err
                     : response.status >= 400 ? spdlog::level::warn
                     : quiet                  ? spdlog::level::debug
                                              : spdlog::level::info;
  spdlog::log(level, "{} {} -> {} in {:.2f} ms (request {}, peer {})", request.method, path,
              response.status, seconds * 1000, request.request_id, request.peer_address);
  return response;
}

}  // namespace rolecall
