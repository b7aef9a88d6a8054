#include "tests/support/fake_socket_mode_server.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace rolecall::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using nlohmann::json;
using Clock = FakeSocketModeServer::Clock;

namespace {

class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  explicit SessionBase(int id) : id_(id) {}
  virtual ~SessionBase() = default;
  virtual void start() = 0;
  // All of these run on the server's thread.
  virtual void write(std::string text) = 0;
  virtual void close_frame() = 0;
  virtual void drop() = 0;
  virtual void mute() = 0;
  int id() const { return id_; }

 private:
  int id_;
};

}  // namespace

// Sessions and handlers refer to the Impl by plain pointer: it outlives the
// server thread, which is joined before it goes, and the handlers still
// queued then are only destroyed (with `ioc`), never run.
struct FakeSocketModeServer::Impl {
  Options options;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::optional<ssl::context> tls;
  std::thread thread;
  unsigned short port = 0;
  asio::steady_timer sweeper{ioc};

  mutable std::mutex mu;
  mutable std::condition_variable cv;
  std::vector<Connection> connections;                   // id - 1
  std::map<int, std::shared_ptr<SessionBase>> sessions;  // open ones
  struct Pending {
    json envelope;
    int attempt = 0;
    int connection = 0;
    Clock::time_point sent_at{};
  };
  std::map<std::string, Pending> pending;  // unacknowledged, by envelope id
  std::deque<json> waiting;                // no open connection yet
  std::map<std::string, Clock::time_point> last_delivery;
  std::vector<Ack> acks;
  std::vector<Delivery> deliveries;
  std::map<int, std::vector<std::string>> frames;
  std::size_t pings = 0;
  std::size_t round_robin = 0;
  bool hold = false;

  void accept();
  void sweep();

  // Under mu. The open connection to use: `wanted` when open, else round
  // robin over open ones not told to disconnect (any open one when all
  // were). 0 when none is open.
  int choose(int wanted) {
    if (wanted != 0) {
      return sessions.count(wanted) && connections[wanted - 1].open ? wanted : 0;
    }
    std::vector<int> good, any;
    for (const auto& [id, s] : sessions) {
      const auto& c = connections[id - 1];
      if (!c.open || c.muted || !c.hello_sent) continue;
      any.push_back(id);
      if (!c.told_to_disconnect) good.push_back(id);
    }
    const auto& from = good.empty() ? any : good;
    if (from.empty()) return 0;
    return from[round_robin++ % from.size()];
  }

  // Under mu: sends `envelope` on `connection` and tracks it.
  void send_envelope(json envelope, int connection, int attempt) {
    const std::string id = envelope.value("envelope_id", "");
    envelope["retry_attempt"] = attempt;
    if (attempt > 0) envelope["retry_reason"] = "timeout";
    const auto now = Clock::now();
    pending[id] = Pending{envelope, attempt, connection, now};
    last_delivery[id] = now;
    deliveries.push_back({id, envelope.value("type", ""), attempt, connection, now});
    auto session = sessions.at(connection);
    asio::post(ioc,
               [session, text = envelope.dump()]() mutable { session->write(std::move(text)); });
  }

  // Under mu: delivers again whatever went to `connection` and is unacked.
  void redeliver_from(int connection) {
    std::vector<std::pair<std::string, Pending>> again;
    for (auto& [id, p] : pending)
      if (p.connection == connection) again.emplace_back(id, p);
    for (auto& [id, p] : again) {
      pending.erase(id);
      const int to = choose(0);
      if (to == 0) {
        json envelope = p.envelope;
        envelope["retry_attempt"] = p.attempt;  // bumped when sent
        waiting.push_back(std::move(envelope));
      } else {
        send_envelope(p.envelope, to, p.attempt + 1);
      }
    }
  }

  void opened(int id, const std::shared_ptr<SessionBase>& session, std::string target) {
    std::lock_guard lock(mu);
    auto& c = connections[id - 1];
    c.open = true;
    c.target = std::move(target);
    c.opened_at = Clock::now();
    sessions[id] = session;
    if (options.send_hello && !hold) greet(id);
    cv.notify_all();
  }

  // Under mu: hello, then whatever waited for a connection.
  void greet(int id) {
    auto& c = connections[id - 1];
    if (!c.open || c.hello_sent) return;
    c.hello_sent = true;
    auto session = sessions.at(id);
    json hello = {{"type", "hello"},
                  {"num_connections", static_cast<int>(sessions.size())},
                  {"debug_info",
                   {{"host", "applink-fake-" + std::to_string(id)},
                    {"build_number", 10},
                    {"approximate_connection_time", 18060}}},
                  {"connection_info", {{"app_id", "A0APP0001"}}}};
    asio::post(ioc, [session, text = hello.dump()]() mutable { session->write(std::move(text)); });
    while (!waiting.empty()) {
      json envelope = std::move(waiting.front());
      waiting.pop_front();
      const int attempt = envelope.value("retry_attempt", 0);
      const bool redelivery = last_delivery.count(envelope.value("envelope_id", ""));
      send_envelope(std::move(envelope), id, redelivery ? attempt + 1 : attempt);
    }
  }

  void received(int id, const std::string& text) {
    std::lock_guard lock(mu);
    frames[id].push_back(text);
    json frame = json::parse(text, nullptr, false);
    if (frame.is_object() && frame.contains("envelope_id") && frame["envelope_id"].is_string()) {
      const std::string envelope_id = frame["envelope_id"];
      Ack ack{envelope_id, id, frame, Clock::now(), {}};
      if (auto it = last_delivery.find(envelope_id); it != last_delivery.end()) {
        ack.delivered_at = it->second;
      }
      acks.push_back(std::move(ack));
      pending.erase(envelope_id);
    }
    cv.notify_all();
  }

  void ping_seen() {
    std::lock_guard lock(mu);
    ++pings;
    cv.notify_all();
  }

  void ended(int id, bool by_client) {
    std::lock_guard lock(mu);
    auto& c = connections[id - 1];
    if (!c.open && c.closed_at != Clock::time_point{}) return;
    c.open = false;
    c.closed_by_client = c.closed_by_client || by_client;
    c.closed_at = Clock::now();
    sessions.erase(id);
    if (options.redeliver_on_close) redeliver_from(id);
    cv.notify_all();
  }

  std::shared_ptr<SessionBase> session(int id) {
    std::lock_guard lock(mu);
    auto it = sessions.find(id);
    return it == sessions.end() ? nullptr : it->second;
  }
};

namespace {

template <class NextLayer>
class Session final : public SessionBase {
  static constexpr bool kTls = !std::is_same_v<NextLayer, beast::tcp_stream>;

 public:
  template <class... Args>
  Session(int id, FakeSocketModeServer::Impl* server, Args&&... args)
      : SessionBase(id), server_(server), ws_(std::forward<Args>(args)...) {}

  void start() override {
    if constexpr (kTls) {
      ws_.next_layer().async_handshake(ssl::stream_base::server,
                                       [self = shared()](const error_code& ec) {
                                         if (ec) return self->end(false);
                                         self->read_request();
                                       });
    } else {
      read_request();
    }
  }

  void write(std::string text) override {
    if (ended_ || muted_ || closing_) return;
    queue_.push_back(std::move(text));
    if (!writing_) write_next();
  }

  void close_frame() override {
    if (ended_ || closing_) return;
    closing_ = true;
    ws_.async_close(websocket::close_code::normal, [self = shared()](const error_code&) {});
  }

  void drop() override {
    if (ended_) return;
    error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).close();
    end(false);
  }

  void mute() override {
    if (ended_ || muted_) return;
    muted_ = true;
    // Stop reading for good, so nothing answers the client's pings any more,
    // and keep the TCP connection open: the client has to notice by itself.
    // A cancel alone is not enough: a read whose bytes had already arrived
    // survives it, answers the ping and reads on. After SHUT_RD every read
    // ends at once, so at most one more pong leaves.
    error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_receive, ignored);
    beast::get_lowest_layer(ws_).cancel();
  }

 private:
  std::shared_ptr<Session> shared() {
    return std::static_pointer_cast<Session>(shared_from_this());
  }

  void read_request() {
    http::async_read(ws_.next_layer(), buffer_, request_,
                     [self = shared()](const error_code& ec, std::size_t) {
                       if (ec) return self->end(false);
                       self->accept();
                     });
  }

  void accept() {
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::ping) server_->ping_seen();
    });
    ws_.async_accept(request_, [self = shared()](const error_code& ec) {
      if (ec) return self->end(false);
      self->server_->opened(self->id(), self->shared_from_this(),
                            std::string(self->request_.target()));
      self->read();
    });
  }

  void read() {
    ws_.async_read(buffer_, [self = shared()](const error_code& ec, std::size_t) {
      if (ec) {
        if (self->muted_) return;  // silent until the server closes it
        return self->end(ec == websocket::error::closed);
      }
      const auto data = self->buffer_.cdata();
      self->server_->received(self->id(),
                              std::string(static_cast<const char*>(data.data()), data.size()));
      self->buffer_.consume(self->buffer_.size());
      self->read();
    });
  }

  void write_next() {
    if (queue_.empty() || ended_ || muted_) {
      writing_ = false;
      return;
    }
    writing_ = true;
    ws_.async_write(asio::buffer(queue_.front()),
                    [self = shared()](const error_code& ec, std::size_t) {
                      if (ec) {
                        self->writing_ = false;
                        return;  // the read side notices the end
                      }
                      self->queue_.pop_front();
                      self->write_next();
                    });
  }

  void end(bool by_client) {
    if (ended_) return;
    ended_ = true;
    error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    server_->ended(id(), by_client);
  }

  FakeSocketModeServer::Impl* server_;
  websocket::stream<NextLayer> ws_;
  beast::flat_buffer buffer_;
  http::request<http::empty_body> request_;
  std::deque<std::string> queue_;
  bool writing_ = false;
  bool ended_ = false;
  bool muted_ = false;
  bool closing_ = false;
};

}  // namespace

void FakeSocketModeServer::Impl::accept() {
  acceptor.async_accept([self = this](const error_code& ec, tcp::socket socket) {
    if (ec) return;  // stopped
    int id = 0;
    {
      std::lock_guard lock(self->mu);
      self->connections.push_back(Connection{});
      id = static_cast<int>(self->connections.size());
      self->connections.back().id = id;
    }
    std::shared_ptr<SessionBase> session;
    if (self->tls) {
      session = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
          id, self, std::move(socket), *self->tls);
    } else {
      session = std::make_shared<Session<beast::tcp_stream>>(id, self, std::move(socket));
    }
    session->start();
    self->accept();
  });
}

void FakeSocketModeServer::Impl::sweep() {
  sweeper.expires_after(std::chrono::milliseconds(20));
  sweeper.async_wait([self = this](const error_code& ec) {
    if (ec) return;
    {
      std::lock_guard lock(self->mu);
      const auto now = Clock::now();
      std::vector<std::pair<std::string, Pending>> late;
      for (auto& [id, p] : self->pending)
        if (now - p.sent_at >= self->options.ack_timeout) late.emplace_back(id, p);
      for (auto& [id, p] : late) {
        const int to = self->choose(0);
        if (to != 0) self->send_envelope(p.envelope, to, p.attempt + 1);
      }
    }
    self->sweep();
  });
}

FakeSocketModeServer::FakeSocketModeServer() : FakeSocketModeServer(Options{}) {}

FakeSocketModeServer::FakeSocketModeServer(Options options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  if (!impl_->options.tls_cert_pem.empty()) {
    impl_->tls.emplace(ssl::context::tls_server);
    impl_->tls->use_certificate_chain(
        asio::buffer(impl_->options.tls_cert_pem.data(), impl_->options.tls_cert_pem.size()));
    impl_->tls->use_private_key(
        asio::buffer(impl_->options.tls_key_pem.data(), impl_->options.tls_key_pem.size()),
        ssl::context::pem);
  }
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->accept();
  if (impl_->options.ack_timeout.count() > 0) impl_->sweep();
  impl_->thread = std::thread([impl = impl_.get()] { impl->ioc.run(); });
}

FakeSocketModeServer::~FakeSocketModeServer() {
  asio::post(impl_->ioc, [impl = impl_.get()] {
    error_code ignored;
    impl->acceptor.close(ignored);
    impl->sweeper.cancel();
    std::map<int, std::shared_ptr<SessionBase>> open;
    {
      std::lock_guard lock(impl->mu);
      open = impl->sessions;
    }
    for (auto& [id, s] : open) s->drop();
    impl->ioc.stop();
  });
  impl_->thread.join();
}

unsigned short FakeSocketModeServer::port() const { return impl_->port; }

std::string FakeSocketModeServer::url(const std::string& ticket) const {
  return std::string(impl_->tls ? "wss://localhost:" : "ws://127.0.0.1:") +
         std::to_string(impl_->port) + "/link/?ticket=" + ticket + "&app_id=A0APP0001";
}

std::vector<FakeSocketModeServer::Connection> FakeSocketModeServer::connections() const {
  std::lock_guard lock(impl_->mu);
  return impl_->connections;
}

std::vector<int> FakeSocketModeServer::open_connections() const {
  std::lock_guard lock(impl_->mu);
  std::vector<int> out;
  for (const auto& c : impl_->connections)
    if (c.open) out.push_back(c.id);
  return out;
}

bool FakeSocketModeServer::wait_for_open(std::size_t n, std::chrono::milliseconds timeout) const {
  return wait_until([&] { return open_connections().size() >= n; }, timeout);
}

bool FakeSocketModeServer::wait_until(const std::function<bool()>& condition,
                                      std::chrono::milliseconds timeout) const {
  const auto deadline = Clock::now() + timeout;
  std::unique_lock lock(impl_->mu);
  while (true) {
    lock.unlock();
    if (condition()) return true;
    lock.lock();
    // Woken by every change the server sees; the timeout also covers
    // conditions that depend on the client alone.
    if (impl_->cv.wait_until(lock,
                             std::min(deadline, Clock::now() + std::chrono::milliseconds(50))) ==
            std::cv_status::timeout &&
        Clock::now() >= deadline) {
      lock.unlock();
      return condition();
    }
  }
}

bool FakeSocketModeServer::send(int connection, const std::string& text) {
  auto session = impl_->session(connection);
  if (!session) return false;
  asio::post(impl_->ioc, [session, text] { session->write(text); });
  return true;
}

int FakeSocketModeServer::deliver(const nlohmann::json& envelope, int connection) {
  std::lock_guard lock(impl_->mu);
  const int to = impl_->choose(connection);
  if (to == 0) {
    impl_->waiting.push_back(envelope);
    return 0;
  }
  impl_->send_envelope(envelope, to, envelope.value("retry_attempt", 0));
  return to;
}

bool FakeSocketModeServer::send_disconnect(int connection, const std::string& reason) {
  {
    std::lock_guard lock(impl_->mu);
    if (connection < 1 || connection > static_cast<int>(impl_->connections.size())) return false;
    impl_->connections[connection - 1].told_to_disconnect = true;
  }
  json frame = {
      {"type", "disconnect"}, {"reason", reason}, {"debug_info", {{"host", "applink-fake"}}}};
  return send(connection, frame.dump());
}

void FakeSocketModeServer::hold_hello(bool hold) {
  std::lock_guard lock(impl_->mu);
  impl_->hold = hold;
}

bool FakeSocketModeServer::send_hello(int connection) {
  std::lock_guard lock(impl_->mu);
  if (!impl_->sessions.count(connection)) return false;
  impl_->greet(connection);
  impl_->cv.notify_all();
  return true;
}

bool FakeSocketModeServer::close(int connection) {
  auto session = impl_->session(connection);
  if (!session) return false;
  asio::post(impl_->ioc, [session] { session->close_frame(); });
  return true;
}

bool FakeSocketModeServer::drop(int connection) {
  auto session = impl_->session(connection);
  if (!session) return false;
  asio::post(impl_->ioc, [session] { session->drop(); });
  return true;
}

bool FakeSocketModeServer::mute(int connection) {
  auto session = impl_->session(connection);
  if (!session) return false;
  {
    std::lock_guard lock(impl_->mu);
    impl_->connections[connection - 1].muted = true;
  }
  asio::post(impl_->ioc, [session] { session->mute(); });
  return true;
}

std::vector<std::string> FakeSocketModeServer::frames_from(int connection) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->frames.find(connection);
  return it == impl_->frames.end() ? std::vector<std::string>{} : it->second;
}

std::vector<FakeSocketModeServer::Ack> FakeSocketModeServer::acks() const {
  std::lock_guard lock(impl_->mu);
  return impl_->acks;
}

std::size_t FakeSocketModeServer::ack_count() const {
  std::lock_guard lock(impl_->mu);
  return impl_->acks.size();
}

std::size_t FakeSocketModeServer::pings_received() const {
  std::lock_guard lock(impl_->mu);
  return impl_->pings;
}

std::vector<FakeSocketModeServer::Delivery> FakeSocketModeServer::deliveries() const {
  std::lock_guard lock(impl_->mu);
  return impl_->deliveries;
}

std::vector<std::string> FakeSocketModeServer::unacked() const {
  std::lock_guard lock(impl_->mu);
  std::vector<std::string> out;
  for (const auto& [id, p] : impl_->pending) out.push_back(id);
  for (const auto& e : impl_->waiting) out.push_back(e.value("envelope_id", ""));
  return out;
}

bool FakeSocketModeServer::wait_for_acks(std::size_t n, std::chrono::milliseconds timeout) const {
  return wait_until([&] { return ack_count() >= n; }, timeout);
}

// ---------------------------------------------------------------------------

namespace {

struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertFree {
  void operator()(X509* c) const { X509_free(c); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, CertFree>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test certificate: ") + what);
}

Key make_key() {
  Key key(EVP_EC_gen("P-256"));
  check(key != nullptr, "EC key generation");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr, "extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

Cert make_cert(EVP_PKEY* key, const std::string& common_name, X509* issuer, EVP_PKEY* issuer_key,
               long serial, bool ca, const std::string& alt_names) {
  Cert cert(X509_new());
  check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24L * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("rolecall tests"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509* signer = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  if (ca) {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
  } else {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,digitalSignature");
    add_extension(cert.get(), signer, NID_ext_key_usage, "serverAuth");
    add_extension(cert.get(), signer, NID_subject_alt_name, alt_names.c_str());
  }
  check(X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

template <class Write>
std::string to_pem(Write write) {
  BIO* bio = BIO_new(BIO_s_mem());
  check(bio != nullptr, "BIO_new");
  const bool ok = write(bio);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  check(ok, "PEM encoding");
  return out;
}

}  // namespace

TestCertificates make_test_certificates(const std::string& server_name) {
  Key ca_key = make_key();
  Cert ca = make_cert(ca_key.get(), "rolecall test CA", nullptr, nullptr, 1, true, "");
  Key server_key = make_key();
  Cert server = make_cert(server_key.get(), server_name, ca.get(), ca_key.get(), 2, false,
                          "DNS:" + server_name + ",IP:127.0.0.1");
  TestCertificates out;
  out.ca_pem = to_pem([&](BIO* b) { return PEM_write_bio_X509(b, ca.get()) == 1; });
  out.server_cert_pem =
      to_pem([&](BIO* b) { return PEM_write_bio_X509(b, server.get()) == 1; }) + out.ca_pem;
  out.server_key_pem = to_pem([&](BIO* b) {
    return PEM_write_bio_PrivateKey(b, server_key.get(), nullptr, nullptr, 0, nullptr, nullptr) ==
           1;
  });
  return out;
}

}  // namespace rolecall::testing
