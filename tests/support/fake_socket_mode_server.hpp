#pragma once
// A loopback Slack Socket Mode server for tests: a WebSocket server (plain,
// or TLS with a test certificate) that greets every connection with
// `hello`, delivers envelopes the way Slack does and records what comes
// back, so the daemon's Socket Mode client is tested against a real socket.
//
// Slack's behaviour it imitates (shared/platforms/slack.md §7):
// - each connection gets `hello` first (num_connections = open connections);
// - deliver() sends an envelope on one connection (round robin over the
//   connections that were not told to disconnect) and tracks it until an
//   ack {"envelope_id": …} comes back;
// - an envelope still unacknowledged when its connection ends is delivered
//   again on another connection (the same envelope_id, retry_attempt + 1,
//   retry_reason "timeout"), at once or as soon as one is open. With
//   `ack_timeout` set, one unacknowledged for that long is delivered again
//   too (possibly on the same connection).
//
// Thread safety: every public method may be called from any thread; the
// server runs on its own thread from construction until destruction.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace rolecall::testing {

class FakeSocketModeServer {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    bool send_hello = true;
    // PEM certificate chain and private key: serve wss:// instead of ws://.
    std::string tls_cert_pem, tls_key_pem;
    bool redeliver_on_close = true;
    std::chrono::milliseconds ack_timeout{0};  // 0: no timeout redelivery
  };

  struct Connection {
    int id = 0;
    std::string target;  // the request target, e.g. "/link/?ticket=3"
    bool open = false;   // WebSocket handshake done and not closed
    bool told_to_disconnect = false;
    bool closed_by_client = false;  // the client sent a close frame
    bool muted = false;
    bool hello_sent = false;
    Clock::time_point opened_at{}, closed_at{};
  };

  struct Delivery {
    std::string envelope_id;
    std::string type;
    int attempt = 0;     // retry_attempt sent
    int connection = 0;  // where it went
    Clock::time_point sent_at{};
  };

  struct Ack {
    std::string envelope_id;
    int connection = 0;
    nlohmann::json frame;  // the whole ack as parsed
    Clock::time_point at{};
    // When the delivery this ack answers was sent (the latest one before
    // the ack, on any connection).
    Clock::time_point delivered_at{};
  };

  FakeSocketModeServer();
  explicit FakeSocketModeServer(Options options);
  ~FakeSocketModeServer();
  FakeSocketModeServer(const FakeSocketModeServer&) = delete;
  FakeSocketModeServer& operator=(const FakeSocketModeServer&) = delete;

  unsigned short port() const;
  // "ws://127.0.0.1:PORT/link/?ticket=TICKET" (wss://localhost:PORT/… with TLS).
  std::string url(const std::string& ticket) const;

  // --- connections
  std::vector<Connection> connections() const;  // every one accepted, in order
  std::vector<int> open_connections() const;
  // Waits until exactly... at least `n` connections are open.
  bool wait_for_open(std::size_t n, std::chrono::milliseconds timeout) const;
  bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) const;

  // --- sending (false when the connection is not open)
  bool send(int connection, const std::string& text);
  // Delivers an envelope (its envelope_id tracked); connection 0 = round
  // robin over open connections not told to disconnect. When none is open
  // the envelope waits for the next one. Returns the connection used (0
  // when it waits).
  int deliver(const nlohmann::json& envelope, int connection = 0);
  bool send_disconnect(int connection, const std::string& reason);
  bool close(int connection);  // a close frame (normal)
  bool drop(int connection);   // TCP close, no close frame
  bool mute(int connection);   // stop reading: pings go unanswered, acks unread
  // While held, new connections get no hello (and no envelopes) until
  // send_hello(id).
  void hold_hello(bool hold);
  bool send_hello(int connection);

  // --- what came back
  std::vector<std::string> frames_from(int connection) const;  // every text frame received
  std::vector<Ack> acks() const;
  std::size_t ack_count() const;
  std::size_t pings_received() const;
  std::vector<Delivery> deliveries() const;
  std::vector<std::string> unacked() const;  // envelope ids delivered, not acked yet
  bool wait_for_acks(std::size_t n, std::chrono::milliseconds timeout) const;

  struct Impl;  // shared with the sessions

 private:
  std::unique_ptr<Impl> impl_;
};

// A test CA and a server certificate it signed for "localhost" and
// 127.0.0.1, made with OpenSSL at run time (EC P-256, valid for a day).
struct TestCertificates {
  std::string ca_pem;
  std::string server_cert_pem;  // the server certificate, then the CA
  std::string server_key_pem;
};
// `server_name` replaces "localhost" in the certificate (for mismatch tests).
TestCertificates make_test_certificates(const std::string& server_name = "localhost");

}  // namespace rolecall::testing
