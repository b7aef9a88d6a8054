// The socket-free half of HttpServer's reading (daemon/http_request_reader):
// the limits it sets on Beast's parser and keeps however the bytes arrive, the
// status each read error gets, and the conversion into HttpRequest. tests/fuzz/http_request.cpp
// drives the same functions with hostile bytes.

#include "daemon/http_request_reader.hpp"

#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rolecall {
namespace {

namespace http = boost::beast::http;

// Feeds `bytes` to a parser set up like the server's, all at once, with EOF after.
boost::beast::error_code parse(HttpRequestParser& parser, std::string_view bytes) {
  boost::beast::error_code ec;
  parser.eager(true);
  const std::size_t used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
  if (!ec && !parser.is_done()) {
    EXPECT_EQ(used, bytes.size());
    parser.put_eof(ec);
  }
  return ec;
}

TEST(HttpRequestReader, ConvertsAParsedRequestWithLowerCaseNamesAndJoinedRepeats) {
  HttpRequestParser parser;
  apply_request_limits(parser, HttpServerOptions{});
  ASSERT_FALSE(parse(parser,
                     "POST /slack/events?x=1 HTTP/1.1\r\nHost: a\r\nX-Slack-Signature: v0=ab\r\n"
                     "Accept: one\r\nACCEPT: two\r\nContent-Length: 4\r\n\r\nbody"));
  ASSERT_TRUE(parser.is_done());
  const HttpRequest in = to_http_request(parser.get());
  EXPECT_EQ(in.method, "POST");
  EXPECT_EQ(in.target, "/slack/events?x=1");
  EXPECT_EQ(in.path(), "/slack/events");
  EXPECT_EQ(in.header("x-slack-signature"), "v0=ab");
  EXPECT_EQ(in.header("accept"), "one, two");
  EXPECT_EQ(in.body, "body");
  EXPECT_EQ(in.headers.count("Accept"), 0u);
  EXPECT_TRUE(in.peer_address.empty());
}

TEST(HttpRequestReader, BodyOverTheLimitIs413) {
  HttpServerOptions options;
  options.body_limit = 1024;
  HttpRequestParser parser;
  apply_request_limits(parser, options);
  const std::string body(1025, 'x');
  const auto ec = parse(parser, "POST / HTTP/1.1\r\nContent-Length: 1025\r\n\r\n" + body);
  EXPECT_EQ(ec, http::error::body_limit);
  EXPECT_EQ(read_error_status(ec), 413);

  HttpRequestParser exact;
  apply_request_limits(exact, options);
  EXPECT_FALSE(parse(exact, "POST / HTTP/1.1\r\nContent-Length: 1024\r\n\r\n" + body.substr(1)));
}

TEST(HttpRequestReader, HeadersOverTheLimitAre431) {
  HttpServerOptions options;
  options.header_limit = 1024;
  HttpRequestParser parser;
  apply_request_limits(parser, options);
  const auto ec = parse(parser, "GET / HTTP/1.1\r\nX-Big: " + std::string(1100, 'a') + "\r\n\r\n");
  EXPECT_EQ(ec, http::error::header_limit);
  EXPECT_EQ(read_error_status(ec), 431);
}

// A header of many short fields, cut into pieces that each end one byte into
// the next line: the way Beast 1.74 consumes fields early (see
// http_request_reader.hpp), so it is the hard case for the header limit.
std::vector<std::string> header_in_pieces(std::size_t fields) {
  std::string all = "GET / HTTP/1.1\r\nHost: x\r\n";
  std::vector<std::size_t> ends{all.size()};
  for (std::size_t i = 0; i < fields; ++i) {
    all += "X-Filler-" + std::to_string(i) + ": " + std::string(40, 'v') + "\r\n";
    ends.push_back(all.size());
  }
  all += "\r\n";
  ends.push_back(all.size());
  std::vector<std::string> pieces;
  std::size_t start = 0;
  for (std::size_t end : ends) {
    end = std::min(end + 1, all.size());
    if (end > start) pieces.push_back(all.substr(start, end - start));
    start = end;
  }
  return pieces;
}

// Delivers the pieces to async_read_request_header one at a time, letting it
// run after each, until it completes.
std::optional<boost::beast::error_code> read_async(const std::vector<std::string>& pieces,
                                                   const HttpServerOptions& options,
                                                   HttpRequestParser& parser) {
  boost::asio::io_context ioc;
  boost::beast::test::stream server(ioc), client(ioc);
  server.connect(client);
  boost::beast::flat_buffer buffer(read_buffer_limit(options));
  std::optional<boost::beast::error_code> result;
  async_read_request_header(server, buffer, parser, options,
                            [&](boost::beast::error_code ec) { result = ec; });
  for (const std::string& piece : pieces) {
    if (result) break;
    boost::asio::write(client, boost::asio::buffer(piece));
    ioc.poll();
    ioc.restart();
  }
  return result;
}

TEST(HttpRequestReader, HeaderSentInPiecesIsStill431) {
  HttpServerOptions options;
  options.header_limit = 1024;
  // 2,000 fields, about 100 KB: Beast's own async_read_header accepts this
  // header when it arrives in these pieces.
  HttpRequestParser parser;
  apply_request_limits(parser, options);
  const auto ec = read_async(header_in_pieces(2000), options, parser);
  ASSERT_TRUE(ec.has_value());
  EXPECT_EQ(*ec, http::error::header_limit);
  EXPECT_EQ(read_error_status(*ec), 431);

  // Under the limit, the same pieces make a request.
  HttpRequestParser small;
  apply_request_limits(small, options);
  const auto ok = read_async(header_in_pieces(10), options, small);
  ASSERT_TRUE(ok.has_value());
  EXPECT_FALSE(*ok) << ok->message();
  EXPECT_TRUE(small.is_done());
  EXPECT_EQ(to_http_request(small.get()).header("x-filler-9"), std::string(40, 'v'));
}

TEST(HttpRequestReader, HeaderBlockIsCountedFromTheFirstByte) {
  EXPECT_EQ(header_block_size("GET / HTTP/1.1\r\nHost: x\r\n\r\nbody", 1024), 27u);
  EXPECT_EQ(header_block_size("GET / HTTP/1.1\r\nHost: x\r\n", 1024), 0u);
  EXPECT_EQ(header_block_size("GET / HTTP/1.1\n\n", 1024), 0u);  // Beast needs CRLF too
  const std::string big = "GET / HTTP/1.1\r\nX: " + std::string(1100, 'a') + "\r\n\r\n";
  EXPECT_EQ(header_block_size(big.substr(0, 1023), 1024), 0u);
  EXPECT_EQ(header_block_size(big.substr(0, 1024), 1024), 1025u);
  EXPECT_EQ(header_block_size(big, 1024), 1025u);
  // Exactly at the limit is allowed.
  const std::string exact = "GET / HTTP/1.1\r\nX: " + std::string(1024 - 23, 'a') + "\r\n\r\n";
  ASSERT_EQ(exact.size(), 1024u);
  EXPECT_EQ(header_block_size(exact, 1024), 1024u);
}

TEST(HttpRequestReader, ConnectionClosedMidHeaderIsAPartialMessage) {
  HttpServerOptions options;
  HttpRequestParser parser;
  apply_request_limits(parser, options);
  boost::asio::io_context ioc;
  boost::beast::test::stream server(ioc), client(ioc);
  server.connect(client);
  boost::beast::flat_buffer buffer(read_buffer_limit(options));
  std::optional<boost::beast::error_code> result;
  async_read_request_header(server, buffer, parser, options,
                            [&](boost::beast::error_code ec) { result = ec; });
  boost::asio::write(client, boost::asio::buffer(std::string_view("GET / HTTP/1.1\r\nHo")));
  client.close();
  ioc.run();
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, http::error::partial_message);
  EXPECT_EQ(read_error_status(*result), 400);

  // Nothing sent before the close: the keep-alive connection just ends.
  EXPECT_EQ(header_read_error(boost::asio::error::eof, boost::beast::flat_buffer()),
            http::error::end_of_stream);
}

TEST(HttpRequestReader, ChunkLineLongerThanTheReadBufferIs431) {
  // Beast 1.74 buffers a chunk-size line, extensions included, until it ends.
  HttpServerOptions options;
  options.header_limit = 1024;
  HttpRequestParser parser;
  apply_request_limits(parser, options);
  std::string raw = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;";
  raw += std::string(read_buffer_limit(options) + 10, 'e');
  raw += "\r\na\r\n0\r\n\r\n";
  boost::asio::io_context ioc;
  boost::beast::test::stream server(ioc), client(ioc);
  server.connect(client);
  boost::asio::write(client, boost::asio::buffer(raw));
  client.close();
  boost::beast::flat_buffer buffer(read_buffer_limit(options));
  boost::beast::error_code ec;
  read_request_header(server, buffer, parser, options, ec);
  ASSERT_FALSE(ec) << ec.message();
  http::read(server, buffer, parser, ec);
  EXPECT_EQ(ec, http::error::buffer_overflow);
  EXPECT_EQ(read_error_status(ec), 431);
}

TEST(HttpRequestReader, ReadErrorsGetTheServersAnswer) {
  EXPECT_EQ(read_error_status(http::error::bad_method), 400);
  EXPECT_EQ(read_error_status(http::error::partial_message), 400);
  EXPECT_EQ(read_error_status(http::error::bad_chunk), 400);
  // The client went away or was too slow: the connection just closes.
  EXPECT_EQ(read_error_status(http::error::end_of_stream), 0);
  EXPECT_EQ(read_error_status(boost::asio::error::eof), 0);
  EXPECT_EQ(read_error_status(boost::asio::error::connection_reset), 0);
  EXPECT_EQ(read_error_status(boost::asio::error::operation_aborted), 0);
  EXPECT_EQ(read_error_status(boost::beast::error::timeout), 0);
  EXPECT_EQ(read_error_status(http::error::buffer_overflow), 431);
}

}  // namespace
}  // namespace rolecall
