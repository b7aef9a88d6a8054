// Fuzz target: the HTTP request path up to the handler: Beast's request
// parser with the limits HttpServer sets, read the way a connection reads
// (daemon/http_request_reader, used by daemon/http_server: the header block
// collected and parsed, then the body; keep-alive requests one after another
// through one size-limited buffer), and the conversion into the adapters'
// HttpRequest.
//
// Input: one byte that picks how the bytes arrive (segment sizes), then the
// bytes a client sends. Each input is read twice with the server's default
// limits (1 MiB body, 8 KiB headers) and with the smallest limits the config
// accepts (1 KiB each) so the fuzzer reaches them.
//
// Properties: never crashes, throws or hangs; a body over the limit or
// headers over the limit are refused (body_limit / header_limit errors, the
// 413 and 431 of the server), never handed on; what is handed on has a
// method, header names in lower case without separators, and no CR or LF in
// the target or any header value (nothing a handler could reflect into a
// response head); a read error gets the status the server sends (413, 431,
// 400) or, between requests only, a silent close; the outcome does not
// depend on how the bytes were segmented.

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/http_request_reader.hpp"
#include "fuzz_check.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using rolecall::HttpRequest;
using rolecall::HttpServerOptions;

// A SyncReadStream over fixed bytes that hands them out in segments of
// varying size, as TCP may, then reports EOF.
class SegmentedInput {
 public:
  SegmentedInput(std::string_view bytes, std::uint8_t seed) : bytes_(bytes), seed_(seed) {}

  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers, beast::error_code& ec) {
    ec = {};
    if (bytes_.empty()) {
      ec = asio::error::eof;
      return 0;
    }
    std::size_t want = seed_ == 0 ? bytes_.size() : next_segment();
    want = std::min(want, bytes_.size());
    const std::size_t n = asio::buffer_copy(buffers, asio::buffer(bytes_.data(), want));
    bytes_.remove_prefix(n);
    return n;
  }
  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers) {
    beast::error_code ec;
    const std::size_t n = read_some(buffers, ec);
    if (ec) throw beast::system_error(ec);
    return n;
  }

 private:
  std::size_t next_segment() {
    state_ = state_ * 1103515245u + 12345u + seed_;
    return 1 + (state_ >> 16) % (seed_ < 128 ? 7 : 600);
  }
  std::string_view bytes_;
  std::uint8_t seed_;
  std::uint32_t state_ = 1;
};

struct Outcome {
  std::vector<HttpRequest> requests;
  beast::error_code error;  // what ended the connection
  // How the server ends it (read_error_status): 413, 431, 400 or 0 (closes).
  int status = 0;
  // Compared by whether the server refuses (any 4xx) rather than by status or
  // error: which fault Beast names first depends on how much it has seen
  // (garbage over the header limit is 431 in one read and 400 in small ones),
  // and any refusal closes the connection alike.
  friend bool operator==(const Outcome& a, const Outcome& b) {
    if ((a.status == 0) != (b.status == 0) || a.requests.size() != b.requests.size()) {
      return false;
    }
    for (std::size_t i = 0; i < a.requests.size(); ++i) {
      const HttpRequest &x = a.requests[i], &y = b.requests[i];
      if (x.method != y.method || x.target != y.target || x.headers != y.headers ||
          x.body != y.body)
        return false;
    }
    return true;
  }
};

bool has_cr_or_lf(std::string_view s) {
  return s.find('\r') != std::string_view::npos || s.find('\n') != std::string_view::npos;
}

void check_request(const HttpRequest& in, const HttpServerOptions& options) {
  FUZZ_CHECK(!in.method.empty(), "a request without a method");
  FUZZ_CHECK(!in.target.empty(), "a request without a target");
  FUZZ_CHECK(!has_cr_or_lf(in.target), "CR/LF in the target");
  FUZZ_CHECK(in.body.size() <= options.body_limit, "a body over the limit was handed on");
  std::size_t header_bytes = in.method.size() + in.target.size();
  for (const auto& [name, value] : in.headers) {
    FUZZ_CHECK(!name.empty(), "an empty header name");
    for (char c : name) {
      FUZZ_CHECK(!(c >= 'A' && c <= 'Z'), "a header name not in lower case");
      FUZZ_CHECK(c != ':' && c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\0',
                 "a separator in a header name");
    }
    FUZZ_CHECK(!has_cr_or_lf(value), "CR/LF in a header value");
    header_bytes += name.size() + value.size();
  }
  FUZZ_CHECK(header_bytes <= options.header_limit, "headers over the limit were handed on");
  (void)in.path();
  (void)in.header("content-type");
}

// What HttpSession does on one connection, synchronously.
Outcome read_connection(std::string_view bytes, std::uint8_t seed,
                        const HttpServerOptions& options) {
  SegmentedInput stream(bytes, seed);
  beast::flat_buffer buffer(rolecall::read_buffer_limit(options));
  buffer.reserve(4096);
  Outcome out;
  for (int n = 0; n < 64; ++n) {
    rolecall::HttpRequestParser parser;
    rolecall::apply_request_limits(parser, options);
    beast::error_code ec;
    rolecall::read_request_header(stream, buffer, parser, options, ec);
    if (!ec && !parser.is_done()) http::read(stream, buffer, parser, ec);
    if (ec) {
      out.error = ec;
      out.status = rolecall::read_error_status(ec);
      break;
    }
    FUZZ_CHECK(parser.is_done(), "read returned before the message was complete");
    auto& req = parser.get();
    const bool keep_alive = req.keep_alive();
    HttpRequest in = rolecall::to_http_request(req);
    if (std::getenv("FUZZ_VERBOSE") != nullptr) {
      std::size_t bytes = in.method.size() + in.target.size() + 11;
      for (const auto& [name, value] : in.headers) bytes += name.size() + value.size() + 4;
      std::fprintf(stderr,
                   "---- segments %u, limits %zu/%zu: request %d, %s %s, %zu headers (~%zu bytes), "
                   "body %zu bytes\n",
                   seed, options.body_limit, options.header_limit, n, in.method.c_str(),
                   in.target.substr(0, 60).c_str(), in.headers.size(), bytes, in.body.size());
    }
    check_request(in, options);
    out.requests.push_back(std::move(in));
    if (!keep_alive) break;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t seed = data[0];
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);

  HttpServerOptions defaults;
  HttpServerOptions smallest;
  smallest.body_limit = 1024;
  smallest.header_limit = 1024;
  for (const HttpServerOptions* options : {&defaults, &smallest}) {
    const Outcome whole = read_connection(bytes, 0, *options);
    if (seed != 0) {
      const Outcome segmented = read_connection(bytes, seed, *options);
      FUZZ_CHECK(whole == segmented,
                 "the result depends on how the bytes arrive: " + whole.error.message() + " vs " +
                     segmented.error.message() + " after " + std::to_string(whole.requests.size()) +
                     " vs " + std::to_string(segmented.requests.size()) + " requests");
    }
    FUZZ_CHECK(
        whole.status == 0 || whole.status == 400 || whole.status == 413 || whole.status == 431,
        "an unexpected status for a read error");
    if (whole.status == 0) {
      FUZZ_CHECK(!whole.error || whole.error == http::error::end_of_stream ||
                     whole.error == asio::error::eof,
                 "a connection closed without an answer on " + whole.error.message());
    }
  }
  return 0;
}
