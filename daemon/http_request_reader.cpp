#include "daemon/http_request_reader.hpp"

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <cstdint>
#include <utility>

namespace rolecall {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

void apply_request_limits(HttpRequestParser& parser, const HttpServerOptions& options) {
  parser.body_limit(options.body_limit);
  // The config caps header_limit_bytes at 1 MiB, well inside Beast's 32 bits.
  parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
}

std::size_t read_buffer_limit(const HttpServerOptions& options) {
  // 64 KiB: the most Beast reads at once (read_size) while it reads a body.
  return options.header_limit + 64 * 1024;
}

std::size_t header_block_size(std::string_view buffered, std::size_t header_limit) {
  // Beast, too, ends a header only at CRLF CRLF (no bare LF).
  const std::size_t end = buffered.substr(0, header_limit).find("\r\n\r\n");
  if (end != std::string_view::npos) return end + 4;
  return buffered.size() >= header_limit ? header_limit + 1 : 0;
}

HeaderStep step_request_header(beast::flat_buffer& buffer, HttpRequestParser& parser,
                               const HttpServerOptions& options, beast::error_code& ec) {
  ec = {};
  const auto data = buffer.data();
  const std::string_view buffered(static_cast<const char*>(data.data()), data.size());
  const std::size_t size = header_block_size(buffered, options.header_limit);
  if (size == 0) return HeaderStep::need_more;
  if (size > options.header_limit) {
    ec = http::error::header_limit;
    return HeaderStep::done;
  }
  // Only the header block: the body is read by http::async_read afterwards.
  parser.eager(false);
  const std::size_t used = parser.put(asio::buffer(buffered.data(), size), ec);
  buffer.consume(used);
  if (!ec && !parser.is_header_done()) {
    // The block ended but Beast wants more for the header (it cannot for a
    // well-formed one, e.g. leading empty lines): refuse it, never read on.
    ec = http::error::partial_message;
  }
  if (ec == http::error::need_more) ec = http::error::partial_message;
  return HeaderStep::done;
}

beast::error_code header_read_error(beast::error_code ec, const beast::flat_buffer& buffer) {
  if (ec == asio::error::eof || ec == http::error::end_of_stream) {
    return buffer.size() == 0 ? beast::error_code(http::error::end_of_stream)
                              : beast::error_code(http::error::partial_message);
  }
  return ec;
}

int read_error_status(const beast::error_code& ec) {
  if (ec == http::error::end_of_stream || ec == asio::error::eof ||
      ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
      ec == beast::error::timeout) {
    return 0;
  }
  if (ec == http::error::body_limit) return 413;
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow) return 431;
  return 400;
}

HttpRequest to_http_request(http::request<http::string_body>& request) {
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
