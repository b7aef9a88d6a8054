#include "tests/support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace rolecall::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

HttpResult http_request(unsigned short port, const std::string& method, const std::string& target,
                        const std::map<std::string, std::string>& headers, const std::string& body,
                        std::chrono::milliseconds timeout) {
  HttpResult result;
  try {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(timeout);
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    beast::error_code write_ec;
    http::write(stream, req, write_ec);
    // A server may answer (413) and stop reading before the body is sent:
    // read its answer anyway.
    if (write_ec && write_ec != asio::error::broken_pipe &&
        write_ec != asio::error::connection_reset) {
      throw beast::system_error(write_ec);
    }
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    http::read(stream, buffer, parser);
    auto& res = parser.get();
    result.status = static_cast<int>(res.result_int());
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      result.headers[name] = std::string(f.value());
    }
    result.body = res.body();
    beast::error_code ec;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  } catch (const std::exception& e) {
    result.status = 0;
    result.error = e.what();
  }
  return result;
}

std::string raw_exchange(unsigned short port, const std::string& raw,
                         std::chrono::milliseconds timeout) {
  std::string out;
  try {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(timeout);
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    asio::write(stream, asio::buffer(raw));
    char buf[4096];
    for (;;) {
      beast::error_code ec;
      std::size_t n = stream.read_some(asio::buffer(buf), ec);
      out.append(buf, n);
      if (ec) break;
    }
  } catch (const std::exception&) {
  }
  return out;
}

}  // namespace rolecall::testing
