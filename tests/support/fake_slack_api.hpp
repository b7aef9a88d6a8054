#pragma once
// A stateful fake of the Slack Web API, on a FakeHttpServer: it keeps what
// was posted and answers the read methods from it, so tests can check that a
// reply was posted exactly once and that rolecall can find its own posts.
//
// Methods (the last path segment; JSON or query/form arguments):
//   auth.test               names the bot (U0BOT0001 / B0BOT0001, team T0TEAM001)
//   chat.postMessage        stores the message (channel, thread_ts, text,
//                           metadata) with a new ts; answers {"ok":true,
//                           "channel","ts","message"}; ok:false
//                           channel_not_found for an empty channel
//   conversations.open      {"channel":{"id":"D" + the user id}}
//   conversations.replies   channel + ts: the stored replies of that thread
//                           (thread_ts == ts) and the parent if we posted it,
//                           oldest first
//   conversations.history   channel: the stored top-level messages (no
//                           thread_ts, or thread_ts == ts), newest first
//     both: `oldest` / `latest` (exclusive unless inclusive=true), `limit`
//     (default 100), `cursor` (opaque, from response_metadata.next_cursor),
//     has_more; "metadata" is included only with include_all_metadata=true
//     (Slack leaves it out otherwise)
//   anything else           {"ok":true}
// A message's ts is "<unix seconds>.<6-digit counter>", increasing.
//
// Faults, per method: scripted ones (push_fault) are used first, in order;
// then a random one by the rates given to set_fault_rates (seeded, so a run
// can be repeated). Kinds:
//   rate_limited          429, Retry-After: retry_after_s, body ratelimited;
//                         nothing stored
//   server_error          500 before anything is stored
//   post_then_error       chat.postMessage stores the message, then answers
//                         500 (Slack: "may have partially succeeded")
//   post_then_delay       stores, then answers 200 after `delay` (widens the
//                         window between Slack's 200 and rolecall's commit)
//   drop                  reads the request and closes the connection; for
//                         chat.postMessage the message is stored first
//
// Thread safety: every public method may be called from any thread.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "tests/support/fake_http_server.hpp"

namespace rolecall::testing {

struct FakeSlackMessage {
  std::string channel;
  std::string ts;
  std::string thread_ts;  // "" for a top-level message
  std::string text;
  nlohmann::json metadata;  // null when the post carried none
  nlohmann::json body;      // the request body as posted
  // When the post arrived (the pacing tests measure the gaps between posts).
  std::chrono::steady_clock::time_point received_at{};
};

struct FakeSlackFault {
  enum class Kind { none, rate_limited, server_error, post_then_error, post_then_delay, drop };
  Kind kind = Kind::none;
  int retry_after_s = 1;
  std::chrono::milliseconds delay{0};
};

// Probabilities (0..1) of each fault for one method; the rest is a plain 200.
struct FakeSlackFaultRates {
  double rate_limited = 0;
  double server_error = 0;
  double post_then_error = 0;
  double post_then_delay = 0;
  double drop = 0;
  std::chrono::milliseconds delay{500};  // for post_then_delay
  int retry_after_s = 1;
};

class FakeSlackApi {
 public:
  explicit FakeSlackApi(std::uint64_t seed = 1);
  FakeSlackApi(const FakeSlackApi&) = delete;
  FakeSlackApi& operator=(const FakeSlackApi&) = delete;

  FakeHttpServer& server() { return server_; }
  // What SLACK_API_URL / api_base_url should be: "http://127.0.0.1:PORT/api/".
  std::string api_url() const;

  void push_fault(const std::string& method, FakeSlackFault fault);
  void set_fault_rates(const std::string& method, FakeSlackFaultRates rates);
  void clear_faults();

  // Every stored message, in the order posted.
  std::vector<FakeSlackMessage> messages() const;
  // Stores a message as if someone (rolecall or another app) posted it.
  FakeSlackMessage add_message(const std::string& channel, const std::string& thread_ts,
                               const std::string& text, const nlohmann::json& metadata);
  // How many requests each method got, and how many were answered with a fault.
  std::map<std::string, std::size_t> calls() const;
  std::map<std::string, std::size_t> faults_served() const;

 private:
  FakeReply handle(const RecordedRequest& request);
  FakeSlackFault next_fault(const std::string& method);
  FakeSlackMessage store_locked(const std::string& channel, const std::string& thread_ts,
                                const std::string& text, const nlohmann::json& metadata,
                                const nlohmann::json& body);
  FakeReply read_messages(const std::string& method,
                          const std::map<std::string, std::string>& args);

  mutable std::mutex mu_;
  std::vector<FakeSlackMessage> messages_;
  std::map<std::string, std::vector<FakeSlackFault>> scripted_;
  std::map<std::string, FakeSlackFaultRates> rates_;
  std::map<std::string, std::size_t> calls_;
  std::map<std::string, std::size_t> faults_;
  std::mt19937_64 rng_;
  std::uint64_t counter_ = 0;
  FakeHttpServer server_;  // last: its threads stop before the state above goes
};

}  // namespace rolecall::testing
