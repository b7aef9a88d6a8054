#include "daemon/http_server.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>
#include <cstdio>
#include <optional>
#include <vector>

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

HttpResponse plain_error(int status, std::string_view message) {
  return HttpResponse::json(status, std::string(R"({"error":")") + std::string(message) + "\"}");
}

}  // namespace

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket&& socket, HttpServer& server)
      : stream_(std::move(socket)), server_(server) {
    // Once per connection: getpeername is a syscall, and every request logs it.
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    peer_ = ec ? std::string("?") : ep.address().to_string();
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
    parser_->body_limit(server_.options_.body_limit);
    parser_->header_limit(static_cast<std::uint32_t>(server_.options_.header_limit));
    // The first byte of a new request may take idle_timeout; the rest of it read_timeout.
    stream_.expires_after(first_request_ ? server_.options_.read_timeout
                                         : server_.options_.idle_timeout);
    busy_ = false;
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&HttpSession::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    busy_ = true;
    stream_.expires_after(server_.options_.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
  }

  void on_read_error(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset) {
      return close();
    }
    if (ec == beast::error::timeout) {
      if (busy_) spdlog::info("http: read timeout from {}, closing", peer());
      return close();
    }
    if (ec == http::error::body_limit) {
      spdlog::warn("http: body over {} bytes from {}: 413", server_.options_.body_limit, peer());
      return write_error(413, "request body too large");
    }
    if (ec == http::error::header_limit) {
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
    HttpRequest in;
    in.method = std::string(req.method_string());
    in.target = std::string(req.target());
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto [it, inserted] = in.headers.emplace(std::move(name), std::string(field.value()));
      if (!inserted) it->second += ", " + std::string(field.value());
    }
    in.body = std::move(req.body());
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
    write(std::move(out), keep_alive, req.version());
  }

  void write_error(int status, std::string_view message) {
    write(plain_error(status, message), false, 11);
  }

  void write(HttpResponse out, bool keep_alive, unsigned version) {
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(out.status), version);
    res->set(http::field::server, "rolecall");
    res->set(http::field::content_type, out.content_type);
    for (auto& [k, v] : out.headers) res->set(k, v);
    res->body() = std::move(out.body);
    res->keep_alive(keep_alive);
    res->prepare_payload();
    busy_ = true;
    stream_.expires_after(server_.options_.read_timeout);
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
                        self->busy_ = false;
                        if (ec) return self->close();
                        if (!res->keep_alive()) return self->linger_close();
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
  std::optional<http::request_parser<http::string_body>> parser_;
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
      acceptor_(asio::make_strand(ioc)) {
  tcp::endpoint endpoint(asio::ip::make_address(options_.address), options_.port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
}

HttpServer::~HttpServer() = default;

void HttpServer::start() { do_accept(); }

void HttpServer::do_accept() {
  acceptor_.async_accept(asio::make_strand(ioc_), [this](beast::error_code ec, tcp::socket s) {
    if (stopping_) return;
    if (ec) {
      if (ec != asio::error::operation_aborted) spdlog::warn("http: accept: {}", ec.message());
    } else {
      auto session = std::make_shared<HttpSession>(std::move(s), *this);
      add(session);
      session->run();
    }
    do_accept();
  });
}

void HttpServer::stop() {
  if (stopping_.exchange(true)) return;
  asio::post(acceptor_.get_executor(), [this] {
    beast::error_code ec;
    acceptor_.close(ec);
  });
  std::vector<std::shared_ptr<HttpSession>> live;
  {
    std::lock_guard lock(mutex_);
    for (auto& w : sessions_)
      if (auto s = w.lock()) live.push_back(std::move(s));
  }
  for (auto& s : live) s->shutdown();
}

std::size_t HttpServer::open_connections() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

void HttpServer::add(const std::shared_ptr<HttpSession>& s) {
  std::lock_guard lock(mutex_);
  sessions_.insert(s);
}

void HttpServer::remove(HttpSession* s) {
  std::lock_guard lock(mutex_);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    auto p = it->lock();
    it = (!p || p.get() == s) ? sessions_.erase(it) : std::next(it);
  }
}

}  // namespace rolecall
