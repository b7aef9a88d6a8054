#include "daemon/slack_socket_mode_client.hpp"

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cmath>
#include <deque>
#include <mutex>
#include <random>
#include <set>
#include <unordered_map>
#include <vector>

#include "daemon/metrics.hpp"

namespace rolecall {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Strand = asio::strand<asio::io_context::executor_type>;
using error_code = boost::system::error_code;

std::chrono::milliseconds socket_mode_backoff(unsigned failures, std::chrono::milliseconds initial,
                                              std::chrono::milliseconds max, double unit_random) {
  if (failures == 0) return std::chrono::milliseconds(0);
  const double ceiling = static_cast<double>(max.count());
  double d = static_cast<double>(initial.count()) * std::pow(2.0, std::min(failures - 1, 30u));
  d = std::min(d, ceiling);
  const double r = std::clamp(unit_random, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(d / 2 + r * d / 2));
}

namespace {

// Why a connection ended without rolecall asking for it (the `reason` label
// of rolecall_slack_socket_reconnects_total). Slack's disconnect reasons are
// used as they come.
constexpr std::string_view kClosed = "closed";                 // close frame or EOF from Slack
constexpr std::string_view kError = "error";                   // the socket failed
constexpr std::string_view kConnectFailed = "connect_failed";  // resolve/TCP/TLS/handshake
constexpr std::string_view kConnectTimeout = "connect_timeout";
constexpr std::string_view kHelloTimeout = "hello_timeout";
constexpr std::string_view kPingTimeout = "ping_timeout";  // no frame after a ping
constexpr std::string_view kOpenFailed = "open_failed";    // apps.connections.open failed

bool known_disconnect_reason(std::string_view r) {
  return r == "refresh_requested" || r == "warning" || r == "link_disabled" ||
         r == "too_many_websockets";
}

}  // namespace

class SocketModeConnection;

class SlackSocketModeClient::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::io_context& ioc, SocketModeClientOptions options, Opener opener, Receiver receiver,
       Metrics* metrics, asio::thread_pool& opener_thread);

  // All of the following run on strand_.
  void start(std::optional<SocketModeUrl> first_url);
  void stop(const std::string& fatal);
  void on_hello(SocketModeConnection& c, const SocketModeHello& hello);
  void on_disconnect(SocketModeConnection& c, const std::string& reason);
  void on_envelope(SocketModeConnection& c, SocketModeEnvelope&& env, Clock::time_point received);
  void on_closed(SocketModeConnection& c, std::string_view reason, const std::string& detail);
  // The io_context no longer runs: drop every connection without callbacks
  // and break the references between the client and its connections.
  void shutdown_now();

  asio::io_context& ioc_;
  Strand strand_;
  SocketModeClientOptions options_;
  ssl::context tls_{ssl::context::tls_client};
  Opener opener_;
  Receiver receiver_;
  Metrics* metrics_;

  std::atomic<bool> idle_{false};
  std::atomic<std::size_t> connected_{0};
  mutable std::mutex fatal_mutex_;
  std::string fatal_error_;

 private:
  struct Slot {
    std::shared_ptr<SocketModeConnection> current;      // serving, or the first connecting
    std::shared_ptr<SocketModeConnection> replacement;  // opened for a refresh, before its hello
    bool opening = false;  // an apps.connections.open call or a retry wait is pending
    unsigned failures = 0;
    std::unique_ptr<asio::steady_timer> retry;
  };

  // One envelope id's handling, so a redelivery is answered with the same
  // ack instead of being handled again.
  struct Handled {
    bool done = false;
    bool ack = false;
    std::string ack_text;  // only when the ack carries a payload; else it is rebuilt
    std::vector<std::weak_ptr<SocketModeConnection>> waiting;  // redeliveries before done
  };

  void schedule_open(std::size_t slot, std::chrono::milliseconds delay, bool replacement);
  void open_now(std::size_t slot, bool replacement);
  void opened(std::size_t slot, bool replacement, ConnectionsOpenResult result);
  void connect(std::size_t slot, bool replacement, SocketModeUrl url);
  void finish_envelope(const std::shared_ptr<SocketModeConnection>& c, const std::string& id,
                       SocketModeEnvelopeType type, Clock::time_point received, SocketModeAck ack);
  void remember(const std::string& id);
  std::chrono::milliseconds backoff(unsigned failures, std::int64_t retry_after_seconds);
  void count_reconnect(std::string_view reason);
  void publish_connected();
  void check_idle();

  std::vector<Slot> slots_;
  std::set<std::shared_ptr<SocketModeConnection>> all_;
  std::unordered_map<std::string, Handled> handled_;
  std::deque<std::string> handled_order_;  // oldest first, bounded
  std::optional<SocketModeUrl> first_url_;
  bool started_ = false;
  bool stopping_ = false;
  int next_id_ = 1;
  std::mt19937_64 random_{std::random_device{}()};
  asio::thread_pool& opener_thread_;  // blocking apps.connections.open calls
};

// ---------------------------------------------------------------------------

// One WebSocket connection; all of its members are used on the client's strand.
class SocketModeConnection : public std::enable_shared_from_this<SocketModeConnection> {
 public:
  SocketModeConnection(std::shared_ptr<SlackSocketModeClient::Impl> owner, int id, std::size_t slot,
                       SocketModeUrl url)
      : owner_(std::move(owner)),
        id_(id),
        slot_(slot),
        url_(std::move(url)),
        name_("socket " + std::to_string(id)),
        deadline_(owner_->strand_),
        watchdog_(owner_->strand_) {}
  virtual ~SocketModeConnection() = default;

  int id() const { return id_; }
  std::size_t slot() const { return slot_; }
  const std::string& name() const { return name_; }
  const SocketModeUrl& url() const { return url_; }
  bool said_hello() const { return said_hello_; }
  bool retiring() const { return retiring_; }
  void set_retiring() { retiring_ = true; }
  // Envelopes read and not yet finished (handled and acked or dropped).
  int in_flight = 0;

  virtual void start() = 0;

  // Queues a text frame (an ack). False when the connection cannot send any
  // more (closing, closed).
  bool send(std::string text, std::optional<Clock::time_point> received) {
    if (finished_ || close_sent_ || !handshake_done_) return false;
    writes_.push_back({std::move(text), received});
    if (!writing_) write_next();
    return true;
  }

  // Sends the acks still in hand, then closes with a close frame. A hard
  // close follows after close_timeout.
  void close_gracefully() {
    if (finished_ || close_requested_) return;
    close_requested_ = true;
    if (!handshake_done_) return kill({});
    deadline_.expires_after(owner_->options_.close_timeout);
    deadline_.async_wait([self = shared_from_this()](const error_code& ec) {
      if (!ec) self->kill({});
    });
    maybe_close();
  }

  // Drops the connection now; `reason` is why ("" when rolecall wanted it).
  void kill(std::string_view reason) {
    if (finished_) return;
    if (kill_reason_.empty() && !close_requested_) kill_reason_ = std::string(reason);
    killed_ = true;
    cancel_io();
    // Whatever was pending completes with operation_aborted and calls finish().
    asio::post(owner_->strand_, [self = shared_from_this()] { self->finish({}, {}); });
  }

  void envelope_done() {
    --in_flight;
    maybe_close();
  }

  // Closes the socket without any callback (the io_context has stopped).
  void abandon() {
    finished_ = true;
    error_code ignored;
    deadline_.cancel(ignored);
    watchdog_.cancel(ignored);
    cancel_io();
  }

 protected:
  struct Write {
    std::string text;
    std::optional<Clock::time_point> received;  // set for acks: ack latency is observed
  };

  virtual void cancel_io() = 0;
  virtual void async_write_text(const std::string& text,
                                std::function<void(const error_code&)> done) = 0;
  virtual void async_close_frame(std::function<void(const error_code&)> done) = 0;
  virtual void async_ping_frame(std::function<void(const error_code&)> done) = 0;

  // Called by the stream code.
  void connect_phase_started() {
    deadline_.expires_after(owner_->options_.connect_timeout);
    deadline_.async_wait([self = shared_from_this()](const error_code& ec) {
      if (!ec) self->kill(kConnectTimeout);
    });
  }
  void handshake_finished() {
    handshake_done_ = true;
    last_frame_ = Clock::now();
    if (close_requested_) {
      maybe_close();
      return;
    }
    deadline_.expires_after(owner_->options_.hello_timeout);
    deadline_.async_wait([self = shared_from_this()](const error_code& ec) {
      if (!ec && !self->said_hello_) self->kill(kHelloTimeout);
    });
  }
  void frame_seen() { last_frame_ = Clock::now(); }

  void on_text(std::string_view text) {
    const auto received = Clock::now();
    last_frame_ = received;
    SocketModeFrame frame = parse_socket_mode_frame(text);
    if (auto* hello = std::get_if<SocketModeHello>(&frame)) {
      ready(*hello);
    } else if (auto* d = std::get_if<SocketModeDisconnect>(&frame)) {
      owner_->on_disconnect(*this, d->reason);
    } else if (auto* env = std::get_if<SocketModeEnvelope>(&frame)) {
      // After our close frame nothing can be acknowledged here: leave it
      // to Slack to deliver it again on another connection.
      if (close_sent_) return;
      if (!said_hello_) {
        // Slack always says hello first; a server that does not is plainly
        // delivering, so the link counts as ready rather than timing out.
        spdlog::warn("slack: {}: envelope before hello; treating the connection as ready", name_);
        ready(SocketModeHello{});
        if (finished_ || close_sent_) return;
      }
      owner_->on_envelope(*this, std::move(*env), received);
    } else if (auto* unknown = std::get_if<SocketModeUnknownFrame>(&frame)) {
      spdlog::debug("slack: {}: ignoring Socket Mode frame of type \"{}\"", name_, unknown->type);
    } else if (auto* bad = std::get_if<SocketModeMalformed>(&frame)) {
      spdlog::warn("slack: {}: malformed Socket Mode frame ({} bytes): {}", name_, text.size(),
                   bad->reason);
    }
  }

  void ready(const SocketModeHello& hello) {
    if (said_hello_) return;
    said_hello_ = true;
    if (!close_requested_) deadline_.cancel();
    start_watchdog();
    owner_->on_hello(*this, hello);
  }

  // The read loop ended (or a connect step failed).
  void read_failed(const error_code& ec, std::string_view step) {
    if (finished_) return;
    std::string_view reason;
    if (!killed_ && !close_requested_ && !retiring_) {
      if (!handshake_done_) {
        reason = kConnectFailed;
      } else if (ec == websocket::error::closed || ec == asio::error::eof ||
                 ec == ssl::error::stream_truncated || ec == asio::error::connection_reset) {
        reason = kClosed;
      } else {
        reason = kError;
      }
    }
    std::string detail = std::string(step) + ": " + ec.message();
    if (step == "read" && ec == websocket::error::closed) {
      detail = "closed by Slack (" + close_reason_text() + ")";
    }
    finish(reason, detail);
  }

  virtual std::string close_reason_text() const = 0;

  std::shared_ptr<SlackSocketModeClient::Impl> owner_;

 private:
  void write_next() {
    if (writes_.empty() || finished_) {
      writing_ = false;
      maybe_close();
      return;
    }
    writing_ = true;
    async_write_text(writes_.front().text, [self = shared_from_this()](const error_code& ec) {
      if (ec) {
        self->writing_ = false;
        self->writes_.clear();
        if (!self->finished_) self->kill(self->close_requested_ ? std::string_view{} : kError);
        return;
      }
      if (auto received = self->writes_.front().received; received && self->owner_->metrics_) {
        const double seconds = std::chrono::duration<double>(Clock::now() - *received).count();
        self->owner_->metrics_->observe("rolecall_slack_socket_ack_seconds", {}, seconds);
      }
      self->writes_.pop_front();
      self->write_next();
    });
  }

  void maybe_close() {
    if (!close_requested_ || close_sent_ || finished_ || !handshake_done_) return;
    if (in_flight > 0 || writing_ || !writes_.empty()) return;
    close_sent_ = true;
    async_close_frame([self = shared_from_this()](const error_code&) {
      // The read loop sees the close handshake end and calls finish().
      self->kill({});
    });
  }

  void start_watchdog() {
    watchdog_.expires_at(last_frame_ + owner_->options_.ping_interval);
    watchdog_.async_wait([self = shared_from_this()](const error_code& ec) {
      if (!ec) self->on_watchdog();
    });
  }

  void on_watchdog() {
    if (finished_ || close_sent_) return;
    const auto now = Clock::now();
    if (ping_outstanding_) {
      if (last_frame_ >= ping_sent_) {
        ping_outstanding_ = false;
      } else if (now - ping_sent_ >= owner_->options_.pong_timeout) {
        spdlog::warn("slack: {}: no answer to a ping in {} ms", name_,
                     owner_->options_.pong_timeout.count());
        return kill(kPingTimeout);
      }
    }
    if (!ping_outstanding_ && now - last_frame_ >= owner_->options_.ping_interval) {
      ping_outstanding_ = true;
      ping_sent_ = now;
      async_ping_frame([self = shared_from_this()](const error_code& ec) {
        if (ec && !self->finished_ && !self->close_requested_) {
          spdlog::warn("slack: {}: ping failed: {}", self->name_, ec.message());
          self->kill(kPingTimeout);
        }
      });
    }
    watchdog_.expires_at(ping_outstanding_ ? ping_sent_ + owner_->options_.pong_timeout
                                           : last_frame_ + owner_->options_.ping_interval);
    watchdog_.async_wait([self = shared_from_this()](const error_code& ec) {
      if (!ec) self->on_watchdog();
    });
  }

 protected:
  void finish(std::string_view reason, const std::string& detail) {
    if (finished_) return;
    finished_ = true;
    deadline_.cancel();
    watchdog_.cancel();
    cancel_io();
    writes_.clear();
    std::string why = kill_reason_.empty() ? std::string(reason) : kill_reason_;
    if (close_requested_ || retiring_) why.clear();
    owner_->on_closed(*this, why, detail);
  }

  int id_;
  std::size_t slot_;
  SocketModeUrl url_;
  std::string name_;
  asio::steady_timer deadline_;  // connect, then hello, then close deadline
  asio::steady_timer watchdog_;
  std::deque<Write> writes_;
  bool writing_ = false;
  bool handshake_done_ = false;
  bool said_hello_ = false;
  bool retiring_ = false;  // Slack asked it to go (disconnect): its end is expected
  bool close_requested_ = false;
  bool close_sent_ = false;
  bool killed_ = false;
  bool finished_ = false;
  bool ping_outstanding_ = false;
  std::string kill_reason_;
  Clock::time_point last_frame_{};
  Clock::time_point ping_sent_{};
};

// The stream-specific half: plain TCP (ws://, loopback only) or TLS (wss://).
template <class NextLayer>
class SocketModeStream final : public SocketModeConnection {
  static constexpr bool kTls = !std::is_same_v<NextLayer, beast::tcp_stream>;

 public:
  template <class... Args>
  SocketModeStream(std::shared_ptr<SlackSocketModeClient::Impl> owner, int id, std::size_t slot,
                   SocketModeUrl url, Args&&... args)
      : SocketModeConnection(std::move(owner), id, slot, std::move(url)),
        resolver_(owner_->strand_),
        ws_(owner_->strand_, std::forward<Args>(args)...) {}

  void start() override {
    connect_phase_started();
    resolver_.async_resolve(url_.host, url_.port,
                            [self = shared()](const error_code& ec, tcp::resolver::results_type r) {
                              self->on_resolve(ec, std::move(r));
                            });
  }

 private:
  std::shared_ptr<SocketModeStream> shared() {
    return std::static_pointer_cast<SocketModeStream>(shared_from_this());
  }

  void on_resolve(const error_code& ec, const tcp::resolver::results_type& results) {
    if (ec) return read_failed(ec, "resolve " + url_.host);
    std::vector<tcp::endpoint> endpoints;
    for (const auto& entry : results) {
      // Without TLS, only to this machine, whatever the name resolves to.
      if (!kTls && !entry.endpoint().address().is_loopback()) continue;
      endpoints.push_back(entry.endpoint());
    }
    if (endpoints.empty()) {
      return read_failed(asio::error::host_not_found,
                         "resolve " + url_.host + " (no loopback address for ws://)");
    }
    beast::get_lowest_layer(ws_).async_connect(
        endpoints,
        [self = shared()](const error_code& e, const tcp::endpoint&) { self->on_connect(e); });
  }

  void on_connect(const error_code& ec) {
    if (ec) return read_failed(ec, "connect to " + url_.host);
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true));
    if constexpr (kTls) {
      SSL* handle = ws_.next_layer().native_handle();
      error_code addr_ec;
      asio::ip::make_address(url_.host, addr_ec);
      // SNI carries host names only, never IP literals (RFC 6066).
      if (addr_ec && !SSL_set_tlsext_host_name(handle, url_.host.c_str())) {
        return read_failed(
            error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()),
            "TLS SNI");
      }
      ws_.next_layer().set_verify_mode(ssl::verify_peer);
      ws_.next_layer().set_verify_callback(ssl::host_name_verification(url_.host));
      ws_.next_layer().async_handshake(
          ssl::stream_base::client,
          [self = shared()](const error_code& e) { self->on_tls_handshake(e); });
    } else {
      on_tls_handshake({});
    }
  }

  void on_tls_handshake(const error_code& ec) {
    if (ec) return read_failed(ec, "TLS handshake with " + url_.host);
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = owner_->options_.close_timeout;  // also bounds the close
    timeouts.idle_timeout = websocket::stream_base::none();       // our own watchdog pings
    timeouts.keep_alive_pings = false;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator(
        [agent = owner_->options_.user_agent](websocket::request_type& req) {
          req.set(beast::http::field::user_agent, agent);
        }));
    ws_.read_message_max(owner_->options_.max_message_bytes);
    ws_.auto_fragment(false);
    ws_.text(true);
    ws_.control_callback([this](websocket::frame_type, beast::string_view) { frame_seen(); });
    ws_.async_handshake(response_, url_.host_header(), url_.target,
                        [self = shared()](const error_code& e) { self->on_handshake(e); });
  }

  void on_handshake(const error_code& ec) {
    if (ec) {
      std::string step = "WebSocket handshake with " + url_.host;
      if (response_.result_int() != 0 && response_.result_int() != 101) {
        step += " (HTTP " + std::to_string(response_.result_int()) + ")";
      }
      return read_failed(ec, step);
    }
    handshake_finished();
    read_next();
  }

  void read_next() {
    ws_.async_read(buffer_,
                   [self = shared()](const error_code& ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(const error_code& ec) {
    if (ec) return read_failed(ec, "read");
    if (finished_) return;
    if (ws_.got_text()) {
      const auto data = buffer_.cdata();
      on_text(std::string_view(static_cast<const char*>(data.data()), data.size()));
    } else {
      frame_seen();
    }
    buffer_.consume(buffer_.size());
    read_next();
  }

  void cancel_io() override {
    resolver_.cancel();
    error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).close();
  }

  void async_write_text(const std::string& text,
                        std::function<void(const error_code&)> done) override {
    ws_.async_write(asio::buffer(text),
                    [done = std::move(done)](const error_code& ec, std::size_t) { done(ec); });
  }

  void async_close_frame(std::function<void(const error_code&)> done) override {
    ws_.async_close(websocket::close_code::normal, std::move(done));
  }

  void async_ping_frame(std::function<void(const error_code&)> done) override {
    ws_.async_ping({}, std::move(done));
  }

  std::string close_reason_text() const override {
    const auto& r = ws_.reason();
    std::string out = "code " + std::to_string(static_cast<unsigned>(r.code));
    if (!r.reason.empty()) out += ", \"" + std::string(r.reason.data(), r.reason.size()) + "\"";
    return out;
  }

  tcp::resolver resolver_;
  websocket::stream<NextLayer> ws_;
  beast::flat_buffer buffer_;
  websocket::response_type response_;
};

// ---------------------------------------------------------------------------

SlackSocketModeClient::Impl::Impl(asio::io_context& ioc, SocketModeClientOptions options,
                                  Opener opener, Receiver receiver, Metrics* metrics,
                                  asio::thread_pool& opener_thread)
    : ioc_(ioc),
      strand_(asio::make_strand(ioc)),
      options_(std::move(options)),
      opener_(std::move(opener)),
      receiver_(std::move(receiver)),
      metrics_(metrics),
      opener_thread_(opener_thread) {
  options_.connections = std::clamp(options_.connections, 1u, 10u);
  tls_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  tls_.set_default_verify_paths();
  if (!options_.extra_ca_file.empty()) tls_.load_verify_file(options_.extra_ca_file);
  tls_.set_verify_mode(ssl::verify_peer);
  slots_.resize(options_.connections);
  for (auto& s : slots_) s.retry = std::make_unique<asio::steady_timer>(strand_);
}

void SlackSocketModeClient::Impl::shutdown_now() {
  stopping_ = true;
  for (auto& s : slots_) {
    error_code ignored;
    s.retry->cancel(ignored);
    s.current.reset();
    s.replacement.reset();
  }
  for (const auto& c : all_) c->abandon();
  all_.clear();
  handled_.clear();
  idle_ = true;
}

void SlackSocketModeClient::Impl::start(std::optional<SocketModeUrl> first_url) {
  if (started_ || stopping_) return;
  started_ = true;
  first_url_ = std::move(first_url);
  publish_connected();
  for (std::size_t i = 0; i < slots_.size(); ++i) open_now(i, false);
}

void SlackSocketModeClient::Impl::stop(const std::string& fatal) {
  if (!fatal.empty()) {
    std::lock_guard lock(fatal_mutex_);
    if (fatal_error_.empty()) fatal_error_ = fatal;
  }
  if (stopping_) return;
  stopping_ = true;
  for (auto& s : slots_) s.retry->cancel();
  // close_gracefully may end a connection at once; iterate over a copy.
  const auto connections = all_;
  for (const auto& c : connections) c->close_gracefully();
  check_idle();
}

void SlackSocketModeClient::Impl::check_idle() {
  // An apps.connections.open call in progress is abandoned: its result is
  // dropped when it arrives (opened() checks stopping_).
  if (stopping_ && all_.empty()) idle_ = true;
}

std::chrono::milliseconds SlackSocketModeClient::Impl::backoff(unsigned failures,
                                                               std::int64_t retry_after_seconds) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  auto delay =
      socket_mode_backoff(failures, options_.backoff_initial, options_.backoff_max, unit(random_));
  if (retry_after_seconds > 0) {
    delay = std::max(
        delay, std::chrono::milliseconds(std::min<std::int64_t>(retry_after_seconds, 3600) * 1000));
  }
  return delay;
}

void SlackSocketModeClient::Impl::count_reconnect(std::string_view reason) {
  if (metrics_) metrics_->inc("rolecall_slack_socket_reconnects", {{"reason", reason}});
}

void SlackSocketModeClient::Impl::publish_connected() {
  if (metrics_) {
    metrics_->set("rolecall_slack_socket_connections", {}, static_cast<double>(connected_.load()));
  }
}

void SlackSocketModeClient::Impl::schedule_open(std::size_t slot, std::chrono::milliseconds delay,
                                                bool replacement) {
  Slot& s = slots_[slot];
  if (stopping_ || s.opening) return;
  if (delay.count() <= 0) return open_now(slot, replacement);
  s.opening = true;
  s.retry->expires_after(delay);
  s.retry->async_wait([self = shared_from_this(), slot, replacement](const error_code& ec) {
    self->slots_[slot].opening = false;
    if (ec || self->stopping_) return self->check_idle();
    self->open_now(slot, replacement);
  });
}

void SlackSocketModeClient::Impl::open_now(std::size_t slot, bool replacement) {
  Slot& s = slots_[slot];
  if (stopping_ || s.opening) return;
  s.opening = true;
  if (first_url_) {
    // The URL the daemon fetched while starting (it checked the token).
    SocketModeUrl url = std::move(*first_url_);
    first_url_.reset();
    ConnectionsOpenResult result;
    result.url = std::move(url);
    asio::post(strand_,
               [self = shared_from_this(), slot, replacement, r = std::move(result)]() mutable {
                 self->opened(slot, replacement, std::move(r));
               });
    return;
  }
  asio::post(opener_thread_, [self = shared_from_this(), slot, replacement] {
    ConnectionsOpenResult result = self->opener_();
    asio::post(self->strand_, [self, slot, replacement, r = std::move(result)]() mutable {
      self->opened(slot, replacement, std::move(r));
    });
  });
}

void SlackSocketModeClient::Impl::opened(std::size_t slot, bool replacement,
                                         ConnectionsOpenResult result) {
  Slot& s = slots_[slot];
  s.opening = false;
  if (stopping_) return check_idle();
  if (!result.url) {
    if (result.permanent) {
      const std::string message =
          "apps.connections.open refused the app-level token (" + result.error +
          "): check SLACK_APP_TOKEN / slack.app_token (an xapp- token with the "
          "connections:write scope) and that Socket Mode is on in the app's settings";
      spdlog::error("slack: Socket Mode stopped: {}", message);
      return stop(message);
    }
    ++s.failures;
    count_reconnect(kOpenFailed);
    const auto delay = backoff(s.failures, result.retry_after);
    spdlog::warn("slack: apps.connections.open failed ({}); socket slot {} retries in {} ms",
                 result.error, slot + 1, delay.count());
    return schedule_open(slot, delay, replacement);
  }
  connect(slot, replacement, std::move(*result.url));
}

void SlackSocketModeClient::Impl::connect(std::size_t slot, bool replacement, SocketModeUrl url) {
  Slot& s = slots_[slot];
  std::shared_ptr<SocketModeConnection> c;
  const int id = next_id_++;
  if (url.tls) {
    c = std::make_shared<SocketModeStream<beast::ssl_stream<beast::tcp_stream>>>(
        shared_from_this(), id, slot, std::move(url), tls_);
  } else {
    c = std::make_shared<SocketModeStream<beast::tcp_stream>>(shared_from_this(), id, slot,
                                                              std::move(url));
  }
  if (replacement && s.current) {
    s.replacement = c;
  } else {
    s.current = c;
  }
  all_.insert(c);
  spdlog::debug("slack: {} connecting to {}{}", c->name(), c->url().host,
                replacement ? " (replacing a connection Slack is recycling)" : "");
  c->start();
}

void SlackSocketModeClient::Impl::on_hello(SocketModeConnection& c, const SocketModeHello& hello) {
  ++connected_;
  publish_connected();
  Slot& s = slots_[c.slot()];
  s.failures = 0;
  spdlog::info("slack: {} connected to Socket Mode ({}; Slack counts {} connection{} for app {})",
               c.name(), hello.host.empty() ? c.url().host : hello.host, hello.num_connections,
               hello.num_connections == 1 ? "" : "s", hello.app_id);
  if (stopping_) return c.close_gracefully();
  if (s.replacement.get() == &c) {
    auto old = std::move(s.current);
    s.current = std::move(s.replacement);
    s.replacement.reset();
    if (old) {
      spdlog::debug("slack: {} replaces {}", c.name(), old->name());
      old->set_retiring();
      old->close_gracefully();
    }
  }
}

void SlackSocketModeClient::Impl::on_disconnect(SocketModeConnection& c,
                                                const std::string& reason) {
  count_reconnect(known_disconnect_reason(reason) ? std::string_view(reason)
                                                  : std::string_view("disconnect_other"));
  if (reason == "link_disabled") {
    const std::string message =
        "Slack disabled Socket Mode for this app (link_disabled): turn Socket Mode back on in "
        "the app's settings (Settings > Socket Mode) and restart rolecall, or use the Events "
        "API URL with a signing secret";
    spdlog::error("slack: Socket Mode stopped: {}", message);
    return stop(message);
  }
  if (stopping_) return;
  Slot& s = slots_[c.slot()];
  auto self_ptr = c.shared_from_this();
  c.set_retiring();
  if (reason == "too_many_websockets") {
    // Slack allows about ten per app; more replicas than that, or sockets
    // leaked elsewhere. Give this one up and try again later.
    spdlog::warn(
        "slack: {}: Slack reports too many Socket Mode connections for this app; "
        "closing it and retrying later",
        c.name());
    if (s.current == self_ptr) s.current.reset();
    if (s.replacement == self_ptr) s.replacement.reset();
    ++s.failures;
    c.close_gracefully();
    if (!s.current && !s.replacement) schedule_open(c.slot(), backoff(s.failures, -1), false);
    return;
  }
  spdlog::info("slack: {}: Slack asks to reconnect ({}); opening the next connection first",
               c.name(), reason.empty() ? "no reason given" : reason);
  if (s.replacement == self_ptr) {
    // Recycled before it ever served: start over with another one.
    s.replacement.reset();
    c.close_gracefully();
    return schedule_open(c.slot(), std::chrono::milliseconds(0), true);
  }
  if (s.current == self_ptr && !s.replacement)
    schedule_open(c.slot(), std::chrono::milliseconds(0), true);
}

void SlackSocketModeClient::Impl::remember(const std::string& id) {
  handled_order_.push_back(id);
  // Slack redelivers within minutes; a couple of thousand ids cover that at
  // the rate one app can receive (30,000 events per workspace and hour,
  // about 8 a second).
  while (handled_order_.size() > 2048) {
    std::string oldest = std::move(handled_order_.front());
    handled_order_.pop_front();
    auto it = handled_.find(oldest);
    if (it == handled_.end()) continue;
    if (!it->second.done) {
      handled_order_.push_back(std::move(oldest));  // still in hand: keep it
      break;
    }
    handled_.erase(it);
  }
}

void SlackSocketModeClient::Impl::on_envelope(SocketModeConnection& c, SocketModeEnvelope&& env,
                                              Clock::time_point received) {
  if (metrics_) {
    metrics_->inc("rolecall_slack_socket_envelopes", {{"type", to_string(env.type)}});
  }
  auto conn = c.shared_from_this();
  if (auto it = handled_.find(env.envelope_id); it != handled_.end()) {
    if (metrics_) metrics_->inc("rolecall_duplicate_events", {{"platform", "slack"}});
    if (!it->second.done) {
      spdlog::debug("slack: {}: envelope {} is being handled already", c.name(), env.envelope_id);
      it->second.waiting.push_back(conn);
    } else if (it->second.ack) {
      spdlog::info("slack: {}: envelope {} delivered again (retry {}); sending the same ack",
                   c.name(), env.envelope_id, env.retry_attempt);
      conn->send(
          it->second.ack_text.empty() ? socket_mode_ack(env.envelope_id) : it->second.ack_text,
          received);
    }
    return;
  }
  handled_.emplace(env.envelope_id, Handled{});
  remember(env.envelope_id);
  ++conn->in_flight;
  // Handling may block (the store); keep it off the strand so the
  // connections keep reading and acking meanwhile.
  asio::post(ioc_, [self = shared_from_this(), conn, env = std::move(env), received]() {
    SocketModeAck ack;
    try {
      ack = self->receiver_(env, conn->name());
    } catch (const std::exception& e) {
      spdlog::error("slack: {}: envelope {} failed: {}", conn->name(), env.envelope_id, e.what());
      ack.send = false;
    }
    asio::post(self->strand_, [self, conn, id = env.envelope_id, type = env.type, received,
                               ack = std::move(ack)]() mutable {
      self->finish_envelope(conn, id, type, received, std::move(ack));
    });
  });
}

void SlackSocketModeClient::Impl::finish_envelope(const std::shared_ptr<SocketModeConnection>& c,
                                                  const std::string& id, SocketModeEnvelopeType,
                                                  Clock::time_point received, SocketModeAck ack) {
  auto it = handled_.find(id);
  std::vector<std::weak_ptr<SocketModeConnection>> waiting;
  if (!ack.send) {
    // Not acknowledged: Slack delivers it again, and then it is handled again.
    if (it != handled_.end()) {
      waiting = std::move(it->second.waiting);
      handled_.erase(it);
    }
    c->envelope_done();
    return;
  }
  std::string text = socket_mode_ack(id, ack.payload.is_null() ? nullptr : &ack.payload);
  if (it != handled_.end()) {
    it->second.done = true;
    it->second.ack = true;
    if (!ack.payload.is_null()) it->second.ack_text = text;
    waiting = std::move(it->second.waiting);
  }
  bool sent = c->send(text, received);
  for (auto& w : waiting) {
    if (auto other = w.lock()) sent = other->send(text, std::nullopt) || sent;
  }
  if (!sent) {
    spdlog::info(
        "slack: {}: envelope {} handled but its connection is gone; Slack will deliver "
        "it again and get the same ack",
        c->name(), id);
  }
  c->envelope_done();
}

void SlackSocketModeClient::Impl::on_closed(SocketModeConnection& c, std::string_view reason,
                                            const std::string& detail) {
  auto self_ptr = c.shared_from_this();
  all_.erase(self_ptr);
  if (c.said_hello()) {
    --connected_;
    publish_connected();
  }
  Slot& s = slots_[c.slot()];
  const bool was_current = s.current == self_ptr;
  const bool was_replacement = s.replacement == self_ptr;
  if (was_current) s.current.reset();
  if (was_replacement) s.replacement.reset();
  if (stopping_) {
    spdlog::debug("slack: {} closed", c.name());
    return check_idle();
  }
  if (!reason.empty()) {
    count_reconnect(reason);
    ++s.failures;
    spdlog::warn("slack: {} lost ({}: {}); reconnecting", c.name(), reason, detail);
  } else {
    spdlog::debug("slack: {} closed ({})", c.name(), detail);
  }
  if (was_replacement && s.current) {
    // The refresh failed while the old connection still serves: try again.
    return schedule_open(c.slot(), backoff(std::max(1u, s.failures), -1), true);
  }
  if (!s.current && !s.replacement) {
    schedule_open(c.slot(), reason.empty() ? std::chrono::milliseconds(0) : backoff(s.failures, -1),
                  false);
  }
}

// ---------------------------------------------------------------------------

SlackSocketModeClient::SlackSocketModeClient(asio::io_context& ioc, SocketModeClientOptions options,
                                             Opener opener, Receiver receiver, Metrics* metrics)
    : opener_thread_(std::make_unique<asio::thread_pool>(1)),
      impl_(std::make_shared<Impl>(ioc, std::move(options), std::move(opener), std::move(receiver),
                                   metrics, *opener_thread_)) {}

SlackSocketModeClient::~SlackSocketModeClient() {
  // The io_context no longer runs: nothing else touches the state.
  impl_->shutdown_now();
  // A call in progress ends within its own timeout; its result is dropped.
  opener_thread_->stop();
  opener_thread_->join();
}

void SlackSocketModeClient::start(std::optional<SocketModeUrl> first_url) {
  asio::post(impl_->strand_,
             [impl = impl_, url = std::move(first_url)]() mutable { impl->start(std::move(url)); });
}

void SlackSocketModeClient::stop() {
  asio::post(impl_->strand_, [impl = impl_] { impl->stop({}); });
}

bool SlackSocketModeClient::idle() const { return impl_->idle_; }

std::size_t SlackSocketModeClient::connected() const { return impl_->connected_; }

std::string SlackSocketModeClient::fatal_error() const {
  std::lock_guard lock(impl_->fatal_mutex_);
  return impl_->fatal_error_;
}

}  // namespace rolecall
