#include "daemon/http_request_reader.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <cstdint>
#include <utility>

namespace rolecall {

void apply_request_limits(HttpRequestParser& parser, const HttpServerOptions& options) {
  parser.body_limit(options.body_limit);
  // The config caps header_limit_bytes at 1 MiB, well inside Beast's 32 bits.
  parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
}

int read_error_status(const boost::beast::error_code& ec) {
  namespace asio = boost::asio;
  namespace beast = boost::beast;
  namespace http = beast::http;
  if (ec == http::error::end_of_stream || ec == asio::error::eof ||
      ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
      ec == beast::error::timeout) {
    return 0;
  }
  if (ec == http::error::body_limit) return 413;
  if (ec == http::error::header_limit) return 431;
  return 400;
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
