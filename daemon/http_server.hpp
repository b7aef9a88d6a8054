#pragma once
// The inbound HTTP/1.1 server (Boost.Beast). It owns sockets, limits and
// timeouts; everything above it sees HttpRequest/HttpResponse values.
//
// Contract:
// - keep-alive; a body over `body_limit` gets 413, headers over
//   `header_limit` get 431, unparsable requests 400; then the connection closes.
// - every read has a deadline (`read_timeout`): a slow or idle client cannot
//   hold a connection; an idle keep-alive connection is closed after
//   `idle_timeout`.
// - the handler runs on an io_context worker thread and must not throw
//   (an escaping exception becomes a 500 and a log line).
// - stop(): stops accepting, closes idle connections, lets requests in flight
//   finish and answers them with "Connection: close". Thread-safe.
// - a failed accept() (mostly EMFILE/ENFILE: out of file descriptors) is
//   retried after a pause, 10 ms doubling up to 1 s and back to none after the
//   next accepted connection; never at once, which spun a core. It is logged
//   at most once per 5 s (with the number of failures not logged since), the
//   end of such a spell once, and each failure counts in
//   `rolecall_http_accept_errors_total` when `metrics` is set.
// - at most `max_connections` connections are open at once. One accepted
//   beyond that is refused at once on the accepting thread: what the client
//   already sent is read and dropped (no parsing, no handler), a fixed
//   "503 Service Unavailable" with "Retry-After: 1" and "Connection: close"
//   is written without waiting, and the socket is closed. A client that sends
//   its request later may see the connection reset instead of the 503. Each
//   refusal counts in `rolecall_http_connections_refused_total`; a warning
//   is logged at most once per 5 s; `rolecall_http_connections_open` is the
//   number open. Connections under the limit are served as usual.

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "adapters/common/http_message.hpp"

namespace rolecall {

class Metrics;

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;  // 0 = any free port (tests)
  std::size_t body_limit = 1024 * 1024;
  std::size_t header_limit = 8 * 1024;
  std::chrono::milliseconds read_timeout{10000};
  std::chrono::milliseconds idle_timeout{30000};
  // True when one thread runs the io_context: connections then need no
  // strand, whose bookkeeping is a measurable share of a small request.
  bool single_thread = false;
  // Open connections at most (see above); 0 = no limit.
  std::size_t max_connections = 1024;
  // Where failed accepts, refused and open connections are counted; may be
  // null. Must outlive the server.
  Metrics* metrics = nullptr;
};

class HttpSession;

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  // Binds and listens immediately; throws boost::system::system_error when
  // the address cannot be bound (a start-up error).
  HttpServer(boost::asio::io_context& ioc, HttpServerOptions options, Handler handler);
  ~HttpServer();

  unsigned short port() const noexcept { return port_; }
  void start();
  void stop();
  std::size_t open_connections() const;
  // Connections refused over max_connections since start.
  std::uint64_t refused_connections() const noexcept { return refused_.load(); }

 private:
  friend class HttpSession;
  void do_accept();
  void on_accept_error(const boost::system::error_code& ec);
  void refuse(boost::asio::ip::tcp::socket& socket);
  void add(const std::shared_ptr<HttpSession>& s);
  void remove(HttpSession* s);

  boost::asio::io_context& ioc_;
  HttpServerOptions options_;
  Handler handler_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  // Accept backoff state; used only on the acceptor's executor.
  boost::asio::steady_timer accept_retry_;
  std::chrono::milliseconds accept_backoff_{0};
  std::uint64_t failed_accepts_ = 0;          // since the last accepted connection
  std::uint64_t unlogged_accept_errors_ = 0;  // since the last log line about them
  bool accept_errors_logged_ = false;         // a line was written during this spell
  std::chrono::steady_clock::time_point last_accept_log_{};
  // Refusals over max_connections; the log state is used on the acceptor's executor.
  std::atomic<std::uint64_t> refused_{0};
  std::uint64_t unlogged_refusals_ = 0;
  std::chrono::steady_clock::time_point last_refusal_log_{};
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  // Open sessions by address. A session removes itself when it closes; one
  // that dies without closing (the io_context destroyed at exit) leaves an
  // expired entry behind, which a new session at the same address replaces.
  std::unordered_map<HttpSession*, std::weak_ptr<HttpSession>> sessions_;
};

}  // namespace rolecall
