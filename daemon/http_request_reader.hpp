#pragma once
// The socket-free half of reading a request in HttpServer: Beast's parser set
// up with the server's limits, the read of a request's header with those
// limits kept however the bytes arrive, and the conversion of a parsed request
// into the adapters' HttpRequest. HttpSession uses exactly these, and so do
// the tests and the fuzz target tests/fuzz/http_request.cpp.
//
// Why the header is not read with http::async_read_header: Beast 1.74
// (Debian 12) consumes each complete header line as soon as one more byte
// follows it and applies header_limit only to what it has not consumed yet, so
// a client that sends its header a line at a time could make it any size
// (found by the fuzz target; HttpRequestReader.HeaderSentInPiecesIsStill431).
// Here the whole header block is collected first and counted from the request's
// first byte. And Beast buffers a chunk-size line (its extensions) or the
// trailer until it ends, with no limit: the read buffer has a maximum size
// (read_buffer_limit) instead.
//
// Pure apart from the stream given; thread-safe (no shared state); never throw
// apart from std::bad_alloc.

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <string_view>
#include <utility>

#include "adapters/common/http_message.hpp"
#include "daemon/http_server.hpp"

namespace rolecall {

using HttpRequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// A fresh parser (one per request on a keep-alive connection) with the body
// and header limits of `options`: a longer body fails with
// http::error::body_limit (413), longer headers with http::error::header_limit (431).
void apply_request_limits(HttpRequestParser& parser, const HttpServerOptions& options);

// The most a connection's read buffer may hold: a whole header block plus one
// read of the body. Chunk-size lines and trailers longer than that end the
// request with http::error::buffer_overflow (431).
std::size_t read_buffer_limit(const HttpServerOptions& options);

// Bytes of the header block (request line, fields, and the empty line) at the
// front of `buffered`; 0 while it is incomplete and may still end within
// `header_limit` bytes; header_limit + 1 when it cannot (then 431).
std::size_t header_block_size(std::string_view buffered, std::size_t header_limit);

enum class HeaderStep {
  need_more,  // read more bytes into the buffer and call again
  done        // the header is parsed into the parser, or `ec` says why not
};

// One look at the buffered bytes of the next request. When they hold its whole
// header block within options.header_limit, parses the header into `parser`
// (not the body) and consumes it from `buffer`: done, `ec` from the parser
// (body_limit when a Content-Length is over the limit, bad_* for a malformed
// header). When the block cannot end within the limit: done, header_limit.
// Otherwise need_more.
HeaderStep step_request_header(boost::beast::flat_buffer& buffer, HttpRequestParser& parser,
                               const HttpServerOptions& options, boost::beast::error_code& ec);

// What a read that failed with `ec` while waiting for a header means:
// end_of_stream when the client closed before sending anything of a request
// (a keep-alive connection ending), partial_message when it closed in the
// middle of one, `ec` itself otherwise.
boost::beast::error_code header_read_error(boost::beast::error_code ec,
                                           const boost::beast::flat_buffer& buffer);

// Reads the next request's header into `parser` (blocking), with
// step_request_header; `buffer` may already hold bytes of it. Then
// http::read(stream, buffer, parser) reads the body.
template <class SyncReadStream>
void read_request_header(SyncReadStream& stream, boost::beast::flat_buffer& buffer,
                         HttpRequestParser& parser, const HttpServerOptions& options,
                         boost::beast::error_code& ec) {
  while (step_request_header(buffer, parser, options, ec) == HeaderStep::need_more) {
    const std::size_t n =
        stream.read_some(buffer.prepare(boost::beast::read_size(buffer, 65536)), ec);
    if (ec) {
      ec = header_read_error(ec, buffer);
      return;
    }
    buffer.commit(n);
  }
}

// The same, asynchronously: calls handler(ec) once the header is parsed or
// has failed, from the stream's executor (inline when `buffer` already held
// the whole header). The stream, buffer and parser must outlive the call.
template <class AsyncReadStream, class Handler>
void async_read_request_header(AsyncReadStream& stream, boost::beast::flat_buffer& buffer,
                               HttpRequestParser& parser, const HttpServerOptions& options,
                               Handler&& handler) {
  boost::beast::error_code ec;
  if (step_request_header(buffer, parser, options, ec) == HeaderStep::done) return handler(ec);
  stream.async_read_some(
      buffer.prepare(boost::beast::read_size(buffer, 65536)),
      [&stream, &buffer, &parser, &options, handler = std::forward<Handler>(handler)](
          boost::beast::error_code read_ec, std::size_t n) mutable {
        if (read_ec) return handler(header_read_error(read_ec, buffer));
        buffer.commit(n);
        async_read_request_header(stream, buffer, parser, options, std::move(handler));
      });
}

// The status HttpServer answers when reading a request fails with `ec`: 413
// for a body over the limit, 431 for headers over the limit (also a
// chunk-size line or trailer longer than the read buffer), 400 for anything
// else the parser refuses (including a request cut short); 0 when the
// connection is simply closed without an answer (the client went away
// between requests, the read timed out, the server is shutting down).
int read_error_status(const boost::beast::error_code& ec);

// The parsed request as adapters see it: method and target verbatim, header
// names lower-cased (a repeated header's values joined with ", ", in order),
// the body moved out of `request`. peer_address and request_id are left empty.
HttpRequest to_http_request(boost::beast::http::request<boost::beast::http::string_body>& request);

}  // namespace rolecall
