#include "tests/support/fake_http_server.hpp"

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

namespace rolecall::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

constexpr std::size_t kBodyLimit = 64 * 1024 * 1024;

}  // namespace

struct FakeHttpServer::Impl {
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;
  unsigned short port = 0;

  mutable std::mutex mu;
  mutable std::condition_variable cv;
  std::vector<RecordedRequest> requests;
  std::deque<FakeReply> scripted;
  Handler handler;

  // Records the request and picks its reply in one step, so replies are
  // consumed in the order requests are recorded, and a test waiting on the
  // count sees the request even while the handler runs or the reply waits.
  FakeReply record_and_reply(const RecordedRequest& r) {
    Handler h;
    std::optional<FakeReply> scripted_reply;
    {
      std::lock_guard lock(mu);
      requests.push_back(r);
      if (!scripted.empty()) {
        scripted_reply = std::move(scripted.front());
        scripted.pop_front();
      } else {
        h = handler;
      }
    }
    cv.notify_all();
    if (scripted_reply) return std::move(*scripted_reply);
    if (h) return h(r);
    FakeReply reply;
    reply.body = R"({"ok":true})";
    return reply;
  }

  void accept();
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, FakeHttpServer::Impl* server)
      : stream_(std::move(socket)), timer_(stream_.get_executor()), server_(server) {}

  void start() { read(); }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(kBodyLimit);
    buffer_.consume(0);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) return close();  // EOF, reset or garbage: the connection is done
    auto req = parser_->release();
    keep_alive_ = req.keep_alive();

    RecordedRequest rec;
    rec.method = std::string(req.method_string());
    rec.target = std::string(req.target());
    for (const auto& field : req) {
      std::string name = lower(std::string(field.name_string()));
      auto [it, inserted] = rec.headers.emplace(name, std::string(field.value()));
      if (!inserted) it->second += ", " + std::string(field.value());
    }
    rec.body = std::move(req.body());
    rec.received_at = std::chrono::steady_clock::now();

    FakeReply reply = server_->record_and_reply(rec);

    if (reply.close_without_reply) return close();
    if (reply.delay.count() > 0) {
      timer_.expires_after(reply.delay);
      timer_.async_wait(
          [self = shared_from_this(), reply = std::move(reply)](beast::error_code wait_ec) mutable {
            if (wait_ec) return self->close();
            self->write(std::move(reply));
          });
      return;
    }
    write(std::move(reply));
  }

  void write(FakeReply reply) {
    response_.emplace();
    auto& res = *response_;
    res.version(11);
    res.result(static_cast<unsigned>(reply.status));
    bool has_type = false;
    for (const auto& [name, value] : reply.headers) {
      if (lower(name) == "content-type") has_type = true;
      res.set(name, value);
    }
    if (!has_type) res.set(http::field::content_type, "application/json");
    res.body() = std::move(reply.body);
    res.keep_alive(keep_alive_);
    res.prepare_payload();
    http::async_write(stream_, res, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec || !self->keep_alive_) return self->close();
      self->read();
    });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  asio::steady_timer timer_;
  FakeHttpServer::Impl* server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  bool keep_alive_ = true;
};

}  // namespace

void FakeHttpServer::Impl::accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (!ec) std::make_shared<Session>(std::move(socket), this)->start();
    accept();
  });
}

FakeHttpServer::FakeHttpServer() : impl_(std::make_shared<Impl>()) {
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen(asio::socket_base::max_listen_connections);
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->accept();
  // Two threads so a slow handler on one connection does not stall another.
  for (int i = 0; i < 2; ++i)
    impl_->threads.emplace_back([impl = impl_.get()] { impl->ioc.run(); });
}

FakeHttpServer::~FakeHttpServer() {
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
  // Sessions still referenced by abandoned handlers are destroyed with the
  // io_context, closing their sockets.
}

unsigned short FakeHttpServer::port() const { return impl_->port; }

std::string FakeHttpServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + "/";
}

void FakeHttpServer::set_handler(Handler handler) {
  std::lock_guard lock(impl_->mu);
  impl_->handler = std::move(handler);
}

void FakeHttpServer::push_reply(FakeReply reply) {
  std::lock_guard lock(impl_->mu);
  impl_->scripted.push_back(std::move(reply));
}

std::vector<RecordedRequest> FakeHttpServer::requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->requests;
}

std::size_t FakeHttpServer::request_count() const {
  std::lock_guard lock(impl_->mu);
  return impl_->requests.size();
}

bool FakeHttpServer::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mu);
  return impl_->cv.wait_for(lock, timeout, [&] { return impl_->requests.size() >= n; });
}

void FakeHttpServer::clear() {
  std::lock_guard lock(impl_->mu);
  impl_->requests.clear();
  impl_->scripted.clear();
}

}  // namespace rolecall::testing
