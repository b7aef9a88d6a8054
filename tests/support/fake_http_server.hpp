#pragma once
// A loopback HTTP/1.1 server for tests: it records every request and answers
// with scripted replies, so outbound clients (Slack Web API, response_url,
// Teams Workflows) can be tested against a real socket.
//
// - Binds 127.0.0.1:0 (the kernel picks a free port) and serves on its own
//   threads from construction until destruction.
// - Keep-alive is supported; each connection is served in order.
// - Reply selection: scripted replies (push_reply) are consumed first, in
//   order; when none is left the handler answers (default: 200 {"ok":true}).
// - A reply's `delay` is honoured with a timer (other connections keep
//   being served meanwhile). A reply with `close_without_reply` drops the
//   connection after reading the request, to simulate a network failure.
// - Thread safety: every public method may be called from any thread. The
//   handler is called on a server thread, without the server's lock held,
//   possibly concurrently for different connections.

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace rolecall::testing {

struct RecordedRequest {
  std::string method;  // "POST"
  std::string target;  // path and query as sent, e.g. "/api/chat.postMessage"
  std::map<std::string, std::string> headers;         // lower-case names; repeats joined by ", "
  std::string body;                                   // raw bytes
  std::chrono::steady_clock::time_point received_at;  // when the full request was read
};

struct FakeReply {
  int status = 200;
  std::map<std::string, std::string> headers;  // Content-Type defaults to application/json
  std::string body;
  std::chrono::milliseconds delay{0};  // wait this long before answering
  bool close_without_reply = false;    // read the request, then close the socket
};

class FakeHttpServer {
 public:
  using Handler = std::function<FakeReply(const RecordedRequest&)>;

  // Starts listening; throws std::runtime_error (from Asio) when it cannot bind.
  FakeHttpServer();
  // Stops: pending delays are abandoned and open connections closed.
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  unsigned short port() const;
  std::string base_url() const;  // "http://127.0.0.1:PORT/"

  // Replaces the fallback handler (default: 200 with body {"ok":true}).
  void set_handler(Handler handler);
  // Queues a reply used (once) before the handler; replies are consumed in order.
  void push_reply(FakeReply reply);

  std::vector<RecordedRequest> requests() const;  // a copy, in arrival order
  std::size_t request_count() const;
  // Blocks until at least `n` requests were recorded or `timeout` passed;
  // returns whether `n` were reached.
  bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const;
  // Forgets recorded requests and unused scripted replies (the handler stays).
  void clear();

  struct Impl;  // shared with the server's sessions

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace rolecall::testing
