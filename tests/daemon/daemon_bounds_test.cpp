// Resource bounds of the real daemon (issue 13): at most
// server.max_connections open connections, the rest refused at once with a
// 503 and counted; and outbox.max_depth, past which the daemon warns and
// counts but keeps every row. Loopback connections, a fake Slack Web API.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/daemon/daemon_database.hpp"
#include "tests/daemon/daemon_process.hpp"
#include "tests/support/fake_http_server.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/test_helpers.hpp"

namespace rolecall::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// A plain loopback TCP connection that can send requests one after another
// on the same connection (keep-alive) or just stay open and silent.
class Connection {
 public:
  explicit Connection(unsigned short port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ >= 0 && ::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~Connection() { close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool ok() const { return fd_ >= 0; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool send(const std::string& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  bool send_get(const std::string& target) {
    return send("GET " + target + " HTTP/1.1\r\nHost: t\r\n\r\n");
  }

  // One response on a keep-alive connection: "" when the connection closed
  // or `timeout` passed first.
  std::string read_response(std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto head_end = buffer_.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        std::smatch m;
        const std::string head = buffer_.substr(0, head_end);
        std::size_t length = 0;
        if (std::regex_search(head, m, std::regex(R"(Content-Length: (\d+))", std::regex::icase)))
          length = std::stoul(m[1]);
        if (buffer_.size() >= head_end + 4 + length) {
          std::string out = buffer_.substr(0, head_end + 4 + length);
          buffer_.erase(0, out.size());
          return out;
        }
      }
      if (read_some(deadline) <= 0) return {};
    }
  }
  std::string get(const std::string& target) {
    if (!send_get(target)) return {};
    return read_response();
  }

  // Everything until the peer closes (or resets) the connection; nullopt
  // when it is still open at the deadline.
  std::optional<std::string> read_until_closed(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const int n = read_some(deadline);
      if (n == 0 || n == -1) {
        std::string out;
        out.swap(buffer_);
        return out;
      }
      if (n == -2) return std::nullopt;
    }
  }

 private:
  // > 0 bytes read, 0 closed, -1 reset or error, -2 timed out.
  int read_some(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) return -2;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return -2;
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n > 0) buffer_.append(chunk, static_cast<std::size_t>(n));
    return n > 0 ? static_cast<int>(n) : (n == 0 ? 0 : -1);
  }

  int fd_ = -1;
  std::string buffer_;
};

int status_of(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return 0;
  return std::stoi(response.substr(9, 3));
}

double sample(const std::string& metrics, const std::string& name) {
  std::smatch m;
  if (!std::regex_search(metrics, m, std::regex("\n" + name + " ([0-9.e+-]+)\n"))) return -1;
  return std::stod(m[1]);
}

TEST(DaemonBounds, ConnectionsOverTheLimitAreRefusedAtOnceAndCounted) {
  TempDir dir;
  constexpr int kLimit = 4;
  // Long read timeouts: the silent connections must stay open for the test.
  DaemonProcess daemon(
      dir.path(), test_config_yaml("server:\n  max_connections: 4\n  read_timeout_ms: 120000\n"));

  // The limit filled by two keep-alive clients and two that send nothing
  // (slow-loris); they all hold a slot.
  Connection observer(daemon.port());
  ASSERT_EQ(status_of(observer.get("/healthz")), 200);
  Connection keep_alive(daemon.port());
  ASSERT_EQ(status_of(keep_alive.get("/healthz")), 200);
  std::vector<std::unique_ptr<Connection>> silent;
  for (int i = 0; i < kLimit - 2; ++i) {
    silent.push_back(std::make_unique<Connection>(daemon.port()));
    ASSERT_TRUE(silent.back()->ok());
  }
  // A silent connection counts once the daemon has accepted it.
  std::string metrics;
  const auto until = std::chrono::steady_clock::now() + 10s;
  do {
    metrics = observer.get("/metrics");
    ASSERT_EQ(status_of(metrics), 200) << metrics;
  } while (sample(metrics, "rolecall_http_connections_open") < kLimit &&
           std::chrono::steady_clock::now() < until);
  ASSERT_EQ(sample(metrics, "rolecall_http_connections_open"), kLimit) << metrics;
  EXPECT_EQ(sample(metrics, "rolecall_http_connections_max"), kLimit);
  EXPECT_EQ(sample(metrics, "rolecall_http_connections_refused_total"), 0);

  // One more: refused at once, never handled. The 503 is written before the
  // request is read, so a client may also see the connection reset instead.
  for (int i = 0; i < 3; ++i) {
    Connection extra(daemon.port());
    ASSERT_TRUE(extra.ok());
    const auto started = std::chrono::steady_clock::now();
    extra.send_get("/healthz");
    const auto answer = extra.read_until_closed(5s);
    ASSERT_TRUE(answer.has_value()) << "the connection over the limit was left open";
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
    if (!answer->empty()) {
      EXPECT_EQ(status_of(*answer), 503) << *answer;
      EXPECT_NE(answer->find("Retry-After: 1\r\n"), std::string::npos) << *answer;
      EXPECT_NE(answer->find("Connection: close\r\n"), std::string::npos) << *answer;
    }
  }
  const auto refused = http_request(daemon.port(), "GET", "/healthz", {}, {}, 5s);
  EXPECT_TRUE(refused.status == 503 || refused.status == 0) << refused.status;

  // The connections under the limit are served as before.
  EXPECT_EQ(status_of(keep_alive.get("/healthz")), 200);
  metrics = observer.get("/metrics");
  ASSERT_EQ(status_of(metrics), 200);
  EXPECT_EQ(sample(metrics, "rolecall_http_connections_refused_total"), 4) << metrics;
  EXPECT_EQ(sample(metrics, "rolecall_http_connections_open"), kLimit);

  // A freed slot is taken by the next client.
  silent.pop_back();
  HttpResult health;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    health = http_request(daemon.port(), "GET", "/healthz", {}, {}, 2s);
    if (health.status == 200) break;
  }
  EXPECT_EQ(health.status, 200) << health.error;

  EXPECT_TRUE(daemon.wait_for_log("refusing new ones with 503")) << daemon.log().substr(0, 4000);
  EXPECT_EQ(daemon.stop(), 0);
}

// ------------------------------------------------------------------ outbox

constexpr const char* kSecret = "8f742231b10e8888abcd99yyyzzz85a5";
constexpr const char* kToken = "xoxb-test-token-1234567890";

json mention(int i) {
  const std::string ts = std::to_string(1700001000 + i) + ".000100";
  return {{"token", "x"},
          {"team_id", "T0TEAM001"},
          {"api_app_id", "A0APP0001"},
          {"event",
           {{"type", "app_mention"},
            {"user", "U0USER001"},
            {"text", "<@U0BOT0001> who owns the pricing page?"},
            {"ts", ts},
            {"channel", "C0CHECK01"},
            {"event_ts", ts}}},
          {"type", "event_callback"},
          {"event_id", "Ev0DEPTH" + std::to_string(100 + i)},
          {"event_time", std::time(nullptr)}};
}

TEST(DaemonBounds, AnOutboxOverItsBoundWarnsAndCountsButKeepsEveryRow) {
  TempDir dir;
  FakeHttpServer slack;
  std::atomic<bool> slack_down{true};
  slack.set_handler([&](const RecordedRequest& r) -> FakeReply {
    const bool auth = r.target.find("auth.test") != std::string::npos;
    if (!auth && slack_down) return {503, {}, "down", 0ms};
    // After a 503 the daemon looks for its post before sending again (a 503
    // may have posted); this fake keeps no posts, so it finds none.
    if (r.target.find("conversations.") != std::string::npos)
      return {200,
              {{"Content-Type", "application/json"}},
              R"({"ok":true,"messages":[],"has_more":false})",
              0ms};
    return {200,
            {{"Content-Type", "application/json"}},
            auth ? R"({"ok":true,"user_id":"U0BOT0001","bot_id":"B0BOT0001","team_id":"T0TEAM001"})"
                 : R"({"ok":true,"channel":"C0CHECK01","ts":"1700000000.000200"})",
            0ms};
  });
  std::string yaml = test_config_yaml("slack:\n  post_interval_ms: 0\n");
  const std::string outbox = "outbox:\n  base_backoff_ms: 1000\n  max_backoff_ms: 2000\n";
  ASSERT_NE(yaml.find(outbox), std::string::npos);
  yaml.replace(yaml.find(outbox), outbox.size(), outbox + "  max_depth: 3\n");
  yaml.replace(yaml.find("max_attempts: 4"), 15, "max_attempts: 100");  // nothing given up
  DaemonProcess daemon(dir.path(), yaml,
                       {{"SLACK_SIGNING_SECRET", kSecret},
                        {"SLACK_BOT_TOKEN", kToken},
                        {"SLACK_API_URL", slack.base_url()}});

  // Slack is down, so every reply stays queued; each request is still
  // accepted with 200, past the bound too.
  constexpr int kEvents = 6;
  for (int i = 0; i < kEvents; ++i) {
    const std::string body = mention(i).dump();
    const std::string ts = std::to_string(std::time(nullptr));
    const auto r = http_request(daemon.port(), "POST", "/slack/events",
                                {{"Content-Type", "application/json"},
                                 {"X-Slack-Request-Timestamp", ts},
                                 {"X-Slack-Signature", slack_sign(kSecret, ts, body)}},
                                body);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  EXPECT_EQ(count_rows(daemon.db_path(), "SELECT count(*) FROM outbox WHERE state = 'pending'"),
            kEvents);
  ASSERT_TRUE(daemon.wait_for_log("over outbox.max_depth 3", 15s)) << daemon.log().substr(0, 6000);

  const auto metrics = http_request(daemon.port(), "GET", "/metrics").body;
  EXPECT_EQ(sample(metrics, "rolecall_outbox_max_depth"), 3) << metrics;
  EXPECT_EQ(sample(metrics, "rolecall_outbox_depth_exceeded_total"), 1) << metrics;
  EXPECT_EQ(sample(metrics, "rolecall_outbox_depth"), kEvents) << metrics;

  // Slack is back: every queued reply is delivered, and the daemon says the
  // outbox is within its bound again.
  slack_down = false;
  ASSERT_TRUE(daemon.wait_for_log("back within outbox.max_depth 3", 30s))
      << daemon.log().substr(0, 6000);
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  int delivered = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    delivered =
        count_rows(daemon.db_path(), "SELECT count(*) FROM outbox WHERE state = 'delivered'");
    if (delivered == kEvents) break;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(delivered, kEvents);
  EXPECT_EQ(daemon.stop(), 0);
}

}  // namespace
}  // namespace rolecall::testing
