#include "daemon/http_request_reader.hpp"

#include <cstdint>
#include <utility>

namespace rolecall {

void apply_request_limits(HttpRequestParser& parser, const HttpServerOptions& options) {
  parser.body_limit(options.body_limit);
  // The config caps header_limit_bytes at 1 MiB, well inside Beast's 32 bits.
  parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
}

HttpRequest to_http_request(boost::beast::http::request<boost::beast::http::string_body>& request) {
  HttpRequest in;
  in.method = std::string(request.method_string());
  in.target = std::string(request.target());
  for (const auto& field : request) {
    std::string name(field.name_string());
    for (auto& c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    auto [it, inserted] = in.headers.emplace(std::move(name), std::string(field.value()));
    if (!inserted) {
      it->second += ", ";
      it->second += field.value();
    }
  }
  in.body = std::move(request.body());
  return in;
}

}  // namespace rolecall
