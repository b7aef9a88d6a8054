#pragma once
// The console: a page on GET / where a person types messages as if in a
// channel of a chosen team, and the JSON API behind it. It goes through the
// same use cases (usecases/app.hpp), store and routing as Slack and Teams, so what it shows is
// what the chat platforms would get.
//
// Who may use it (the listener faces the internet in production):
//   - a loopback peer (127.0.0.1, ::1, ::ffff:127.0.0.0/104) whose request
//     carries no proxy header (Forwarded, X-Forwarded-For, X-Real-IP: a proxy
//     on the same host relays strangers from loopback) and whose Host, when
//     given, is a loopback name (localhost, 127.x, [::1]: defeats DNS
//     rebinding);
//   - or anyone presenting the access token: `Authorization: Bearer TOKEN`,
//     or the `rolecall_console` cookie that `GET /?token=TOKEN` sets (then
//     redirects to / so the token leaves the address bar). Compared in
//     constant time. An empty token means loopback only.
// Everyone else gets 403 and nothing is done. POSTs must be
// `application/json` and, when the browser sends Origin, same-origin (its
// host:port equals Host or X-Forwarded-Host, so a proxy that rewrites Host
// must pass X-Forwarded-Host): a page elsewhere cannot drive the console
// through a visitor's browser.
//
// API (JSON; errors are {"error": "..."}):
//   GET  /                          the page (text/html)
//   GET  /console/api/teams         {teams: [team], default_team}
//   POST /console/api/message       {team, text} -> {kind: answer|routed|
//                                   clarification|nothing, text, classification,
//                                   answer, routing: {id, kind, role, role_name,
//                                   assignees, reason, status, options, actions,
//                                   topic_id, topic_title} | null}
//   POST /console/api/action        {routing_id, action: ack|reassign|dismiss|
//                                   choose_pm|choose_po} -> {changed, text,
//                                   routing: {...same shape...}}
//   GET  /console/api/decisions?team=ID&q=Q   {decisions: [decision]} (newest first; q as
//                                         /decisions takes it: pm, po, all or words)
//   POST /console/api/decision      {team, text, role?} -> 201 {decision}
//   GET  /console/api/routings?team=ID    {routings: [record + actions]} (newest first;
//                                   questions answered on the spot are logged too)
//   GET  /console/api/digest?team=ID      {team, available, text}
// Malformed JSON or a missing/ill-typed field: 400; unknown team or routing:
// 404; a failing store: 503. Handlers never throw.
//
// Messages from the console are platform "console", channel "console",
// author "console", with route_requests and answer_questions both on.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "adapters/common/http_message.hpp"
#include "daemon/request_router.hpp"
#include "storage/store.hpp"
#include "usecases/app.hpp"
#include "usecases/knowledge.hpp"

namespace rolecall {

struct ConsoleContext {
  App* app = nullptr;                          // required
  Store* store = nullptr;                      // required
  const KnowledgeHolder* knowledge = nullptr;  // required
  std::string access_token;                    // empty: loopback peers only
  // The digest text of this week for a team; empty function: the page says
  // "digest not available yet". May throw (the endpoint answers 500).
  std::function<std::string(const std::string& team_id)> digest_preview;
  // Unix seconds; empty: the system clock.
  std::function<std::int64_t()> clock;
};

// Adds the console's routes to `router`. The context's pointers must outlive
// the router. Throws std::invalid_argument when a required pointer is null.
void register_console_routes(RequestRouter& router, ConsoleContext ctx);

// The pieces of the access rule, exposed for tests.
// True for 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104.
bool console_is_loopback_address(std::string_view address) noexcept;
// Equal strings; the time taken does not depend on where they first differ.
bool console_token_equals(std::string_view a, std::string_view b) noexcept;
// The value of `name` in the request's query string, %XX and '+' decoded
// (a malformed escape is kept as typed); empty when absent.
std::string console_query_parameter(const HttpRequest& request, std::string_view name);

}  // namespace rolecall
