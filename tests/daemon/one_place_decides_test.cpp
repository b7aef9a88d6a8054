// The application layer seen through every platform, in process: the Slack
// handler, the Teams webhook endpoint and the console, wired to one App on a
// real SQLite file, fed real payload shapes (tests/fixtures). No daemon is
// spawned and nothing sleeps: each call returns when the request is handled.
//
//  - the chatter rule: a message in an intake channel with no ask gets no
//    reply and leaves no row; a message about no role leaves nothing;
//  - the same message and addressing give the same outcome on every platform;
//  - a store that fails at its nth call, for every n a request reaches: the
//    platform is told to retry (Slack 503 / unavailable; Teams a "try again"
//    reply), nothing is left behind, and the retry succeeds exactly once.

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "adapters/slack/slack_request.hpp"
#include "config/classifier_model_loader.hpp"
#include "config/taxonomy_loader.hpp"
#include "daemon/console_endpoint.hpp"
#include "daemon/metrics.hpp"
#include "daemon/outbox_worker.hpp"
#include "daemon/request_router.hpp"
#include "daemon/slack_handler.hpp"
#include "daemon/teams_endpoint.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "tests/support/failing_store.hpp"
#include "tests/support/test_helpers.hpp"
#include "usecases/app.hpp"

namespace rolecall {
namespace {

using nlohmann::json;
using testing::FailingStore;

constexpr std::int64_t kNow = 1'700'000'000;
constexpr const char* kChannel = "C0CHECKOUT1";  // the team's ordinary channel
constexpr const char* kIntake = "C111";          // the channel of Slack's own docs example
constexpr const char* kBot = "U0BOT00001";
constexpr const char* kTeamsKey = "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s=";  // 32 x 'k'
// Requests and questions whose class is not in doubt (the parity test checks
// that they do not drift into chatter: a rig that stores nothing proves nothing).
constexpr const char* kRequest = "Can we pull the login bug into this sprint?";
constexpr const char* kQuestion = "who decides the pricing of the enterprise plan?";

Person person(std::string name, std::string slack) {
  Person p;
  p.display_name = std::move(name);
  p.slack_user_id = std::move(slack);
  return p;
}

TeamDirectory teams() {
  Team checkout;
  checkout.id = "checkout";
  checkout.name = "Checkout";
  checkout.slack_channels = {kChannel};
  checkout.intake_channels = {kIntake};
  checkout.product_managers = {person("Priya Nair", "U0PRIYA001")};
  checkout.product_owners = {person("Tom Becker", "U0TOMB0001")};
  return TeamDirectory({checkout}, "checkout");
}

// One process's worth of wiring, without the process.
struct Rig {
  Rig() {
    knowledge = std::make_unique<KnowledgeHolder>(std::make_shared<const Knowledge>(
        load_taxonomy(std::string(ROLECALL_SOURCE_DIR) + "/config/taxonomy.yaml"),
        load_classifier_model(std::string(ROLECALL_SOURCE_DIR) + "/config/classifier-model.tsv"),
        teams(), RoutingPolicy{}));
    app = std::make_unique<App>(*knowledge, store, &metrics, AppOptions{});
    TeamsWebhook hook;
    hook.name = "default";
    hook.team = "checkout";
    hook.key_bytes = std::string(32, 'k');
    hook.key_source = SecretSource::file;
    hook.active = true;
    config.teams.active = true;
    config.teams.webhooks = {hook};

    const PlatformContext platform{app.get(), &store, knowledge.get(), &metrics, &outbox, &config};
    SlackHandlerContext slack_ctx;
    slack_ctx.platform = platform;
    slack_ctx.bot_user_id = kBot;
    slack_ctx.can_post = true;
    slack_ctx.clock = [this] { return now; };
    slack = std::make_unique<SlackHandler>(slack_ctx);
    register_teams_routes(router,
                          TeamsEndpointContext{platform, 24 * 3600, [this] { return now; }});
    ConsoleContext console;
    console.app = app.get();
    console.store = &store;
    console.knowledge = knowledge.get();
    console.clock = [this] { return now; };
    register_console_routes(router, std::move(console));
  }

  // --- Slack
  SlackReply slack_event(const json& body) {
    return slack->handle(parse_events_api_json(body, 0, ""), SlackDelivery{"test", "loopback"});
  }
  // `thread_ts` set: a reply in the thread under that message.
  SlackReply slack_message(const std::string& type, const std::string& channel,
                           const std::string& text, const std::string& ts,
                           const std::string& event_id, const std::string& thread_ts = "") {
    json body = json::parse(testing::read_fixture("slack/events_message_channels.json"));
    body["event_id"] = event_id;
    body["authorizations"][0]["user_id"] = kBot;
    json& ev = body["event"];
    ev["type"] = type;
    ev["channel"] = channel;
    ev["text"] = type == "app_mention" ? std::string("<@") + kBot + "> " + text : text;
    ev["ts"] = ev["event_ts"] = ts;
    if (!thread_ts.empty()) ev["thread_ts"] = thread_ts;
    return slack_event(body);
  }
  SlackReply slack_button(std::int64_t routing_id, const std::string& action) {
    return slack_press(std::to_string(routing_id), action, "");
  }
  // A button press with the value as rendered, by `user` (fixture's if empty).
  SlackReply slack_press(const std::string& value, const std::string& action,
                         const std::string& user) {
    json payload =
        json::parse(testing::read_fixture("slack/interactive_block_actions_message.json"));
    payload["actions"][0]["action_id"] = action;
    payload["actions"][0]["value"] = value;
    if (!user.empty()) payload["user"]["id"] = user;
    payload["response_url"] = "http://127.0.0.1:9/response";
    return slack->handle(parse_interactive_json(payload), SlackDelivery{"test", "loopback"});
  }

  // --- Teams
  // `thread_root` set: posted in the thread under that message (its id in
  // conversation.id; a top-level post carries its own id there). Unset: the
  // fixture's conversation as it is.
  HttpResponse teams_message(const std::string& text, const std::string& id,
                             const std::string& thread_root = "") {
    json a = json::parse(testing::read_fixture("teams/outgoing-webhook-request.json"));
    a["id"] = id;
    if (!thread_root.empty()) {
      a["conversation"]["id"] =
          "19:5f2c8e0a41b94c0d9e3f7a6b1c2d3e4f@thread.tacv2;messageid=" + thread_root;
    }
    a["text"] = "<at>OwnerBot</at> " + text;
    a["attachments"] = json::array();
    HttpRequest r;
    r.method = "POST";
    r.target = "/teams/webhook";
    r.peer_address = "127.0.0.1";
    r.request_id = "test";
    r.body = a.dump();
    r.headers["content-type"] = "application/json";
    r.headers["authorization"] = testing::teams_sign(kTeamsKey, r.body);
    return router.handle(r);
  }

  // --- console
  HttpResponse console_call(const std::string& method, const std::string& target,
                            const std::string& body) {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.peer_address = "127.0.0.1";
    r.request_id = "test";
    r.headers["host"] = "127.0.0.1:8080";
    if (!body.empty()) r.headers["content-type"] = "application/json";
    r.body = body;
    HttpResponse out = router.handle(r);
    EXPECT_LT(out.status, 500) << target << ": " << out.body;
    return out;
  }
  HttpResponse console_post(const std::string& text) {
    HttpRequest r;
    r.method = "POST";
    r.target = "/console/api/message";
    r.peer_address = "127.0.0.1";
    r.request_id = "test";
    r.headers["host"] = "127.0.0.1:8080";
    r.headers["content-type"] = "application/json";
    r.body = json{{"team", "checkout"}, {"text", text}}.dump();
    return router.handle(r);
  }
  json console_message(const std::string& text) {
    HttpResponse out = console_post(text);
    EXPECT_EQ(out.status, 200) << out.body;
    return json::parse(out.body, nullptr, false);
  }

  std::vector<RoutingRecord> routings() { return sqlite.list_routings({}); }
  std::vector<OutboxRow> outbox_rows() { return sqlite.due_outbox(now + 1'000'000, 100); }

  testing::TempDir dir;
  SqliteStore sqlite{dir.file("rolecall.db")};
  FailingStore store{sqlite};
  std::unique_ptr<KnowledgeHolder> knowledge;
  Metrics metrics;
  std::unique_ptr<App> app;
  OutboxWorker outbox{store, {}, OutboxOptions{}};  // never started: notify() only
  AppConfig config;
  RequestRouter router{nullptr};
  std::unique_ptr<SlackHandler> slack;
  std::int64_t now = kNow;
};

// --- the chatter rule (the defect: intake chatter was answered and logged)

TEST(ChatterRule, SlacksOwnMessageChannelsExampleInAnIntakeChannelGetsNoReplyAndNoRow) {
  Rig rig;
  json body = json::parse(testing::read_fixture("slack/events_message_channels.json"));
  ASSERT_EQ(body["event"]["channel"], kIntake);  // the docs example, as Slack sends it
  const SlackReply reply = rig.slack_event(body);
  EXPECT_EQ(reply.status, SlackReply::Status::ok);
  EXPECT_TRUE(reply.body.is_null());
  EXPECT_TRUE(rig.routings().empty());
  EXPECT_TRUE(rig.outbox_rows().empty());
}

TEST(ChatterRule, WhoOwnsTheCoffeeMachineInAnIntakeChannelLeavesNothing) {
  Rig rig;
  rig.slack_message("message", kIntake, "who owns the coffee machine?", "1700000000.000100", "Ev1");
  EXPECT_TRUE(rig.routings().empty()) << "logged as an answered question";
  EXPECT_TRUE(rig.outbox_rows().empty());
}

TEST(ChatterRule, AskedDirectlyAboutTheCoffeeMachineRolecallSaysWhatItCanAnswer) {
  Rig rig;
  rig.slack_message("app_mention", kChannel, "who owns the coffee machine?", "1700000000.000100",
                    "Ev1");
  EXPECT_TRUE(rig.routings().empty());
  ASSERT_EQ(rig.outbox_rows().size(), 1u) << "an addressed message always gets an answer";
}

TEST(ChatterRule, ARequestInTheIntakeChannelIsRoutedWithAThreadReply) {
  Rig rig;
  rig.slack_message("message", kIntake, kRequest, "1700000000.000100", "Ev1");
  const auto rows = rig.routings();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].intent, Intent::request);
  EXPECT_EQ(rows[0].role, Role::product_owner);
  const auto out = rig.outbox_rows();
  ASSERT_EQ(out.size(), 1u);
  const json posted = json::parse(out[0].message.payload);
  EXPECT_EQ(posted["thread_ts"], "1700000000.000100");
  EXPECT_NE(out[0].message.payload.find(std::to_string(rows[0].id)), std::string::npos)
      << "the buttons carry the routing's real id";
}

TEST(ChatterRule, AReplyInsideAThreadOfTheIntakeChannelIsNotANewRequest) {
  Rig rig;
  json body = json::parse(testing::read_fixture("slack/events_message_channels.json"));
  body["event"]["text"] = kRequest;
  body["event"]["thread_ts"] = "1600000000.000100";
  rig.slack_event(body);
  EXPECT_TRUE(rig.routings().empty());
  EXPECT_TRUE(rig.outbox_rows().empty());
}

TEST(ChatterRule, BotMessagesAreDroppedBeforeAnyWrite) {
  Rig rig;
  rig.store.break_down();  // any store call would now fail the request
  json body = json::parse(testing::read_fixture("slack/events_message_subtype_bot_message.json"));
  body["event"]["channel"] = kIntake;
  EXPECT_EQ(rig.slack_event(body).status, SlackReply::Status::ok);
  // rolecall's own post (its bot user, as auth.test named it).
  body = json::parse(testing::read_fixture("slack/events_message_from_self_bot.json"));
  body["event"]["user"] = kBot;
  body["event"]["channel"] = kIntake;
  EXPECT_EQ(rig.slack_event(body).status, SlackReply::Status::ok);
  EXPECT_EQ(rig.store.calls(), 0) << "a bot message reached the store";
}

TEST(ChatterRule, ADirectMessageIsAnsweredButNeverRouted) {
  Rig rig;
  json body = json::parse(testing::read_fixture("slack/events_message_im.json"));
  body["event"]["text"] = kRequest;
  rig.slack_event(body);
  for (const auto& r : rig.routings()) EXPECT_NE(r.intent, Intent::request);
  ASSERT_EQ(rig.outbox_rows().size(), 1u);
}

// --- one rule, every platform

struct Observed {
  std::size_t rows = 0;
  Intent intent = Intent::other;
  Role role = Role::none;
  RoutingStatus status = RoutingStatus::open;
  bool operator==(const Observed& o) const {
    return rows == o.rows && intent == o.intent && role == o.role && status == o.status;
  }
};
std::ostream& operator<<(std::ostream& os, const Observed& o) {
  return os << o.rows << " row(s), " << to_string(o.intent) << ", " << to_string(o.role) << ", "
            << to_string(o.status);
}
Observed observe(Rig& rig) {
  Observed o;
  const auto rows = rig.routings();
  o.rows = rows.size();
  if (!rows.empty()) {
    o.intent = rows[0].intent;
    o.role = rows[0].role;
    o.status = rows[0].status;
  }
  return o;
}

class SamePlatformOutcome : public ::testing::TestWithParam<const char*> {};

TEST_P(SamePlatformOutcome, SlackTeamsAndTheConsoleStoreTheSameForAMention) {
  const std::string text = GetParam();
  Rig slack, teams, console;
  slack.slack_message("app_mention", kChannel, text, "1700000000.000100", "Ev1");
  EXPECT_EQ(slack.outbox_rows().size(), 1u) << "a mention is always answered on Slack";
  const HttpResponse t = teams.teams_message(text, "1718112233445");
  EXPECT_EQ(t.status, 200);
  EXPECT_NE(t.body.find("AdaptiveCard"), std::string::npos) << t.body;
  const json c = console.console_message(text);
  EXPECT_NE(c["kind"], "nothing") << "a console message is always answered";

  EXPECT_EQ(observe(slack), observe(teams)) << text;
  EXPECT_EQ(observe(slack), observe(console)) << text;
  if (text == kRequest) {
    EXPECT_EQ(observe(slack).rows, 1u);
    EXPECT_EQ(observe(slack).intent, Intent::request);
  }
  if (text == kQuestion) {
    EXPECT_EQ(observe(slack).rows, 1u);
    EXPECT_EQ(observe(slack).intent, Intent::question);
  }
}

INSTANTIATE_TEST_SUITE_P(Messages, SamePlatformOutcome,
                         ::testing::Values(kRequest, kQuestion, "who owns the coffee machine?",
                                           "thanks all, see you tomorrow :wave:",
                                           "Refresh the competitive matrix in the business plan",
                                           "should the free tier stay, or do we go paid only?"));

// --- one scripted conversation, every platform

// The moves of a conversation, as each platform makes them.
struct Platform {
  const char* name;
  std::function<void(Rig&, const std::string& text, int step)> say;  // @rolecall TEXT
  std::function<void(Rig&, std::int64_t routing_id, int step)> reassign;
  std::function<void(Rig&, const std::string& text, int step)> decide;
  // What a decision search shows (the rendered reply, as text).
  std::function<std::string(Rig&, const std::string& query, int step)> find;
};

std::string ts_of(int step) { return "17000000" + std::to_string(10 + step) + ".000100"; }

const Platform kPlatforms[] = {
    {"slack",
     [](Rig& r, const std::string& text, int step) {
       r.slack_message("app_mention", kChannel, text, ts_of(step), "Ev" + std::to_string(step));
     },
     [](Rig& r, std::int64_t id, int) { r.slack_button(id, "rolecall_reassign"); },
     [](Rig& r, const std::string& text, int) {
       r.slack->handle(parse_slash_command_json({{"command", "/decision"},
                                                 {"text", text},
                                                 {"channel_id", kChannel},
                                                 {"user_id", "U0PRIYA001"}}),
                       SlackDelivery{"test", "loopback"});
     },
     [](Rig& r, const std::string& query, int) {
       return r.slack
           ->handle(parse_slash_command_json({{"command", "/decisions"},
                                              {"text", query},
                                              {"channel_id", kChannel},
                                              {"user_id", "U0PRIYA001"}}),
                    SlackDelivery{"test", "loopback"})
           .body.dump();
     }},
    {"teams",
     [](Rig& r, const std::string& text, int step) {
       r.teams_message(text, std::to_string(1718112233000 + step));
     },
     [](Rig& r, std::int64_t id, int step) {
       r.teams_message("reassign #" + std::to_string(id), std::to_string(1718112233000 + step));
     },
     [](Rig& r, const std::string& text, int step) {
       r.teams_message("decision " + text, std::to_string(1718112233000 + step));
     },
     [](Rig& r, const std::string& query, int step) {
       return r.teams_message("decisions " + query, std::to_string(1718112233000 + step)).body;
     }},
    {"console", [](Rig& r, const std::string& text, int) { r.console_message(text); },
     [](Rig& r, std::int64_t id, int) {
       r.console_call("POST", "/console/api/action",
                      json{{"routing_id", id}, {"action", "reassign"}}.dump());
     },
     [](Rig& r, const std::string& text, int) {
       r.console_call("POST", "/console/api/decision",
                      json{{"team", "checkout"}, {"text", text}}.dump());
     },
     [](Rig& r, const std::string& query, int) {
       std::string q;
       for (char c : query) q += c == ' ' ? std::string("%20") : std::string(1, c);
       return r.console_call("GET", "/console/api/decisions?team=checkout&q=" + q, "").body;
     }},
};

// What a conversation leaves in the store, platform ids and times aside.
struct Ledger {
  std::vector<std::string> routings;  // intent/role/status
  std::size_t changes = 0;
  std::vector<std::string> decisions;  // role: text
  bool operator==(const Ledger& o) const {
    return routings == o.routings && changes == o.changes && decisions == o.decisions;
  }
};
std::ostream& operator<<(std::ostream& os, const Ledger& l) {
  for (const auto& r : l.routings) os << "[" << r << "] ";
  os << l.changes << " change(s); ";
  for (const auto& d : l.decisions) os << "{" << d << "} ";
  return os;
}

TEST(ScriptedConversation, EndsTheSameOnSlackTeamsAndTheConsole) {
  std::vector<Ledger> ledgers;
  for (const Platform& p : kPlatforms) {
    SCOPED_TRACE(p.name);
    Rig rig;
    int step = 0;
    p.say(rig, kQuestion, ++step);                       // answered, logged as a question
    p.say(rig, kRequest, ++step);                        // routed to the PO
    p.say(rig, "thanks all, see you tomorrow", ++step);  // chatter: answered, not logged
    const auto routed = rig.routings();
    ASSERT_EQ(routed.size(), 2u);
    const RoutingRecord& request = routed[0].intent == Intent::request ? routed[0] : routed[1];
    ASSERT_EQ(request.intent, Intent::request);
    EXPECT_EQ(request.role, Role::product_owner);
    p.reassign(rig, request.id, ++step);  // moved to the PM
    p.decide(rig, "We launch the pro tier in March.", ++step);
    p.decide(rig, "Sprint reviews move to Thursdays.", ++step);
    const std::string found = p.find(rig, "pro tier", ++step);
    EXPECT_NE(found.find("March"), std::string::npos) << found;
    EXPECT_EQ(found.find("Thursdays"), std::string::npos) << "search shows everything: " << found;

    Ledger l;
    for (const auto& r : rig.routings())
      l.routings.push_back(std::string(to_string(r.intent)) + "/" + std::string(to_string(r.role)) +
                           "/" + std::string(to_string(r.status)));
    std::sort(l.routings.begin(), l.routings.end());
    l.changes = rig.sqlite.status_changes("checkout", 0, 0).size();
    for (const auto& d : rig.sqlite.list_decisions({}))
      l.decisions.push_back(std::string(to_string(d.role)) + ": " + d.text);
    std::sort(l.decisions.begin(), l.decisions.end());
    EXPECT_EQ(l.changes, 1u);
    EXPECT_EQ(l.decisions.size(), 2u);
    ledgers.push_back(l);
  }
  ASSERT_EQ(ledgers.size(), 3u);
  EXPECT_EQ(ledgers[0], ledgers[1]) << "slack vs teams";
  EXPECT_EQ(ledgers[0], ledgers[2]) << "slack vs console";
}

// --- a question in the thread of a routed request (message_rules.hpp rule 5)

struct Said {
  std::string id;    // the message's platform id (a thread's root, later)
  std::string text;  // what rolecall answered, as the platform shows it
};

// The moves of a threaded conversation, as each platform makes them.
struct ThreadPlatform {
  const char* name;
  // @rolecall TEXT; `root` set: as a reply in the thread under that message.
  std::function<Said(Rig&, const std::string& text, const std::string& root, int step)> say;
  std::function<void(Rig&, std::int64_t routing_id, int step)> reassign;
};

const ThreadPlatform kThreadPlatforms[] = {
    {"slack",
     [](Rig& r, const std::string& text, const std::string& root, int step) {
       const std::string ts = ts_of(step);
       r.slack_message("app_mention", kChannel, text, ts, "Ev" + std::to_string(step), root);
       // The reply queued for this message (threaded under its root).
       for (const auto& row : r.outbox_rows()) {
         if (row.message.idempotency_key != std::string("slack:reply:") + kChannel + ":" + ts)
           continue;
         const json posted = json::parse(row.message.payload);
         EXPECT_EQ(posted.value("thread_ts", ""), root.empty() ? ts : root);
         return Said{ts, posted["text"].get<std::string>() + "\n" + posted["blocks"].dump()};
       }
       ADD_FAILURE() << "no reply to " << ts;
       return Said{ts, ""};
     },
     [](Rig& r, std::int64_t id, int) { r.slack_button(id, "rolecall_reassign"); }},
    {"teams",
     [](Rig& r, const std::string& text, const std::string& root, int step) {
       const std::string id = std::to_string(1718112233000 + step);
       const HttpResponse out = r.teams_message(text, id, root.empty() ? id : root);
       EXPECT_EQ(out.status, 200);
       return Said{id, out.body};
     },
     [](Rig& r, std::int64_t id, int step) {
       r.teams_message("reassign #" + std::to_string(id), std::to_string(1718112233000 + step));
     }},
};

constexpr auto npos = std::string::npos;

std::size_t count_intent(Rig& rig, Intent intent) {
  std::size_t n = 0;
  for (const auto& r : rig.routings()) n += r.intent == intent ? 1 : 0;
  return n;
}

TEST(ThreadQuestion, IsAnsweredAboutTheRoutedRequestOfItsThreadAndItsOwnerNow) {
  for (const ThreadPlatform& p : kThreadPlatforms) {
    SCOPED_TRACE(p.name);
    Rig rig;
    int step = 0;
    const std::string root = p.say(rig, kRequest, "", ++step).id;  // routed to the PO
    ASSERT_EQ(rig.routings().size(), 1u);
    const RoutingRecord request = rig.routings().at(0);
    ASSERT_EQ(request.intent, Intent::request);
    ASSERT_EQ(request.role, Role::product_owner);
    ASSERT_EQ(request.topic, "sprint_scope");

    rig.now += 60;
    std::string said = p.say(rig, "who owns this?", root, ++step).text;
    EXPECT_NE(said.find("This thread's request (routed on 2023-11-14"), npos) << said;
    EXPECT_NE(said.find("Product Owner"), npos) << said;
    EXPECT_NE(said.find("Tom Becker"), npos) << said;
    EXPECT_NE(said.find("cope changes inside a sprint"), npos) << said;
    EXPECT_EQ(said.find("Priya"), npos) << said;
    EXPECT_EQ(said.find("I don't know"), npos) << said;
    // Logged as an answered question about the request, not as a routing.
    EXPECT_EQ(count_intent(rig, Intent::request), 1u);
    ASSERT_EQ(rig.routings().size(), 2u);
    const RoutingRecord asked = rig.routings().at(0);  // newest first
    EXPECT_EQ(asked.intent, Intent::question);
    EXPECT_EQ(asked.role, Role::product_owner);
    EXPECT_EQ(asked.topic, "sprint_scope");
    EXPECT_EQ(asked.status, RoutingStatus::acknowledged);
    EXPECT_EQ(asked.assignee, "Tom Becker");
    EXPECT_EQ(asked.text, "who owns this?");
    EXPECT_EQ(rig.sqlite.get_routing(request.id)->status, RoutingStatus::open) << "untouched";

    // Reassigned: the thread's request has a new owner, and the answer says so.
    p.reassign(rig, request.id, ++step);
    ASSERT_EQ(rig.sqlite.get_routing(request.id)->role, Role::product_manager);
    said = p.say(rig, "who should pick this up?", root, ++step).text;
    EXPECT_NE(said.find("This thread's request"), npos) << said;
    EXPECT_NE(said.find("Product Manager"), npos) << said;
    EXPECT_NE(said.find("Priya Nair"), npos) << said;
    EXPECT_EQ(said.find("Tom Becker"), npos) << said;
    EXPECT_EQ(rig.routings().at(0).role, Role::product_manager);
    EXPECT_EQ(rig.routings().at(0).assignee, "Priya Nair");

    // A question naming a topic of its own is answered about that topic.
    const std::size_t rows = rig.routings().size();
    said = p.say(rig, "who owns the pricing for this?", root, ++step).text;
    EXPECT_EQ(said.find("This thread's request"), npos) << said;
    EXPECT_NE(said.find("ricing and packaging"), npos) << said;
    ASSERT_EQ(rig.routings().size(), rows + 1);
    EXPECT_EQ(rig.routings().at(0).topic, "pricing");

    // Chatter in the thread is no question about its request.
    said = p.say(rig, "thanks!", root, ++step).text;
    EXPECT_EQ(said.find("This thread's request"), npos) << said;
    EXPECT_EQ(rig.routings().size(), rows + 1);
    EXPECT_EQ(count_intent(rig, Intent::request), 1u);
  }
}

TEST(ThreadQuestion, AThreadUnderAMessageRolecallDidNotRouteGetsTodaysAnswer) {
  for (const ThreadPlatform& p : kThreadPlatforms) {
    SCOPED_TRACE(p.name);
    Rig rig;
    int step = 0;
    // Answered and logged, but a question: nothing was routed for it.
    const std::string answered = p.say(rig, kQuestion, "", ++step).id;
    ASSERT_EQ(rig.routings().size(), 1u);
    ASSERT_EQ(rig.routings().at(0).intent, Intent::question);
    const std::string today = p.say(rig, "who owns this?", "", ++step).text;
    EXPECT_NE(today.find("who owns that"), npos) << today;  // the help text

    for (const std::string& root : {answered, std::string("1600000000.000100")}) {
      const std::string said = p.say(rig, "who owns this?", root, ++step).text;
      EXPECT_EQ(said, today) << "under " << root;
    }
    EXPECT_EQ(rig.routings().size(), 1u) << "the help text is not logged";
  }
}

// --- a stale Reassign never undoes (pressed twice, the routing moves once)

// The value of the Reassign button in the first routing notice queued.
std::string reassign_button_value(Rig& rig) {
  for (const auto& row : rig.outbox_rows()) {
    const json m = json::parse(row.message.payload, nullptr, false);
    if (!m.is_object() || !m.contains("blocks")) continue;
    for (const json& b : m["blocks"]) {
      if (b.value("type", "") != "actions") continue;
      for (const json& e : b["elements"])
        if (e.value("action_id", "") == "rolecall_reassign") return e.value("value", "");
    }
  }
  return "";
}

std::size_t changes(Rig& rig) { return rig.sqlite.status_changes("checkout", 0, 0).size(); }

TEST(StaleReassign, TheSameSlackButtonPressedTwiceMovesTheRequestOnce) {
  Rig rig;
  rig.slack_message("app_mention", kChannel, kRequest, "1700000000.000100", "Ev1");
  const RoutingRecord routed = rig.routings().at(0);
  ASSERT_EQ(routed.role, Role::product_owner);
  const std::string value = reassign_button_value(rig);
  EXPECT_EQ(value, std::to_string(routed.id) + ":product_owner") << "the owner rides along";

  rig.now += 5;
  EXPECT_EQ(rig.slack_press(value, "rolecall_reassign", "U0ANA00001").status,
            SlackReply::Status::ok);
  EXPECT_EQ(rig.routings().at(0).role, Role::product_manager);
  ASSERT_EQ(changes(rig), 1u);

  // The same (now stale) button, by someone else: nothing moves back.
  rig.now += 5;
  const std::size_t rows = rig.outbox_rows().size();
  EXPECT_EQ(rig.slack_press(value, "rolecall_reassign", "U0BEN00001").status,
            SlackReply::Status::ok);
  EXPECT_EQ(rig.routings().at(0).role, Role::product_manager);
  EXPECT_EQ(rig.routings().at(0).status, RoutingStatus::reassigned);
  EXPECT_EQ(changes(rig), 1u);
  ASSERT_EQ(rig.outbox_rows().size(), rows + 1);
  const std::string said = rig.outbox_rows().back().message.payload;
  EXPECT_NE(said.find("Already reassigned to the PM by <@U0ANA00001>"), std::string::npos) << said;

  // A button drawn for the current owner (the updated notice's) moves it on purpose.
  rig.now += 5;
  rig.slack_press(std::to_string(routed.id) + ":product_manager", "rolecall_reassign",
                  "U0BEN00001");
  EXPECT_EQ(rig.routings().at(0).role, Role::product_owner);
  EXPECT_EQ(changes(rig), 2u);
}

TEST(StaleReassign, ATeamsReassignTypedTwiceSaysWhoMovedItAndChangesNothing) {
  Rig rig;
  rig.teams_message(kRequest, "1718112233001");
  const RoutingRecord routed = rig.routings().at(0);
  ASSERT_EQ(routed.role, Role::product_owner);
  const std::string cmd = "reassign #" + std::to_string(routed.id);
  rig.teams_message(cmd, "1718112233002");
  EXPECT_EQ(rig.routings().at(0).role, Role::product_manager);
  ASSERT_EQ(changes(rig), 1u);

  const HttpResponse again = rig.teams_message(cmd, "1718112233003");
  EXPECT_EQ(again.status, 200);
  EXPECT_NE(again.body.find("already reassigned to the Product Manager by"), std::string::npos)
      << again.body;
  EXPECT_EQ(rig.routings().at(0).role, Role::product_manager);
  EXPECT_EQ(changes(rig), 1u);

  // Naming the role moves it on purpose.
  rig.teams_message(cmd + " to po", "1718112233004");
  EXPECT_EQ(rig.routings().at(0).role, Role::product_owner);
  EXPECT_EQ(changes(rig), 2u);
}

TEST(StaleReassign, TheConsoleButtonPressedTwiceMovesTheRequestOnce) {
  Rig rig;
  rig.console_message(kRequest);
  const RoutingRecord routed = rig.routings().at(0);
  ASSERT_EQ(routed.role, Role::product_owner);
  const std::string press =
      json{{"routing_id", routed.id}, {"action", "reassign"}, {"rendered_for", "product_owner"}}
          .dump();
  json first = json::parse(rig.console_call("POST", "/console/api/action", press).body);
  EXPECT_TRUE(first["changed"].get<bool>());
  EXPECT_EQ(rig.routings().at(0).role, Role::product_manager);

  json second = json::parse(rig.console_call("POST", "/console/api/action", press).body);
  EXPECT_FALSE(second["changed"].get<bool>());
  EXPECT_TRUE(second["stale"].get<bool>());
  EXPECT_NE(second["text"].get<std::string>().find("Already reassigned to the Product Manager by "
                                                   "console"),
            std::string::npos)
      << second.dump();
  EXPECT_EQ(second["routing"]["role"], "product_manager");
  EXPECT_EQ(rig.routings().at(0).role, Role::product_manager);
  EXPECT_EQ(changes(rig), 1u);

  const HttpResponse r = rig.console_call(
      "POST", "/console/api/action",
      json{{"routing_id", routed.id}, {"action", "reassign"}, {"rendered_for", "cto"}}.dump());
  EXPECT_EQ(r.status, 400);
}

// --- duplicates are acknowledged before any work (an advisory read)

TEST(Duplicates, ASeenEventIsAcknowledgedWithoutClassifyingOrRendering) {
  Rig rig;
  InboundMessage m;
  m.platform = "slack";
  m.addressing = Addressing::mention;
  m.team = rig.knowledge->get()->teams.find("checkout");
  ASSERT_NE(m.team, nullptr);
  m.channel = kChannel;
  m.author = "U0ASKER001";
  m.text = kRequest;
  m.message_id = "1700000000.000100";
  m.dedupe_keys = {"slack:event:Ev1", std::string("slack:msg:") + kChannel + ":1700000000.000100"};
  int renders = 0;
  const auto render = [&](const MessageOutcome&) {
    ++renders;
    return std::vector<OutboxMessage>{};
  };
  const MessageOutcome first = rig.app->handle_message(m, kNow, render);
  ASSERT_EQ(first.kind, MessageOutcome::Kind::routed);
  ASSERT_EQ(renders, 1);

  // Slack's retry: one read, no classification (the outcome carries none),
  // no rendering, no write.
  rig.store.fail_call(0);
  const MessageOutcome retry = rig.app->handle_message(m, kNow + 5, render);
  EXPECT_EQ(retry.kind, MessageOutcome::Kind::duplicate);
  EXPECT_EQ(renders, 1);
  EXPECT_TRUE(retry.classification.cues.empty());
  EXPECT_EQ(retry.classification.confidence, 0.0);
  EXPECT_EQ(rig.store.calls(), 1) << "only the advisory event_seen read";

  // The same human message as a second event (app_mention + message.channels).
  m.dedupe_keys[0] = "slack:event:Ev2";
  rig.store.fail_call(0);
  EXPECT_EQ(rig.app->handle_message(m, kNow + 6, render).kind, MessageOutcome::Kind::duplicate);
  EXPECT_EQ(renders, 1);
  EXPECT_EQ(rig.store.calls(), 2) << "a read per key until one is known";
  EXPECT_EQ(rig.routings().size(), 1u);
}

TEST(Duplicates, SlackRetriesAndTeamsRedeliveriesCostOneReadEach) {
  Rig rig;
  const auto slack = [&] {
    return rig.slack_message("app_mention", kChannel, kRequest, "1700000000.000100", "Ev1");
  };
  ASSERT_EQ(slack().status, SlackReply::Status::ok);
  rig.store.fail_call(0);
  EXPECT_EQ(slack().status, SlackReply::Status::ok);
  EXPECT_EQ(rig.store.calls(), 1);

  ASSERT_EQ(rig.teams_message(kRequest, "1700000000001").status, 200);
  rig.store.fail_call(0);
  const HttpResponse again = rig.teams_message(kRequest, "1700000000001");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(rig.store.calls(), 1);
  EXPECT_EQ(rig.routings().size(), 2u) << "one routing per platform, none twice";
}

// --- a store that fails at its nth call

// The store calls one request makes when nothing fails.
template <typename Send>
int calls_of(Send send) {
  Rig rig;
  rig.store.fail_call(0);
  send(rig);
  return rig.store.calls();
}

TEST(StoreFailsAtEveryCall, ASlackRequestIsRetriedByTheSenderAndCountsOnce) {
  auto send = [](Rig& rig) {
    return rig.slack_message("app_mention", kChannel, kRequest, "1700000000.000100", "Ev1");
  };
  const int n_calls = calls_of(send);
  ASSERT_GE(n_calls, 3) << "dedupe keys, routing log, outbox";
  for (int n = 1; n <= n_calls; ++n) {
    SCOPED_TRACE("failing call " + std::to_string(n));
    Rig rig;
    rig.store.fail_call(n);
    EXPECT_EQ(send(rig).status, SlackReply::Status::unavailable);
    EXPECT_TRUE(rig.store.failed());
    EXPECT_TRUE(rig.routings().empty());
    EXPECT_TRUE(rig.outbox_rows().empty());
    // Slack's retry: the same event again.
    EXPECT_EQ(send(rig).status, SlackReply::Status::ok);
    EXPECT_EQ(rig.routings().size(), 1u);
    EXPECT_EQ(rig.outbox_rows().size(), 1u);
    // And once more: a duplicate, nothing new.
    EXPECT_EQ(send(rig).status, SlackReply::Status::ok);
    EXPECT_EQ(rig.routings().size(), 1u);
    EXPECT_EQ(rig.outbox_rows().size(), 1u);
  }
}

TEST(StoreFailsAtEveryCall, ASlackButtonIsRetriedAndAppliedOnce) {
  auto prepare = [](Rig& rig) {
    rig.slack_message("app_mention", kChannel, kRequest, "1700000000.000100", "Ev1");
    return rig.routings().at(0).id;
  };
  int n_calls = 0;
  {
    Rig rig;
    const auto id = prepare(rig);
    rig.store.fail_call(0);
    rig.slack_button(id, "rolecall_reassign");
    n_calls = rig.store.calls();
  }
  ASSERT_GE(n_calls, 2);
  for (int n = 1; n <= n_calls; ++n) {
    SCOPED_TRACE("failing call " + std::to_string(n));
    Rig rig;
    const auto id = prepare(rig);
    const std::size_t rows_before = rig.outbox_rows().size();
    rig.store.fail_call(n);
    EXPECT_EQ(rig.slack_button(id, "rolecall_reassign").status, SlackReply::Status::unavailable);
    EXPECT_EQ(rig.routings().at(0).status, RoutingStatus::open);
    EXPECT_EQ(rig.routings().at(0).role, Role::product_owner);
    EXPECT_EQ(rig.outbox_rows().size(), rows_before);
    rig.now += 5;
    EXPECT_EQ(rig.slack_button(id, "rolecall_reassign").status, SlackReply::Status::ok);
    EXPECT_EQ(rig.routings().at(0).status, RoutingStatus::reassigned);
    EXPECT_EQ(rig.routings().at(0).role, Role::product_manager);
    EXPECT_EQ(rig.outbox_rows().size(), rows_before + 1);
    EXPECT_EQ(rig.sqlite.status_changes("checkout", 0, 0).size(), 1u);
  }
}

TEST(StoreFailsAtEveryCall, ATeamsMessageAsksToTryAgainAndTheRetryIsStoredOnce) {
  auto send = [](Rig& rig) { return rig.teams_message(kRequest, "1718112233445"); };
  const int n_calls = calls_of(send);
  ASSERT_GE(n_calls, 2);
  for (int n = 1; n <= n_calls; ++n) {
    SCOPED_TRACE("failing call " + std::to_string(n));
    Rig rig;
    rig.store.fail_call(n);
    HttpResponse r = send(rig);
    EXPECT_EQ(r.status, 200);  // Teams shows the reply; it never retries a webhook
    EXPECT_NE(r.body.find("try again"), std::string::npos) << r.body;
    EXPECT_TRUE(rig.routings().empty());
    r = send(rig);
    EXPECT_EQ(rig.routings().size(), 1u);
    EXPECT_EQ(rig.routings().at(0).intent, Intent::request);
    send(rig);
    EXPECT_EQ(rig.routings().size(), 1u) << "a resent activity is logged once";
  }
}

TEST(StoreFailsAtEveryCall, TheConsoleAnswers503AndKeepsNothing) {
  auto send = [](Rig& rig) { return rig.console_post(kRequest); };
  const int n_calls = calls_of(send);
  ASSERT_GE(n_calls, 1);
  for (int n = 1; n <= n_calls; ++n) {
    SCOPED_TRACE("failing call " + std::to_string(n));
    Rig rig;
    rig.store.fail_call(n);
    EXPECT_EQ(send(rig).status, 503);
    EXPECT_TRUE(rig.routings().empty());
    EXPECT_EQ(send(rig).status, 200);
    EXPECT_EQ(rig.routings().size(), 1u);
  }
}

}  // namespace
}  // namespace rolecall
