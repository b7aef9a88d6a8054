#include "tests/support/fake_http_server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fstream>
#include <future>
#include <thread>

#include "tests/support/test_helpers.hpp"

namespace rolecall::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// A minimal synchronous client: one connection, several requests on it.
class Client {
 public:
  explicit Client(unsigned short port) : stream_(ioc_) {
    stream_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }
  http::response<http::string_body> post(const std::string& target, const std::string& body,
                                         bool keep_alive = true) {
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::content_type, "application/json; charset=utf-8");
    req.set("X-Custom", "A");
    req.keep_alive(keep_alive);
    req.body() = body;
    req.prepare_payload();
    http::write(stream_, req);
    http::response<http::string_body> res;
    http::read(stream_, buffer_, res);
    return res;
  }
  beast::tcp_stream& stream() { return stream_; }

 private:
  asio::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

TEST(FakeHttpServer, DefaultReplyIsOkJsonAndRequestIsRecorded) {
  FakeHttpServer server;
  EXPECT_NE(server.port(), 0);
  EXPECT_EQ(server.base_url(), "http://127.0.0.1:" + std::to_string(server.port()) + "/");
  Client client(server.port());
  auto res = client.post("/api/chat.postMessage", R"({"channel":"C1"})");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), R"({"ok":true})");
  EXPECT_EQ(res[http::field::content_type], "application/json");

  ASSERT_EQ(server.request_count(), 1u);
  auto r = server.requests().front();
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/api/chat.postMessage");
  EXPECT_EQ(r.body, R"({"channel":"C1"})");
  EXPECT_EQ(r.headers.at("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(r.headers.at("x-custom"), "A");  // names lower-cased
}

TEST(FakeHttpServer, ScriptedRepliesComeFirstInOrderThenHandler) {
  FakeHttpServer server;
  server.push_reply({429, {{"Retry-After", "7"}}, R"({"ok":false,"error":"ratelimited"})"});
  server.push_reply({500, {}, "boom"});
  server.set_handler([](const RecordedRequest& r) {
    return FakeReply{201, {{"Content-Type", "text/plain"}}, "echo:" + r.body};
  });
  Client client(server.port());  // all on one keep-alive connection
  auto a = client.post("/a", "1");
  auto b = client.post("/b", "2");
  auto c = client.post("/c", "3");
  EXPECT_EQ(a.result_int(), 429);
  EXPECT_EQ(a["Retry-After"], "7");
  EXPECT_EQ(b.result_int(), 500);
  EXPECT_EQ(b.body(), "boom");
  EXPECT_EQ(c.result_int(), 201);
  EXPECT_EQ(c.body(), "echo:3");
  EXPECT_EQ(c[http::field::content_type], "text/plain");
  EXPECT_EQ(server.request_count(), 3u);
}

TEST(FakeHttpServer, DelayIsHonouredAndDoesNotBlockOtherConnections) {
  FakeHttpServer server;
  server.push_reply({200, {}, "slow", 1000ms});
  auto slow = std::async(std::launch::async, [&] {
    Client client(server.port());
    auto start = std::chrono::steady_clock::now();
    auto res = client.post("/slow", "");
    return std::make_pair(res.body(), std::chrono::steady_clock::now() - start);
  });
  ASSERT_TRUE(server.wait_for_requests(1, 5s));
  Client fast(server.port());
  EXPECT_EQ(fast.post("/fast", "").body(), R"({"ok":true})");
  // The fast reply came back while the slow one is still being held.
  EXPECT_EQ(slow.wait_for(0s), std::future_status::timeout);
  auto [body, took] = slow.get();
  EXPECT_EQ(body, "slow");
  EXPECT_GE(took, 1000ms);
}

TEST(FakeHttpServer, CloseWithoutReplyDropsTheConnection) {
  FakeHttpServer server;
  FakeReply drop;
  drop.close_without_reply = true;
  server.push_reply(drop);
  Client client(server.port());
  EXPECT_THROW(client.post("/x", "body"), boost::system::system_error);
  EXPECT_EQ(server.request_count(), 1u);
}

TEST(FakeHttpServer, WaitForRequestsTimesOutAndWakesUp) {
  FakeHttpServer server;
  EXPECT_FALSE(server.wait_for_requests(1, 50ms));
  std::thread t([&] { Client(server.port()).post("/late", ""); });
  EXPECT_TRUE(server.wait_for_requests(1, 5s));
  t.join();
  server.clear();
  EXPECT_EQ(server.request_count(), 0u);
}

TEST(FakeHttpServer, ConnectionCloseIsRespected) {
  FakeHttpServer server;
  Client client(server.port());
  auto res = client.post("/x", "", /*keep_alive=*/false);
  EXPECT_FALSE(res.keep_alive());
  beast::flat_buffer buffer;
  http::response<http::string_body> next;
  beast::error_code ec;
  http::read(client.stream(), buffer, next, ec);
  EXPECT_EQ(ec, http::error::end_of_stream);
}

TEST(FakeHttpServer, DestructorWithPendingDelayDoesNotHang) {
  auto server = std::make_unique<FakeHttpServer>();
  server->push_reply({200, {}, "never", 60s});
  std::thread t([port = server->port()] {
    try {
      Client(port).post("/x", "");
    } catch (const std::exception&) {
    }
  });
  ASSERT_TRUE(server->wait_for_requests(1, 5s));
  server.reset();
  t.join();
}

TEST(TestHelpers, SlackSignMatchesDocumentedVector) {
  std::string body = read_fixture("slack/slash_command_slack_docs_example.txt");
  EXPECT_EQ(slack_sign("8f742231b10e8888abcd99yyyzzz85a5", "1531420618", body),
            "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503");
}

TEST(TestHelpers, TeamsSignIsBase64HmacOfTheBody) {
  // Key "key" (a2V5) and message from RFC-style HMAC example:
  // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog")
  // = f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8
  std::string sig = teams_sign("a2V5", "The quick brown fox jumps over the lazy dog");
  EXPECT_EQ(sig, "HMAC 97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=");
  EXPECT_THROW(teams_sign("abc", "x"), std::invalid_argument);
}

TEST(TestHelpers, TempDirIsCreatedAndRemoved) {
  std::filesystem::path p;
  {
    TempDir dir;
    p = dir.path();
    EXPECT_TRUE(std::filesystem::is_directory(p));
    std::ofstream(dir.file("a.txt")) << "x";
    EXPECT_EQ(read_file(dir.file("a.txt")), "x");
  }
  EXPECT_FALSE(std::filesystem::exists(p));
}

TEST(TestHelpers, UnusedPortRefusesConnections) {
  unsigned short port = unused_port();
  asio::io_context ioc;
  tcp::socket s(ioc);
  boost::system::error_code ec;
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  EXPECT_EQ(ec, asio::error::connection_refused);
}

TEST(TestHelpers, HexRoundTrip) {
  EXPECT_EQ(hex_encode("\x01\xab"), "01ab");
  EXPECT_EQ(hex_decode("01AB"), "\x01\xab");
  EXPECT_THROW(hex_decode("0"), std::invalid_argument);
}

}  // namespace
}  // namespace rolecall::testing
