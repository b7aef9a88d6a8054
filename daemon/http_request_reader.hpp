#pragma once
// The socket-free half of reading a request in HttpServer: Beast's parser set
// up with the server's limits, and the conversion of a parsed request into the
// adapters' HttpRequest. HttpSession uses exactly these, and so does the
// fuzz target tests/fuzz/http_request.cpp, so hostile bytes meet the same
// parser settings there as on a connection.
//
// Pure; thread-safe (no shared state); never throw apart from std::bad_alloc.

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "adapters/common/http_message.hpp"
#include "daemon/http_server.hpp"

namespace rolecall {

using HttpRequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// A fresh parser (one per request on a keep-alive connection) with the body
// and header limits of `options`: a longer body fails with
// http::error::body_limit (413), longer headers with http::error::header_limit (431).
void apply_request_limits(HttpRequestParser& parser, const HttpServerOptions& options);

// The status HttpServer answers when reading a request fails with `ec`: 413
// for a body over the limit, 431 for headers over the limit, 400 for anything
// else the parser refuses (including a request cut short); 0 when the
// connection is simply closed without an answer (the client went away
// between requests, the read timed out, the server is shutting down).
int read_error_status(const boost::beast::error_code& ec);

// The parsed request as adapters see it: method and target verbatim, header
// names lower-cased (a repeated header's values joined with ", ", in order),
// the body moved out of `request`. peer_address and request_id are left empty.
HttpRequest to_http_request(boost::beast::http::request<boost::beast::http::string_body>& request);

}  // namespace rolecall
