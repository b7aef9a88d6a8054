// The console endpoint, called through the RequestRouter with HttpRequest
// values: the access rule (loopback, token, proxies, cross-site posts), every
// API call against a real SQLite store and the shipped taxonomy, and
// malformed input.

#include "daemon/console_endpoint.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "adapters/console/console_json.hpp"
#include "adapters/console/console_page.hpp"
#include "config/classifier_model_loader.hpp"
#include "config/taxonomy_loader.hpp"
#include "daemon/request_router.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "tests/support/routing_history.hpp"
#include "tests/support/test_helpers.hpp"
#include "usecases/app.hpp"
#include "usecases/knowledge.hpp"

namespace rolecall {
namespace {

using nlohmann::json;

constexpr std::int64_t kNow = 1'700'000'000;
constexpr const char* kToken = "s3cret-console-token-0123456789";
constexpr const char* kWorkflowUrl =
    "https://example.invalid/powerautomate/workflows/checkout/secret-signature";

Person person(std::string name, std::string slack) {
  Person p;
  p.display_name = std::move(name);
  p.slack_user_id = std::move(slack);
  return p;
}

TeamDirectory test_teams() {
  Team checkout;
  checkout.id = "checkout";
  checkout.name = "Checkout";
  checkout.slack_channels = {"C0CHECKOUT1"};
  checkout.intake_channels = {"C0CHKINTAKE"};
  checkout.teams_workflow_urls = {kWorkflowUrl};
  checkout.product_managers = {person("Priya Nair", "U0PRIYA001")};
  checkout.product_owners = {person("Tom Becker", "U0TOMB0001")};

  Team growth;
  growth.id = "growth";
  growth.name = "Growth";
  growth.combined = person("Ana Souza", "U0ANA00001");

  return TeamDirectory({checkout, growth}, "checkout");
}

HttpRequest request(std::string method, std::string target, std::string peer = "127.0.0.1") {
  HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.peer_address = std::move(peer);
  r.request_id = "test";
  r.headers["host"] = "127.0.0.1:8080";
  return r;
}

HttpRequest post(std::string target, std::string body, std::string peer = "127.0.0.1") {
  HttpRequest r = request("POST", std::move(target), std::move(peer));
  r.headers["content-type"] = "application/json";
  r.body = std::move(body);
  return r;
}

json body_of(const HttpResponse& r) {
  json j = json::parse(r.body, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "not JSON: " << r.body;
  return j;
}

struct Options {
  std::string token;
  bool with_digest = true;
  double clarify_below = RoutingPolicy{}.clarify_below;
};

class ConsoleTest : public ::testing::Test {
 protected:
  void SetUp() override { build({kToken, true}); }

  void build(Options o) {
    router_.reset();
    app_.reset();
    RoutingPolicy policy;
    policy.clarify_below = o.clarify_below;
    knowledge_ = std::make_unique<KnowledgeHolder>(std::make_shared<const Knowledge>(
        load_taxonomy(std::string(ROLECALL_SOURCE_DIR) + "/config/taxonomy.yaml"),
        load_classifier_model(std::string(ROLECALL_SOURCE_DIR) + "/config/classifier-model.tsv"),
        test_teams(), policy));
    if (!store_) store_ = std::make_unique<SqliteStore>(dir_.file("rolecall.db"));
    app_ = std::make_unique<App>(*knowledge_, *store_, nullptr, AppOptions{});
    router_ = std::make_unique<RequestRouter>(nullptr);
    ConsoleContext ctx;
    ctx.app = app_.get();
    ctx.store = store_.get();
    ctx.knowledge = knowledge_.get();
    ctx.access_token = o.token;
    if (o.with_digest) {
      ctx.digest_preview = [](const std::string& team) { return "Digest for " + team; };
    }
    ctx.clock = [] { return kNow; };
    register_console_routes(*router_, std::move(ctx));
  }

  HttpResponse call(const HttpRequest& r) { return router_->handle(r); }

  json send(const std::string& team, const std::string& text) {
    HttpResponse r =
        call(post("/console/api/message", json{{"team", team}, {"text", text}}.dump()));
    EXPECT_EQ(r.status, 200) << r.body;
    return body_of(r);
  }

  json act(std::int64_t id, const std::string& action, int expected_status = 200) {
    HttpResponse r =
        call(post("/console/api/action", json{{"routing_id", id}, {"action", action}}.dump()));
    EXPECT_EQ(r.status, expected_status) << r.body;
    return body_of(r);
  }

  std::size_t routings_stored() { return store_->list_routings({}).size(); }
  std::size_t decisions_stored() { return store_->list_decisions({}).size(); }

  testing::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<KnowledgeHolder> knowledge_;
  std::unique_ptr<App> app_;
  std::unique_ptr<RequestRouter> router_;
};

// ------------------------------------------------------------ access rule

TEST_F(ConsoleTest, PageFromLoopbackIsSelfContainedHtml) {
  HttpResponse r = call(request("GET", "/"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("data-testid=\"message-input\""), std::string::npos);
  EXPECT_NE(r.headers["Content-Security-Policy"].find("default-src 'none'"), std::string::npos);
  EXPECT_EQ(r.headers["X-Frame-Options"], "DENY");
  // No external resources: nothing is loaded from another origin.
  EXPECT_EQ(r.body.find("src=\"http"), std::string::npos);
  EXPECT_EQ(r.body.find("href=\"http"), std::string::npos);
  EXPECT_EQ(r.body.find("@import"), std::string::npos);
  // The page never parses data as HTML.
  EXPECT_EQ(r.body.find("innerHTML"), std::string::npos);
}

TEST_F(ConsoleTest, PageCarriesEveryTestHookItsHeaderPromises) {
  const std::string_view page = console_page_html();
  for (const char* id : {"team-select", "message-input", "send-button", "chat-log", "digest-panel",
                         "digest-text", "digest-refresh", "decision-input", "decision-button",
                         "decisions-list", "routings-list", "team-people"}) {
    EXPECT_NE(page.find(std::string("data-testid=\"") + id + "\""), std::string_view::npos) << id;
  }
  for (const char* id :
       {"user-message", "answer-card", "answer-headline", "routing-card", "routing-role",
        "routing-status", "routing-note", "routing-actions", "error-message", "decision-item"}) {
    EXPECT_NE(page.find(std::string("'") + id + "'"), std::string_view::npos) << id;
  }
}

TEST_F(ConsoleTest, RemotePeerGets403AndNothingIsDone) {
  const std::string remote = "203.0.113.7";
  EXPECT_EQ(call(request("GET", "/", remote)).status, 403);
  EXPECT_EQ(call(request("GET", "/console/api/teams", remote)).status, 403);
  HttpResponse m = call(
      post("/console/api/message", R"({"team":"checkout","text":"Who owns pricing?"})", remote));
  EXPECT_EQ(m.status, 403);
  EXPECT_EQ(body_of(m)["error"].get<std::string>().substr(0, 9), "forbidden");
  EXPECT_EQ(
      call(post("/console/api/decision", R"({"team":"checkout","text":"We ship SSO"})", remote))
          .status,
      403);
  EXPECT_EQ(call(request("GET", "/console/api/digest?team=checkout", remote)).status, 403);
  EXPECT_EQ(routings_stored(), 0u);
  EXPECT_EQ(decisions_stored(), 0u);
}

TEST_F(ConsoleTest, EveryLoopbackFormIsTrusted) {
  for (const char* peer :
       {"127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1", "::FFFF:127.1.2.3"}) {
    EXPECT_EQ(call(request("GET", "/console/api/teams", peer)).status, 200) << peer;
  }
  for (const char* peer : {"128.0.0.1", "10.0.0.1", "::ffff:10.0.0.1", "127.evil.example", "",
                           "::2", "1127.0.0.1", "fe80::1"}) {
    EXPECT_EQ(call(request("GET", "/console/api/teams", peer)).status, 403) << peer;
  }
}

TEST_F(ConsoleTest, LoopbackThroughAProxyNeedsTheToken) {
  for (const char* header : {"x-forwarded-for", "forwarded", "x-real-ip"}) {
    HttpRequest r = request("GET", "/console/api/teams");
    r.headers[header] = "198.51.100.4";
    EXPECT_EQ(call(r).status, 403) << header;
    r.headers["authorization"] = std::string("Bearer ") + kToken;
    EXPECT_EQ(call(r).status, 200) << header;
  }
}

TEST_F(ConsoleTest, LoopbackWithAForeignHostNameIsRefused) {
  // DNS rebinding: a page on evil.example resolved to 127.0.0.1.
  HttpRequest r = request("GET", "/console/api/teams");
  r.headers["host"] = "evil.example:8080";
  EXPECT_EQ(call(r).status, 403);
  for (const char* host : {"localhost:8080", "localhost", "[::1]:8080", "127.0.0.1"}) {
    r.headers["host"] = host;
    EXPECT_EQ(call(r).status, 200) << host;
  }
}

TEST_F(ConsoleTest, BearerTokenLetsARemotePeerIn) {
  HttpRequest r = request("GET", "/console/api/teams", "203.0.113.7");
  r.headers["authorization"] = std::string("Bearer ") + kToken;
  EXPECT_EQ(call(r).status, 200);
  r.headers["authorization"] = std::string("bearer ") + kToken;
  EXPECT_EQ(call(r).status, 200);
  r.headers["authorization"] = std::string("Bearer ") + kToken + "x";
  EXPECT_EQ(call(r).status, 403);
  r.headers["authorization"] = "Bearer ";
  EXPECT_EQ(call(r).status, 403);
  r.headers["authorization"] = std::string("Basic ") + kToken;
  EXPECT_EQ(call(r).status, 403);
}

TEST_F(ConsoleTest, QueryTokenBecomesACookieAndLeavesTheAddressBar) {
  HttpResponse r = call(request("GET", std::string("/?token=") + kToken, "203.0.113.7"));
  ASSERT_EQ(r.status, 303);
  EXPECT_EQ(r.headers["Location"], "/");
  const std::string cookie = r.headers["Set-Cookie"];
  EXPECT_NE(cookie.find("rolecall_console="), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);  // plain HTTP here

  HttpRequest page = request("GET", "/", "203.0.113.7");
  page.headers["cookie"] = "other=1; " + cookie.substr(0, cookie.find(';'));
  EXPECT_EQ(call(page).status, 200);
  HttpRequest api =
      post("/console/api/decision", R"({"team":"checkout","text":"Ship SSO"})", "203.0.113.7");
  api.headers["cookie"] = cookie.substr(0, cookie.find(';'));
  EXPECT_EQ(call(api).status, 201);

  page.headers["cookie"] = "rolecall_console=wrong";
  EXPECT_EQ(call(page).status, 403);
}

TEST_F(ConsoleTest, CookieIsSecureBehindHttps) {
  HttpRequest r = request("GET", std::string("/?token=") + kToken, "203.0.113.7");
  r.headers["x-forwarded-proto"] = "https";
  HttpResponse resp = call(r);
  ASSERT_EQ(resp.status, 303);
  EXPECT_NE(resp.headers["Set-Cookie"].find("; Secure"), std::string::npos);
}

TEST_F(ConsoleTest, WrongQueryTokenIsRefusedEvenFromLoopback) {
  HttpResponse r = call(request("GET", "/?token=nope"));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.headers.count("Set-Cookie"), 0u);
}

TEST_F(ConsoleTest, WithoutATokenOnlyLoopbackGetsIn) {
  build({"", true});
  HttpRequest r = request("GET", "/console/api/teams", "203.0.113.7");
  r.headers["authorization"] = "Bearer ";
  EXPECT_EQ(call(r).status, 403);
  r.headers["cookie"] = "rolecall_console=";
  EXPECT_EQ(call(r).status, 403);
  EXPECT_EQ(call(request("GET", "/?token=anything", "203.0.113.7")).status, 403);
  EXPECT_EQ(call(request("GET", "/console/api/teams")).status, 200);
}

TEST_F(ConsoleTest, PostsMustBeJsonAndSameOrigin) {
  HttpRequest form = post("/console/api/decision", "team=checkout&text=x");
  form.headers["content-type"] = "application/x-www-form-urlencoded";
  EXPECT_EQ(call(form).status, 415);
  form.headers.erase("content-type");
  EXPECT_EQ(call(form).status, 415);

  HttpRequest cross = post("/console/api/decision", R"({"team":"checkout","text":"We ship SSO"})");
  cross.headers["origin"] = "https://evil.example";
  EXPECT_EQ(call(cross).status, 403);
  cross.headers["origin"] = "null";
  EXPECT_EQ(call(cross).status, 403);
  EXPECT_EQ(decisions_stored(), 0u);

  HttpRequest same = cross;
  same.headers["origin"] = "http://127.0.0.1:8080";
  same.headers["content-type"] = "application/json; charset=utf-8";
  EXPECT_EQ(call(same).status, 201);
  EXPECT_EQ(decisions_stored(), 1u);
}

// ------------------------------------------------------------------- API

TEST_F(ConsoleTest, TeamsListsPeopleButNoSecrets) {
  HttpResponse r = call(request("GET", "/console/api/teams"));
  ASSERT_EQ(r.status, 200);
  json j = body_of(r);
  EXPECT_EQ(j["default_team"], "checkout");
  ASSERT_EQ(j["teams"].size(), 2u);
  EXPECT_EQ(j["teams"][0]["id"], "checkout");
  EXPECT_EQ(j["teams"][0]["product_managers"], json::array({"Priya Nair"}));
  EXPECT_EQ(j["teams"][0]["product_owners"], json::array({"Tom Becker"}));
  EXPECT_EQ(j["teams"][1]["combined"], true);
  EXPECT_EQ(j["teams"][1]["combined_person"], "Ana Souza");
  EXPECT_EQ(r.body.find("example.invalid"), std::string::npos);
  EXPECT_EQ(r.body.find("secret-signature"), std::string::npos);
  EXPECT_EQ(r.headers["Cache-Control"], "no-store");
}

TEST_F(ConsoleTest, QuestionIsAnsweredWithTheTeamsPm) {
  json j = send("checkout", "Who owns pricing?");
  EXPECT_EQ(j["kind"], "answer");
  EXPECT_EQ(j["answer"]["role"], "product_manager");
  EXPECT_EQ(j["answer"]["topic_id"], "pricing");
  EXPECT_EQ(j["answer"]["owners"], json::array({"Priya Nair"}));
  EXPECT_NE(j["text"].get<std::string>().find("Priya Nair"), std::string::npos) << j["text"];
  EXPECT_TRUE(j["routing"].is_null());
  EXPECT_EQ(j["classification"]["intent"], "question");
}

TEST_F(ConsoleTest, CombinedTeamNamesTheOnePerson) {
  json j = send("growth", "Who owns pricing?");
  EXPECT_EQ(j["kind"], "answer");
  EXPECT_EQ(j["answer"]["combined"], true);
  EXPECT_NE(j["text"].get<std::string>().find("Ana Souza"), std::string::npos) << j["text"];
}

TEST_F(ConsoleTest, RequestIsRoutedAndReassignedInPlace) {
  json j = send("checkout", "Can we pull the login bug into this sprint?");
  ASSERT_EQ(j["kind"], "routed") << j.dump(2);
  const json& routing = j["routing"];
  EXPECT_EQ(routing["role"], "product_owner");
  EXPECT_EQ(routing["assignees"], json::array({"Tom Becker"}));
  EXPECT_EQ(routing["status"], "open");
  EXPECT_FALSE(routing["reason"].get<std::string>().empty());
  EXPECT_EQ(routing["actions"], json::parse(R"([{"action":"ack","label":"Acknowledge"},
      {"action":"reassign","label":"Reassign to PM"},{"action":"dismiss","label":"Not a request"}])"));
  EXPECT_NE(j["text"].get<std::string>().find("Tom Becker"), std::string::npos);
  const std::int64_t id = routing["id"].get<std::int64_t>();
  ASSERT_GT(id, 0);

  auto stored = store_->get_routing(id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->platform, "console");
  EXPECT_EQ(stored->channel, "console");
  EXPECT_EQ(stored->team_id, "checkout");
  EXPECT_EQ(stored->role, Role::product_owner);
  EXPECT_EQ(stored->created_at, kNow);

  json moved = act(id, "reassign");
  EXPECT_EQ(moved["changed"], true);
  EXPECT_EQ(moved["routing"]["role"], "product_manager");
  EXPECT_EQ(moved["routing"]["status"], "reassigned");
  EXPECT_EQ(moved["routing"]["assignees"], json::array({"Priya Nair"}));
  EXPECT_EQ(moved["routing"]["actions"][1]["label"], "Reassign to PO");
  EXPECT_NE(moved["text"].get<std::string>().find("Reassigned to the Product Manager"),
            std::string::npos);
  EXPECT_EQ(store_->get_routing(id)->role, Role::product_manager);
  auto history = test::routing_history(*store_, id);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].by, "console");
  EXPECT_EQ(history[0].to, RoutingStatus::reassigned);

  json acked = act(id, "ack");
  EXPECT_EQ(acked["routing"]["status"], "acknowledged");
  for (const auto& a : acked["routing"]["actions"]) EXPECT_NE(a["action"], "ack");
  json again = act(id, "acknowledge");
  EXPECT_EQ(again["changed"], false);

  json dismissed = act(id, "dismiss");
  EXPECT_EQ(dismissed["routing"]["status"], "dismissed");
  EXPECT_TRUE(dismissed["routing"]["actions"].empty());
  EXPECT_EQ(store_->get_routing(id)->status, RoutingStatus::dismissed);

  // The recent routings panel shows the same truth.
  HttpResponse list = call(request("GET", "/console/api/routings?team=checkout"));
  ASSERT_EQ(list.status, 200);
  json routings = body_of(list)["routings"];
  ASSERT_EQ(routings.size(), 1u);
  EXPECT_EQ(routings[0]["id"], id);
  EXPECT_EQ(routings[0]["status"], "dismissed");
  EXPECT_EQ(routings[0]["role"], "product_manager");
  // Who holds the role now, not who it first went to.
  EXPECT_EQ(routings[0]["assignees"], json::array({"Priya Nair"}));
  EXPECT_EQ(routings[0]["assignee"], "Tom Becker");
  EXPECT_FALSE(routings[0]["topic_title"].get<std::string>().empty());
  EXPECT_TRUE(routings[0]["actions"].empty());
}

TEST_F(ConsoleTest, LowConfidenceAsksPmOrPoAndTheChoiceRoutes) {
  build({kToken, true, /*clarify_below=*/1.01});  // every request is unsure
  json j = send("checkout", "Can we pull the login bug into this sprint?");
  ASSERT_EQ(j["kind"], "clarification") << j.dump(2);
  EXPECT_EQ(j["routing"]["kind"], "needs_clarification");
  EXPECT_EQ(j["routing"]["actions"], json::parse(R"([{"action":"choose_pm","label":"PM"},
      {"action":"choose_po","label":"PO"}])"));
  EXPECT_GE(j["routing"]["options"].size(), 2u);
  EXPECT_NE(j["text"].get<std::string>().find("(PO)"), std::string::npos) << j["text"];
  const std::int64_t id = j["routing"]["id"].get<std::int64_t>();
  EXPECT_EQ(store_->get_routing(id)->role, Role::none);

  json chosen = act(id, "choose_pm");
  EXPECT_EQ(chosen["changed"], true);
  EXPECT_EQ(chosen["routing"]["kind"], "assigned");
  EXPECT_EQ(chosen["routing"]["role"], "product_manager");
  EXPECT_EQ(chosen["routing"]["status"], "open");
  EXPECT_EQ(chosen["routing"]["assignees"], json::array({"Priya Nair"}));
  EXPECT_EQ(chosen["routing"]["actions"][0]["action"], "ack");
  EXPECT_EQ(store_->get_routing(id)->role, Role::product_manager);
}

TEST_F(ConsoleTest, MessageRejectsMalformedInput) {
  struct Case {
    const char* body;
    int status;
    const char* error;
  };
  for (const Case& c : {
           Case{"{not json", 400, "malformed JSON body"},
           Case{"", 400, "malformed JSON body"},
           Case{R"(["checkout","hi"])", 400, "the body must be a JSON object"},
           Case{R"({"text":"hi"})", 400, "missing field 'team'"},
           Case{R"({"team":"checkout"})", 400, "missing field 'text'"},
           Case{R"({"team":"checkout","text":"   "})", 400, "field 'text' must not be empty"},
           Case{R"({"team":"checkout","text":42})", 400, "field 'text' must be a string"},
           Case{R"({"team":7,"text":"hi"})", 400, "field 'team' must be a string"},
           Case{R"({"team":"nope","text":"Who owns pricing?"})", 404, "unknown team 'nope'"},
       }) {
    HttpResponse r = call(post("/console/api/message", c.body));
    EXPECT_EQ(r.status, c.status) << c.body;
    EXPECT_EQ(body_of(r)["error"], c.error) << c.body;
  }
  EXPECT_EQ(routings_stored(), 0u);
}

TEST_F(ConsoleTest, ActionRejectsMalformedInputAndUnknownRoutings) {
  struct Case {
    const char* body;
    int status;
  };
  for (const Case& c : {
           Case{"{", 400},
           Case{R"({"action":"ack"})", 400},
           Case{R"({"routing_id":"1","action":"ack"})", 400},
           Case{R"({"routing_id":-3,"action":"ack"})", 400},
           Case{R"({"routing_id":1.5,"action":"ack"})", 400},
           Case{R"({"routing_id":1})", 400},
           Case{R"({"routing_id":1,"action":"approve"})", 400},
           Case{R"({"routing_id":999,"action":"ack"})", 404},
       }) {
    HttpResponse r = call(post("/console/api/action", c.body));
    EXPECT_EQ(r.status, c.status) << c.body;
    EXPECT_TRUE(body_of(r).contains("error")) << c.body;
  }
}

TEST_F(ConsoleTest, DecisionsAreLoggedAndListedPerTeam) {
  HttpResponse r = call(post("/console/api/decision",
                             R"({"team":"checkout","text":"  We ship SSO before audit logs "})"));
  ASSERT_EQ(r.status, 201) << r.body;
  json d = body_of(r)["decision"];
  EXPECT_EQ(d["text"], "We ship SSO before audit logs");
  EXPECT_EQ(d["team_id"], "checkout");
  EXPECT_EQ(d["platform"], "console");
  EXPECT_EQ(d["decided_by"], "console");
  EXPECT_EQ(d["created_at"], kNow);

  r = call(post(
      "/console/api/decision",
      R"({"team":"growth","text":"Sprint goal is the new onboarding","role":"product_owner"})"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(body_of(r)["decision"]["role"], "product_owner");

  json checkout = body_of(call(request("GET", "/console/api/decisions?team=checkout")));
  ASSERT_EQ(checkout["decisions"].size(), 1u);
  EXPECT_EQ(checkout["decisions"][0]["text"], "We ship SSO before audit logs");
  json all = body_of(call(request("GET", "/console/api/decisions")));
  EXPECT_EQ(all["decisions"].size(), 2u);

  EXPECT_EQ(call(request("GET", "/console/api/decisions?team=nope")).status, 404);
  EXPECT_EQ(
      call(post("/console/api/decision", R"({"team":"checkout","text":"x","role":"boss"})")).status,
      400);
  EXPECT_EQ(
      call(post("/console/api/decision", R"({"team":"checkout","text":"x","role":3})")).status,
      400);
  EXPECT_EQ(call(post("/console/api/decision", R"({"team":"nope","text":"x"})")).status, 404);
  EXPECT_EQ(call(post("/console/api/decision", R"({"team":"checkout"})")).status, 400);
  EXPECT_EQ(decisions_stored(), 2u);
}

TEST_F(ConsoleTest, DigestPreviewPerTeam) {
  HttpResponse r = call(request("GET", "/console/api/digest?team=check%6Fut"));
  ASSERT_EQ(r.status, 200) << r.body;
  json j = body_of(r);
  EXPECT_EQ(j["available"], true);
  EXPECT_EQ(j["team"], "checkout");
  EXPECT_EQ(j["text"], "Digest for checkout");
  EXPECT_EQ(call(request("GET", "/console/api/digest")).status, 400);
  EXPECT_EQ(call(request("GET", "/console/api/digest?team=")).status, 400);
  EXPECT_EQ(call(request("GET", "/console/api/digest?team=nope")).status, 404);
}

TEST_F(ConsoleTest, DigestNotAvailableYetWithoutAPreview) {
  build({kToken, false});
  json j = body_of(call(request("GET", "/console/api/digest?team=growth")));
  EXPECT_EQ(j["available"], false);
  EXPECT_EQ(j["text"], "digest not available yet");
}

TEST_F(ConsoleTest, WrongMethodsAndPathsAreNotServed) {
  EXPECT_EQ(call(request("POST", "/")).status, 405);
  EXPECT_EQ(call(request("GET", "/console/api/message")).status, 405);
  EXPECT_EQ(call(request("GET", "/console/api/nope")).status, 404);
}

TEST(ConsoleRegistration, RequiresItsCollaborators) {
  RequestRouter router(nullptr);
  EXPECT_THROW(register_console_routes(router, ConsoleContext{}), std::invalid_argument);
}

// A store whose database is gone: every call fails.
class BrokenStore final : public Store {
 public:
  [[noreturn]] static void fail() { throw StoreError("disk I/O error"); }
  bool ping() override { return false; }
  std::int64_t record_routing(const RoutingRecord&) override { fail(); }
  std::optional<RoutingRecord> get_routing(std::int64_t) override { fail(); }
  std::optional<RoutingRecord> find_routing(const std::string&, const std::string&,
                                            const std::string&) override {
    fail();
  }
  bool change_routing_status(const StatusChange&) override { fail(); }
  std::vector<StatusChange> status_changes(const std::string&, std::int64_t,
                                           std::int64_t) override {
    fail();
  }
  std::vector<RoutingRecord> list_routings(const ListFilter&) override { fail(); }
  std::vector<CorrectionCount> correction_counts(const std::string&) override { fail(); }
  std::int64_t record_decision(const DecisionRecord&) override { fail(); }
  std::vector<DecisionRecord> list_decisions(const ListFilter&) override { fail(); }
  std::vector<DecisionRecord> search_decisions(const std::string&, const std::string&,
                                               std::optional<Role>, int) override {
    fail();
  }
  bool remember_event(const std::string&, std::int64_t, std::int64_t) override { fail(); }
  bool event_seen(const std::string&, std::int64_t) override { fail(); }
  bool enqueue(const OutboxMessage&, std::int64_t) override { fail(); }
  std::vector<OutboxRow> due_outbox(std::int64_t, int, std::int64_t) override { fail(); }
  std::vector<OutboxRow> claim_outbox(std::int64_t, int, std::int64_t, const std::string&,
                                      std::int64_t) override {
    fail();
  }
  std::optional<std::int64_t> next_outbox_due(std::optional<std::int64_t>) override { fail(); }
  void mark_delivered(std::int64_t, std::int64_t) override { fail(); }
  void mark_attempt_started(std::int64_t, std::int64_t) override { fail(); }
  void mark_retry(std::int64_t, std::int64_t, const std::string&, SentState) override { fail(); }
  void mark_failed(std::int64_t, const std::string&) override { fail(); }
  std::int64_t outbox_depth() override { fail(); }
  bool mark_digest_sent(const std::string&, const std::string&, const std::string&,
                        std::int64_t) override {
    fail();
  }
  bool digest_sent(const std::string&, const std::string&, const std::string&) override { fail(); }
  std::int64_t apply_retention(std::int64_t, int) override { fail(); }
  std::optional<std::int64_t> apply_retention(std::int64_t, int, const Fence&) override { fail(); }
  std::optional<std::int64_t> acquire_lease(const std::string&, const std::string&, std::int64_t,
                                            std::int64_t) override {
    fail();
  }
  bool release_lease(const std::string&, const std::string&, std::int64_t) override { fail(); }
  bool lease_valid(const Fence&) override { fail(); }
  std::optional<std::int64_t> take_send_slot(const std::string&, std::int64_t,
                                             std::int64_t) override {
    fail();
  }
  void hold_destination(const std::string&, std::int64_t) override { fail(); }
  void backup(const std::string&) override { fail(); }
};

TEST(ConsoleStoreFailure, AnswersServiceUnavailableInsteadOfThrowing) {
  KnowledgeHolder knowledge(std::make_shared<const Knowledge>(
      load_taxonomy(std::string(ROLECALL_SOURCE_DIR) + "/config/taxonomy.yaml"),
      load_classifier_model(std::string(ROLECALL_SOURCE_DIR) + "/config/classifier-model.tsv"),
      test_teams(), RoutingPolicy{}));
  BrokenStore store;
  App app(knowledge, store, nullptr, AppOptions{});
  RequestRouter router(nullptr);
  ConsoleContext ctx;
  ctx.app = &app;
  ctx.store = &store;
  ctx.knowledge = &knowledge;
  ctx.digest_preview = [](const std::string&) -> std::string {
    throw std::runtime_error("digest exploded");
  };
  register_console_routes(router, std::move(ctx));

  HttpResponse r = router.handle(
      post("/console/api/message",
           R"({"team":"checkout","text":"Can we pull the login bug into this sprint?"})"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(body_of(r)["error"], "the store is unavailable");
  EXPECT_EQ(router.handle(request("GET", "/console/api/decisions")).status, 503);
  EXPECT_EQ(router.handle(post("/console/api/action", R"({"routing_id":1,"action":"ack"})")).status,
            503);
  HttpResponse d = router.handle(request("GET", "/console/api/digest?team=checkout"));
  EXPECT_EQ(d.status, 500);
  EXPECT_EQ(d.body.find("exploded"), std::string::npos);  // internals stay in the log
}

// ------------------------------------------------------- helpers, renderers

TEST(ConsoleHelpers, QueryParameterDecodes) {
  HttpRequest r;
  r.target = "/console/api/digest?x=1&team=a%20b+c&empty=&flag#frag";
  EXPECT_EQ(console_query_parameter(r, "team"), "a b c");
  EXPECT_EQ(console_query_parameter(r, "x"), "1");
  EXPECT_EQ(console_query_parameter(r, "empty"), "");
  EXPECT_EQ(console_query_parameter(r, "flag"), "");
  EXPECT_EQ(console_query_parameter(r, "missing"), "");
  r.target = "/?team=100%&t=%zz%4";
  EXPECT_EQ(console_query_parameter(r, "team"), "100%");
  EXPECT_EQ(console_query_parameter(r, "t"), "%zz%4");
  r.target = "/";
  EXPECT_EQ(console_query_parameter(r, "team"), "");
}

TEST(ConsoleHelpers, TokenComparison) {
  EXPECT_TRUE(console_token_equals("abc", "abc"));
  EXPECT_TRUE(console_token_equals("", ""));
  EXPECT_FALSE(console_token_equals("abc", "abd"));
  EXPECT_FALSE(console_token_equals("abc", "abcd"));
  EXPECT_FALSE(console_token_equals("abcd", "abc"));
  EXPECT_FALSE(console_token_equals("", "a"));
  EXPECT_FALSE(console_token_equals(std::string("a\0b", 3), "a"));
}

TEST(ConsoleJson, StatusTextsAndActions) {
  const std::vector<Person> priya = {person("Priya Nair", "")};
  EXPECT_EQ(render_status_text(RoutingStatus::reassigned, Role::product_manager, priya, true),
            "Reassigned to the Product Manager (Priya Nair).");
  EXPECT_EQ(render_status_text(RoutingStatus::acknowledged, Role::product_owner, {}, false),
            "Acknowledged: the Product Owner has it. (No change.)");
  EXPECT_EQ(render_status_text(RoutingStatus::dismissed, Role::product_owner, {}, true),
            "Dismissed: not a request.");
  // A shared topic has no other side to reassign to.
  auto both = console_actions(Role::both, RoutingStatus::open);
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0].action, "ack");
  EXPECT_EQ(both[1].action, "dismiss");
  EXPECT_TRUE(console_actions(Role::product_owner, RoutingStatus::dismissed).empty());
}

TEST(ConsoleJson, DumpReplacesInvalidUtf8InsteadOfThrowing) {
  DecisionRecord d;
  d.text = std::string("caf\xC3", 4);  // truncated UTF-8 from an old row
  std::string out;
  ASSERT_NO_THROW(out = console_dump(console_decision_json(d)));
  EXPECT_NE(out.find("caf\xEF\xBF\xBD"), std::string::npos);
}

TEST(ConsoleJson, RoutingTextNamesAssigneesOrSaysNobody) {
  RoutingDecision d;
  d.kind = RoutingKind::assigned;
  d.role = Role::product_owner;
  d.assignees = {person("Kavya Iyer", ""), person("Rohan Das", "")};
  d.reason = "Sprint scope is negotiated with the Product Owner.";
  EXPECT_EQ(render_routing_text(d),
            "Routed to the Product Owner: Kavya Iyer and Rohan Das.\n"
            "Sprint scope is negotiated with the Product Owner.");
  d.assignees.clear();
  d.reason.clear();
  EXPECT_EQ(render_routing_text(d),
            "Routed to the Product Owner (nobody on this team holds that role).");
  d.kind = RoutingKind::needs_clarification;
  d.options = {{Role::product_manager, "pricing", "Pricing and packaging"},
               {Role::product_owner, "", "backlog and sprint work"}};
  EXPECT_EQ(render_routing_text(d),
            "Not sure who should take this. Is it about Pricing and packaging (PM) or backlog "
            "and sprint work (PO)?");
}

}  // namespace
}  // namespace rolecall
