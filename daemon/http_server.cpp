#include "daemon/http_server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>
#include <cstdio>
#include <optional>
#include <string_view>
#include <vector>

#include "daemon/http_request_reader.hpp"
#include "daemon/metrics.hpp"

namespace rolecall {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string next_request_id() {
  static std::atomic<std::uint64_t> counter{0};
  // A per-process random-ish prefix keeps ids unique across restarts in logs.
  static const std::uint64_t prefix =
      static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) &
      0xffffff;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%06llx-%llu", static_cast<unsigned long long>(prefix),
                static_cast<unsigned long long>(++counter));
  return buf;
}

// accept() fails mostly when a resource has run out: file descriptors
// (EMFILE, ENFILE) or kernel memory (ENOBUFS, ENOMEM). The connection then
// stays in the listen backlog, the socket stays readable, and a retry at once
// fails at once: that loop used a whole core and wrote tens of MB/s of log
// (issue 13). Other errors are rare (Asio already retries ECONNABORTED), and
// pausing 10 ms after one of them costs nothing, so every failure waits.
constexpr std::chrono::milliseconds kAcceptBackoffFirst{10};
constexpr std::chrono::milliseconds kAcceptBackoffMax{1000};
constexpr std::chrono::seconds kAcceptLogInterval{5};

// The answer to a connection over server.max_connections: written in one
// non-blocking send on a fresh socket (its send buffer is empty, so it fits).
constexpr std::string_view kRefusal =
    "HTTP/1.1 503 Service Unavailable\r\n"
    "Server: rolecall\r\n"
    "Content-Type: application/json\r\n"
    "Retry-After: 1\r\n"
    "Content-Length: 32\r\n"
    "Connection: close\r\n"
    "\r\n"
    R"({"error":"too many connections"})";
static_assert(std::string_view(R"({"error":"too many connections"})").size() == 32);

// Large enough for a typical webhook request (headers + body) in one read;
// bigger bodies grow the buffer as Beast needs.
constexpr std::size_t kReadBufferBytes = 4096;

bool is_header_safe(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (c == '\r' || c == '\n') return false;
  return true;
}

// Status line and headers, written by hand: every response here is built
// once and small, and Beast's fields container allocates per header. Extra
// headers come from our own handlers; one with CR or LF (header injection)
// is dropped with an error log rather than sent.
std::string serialize_head(const HttpResponse& out, bool keep_alive, unsigned version) {
  std::string head;
  head.reserve(128 + out.content_type.size() + out.headers.size() * 64);
  head += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  head += std::to_string(out.status);
  head += ' ';
  const auto reason = http::obsolete_reason(static_cast<http::status>(out.status));
  head.append(reason.data(), reason.size());
  head += "\r\nServer: rolecall\r\nContent-Type: ";
  head += is_header_safe(out.content_type) ? out.content_type : "application/octet-stream";
  head += "\r\n";
  for (const auto& [name, value] : out.headers) {
    if (!is_header_safe(name) || (!value.empty() && !is_header_safe(value)) ||
        name.find(':') != std::string::npos) {
      spdlog::error("http: dropping response header \"{}\" with a forbidden character", name);
      continue;
    }
    head += name;
    head += ": ";
    head += value;
    head += "\r\n";
  }
  head += "Content-Length: ";
  head += std::to_string(out.body.size());
  head += "\r\n";
  if (!keep_alive && version != 10) head += "Connection: close\r\n";
  if (keep_alive && version == 10) head += "Connection: keep-alive\r\n";
  head += "\r\n";
  return head;
}

HttpResponse plain_error(int status, std::string_view message) {
  return HttpResponse::json(status, std::string(R"({"error":")") + std::string(message) + "\"}");
}

}  // namespace

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket&& socket, HttpServer& server)
      : stream_(std::move(socket)), server_(server), buffer_(read_buffer_limit(server.options_)) {
    // Once per connection: getpeername is a syscall, and every request logs it.
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    peer_ = ec ? std::string("?") : ep.address().to_string();
    // Beast reads at most max(512, free capacity) bytes at a time: without
    // room up front a typical signed Slack request takes two recv calls.
    buffer_.reserve(kReadBufferBytes);
  }

  void run() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
  }

  // Called from any thread during shutdown.
  void shutdown() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->closing_ = true;
      if (!self->busy_) self->close();
    });
  }

 private:
  void do_read() {
    if (closing_) return close();
    parser_.emplace();
    apply_request_limits(*parser_, server_.options_);
    // The first byte of a new request may take idle_timeout; the rest of it read_timeout.
    stream_.expires_after(first_request_ ? server_.options_.read_timeout
                                         : server_.options_.idle_timeout);
    busy_ = false;
    // Not http::async_read_header: see http_request_reader.hpp (Beast 1.74
    // does not hold a header sent in pieces to header_limit).
    async_read_request_header(
        stream_, buffer_, *parser_, server_.options_,
        [self = shared_from_this()](beast::error_code ec) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    busy_ = true;
    stream_.expires_after(server_.options_.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
  }

  void on_read_error(beast::error_code ec) {
    const int status = read_error_status(ec);
    if (status == 0) {
      if (ec == beast::error::timeout && busy_) {
        spdlog::info("http: read timeout from {}, closing", peer());
      }
      return close();
    }
    if (status == 413) {
      spdlog::warn("http: body over {} bytes from {}: 413", server_.options_.body_limit, peer());
      return write_error(413, "request body too large");
    }
    if (status == 431) {
      spdlog::warn("http: headers over {} bytes from {}: 431", server_.options_.header_limit,
                   peer());
      return write_error(431, "request headers too large");
    }
    spdlog::warn("http: bad request from {}: {}: 400", peer(), ec.message());
    write_error(400, "bad request");
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    first_request_ = false;
    auto& req = parser_->get();
    HttpRequest in = to_http_request(req);
    in.peer_address = peer();
    in.request_id = next_request_id();
    HttpResponse out;
    try {
      out = server_.handler_(in);
    } catch (const std::exception& e) {
      spdlog::error("http: handler failed for {} {} (request {}): {}", in.method, in.target,
                    in.request_id, e.what());
      out = plain_error(500, "internal error");
    }
    bool keep_alive = req.keep_alive() && !closing_ && !server_.stopping_;
    // The reply is sent after the other connections that are ready now
    // have been read and handled: replies then leave in a burst, and the
    // client's side is woken once for several of them instead of once each.
    // Waking a sleeping reader costs the sender an interrupt round trip,
    // which on a paravirtualised VM was a fifth of a small request's CPU
    // (bench/RESULTS.md: +20 % requests/s, lower p99).
    prepare(std::move(out), keep_alive, req.version());
    asio::post(stream_.get_executor(),
               [self = shared_from_this(), keep_alive] { self->send(keep_alive); });
  }

  void write_error(int status, std::string_view message) {
    write(plain_error(status, message), false, 11);
  }

  void write(HttpResponse out, bool keep_alive, unsigned version) {
    prepare(std::move(out), keep_alive, version);
    send(keep_alive);
  }

  void prepare(HttpResponse out, bool keep_alive, unsigned version) {
    out_head_ = serialize_head(out, keep_alive, version);
    out_body_ = std::move(out.body);
    busy_ = true;  // until the reply is written: shutdown() must not close under it
  }

  void send(bool keep_alive) {
    stream_.expires_after(server_.options_.read_timeout);
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(out_head_),
                                                    asio::buffer(out_body_)};
    asio::async_write(stream_, buffers,
                      [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                        self->busy_ = false;
                        if (ec) return self->close();
                        if (!keep_alive) return self->linger_close();
                        self->do_read();
                      });
  }

  const std::string& peer() const { return peer_; }

  // After refusing a request whose body is still arriving (413, 400), closing
  // at once makes the kernel reset the connection over the unread bytes, and
  // the client loses our answer. So: stop sending, drain what the client
  // still sends for a short while, then close.
  void linger_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(std::chrono::seconds(2));
    drain();
  }
  void drain() {
    drain_buffer_.resize(16 * 1024);
    stream_.async_read_some(asio::buffer(drain_buffer_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->close();
                              self->drain();
                            });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
    server_.remove(this);
  }

  beast::tcp_stream stream_;
  HttpServer& server_;
  beast::flat_buffer buffer_;
  std::string out_head_, out_body_;  // the response being written (one at a time)
  std::optional<HttpRequestParser> parser_;
  std::string peer_;
  std::vector<char> drain_buffer_;
  bool first_request_ = true;
  bool busy_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

HttpServer::HttpServer(asio::io_context& ioc, HttpServerOptions options, Handler handler)
    : ioc_(ioc),
      options_(std::move(options)),
      handler_(std::move(handler)),
      acceptor_(asio::make_strand(ioc)),
      accept_retry_(acceptor_.get_executor()) {
  tcp::endpoint endpoint(asio::ip::make_address(options_.address), options_.port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
  if (options_.metrics && options_.max_connections > 0) {
    options_.metrics->set("rolecall_http_connections_max", {},
                          static_cast<double>(options_.max_connections));
  }
}

HttpServer::~HttpServer() = default;

void HttpServer::start() { do_accept(); }

void HttpServer::do_accept() {
  const asio::any_io_executor executor = options_.single_thread
                                             ? asio::any_io_executor(ioc_.get_executor())
                                             : asio::any_io_executor(asio::make_strand(ioc_));
  acceptor_.async_accept(executor, [this](beast::error_code ec, tcp::socket s) {
    if (stopping_) return;
    if (ec == asio::error::operation_aborted) return do_accept();
    if (ec) return on_accept_error(ec);
    if (failed_accepts_ > 0) {
      if (accept_errors_logged_) {
        spdlog::info("http: accepting connections again after {} failed accepts", failed_accepts_);
      }
      failed_accepts_ = 0;
      accept_backoff_ = std::chrono::milliseconds{0};
      accept_errors_logged_ = false;
    }
    if (options_.max_connections > 0 && open_connections() >= options_.max_connections) {
      refuse(s);
      return do_accept();
    }
    auto session = std::make_shared<HttpSession>(std::move(s), *this);
    add(session);
    session->run();
    do_accept();
  });
}

// Runs on the acceptor's executor, like the accept handler and the timer's.
void HttpServer::on_accept_error(const beast::error_code& ec) {
  ++failed_accepts_;
  if (options_.metrics) options_.metrics->inc("rolecall_http_accept_errors");
  accept_backoff_ = accept_backoff_.count() == 0 ? kAcceptBackoffFirst
                                                 : std::min(accept_backoff_ * 2, kAcceptBackoffMax);
  // One line per interval at most, also when short spells come and go: the
  // end of a spell is logged only when its start was.
  const auto now = std::chrono::steady_clock::now();
  if (last_accept_log_ == std::chrono::steady_clock::time_point{} ||
      now - last_accept_log_ >= kAcceptLogInterval) {
    if (unlogged_accept_errors_ == 0) {
      spdlog::warn("http: accept: {}; retrying in {} ms", ec.message(), accept_backoff_.count());
    } else {
      spdlog::warn(
          "http: accept: {} ({} more failed accepts since the last report); retrying in {} ms",
          ec.message(), unlogged_accept_errors_, accept_backoff_.count());
    }
    last_accept_log_ = now;
    unlogged_accept_errors_ = 0;
    accept_errors_logged_ = true;
  } else {
    ++unlogged_accept_errors_;
  }
  accept_retry_.expires_after(accept_backoff_);
  accept_retry_.async_wait([this](beast::error_code wait_ec) {
    if (wait_ec || stopping_) return;
    do_accept();
  });
}

// Runs on the acceptor's executor. Nothing here waits: the connection costs
// no more than the accept that made it, however many arrive.
void HttpServer::refuse(tcp::socket& socket) {
  beast::error_code ec;
  socket.non_blocking(true, ec);
  // Closing a socket with unread bytes makes the kernel answer with a reset,
  // which can overtake the 503 on its way to the client: read and drop what
  // has already arrived (a typical request is one segment).
  std::array<char, 4096> sink;
  for (int i = 0; i < 4 && !ec; ++i) socket.read_some(asio::buffer(sink), ec);
  ec = {};
  socket.write_some(asio::buffer(kRefusal.data(), kRefusal.size()), ec);
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);

  ++refused_;
  if (options_.metrics) options_.metrics->inc("rolecall_http_connections_refused");
  const auto now = std::chrono::steady_clock::now();
  if (last_refusal_log_ == std::chrono::steady_clock::time_point{} ||
      now - last_refusal_log_ >= kAcceptLogInterval) {
    spdlog::warn(
        "http: {} connections open, the most server.max_connections allows; refusing new ones "
        "with 503 ({} refused since the last report)",
        open_connections(), unlogged_refusals_ + 1);
    last_refusal_log_ = now;
    unlogged_refusals_ = 0;
  } else {
    ++unlogged_refusals_;
  }
}

void HttpServer::stop() {
  if (stopping_.exchange(true)) return;
  asio::post(acceptor_.get_executor(), [this] {
    beast::error_code ec;
    acceptor_.close(ec);
    accept_retry_.cancel();
  });
  std::vector<std::shared_ptr<HttpSession>> live;
  {
    std::lock_guard lock(mutex_);
    for (auto& [address, w] : sessions_)
      if (auto s = w.lock()) live.push_back(std::move(s));
  }
  for (auto& s : live) s->shutdown();
}

std::size_t HttpServer::open_connections() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

// The gauge is set under the same lock as the map changes, so concurrent
// opens and closes cannot leave it at a stale value.
void HttpServer::add(const std::shared_ptr<HttpSession>& s) {
  std::lock_guard lock(mutex_);
  sessions_[s.get()] = s;
  if (options_.metrics) {
    options_.metrics->set("rolecall_http_connections_open", {},
                          static_cast<double>(sessions_.size()));
  }
}

void HttpServer::remove(HttpSession* s) {
  std::lock_guard lock(mutex_);
  sessions_.erase(s);
  if (options_.metrics) {
    options_.metrics->set("rolecall_http_connections_open", {},
                          static_cast<double>(sessions_.size()));
  }
}

}  // namespace rolecall
