// Integration (issue 13, defect 1): the real daemon is killed with SIGKILL
// after Slack has stored its thread reply and before Slack's 200 reaches it;
// the restarted daemon finds the reply by its metadata and does not post it
// again. tests/soak/crash_soak does the same 50+ times under load.

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <thread>

#include "tests/daemon/daemon_process.hpp"
#include "tests/support/fake_slack_api.hpp"
#include "tests/support/test_helpers.hpp"

namespace rolecall::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSecret = "exactly-once-test-signing-secret";

std::map<std::string, std::string> env_for(const TempDir& dir, const FakeSlackApi& slack) {
  return {{"SLACK_SIGNING_SECRET", kSecret},
          {"SLACK_BOT_TOKEN", "xoxb-test"},
          {"SLACK_API_URL", slack.api_url()},
          {"ROLECALL_DB", dir.file("rolecall.db")}};
}

template <class Pred>
bool wait_until(Pred pred, std::chrono::milliseconds timeout = 15s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred();
}

std::string outbox_state(const std::string& db_path) {
  sqlite3* db = nullptr;
  std::string state;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT group_concat(state) FROM outbox", -1, &s, nullptr) ==
            SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0)) {
      state = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return state;
}

TEST(ExactlyOnceDaemonTest, KilledBetweenSlacksOkAndTheCommitTheReplyIsNotPostedTwice) {
  TempDir dir;
  FakeSlackApi slack;
  // Slack stores the reply at once but answers only after 30 s: the daemon is
  // killed inside that window.
  slack.push_fault("chat.postMessage", {FakeSlackFault::Kind::post_then_delay, 1, 30000ms});
  auto daemon =
      std::make_unique<DaemonProcess>(dir.path(), test_config_yaml(), env_for(dir, slack));
  ASSERT_EQ(post_slack_mention(daemon->port(), kSecret, "Ev0ONCE001", "1700000100.000100"), 200);
  ASSERT_TRUE(wait_until([&] { return slack.messages().size() == 1; })) << daemon->log();
  daemon->stop(SIGKILL);
  ASSERT_EQ(outbox_state(dir.file("rolecall.db")), "pending");

  daemon = std::make_unique<DaemonProcess>(dir.path(), test_config_yaml(), env_for(dir, slack));
  ASSERT_TRUE(wait_until([&] { return outbox_state(dir.file("rolecall.db")) == "delivered"; }))
      << daemon->log();
  EXPECT_EQ(slack.messages().size(), 1u) << "the reply was posted twice";
  EXPECT_EQ(slack.calls()["conversations.replies"], 1u);
  EXPECT_NE(daemon->log().find("was posted by an earlier attempt"), std::string::npos);
  const auto m = slack.messages().at(0);
  EXPECT_EQ(m.thread_ts, "1700000100.000100");
  EXPECT_EQ(m.metadata["event_type"], "rolecall_outbox");
  EXPECT_EQ(daemon->stop(SIGTERM), 0);
}

}  // namespace
}  // namespace rolecall::testing
