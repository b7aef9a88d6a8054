#pragma once
// The Slack Socket Mode client: keeps `connections` WebSocket connections to
// Slack open, on the daemon's own io_context, and hands every envelope to a
// receiver, whose answer it sends back as the envelope's ack.
//
// One connection's life:
//   apps.connections.open (the Opener; blocking, so it runs on the client's
//   own thread, never on the io_context) -> resolve -> TCP connect -> TLS
//   (certificate verified against the system store, host name checked, SNI
//   set) -> WebSocket handshake -> wait for `hello` -> envelopes.
//   ws:// (no TLS) is used only for loopback URLs (tests), and then only to
//   loopback addresses.
//
// Envelopes: each is handed to the Receiver on an io_context thread (not
// the connection's strand, so reading goes on while one is handled); the
// ack goes back on the connection it came from, in the order handling
// finishes. An envelope id seen again (Slack redelivers when an ack got
// lost) is not handled twice: the same ack is sent again, once the first
// handling is done. Event ids are deduplicated further up, in the store.
//
// Staying connected:
//   - `disconnect` refresh_requested / warning (or a reason Slack adds):
//     a new connection is opened first; the old one keeps serving until the
//     new one has said hello, then sends its last acks and closes.
//   - `disconnect` too_many_websockets: that connection closes, the slot
//     retries after a backoff.
//   - `disconnect` link_disabled, or apps.connections.open refusing the
//     token (invalid_auth, token_revoked, …): the client stops every
//     connection and reports fatal_error(); retrying cannot help.
//   - the peer closes, the socket fails, no hello within hello_timeout, or
//     no frame at all within pong_timeout after a ping (the client pings
//     when nothing arrived for ping_interval): reconnect after a backoff
//     (exponential, with jitter, reset by a hello).
//
// Thread safety: start(), stop() and the observers may be called from any
// thread. Destroy the client only after the io_context has stopped running
// (or after idle() became true).

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/slack/socket_mode_frame.hpp"
#include "adapters/slack/socket_mode_url.hpp"

namespace boost::asio {
class thread_pool;
}

namespace rolecall {

class Metrics;

struct SocketModeClientOptions {
  unsigned connections = 2;                          // redundant connections (1..10)
  std::chrono::milliseconds connect_timeout{10000};  // resolve + TCP + TLS + WebSocket handshake
  std::chrono::milliseconds hello_timeout{10000};    // handshake done -> hello
  std::chrono::milliseconds ping_interval{10000};    // nothing received this long -> ping
  std::chrono::milliseconds pong_timeout{5000};      // after a ping, nothing received -> dead
  std::chrono::milliseconds close_timeout{5000};     // acks in flight + close handshake
  std::chrono::milliseconds backoff_initial{1000};
  std::chrono::milliseconds backoff_max{60000};
  std::size_t max_message_bytes = std::size_t{1} << 20;
  // An extra PEM file of trusted certificates, added to the system store
  // (tests' loopback TLS server). Empty: the system store only, which
  // OpenSSL's SSL_CERT_FILE / SSL_CERT_DIR can point elsewhere.
  std::string extra_ca_file;
  std::string user_agent = "rolecall";
};

// What the receiver decided about one envelope.
struct SocketModeAck {
  bool send = true;  // false: leave it unacknowledged, so Slack delivers it again
  // The ack's payload (a slash command's immediate reply); null for none.
  nlohmann::json payload;
};

// The wait before reconnect attempt number `failures` (1, 2, …):
// min(max, initial * 2^(failures-1)) scaled into [1/2, 1] by `unit_random`
// in [0, 1) ("equal jitter"), so replicas that lost Slack together do not
// come back in step. failures == 0 gives 0.
std::chrono::milliseconds socket_mode_backoff(unsigned failures, std::chrono::milliseconds initial,
                                              std::chrono::milliseconds max, double unit_random);

class SlackSocketModeClient {
 public:
  // Calls apps.connections.open (blocking; adapters/slack/socket_mode_url.hpp).
  using Opener = std::function<ConnectionsOpenResult()>;
  // Handles one envelope; `source` names the connection for logs ("socket 3").
  // Runs on an io_context thread; must not throw.
  using Receiver =
      std::function<SocketModeAck(const SocketModeEnvelope& envelope, std::string_view source)>;

  // `metrics` may be null. Nothing happens before start().
  SlackSocketModeClient(boost::asio::io_context& ioc, SocketModeClientOptions options,
                        Opener opener, Receiver receiver, Metrics* metrics);
  ~SlackSocketModeClient();
  SlackSocketModeClient(const SlackSocketModeClient&) = delete;
  SlackSocketModeClient& operator=(const SlackSocketModeClient&) = delete;

  // Opens the connections. `first_url`, when given (a URL fetched at
  // start-up), is used for the first connection instead of a fresh one.
  void start(std::optional<SocketModeUrl> first_url = std::nullopt);
  // Stops reconnecting, lets the envelopes in hand be acknowledged and
  // closes every connection (a close frame; a hard close after
  // close_timeout). Returns at once; idle() tells when it is done.
  void stop();

  // stop() (or a fatal error) was called and every connection is closed.
  bool idle() const;
  // Connections that said hello and are not closed yet.
  std::size_t connected() const;
  // Why the client stopped by itself ("" while it has not).
  std::string fatal_error() const;

  class Impl;  // shared with the connections (in the .cpp)

 private:
  std::unique_ptr<boost::asio::thread_pool> opener_thread_;  // blocking apps.connections.open
  std::shared_ptr<Impl> impl_;
};

}  // namespace rolecall
