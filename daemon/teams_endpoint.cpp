#include "daemon/teams_endpoint.hpp"

#include <spdlog/spdlog.h>

#include <ctime>
#include <memory>

#include "adapters/teams/teams_activity.hpp"
#include "adapters/teams/teams_cards.hpp"
#include "adapters/teams/teams_command.hpp"
#include "adapters/teams/teams_signature.hpp"
#include "daemon/logging.hpp"

namespace rolecall {

namespace {

using nlohmann::json;

HttpResponse reply(const json& j) {
  return HttpResponse::json(200, j.dump(-1, ' ', false, json::error_handler_t::replace));
}

class TeamsEndpoint {
 public:
  explicit TeamsEndpoint(TeamsEndpointContext ctx) : ctx_(std::move(ctx)) {
    if (!ctx_.clock) ctx_.clock = [] { return static_cast<std::int64_t>(std::time(nullptr)); };
  }

  HttpResponse handle(const HttpRequest& req) {
    LogContext::set_platform("teams");
    std::string_view path = req.path();
    std::string name = "default";
    constexpr std::string_view base = "/teams/webhook";
    if (path.size() > base.size() + 1) name = std::string(path.substr(base.size() + 1));
    if (!name.empty() && name.back() == '/') name.pop_back();
    const TeamsWebhook* hook = ctx_.platform.config->teams.find_webhook(name);
    if (!hook || !hook->active) {
      spdlog::warn("teams: request for unknown or inactive webhook \"{}\" from {}", name,
                   req.peer_address);
      return HttpResponse::json(404, R"({"error":"unknown webhook"})");
    }
    const auto check = verify_teams_hmac(hook->key_bytes, req.header("authorization"), req.body);
    if (check != TeamsAuthCheck::ok) {
      ctx_.platform.metrics->inc(
          "rolecall_signature_failures",
          {{"platform", "teams"}, {"reason", std::string(to_string(check))}});
      spdlog::warn("teams: rejected request for webhook \"{}\" from {}: {}", name, req.peer_address,
                   to_string(check));
      return HttpResponse::json(401, R"({"error":"unauthorized"})");
    }
    auto parsed = parse_teams_activity(req.body, name);
    if (!parsed.ok()) {
      spdlog::warn("teams: malformed activity for webhook \"{}\": {}", name,
                   to_string(parsed.error));
      return HttpResponse::json(400, std::string(R"({"error":"malformed activity","reason":")") +
                                         std::string(to_string(parsed.error)) + "\"}");
    }
    try {
      const auto k = ctx_.platform.knowledge->get();
      return on_activity(*parsed.activity, *hook, *k, req.request_id);
    } catch (const StoreError& e) {
      spdlog::error("teams: store error: {}", e.what());
      return reply(render_teams_simple_reply(
          "rolecall could not reach its database just now; please try again in a minute."));
    }
  }

 private:
  std::int64_t now() const { return ctx_.clock(); }

  const Team* team_of(const TeamsWebhook& hook, const Knowledge& k) const {
    if (!hook.team.empty())
      if (const Team* t = k.teams.find(hook.team)) return t;
    if (const Team* t = k.teams.by_teams_webhook(hook.name)) return t;
    return k.teams.default_team();
  }

  HttpResponse on_activity(const TeamsActivity& a, const TeamsWebhook& hook, const Knowledge& k,
                           const std::string& request_id) {
    const Team* team = team_of(hook, k);
    LogContext::set_team(team ? team->id : "");
    TeamsCardOptions options;
    options.bot_name = hook.name == "default" ? "rolecall" : hook.name;
    const TeamsCommand cmd = parse_teams_command(a.clean_text);
    App& app = *ctx_.platform.app;

    switch (cmd.kind) {
      case TeamsCommandKind::help: {
        std::vector<std::string> examples;
        for (const auto& t : k.taxonomy.topics()) {
          if (examples.size() >= 6) break;
          if (t.role == Role::product_manager || t.role == Role::product_owner)
            examples.push_back(t.title);
        }
        return reply(render_teams_help_reply(examples, options));
      }
      case TeamsCommandKind::decision: {
        if (cmd.text.empty()) {
          return reply(render_teams_simple_reply("What was decided? Write it after the word: @" +
                                                     options.bot_name +
                                                     " decision We launch the pro tier in March.",
                                                 options));
        }
        auto d = app.record_decision("teams", team, cmd.text, a.from_name, a.channel_id, "",
                                     std::nullopt, now());
        return reply(render_teams_decision_reply(d, options));
      }
      case TeamsCommandKind::decisions: {
        const auto shown = app.find_decisions(team, parse_decision_query(cmd.text));
        return reply(render_teams_decisions_reply(shown, "Recent decisions", cmd.text, options));
      }
      case TeamsCommandKind::reassign:
      case TeamsCommandKind::ack:
      case TeamsCommandKind::dismiss: return on_correction(a, cmd, team, options);
      case TeamsCommandKind::message: break;
    }

    LogContext scope(request_id, "teams", team ? team->id : "");
    InboundMessage msg;
    msg.platform = "teams";
    msg.addressing = Addressing::mention;  // an outgoing webhook only hears @mentions
    msg.team = team;
    msg.channel = a.channel_id;
    msg.author = a.from_name.empty() ? a.from_id : a.from_name;
    msg.text = a.clean_text;
    msg.classifier_text = a.classifier_text;
    msg.message_id = a.id;
    msg.thread_root_id = std::string(teams_thread_root(a));
    msg.dedupe_keys.push_back("teams:activity:" + hook.name + ":" + a.id);
    const MessageOutcome r = app.handle_message(msg, now());
    switch (r.kind) {
      case MessageOutcome::Kind::routed:
      case MessageOutcome::Kind::clarification: {
        TeamsRoutingNotice notice;
        notice.decision = r.routing;
        notice.routing_id = r.routing_id;
        notice.request_text = a.clean_text;
        notice.requested_by = a.from_name;
        notice.team_name = team ? team->name : "";
        return reply(render_teams_routing_reply(notice, options));
      }
      case MessageOutcome::Kind::duplicate:
        spdlog::info("teams: activity {} seen before; answering without logging again", a.id);
        return reply(render_teams_answer_reply(r.answer, options));
      case MessageOutcome::Kind::silent:
      case MessageOutcome::Kind::help:
      case MessageOutcome::Kind::answer: break;
    }
    return reply(render_teams_answer_reply(r.answer, options));
  }

  HttpResponse on_correction(const TeamsActivity& a, const TeamsCommand& cmd, const Team* team,
                             const TeamsCardOptions& options) {
    CorrectionRequest request;
    request.routing_id = cmd.routing_id;
    // "@rolecall reassign" as a reply in the thread of the routed request:
    // the thread's root message is the request we routed.
    request.platform = "teams";
    request.channel = a.channel_id;
    request.message_ids = {std::string(teams_thread_root(a)), a.id};
    request.team = team;
    request.action = cmd.kind == TeamsCommandKind::ack       ? CorrectionAction::acknowledge
                     : cmd.kind == TeamsCommandKind::dismiss ? CorrectionAction::dismiss
                                                             : CorrectionAction::reassign;
    if (cmd.kind == TeamsCommandKind::reassign) request.reassign_to = cmd.reassign_to;
    request.by = a.from_name.empty() ? a.from_id : a.from_name;
    const CorrectionOutcome result = ctx_.platform.app->correct(request, now());
    switch (result.kind) {
      case CorrectionOutcome::Kind::not_found:
        return reply(render_teams_simple_reply(
            cmd.routing_id
                ? "I have no request #" + std::to_string(*cmd.routing_id) + " for this team."
                : "Which request? Reply in the thread of the routed request, or add its "
                  "number, e.g. @" +
                      options.bot_name + " reassign #42.",
            options));
      case CorrectionOutcome::Kind::already:
        return reply(render_teams_simple_reply(
            "Request #" + std::to_string(result.routing.id) + " is already with the " +
                std::string(display_name(result.routing.role)) + ".",
            options));
      case CorrectionOutcome::Kind::stale: {
        // A bare "reassign" of a routing someone already reassigned: never a
        // silent move back; naming the role moves it on purpose.
        const std::string n = std::to_string(result.routing.id);
        const std::string back = result.routing.role == Role::product_manager ? "po" : "pm";
        return reply(render_teams_simple_reply(
            "Request #" + n + " was already reassigned to the " +
                std::string(display_name(result.routing.role)) +
                (result.change.by.empty() ? std::string() : " by " + result.change.by) +
                ". Nothing changed. To move it, say @" + options.bot_name + " reassign #" + n +
                " to " + back + ".",
            options));
      }
      case CorrectionOutcome::Kind::unchanged:
      case CorrectionOutcome::Kind::changed: break;
    }
    return reply(render_teams_status_change_reply(result.change, result.assignees, options));
  }

  TeamsEndpointContext ctx_;
};

}  // namespace

void register_teams_routes(RequestRouter& router, TeamsEndpointContext ctx) {
  auto endpoint = std::make_shared<TeamsEndpoint>(std::move(ctx));
  auto handler = [endpoint](const HttpRequest& r) { return endpoint->handle(r); };
  router.add("POST", "/teams/webhook", "teams_webhook", handler);
  router.add("POST", "/teams/webhook/", "teams_webhook", handler, /*prefix=*/true);
}

}  // namespace rolecall
