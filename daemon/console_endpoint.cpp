#include "daemon/console_endpoint.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

#include "adapters/console/console_json.hpp"
#include "adapters/console/console_page.hpp"
#include "core/answer.hpp"

namespace rolecall {

using nlohmann::json;

namespace {

constexpr std::string_view cookie_name = "rolecall_console";
constexpr int decisions_shown = 20;
constexpr int routings_shown = 20;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+' && plus_is_space) {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
               hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Cookie values may not hold every byte a token may: keep the unreserved
// ones and escape the rest.
std::string percent_encode(std::string_view s) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

std::string cookie_value(const HttpRequest& request, std::string_view name) {
  std::string_view rest = request.header("cookie");
  while (!rest.empty()) {
    const auto semi = rest.find(';');
    std::string_view pair = trim(rest.substr(0, semi));
    rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    if (trim(pair.substr(0, eq)) == name) return percent_decode(trim(pair.substr(eq + 1)), false);
  }
  return {};
}

// The host part of a Host header or an origin's authority: "[::1]:8080" -> "::1".
std::string host_name(std::string_view authority) {
  authority = trim(authority);
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    return lower(
        authority.substr(1, close == std::string_view::npos ? authority.size() - 1 : close - 1));
  }
  return lower(authority.substr(0, authority.find(':')));
}

bool is_loopback_host(std::string_view authority) {
  const std::string host = host_name(authority);
  return host == "localhost" || host.ends_with(".localhost") || console_is_loopback_address(host);
}

HttpResponse json_response(int status, const json& body) {
  HttpResponse r = HttpResponse::json(status, console_dump(body));
  r.headers["Cache-Control"] = "no-store";
  r.headers["X-Content-Type-Options"] = "nosniff";
  return r;
}

HttpResponse error_response(int status, std::string message) {
  return json_response(status, json{{"error", std::move(message)}});
}

std::int64_t system_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A field of a JSON object, checked; the error names the field.
struct Fields {
  const json& body;
  std::string error;

  std::optional<std::string> text(const char* name, bool required) {
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) {
      if (required) error = std::string("missing field '") + name + "'";
      return std::nullopt;
    }
    if (!it->is_string()) {
      error = std::string("field '") + name + "' must be a string";
      return std::nullopt;
    }
    std::string value(trim(it->get_ref<const std::string&>()));
    if (value.empty() && required) {
      error = std::string("field '") + name + "' must not be empty";
      return std::nullopt;
    }
    return value;
  }

  // An optional role field ("product_manager", …): false with `error` set
  // when it is there but not a role.
  bool role(const char* name, std::optional<Role>& out) {
    auto value = text(name, false);
    if (!error.empty()) return false;
    if (value && !value->empty()) {
      out = parse_role(*value);
      if (!out) {
        error = "unknown role '" + *value + "'";
        return false;
      }
    }
    return true;
  }
};

class Console {
 public:
  explicit Console(ConsoleContext ctx) : ctx_(std::move(ctx)) {
    if (!ctx_.clock) ctx_.clock = system_now;
  }

  // Wraps a handler with the access rule and the never-throw rule.
  RequestRouter::Handler guarded(HttpResponse (Console::*handler)(const HttpRequest&),
                                 bool is_post) {
    return [this, handler, is_post](const HttpRequest& request) -> HttpResponse {
      try {
        if (!allowed(request)) {
          return error_response(403,
                                "forbidden: the console answers loopback clients and requests "
                                "carrying its access token");
        }
        if (is_post) {
          if (auto refusal = check_post(request)) return *refusal;
        }
        return (this->*handler)(request);
      } catch (const StoreError& e) {
        spdlog::error("console: store failed: {}", e.what());
        return error_response(503, "the store is unavailable");
      } catch (const std::exception& e) {
        spdlog::error("console: {} {} failed: {}", request.method, std::string(request.path()),
                      e.what());
        return error_response(500, "internal error");
      }
    };
  }

  HttpResponse page(const HttpRequest& request) {
    const std::string token = console_query_parameter(request, "token");
    if (!token.empty()) {
      // allowed() has checked it: trade it for a cookie and drop it from the address bar.
      HttpResponse r = HttpResponse::text(303, "see /\n");
      r.headers["Location"] = "/";
      std::string cookie = std::string(cookie_name) + "=" + percent_encode(token) +
                           "; Path=/; HttpOnly; SameSite=Strict";
      if (lower(request.header("x-forwarded-proto")) == "https") cookie += "; Secure";
      r.headers["Set-Cookie"] = cookie;
      r.headers["Cache-Control"] = "no-store";
      r.headers["Referrer-Policy"] = "no-referrer";
      return r;
    }
    HttpResponse r{200, "text/html; charset=utf-8", std::string(console_page_html()), {}};
    // The page builds every element from data with textContent, never
    // innerHTML, so inline script is the only script it needs.
    r.headers["Content-Security-Policy"] =
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'";
    r.headers["X-Frame-Options"] = "DENY";
    r.headers["X-Content-Type-Options"] = "nosniff";
    r.headers["Referrer-Policy"] = "no-referrer";
    r.headers["Cache-Control"] = "no-store";
    return r;
  }

  HttpResponse teams(const HttpRequest&) {
    auto k = ctx_.knowledge->get();
    json list = json::array();
    for (const auto& t : k->teams.teams()) list.push_back(console_team_json(t));
    const Team* def = k->teams.default_team();
    return json_response(
        200, json{{"teams", list}, {"default_team", def ? json(def->id) : json(nullptr)}});
  }

  HttpResponse message(const HttpRequest& request) {
    auto body = parse_object(request);
    if (!body) return body_error(request);
    Fields f{*body, {}};
    auto team_id = f.text("team", true);
    auto text = team_id ? f.text("text", true) : std::nullopt;
    if (!team_id || !text) return error_response(400, f.error);

    auto k = ctx_.knowledge->get();  // keeps `team` alive while we use it
    const Team* team = k->teams.find(*team_id);
    if (!team) return error_response(404, "unknown team '" + *team_id + "'");

    const std::int64_t now = ctx_.clock();
    InboundMessage m;
    m.platform = "console";
    m.addressing = Addressing::console;
    m.team = team;
    m.channel = "console";
    m.author = "console";
    m.text = *text;
    m.message_id = "console-" + std::to_string(now) + "-" + std::to_string(++sequence_);
    const MessageOutcome reply = ctx_.app->handle_message(m, now);

    json out{{"classification", console_classification_json(reply.classification)},
             {"answer", console_answer_json(reply.answer)},
             {"routing", nullptr}};
    switch (reply.kind) {
      case MessageOutcome::Kind::help:
      case MessageOutcome::Kind::answer:
        out["kind"] = "answer";
        out["text"] = render_answer_text(reply.answer);
        break;
      case MessageOutcome::Kind::routed:
      case MessageOutcome::Kind::clarification: {
        const bool routed = reply.kind == MessageOutcome::Kind::routed;
        out["kind"] = routed ? "routed" : "clarification";
        out["text"] = render_routing_text(reply.routing);
        json r = console_routing_decision_json(reply.routing);
        r["id"] = reply.routing_id;
        r["status"] = "open";
        // What the store holds: a clarification has no role until someone chooses.
        const Role stored_role = routed ? reply.routing.role : Role::none;
        r["actions"] = console_actions_json(console_actions(stored_role, RoutingStatus::open));
        out["routing"] = std::move(r);
        break;
      }
      case MessageOutcome::Kind::silent:
      case MessageOutcome::Kind::duplicate:
        out["kind"] = "nothing";
        out["text"] = "Nothing to do here: not a question or a request rolecall recognises.";
        break;
    }
    return json_response(200, out);
  }

  HttpResponse action(const HttpRequest& request) {
    auto body = parse_object(request);
    if (!body) return body_error(request);
    auto id_it = body->find("routing_id");
    if (id_it == body->end() || id_it->is_null()) {
      return error_response(400, "missing field 'routing_id'");
    }
    if (!id_it->is_number_integer() || id_it->get<std::int64_t>() <= 0) {
      return error_response(400, "field 'routing_id' must be a positive integer");
    }
    const std::int64_t routing_id = id_it->get<std::int64_t>();
    Fields f{*body, {}};
    auto action_name = f.text("action", true);
    if (!action_name) return error_response(400, f.error);
    auto action = parse_correction_action(*action_name);
    if (!action) {
      return error_response(400, "unknown action '" + *action_name +
                                     "' (expected ack, reassign, dismiss, choose_pm or choose_po)");
    }

    // The role the pressed button was rendered for (optional, as the page
    // sends it): a reassign of a routing that moved on since is stale.
    std::optional<Role> rendered_for;
    if (!f.role("rendered_for", rendered_for)) return error_response(400, f.error);

    CorrectionRequest correction;
    correction.routing_id = routing_id;
    correction.action = *action;
    correction.rendered_for = rendered_for;
    correction.by = "console";
    const CorrectionOutcome outcome = ctx_.app->correct(correction, ctx_.clock());
    if (outcome.kind == CorrectionOutcome::Kind::not_found) {
      return error_response(404, "unknown routing " + std::to_string(routing_id));
    }
    struct {
      bool changed;
      RoutingRecord routing;
      RoutingStatus new_status;
      Role new_role;
    } result{outcome.kind == CorrectionOutcome::Kind::changed, outcome.routing,
             outcome.routing.status, outcome.routing.role};
    std::vector<Person> assignees = outcome.assignees;
    const bool unresolved =
        result.new_role == Role::none && result.new_status == RoutingStatus::open;
    json r{
        {"id", routing_id},
        {"kind", unresolved ? "needs_clarification" : "assigned"},
        {"role", std::string(to_string(result.new_role))},
        {"role_name", std::string(display_name(result.new_role))},
        {"topic_id", result.routing.topic},
        {"assignees", console_people_json(assignees)},
        {"status", std::string(to_string(result.new_status))},
        {"options", json::array()},
        {"actions", console_actions_json(console_actions(result.new_role, result.new_status))},
    };
    const std::string text =
        outcome.kind == CorrectionOutcome::Kind::stale
            ? "Already reassigned to the " + std::string(display_name(result.new_role)) +
                  (outcome.change.by.empty() ? std::string() : " by " + outcome.change.by) +
                  " \xe2\x80\x94 nothing changed."
            : render_status_text(result.new_status, result.new_role, assignees, result.changed);
    return json_response(200, json{{"changed", result.changed},
                                   {"stale", outcome.kind == CorrectionOutcome::Kind::stale},
                                   {"text", text},
                                   {"routing", std::move(r)},
                                   {"record", console_routing_record_json(result.routing)}});
  }

  HttpResponse decisions(const HttpRequest& request) {
    const std::string team_id = console_query_parameter(request, "team");
    auto k = ctx_.knowledge->get();
    const Team* team = nullptr;
    if (!team_id.empty()) {
      team = k->teams.find(team_id);
      if (!team) return error_response(404, "unknown team '" + team_id + "'");
    }
    // ?q= takes what `/decisions` takes on Slack and Teams (pm, po, all or
    // words to find); without it, the newest decisions.
    DecisionQuery query = parse_decision_query(console_query_parameter(request, "q"));
    if (query.text.empty() && !query.role && !query.all) query.limit = decisions_shown;
    json list = json::array();
    for (const auto& d : ctx_.app->find_decisions(team, query)) {
      list.push_back(console_decision_json(d));
    }
    return json_response(200, json{{"decisions", std::move(list)}});
  }

  HttpResponse routings(const HttpRequest& request) {
    const std::string team_id = console_query_parameter(request, "team");
    auto k = ctx_.knowledge->get();
    ListFilter filter;
    if (!team_id.empty()) {
      if (!k->teams.find(team_id)) return error_response(404, "unknown team '" + team_id + "'");
      filter.team_id = team_id;
    }
    filter.limit = routings_shown;
    json list = json::array();
    for (const auto& r : ctx_.store->list_routings(filter)) {
      json item = console_routing_record_json(r);
      const Topic* topic = k->taxonomy.find(r.topic);
      item["topic_title"] = topic ? topic->title : r.topic;
      // The stored assignee is who it went to first; after a reassign the
      // people holding the current role are the ones to show.
      const Team* team = k->teams.find(r.team_id);
      item["assignees"] =
          team && r.role != Role::none ? console_people_json(team->holders(r.role)) : json::array();
      // Questions are logged as answered on the spot: there is nothing to press.
      item["actions"] = r.intent == Intent::request
                            ? console_actions_json(console_actions(r.role, r.status))
                            : json::array();
      list.push_back(std::move(item));
    }
    return json_response(200, json{{"routings", std::move(list)}});
  }

  HttpResponse decision(const HttpRequest& request) {
    auto body = parse_object(request);
    if (!body) return body_error(request);
    Fields f{*body, {}};
    auto team_id = f.text("team", true);
    auto text = team_id ? f.text("text", true) : std::nullopt;
    if (!team_id || !text) return error_response(400, f.error);
    std::optional<Role> role;
    if (!f.role("role", role)) return error_response(400, f.error);
    auto k = ctx_.knowledge->get();
    const Team* team = k->teams.find(*team_id);
    if (!team) return error_response(404, "unknown team '" + *team_id + "'");
    const DecisionRecord d = ctx_.app->record_decision("console", team, *text, "console", "console",
                                                       "", role, ctx_.clock());
    return json_response(201, json{{"decision", console_decision_json(d)}});
  }

  HttpResponse digest(const HttpRequest& request) {
    const std::string team_id = console_query_parameter(request, "team");
    if (team_id.empty()) return error_response(400, "missing query parameter 'team'");
    auto k = ctx_.knowledge->get();
    if (!k->teams.find(team_id)) return error_response(404, "unknown team '" + team_id + "'");
    if (!ctx_.digest_preview) {
      return json_response(
          200, json{{"team", team_id}, {"available", false}, {"text", "digest not available yet"}});
    }
    return json_response(
        200, json{{"team", team_id}, {"available", true}, {"text", ctx_.digest_preview(team_id)}});
  }

 private:
  bool token_presented(const HttpRequest& request) const {
    if (ctx_.access_token.empty()) return false;
    const std::string_view auth = trim(request.header("authorization"));
    if (auth.size() > 7 && lower(auth.substr(0, 7)) == "bearer ") {
      return console_token_equals(trim(auth.substr(7)), ctx_.access_token);
    }
    const std::string cookie = cookie_value(request, cookie_name);
    if (!cookie.empty()) return console_token_equals(cookie, ctx_.access_token);
    return false;
  }

  bool loopback_direct(const HttpRequest& request) const {
    if (!console_is_loopback_address(request.peer_address)) return false;
    // A reverse proxy on this host relays strangers from loopback.
    for (const char* h : {"forwarded", "x-forwarded-for", "x-real-ip"}) {
      if (!request.header(h).empty()) return false;
    }
    const std::string_view host = request.header("host");
    return host.empty() || is_loopback_host(host);
  }

  bool allowed(const HttpRequest& request) const {
    const std::string query_token =
        request.path() == "/" ? console_query_parameter(request, "token") : std::string{};
    if (!query_token.empty()) {
      // A wrong token is refused even from loopback, so it is never turned into a cookie.
      return !ctx_.access_token.empty() && console_token_equals(query_token, ctx_.access_token);
    }
    return loopback_direct(request) || token_presented(request);
  }

  // Cross-site protection for state-changing calls: a page elsewhere can make
  // a browser send simple form posts, but not application/json ones without
  // a preflight we never grant, and its Origin would not match.
  std::optional<HttpResponse> check_post(const HttpRequest& request) const {
    const std::string type = lower(trim(request.header("content-type")));
    if (type.substr(0, type.find(';')) != "application/json") {
      return error_response(415, "the console API takes application/json");
    }
    const std::string_view origin = trim(request.header("origin"));
    if (!origin.empty()) {
      const auto scheme_end = origin.find("://");
      const std::string authority =
          scheme_end == std::string_view::npos ? "" : lower(origin.substr(scheme_end + 3));
      const std::string host = lower(trim(request.header("host")));
      const std::string forwarded_host = lower(trim(request.header("x-forwarded-host")));
      if (authority.empty() || (authority != host && authority != forwarded_host)) {
        return error_response(403, "forbidden: cross-origin request");
      }
    }
    return std::nullopt;
  }

  static std::optional<json> parse_object(const HttpRequest& request) {
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return std::nullopt;
    return body;
  }

  static HttpResponse body_error(const HttpRequest& request) {
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded()) return error_response(400, "malformed JSON body");
    return error_response(400, "the body must be a JSON object");
  }

  ConsoleContext ctx_;
  std::atomic<std::uint64_t> sequence_{0};
};

}  // namespace

bool console_is_loopback_address(std::string_view address) noexcept {
  std::string a;
  for (char c : address) a += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (a == "::1" || a == "0:0:0:0:0:0:0:1") return true;
  std::string_view v4 = a;
  if (v4.starts_with("::ffff:")) v4.remove_prefix(7);
  if (!v4.starts_with("127.")) return false;
  // 127.0.0.0/8, and nothing else that merely starts alike ("127.evil.com").
  int dots = 0;
  for (char c : v4) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

bool console_token_equals(std::string_view a, std::string_view b) noexcept {
  // Walk the longer length so the time depends on lengths only.
  const std::size_t n = a.size() > b.size() ? a.size() : b.size();
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

std::string console_query_parameter(const HttpRequest& request, std::string_view name) {
  std::string_view target = request.target;
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view rest = target.substr(q + 1);
  rest = rest.substr(0, rest.find('#'));
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    const auto eq = pair.find('=');
    if (percent_decode(pair.substr(0, eq), true) != name) continue;
    return eq == std::string_view::npos ? std::string{} : percent_decode(pair.substr(eq + 1), true);
  }
  return {};
}

void register_console_routes(RequestRouter& router, ConsoleContext ctx) {
  if (!ctx.app || !ctx.store || !ctx.knowledge) {
    throw std::invalid_argument("console: app, store and knowledge are required");
  }
  // Shared by every route's handler; lives as long as the router's copies of them.
  auto console = std::make_shared<Console>(std::move(ctx));
  auto add = [&](const char* method, const char* path, const char* name,
                 HttpResponse (Console::*handler)(const HttpRequest&)) {
    const bool is_post = std::string_view(method) == "POST";
    router.add(method, path, name,
               [console, inner = console->guarded(handler, is_post)](const HttpRequest& r) {
                 return inner(r);
               });
  };
  add("GET", "/", "console_page", &Console::page);
  add("GET", "/console/api/teams", "console_api", &Console::teams);
  add("POST", "/console/api/message", "console_api", &Console::message);
  add("POST", "/console/api/action", "console_api", &Console::action);
  add("GET", "/console/api/decisions", "console_api", &Console::decisions);
  add("POST", "/console/api/decision", "console_api", &Console::decision);
  add("GET", "/console/api/routings", "console_api", &Console::routings);
  add("GET", "/console/api/digest", "console_api", &Console::digest);
}

}  // namespace rolecall
