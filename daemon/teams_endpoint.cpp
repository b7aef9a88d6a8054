#include "daemon/teams_endpoint.hpp"

#include <spdlog/spdlog.h>

#include <ctime>
#include <memory>

#include "adapters/teams/teams_activity.hpp"
#include "adapters/teams/teams_cards.hpp"
#include "adapters/teams/teams_command.hpp"
#include "adapters/teams/teams_signature.hpp"
#include "daemon/logging.hpp"
#include "daemon/text_match.hpp"

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
    Assistant& assistant = *ctx_.platform.assistant;

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
        auto d = assistant.record_decision("teams", team, cmd.text, a.from_name, a.channel_id, "",
                                           std::nullopt, now());
        return reply(render_teams_decision_reply(d, options));
      }
      case TeamsCommandKind::decisions: {
        auto all = assistant.recent_decisions(team, cmd.text.empty() ? 25 : 200);
        std::vector<DecisionRecord> shown;
        for (auto& d : all)
          if (cmd.text.empty() || contains_case_insensitive(d.text, cmd.text))
            shown.push_back(std::move(d));
        return reply(render_teams_decisions_reply(shown, "Recent decisions", cmd.text, options));
      }
      case TeamsCommandKind::reassign:
      case TeamsCommandKind::ack:
      case TeamsCommandKind::dismiss: return on_correction(a, cmd, team, options);
      case TeamsCommandKind::message: break;
    }

    // The dedupe key and the routing commit together (one commit, all or
    // none): a failure in between cannot leave the activity marked as seen
    // but unlogged.
    HttpResponse response;
    ctx_.platform.store->write_batch([&](Store&) {
      // The batch may run on the thread of another request's commit.
      LogContext scope(request_id, "teams", team ? team->id : "");
      response = on_message(a, hook, team, options);
    });
    return response;
  }

  HttpResponse on_message(const TeamsActivity& a, const TeamsWebhook& hook, const Team* team,
                          const TeamsCardOptions& options) {
    Assistant& assistant = *ctx_.platform.assistant;
    if (!ctx_.platform.store->remember_event("teams:activity:" + hook.name + ":" + a.id, now(),
                                             now() + ctx_.dedupe_ttl_seconds)) {
      ctx_.platform.metrics->inc("rolecall_duplicate_events", {{"platform", "teams"}});
      spdlog::info("teams: activity {} seen before; answering without logging again", a.id);
      return reply(render_teams_answer_reply(assistant.answer(a.clean_text, team).answer, options));
    }
    InboundMessage msg;
    msg.platform = "teams";
    msg.team = team;
    msg.channel = a.channel_id;
    msg.author = a.from_name.empty() ? a.from_id : a.from_name;
    msg.text = a.clean_text;
    msg.message_id = a.id;
    msg.route_requests = true;
    msg.answer_questions = true;
    AssistantReply r = assistant.handle(msg, now());
    if (r.kind == AssistantReply::Kind::routed || r.kind == AssistantReply::Kind::clarification) {
      TeamsRoutingNotice notice;
      notice.decision = r.routing;
      notice.routing_id = r.routing_id;
      notice.request_text = a.clean_text;
      notice.requested_by = a.from_name;
      notice.team_name = team ? team->name : "";
      return reply(render_teams_routing_reply(notice, options));
    }
    return reply(render_teams_answer_reply(r.answer, options));
  }

  HttpResponse on_correction(const TeamsActivity& a, const TeamsCommand& cmd, const Team* team,
                             const TeamsCardOptions& options) {
    std::optional<RoutingRecord> target;
    if (cmd.routing_id) {
      target = ctx_.platform.store->get_routing(*cmd.routing_id);
    } else {
      // "@rolecall reassign" as a reply in the thread of the routed request:
      // the thread's root message is the request we routed.
      ListFilter f;
      f.team_id = team ? team->id : "";
      f.channel = a.channel_id;
      f.limit = 200;
      for (auto& r : ctx_.platform.store->list_routings(f)) {
        if (r.platform == "teams" && r.intent == Intent::request &&
            (r.message_id == a.thread_root_id || r.message_id == a.id)) {
          target = std::move(r);
          break;
        }
      }
    }
    if (!target || target->platform.empty() || (team && target->team_id != team->id)) {
      return reply(render_teams_simple_reply(
          cmd.routing_id
              ? "I have no request #" + std::to_string(*cmd.routing_id) + " for this team."
              : "Which request? Reply in the thread of the routed request, or add its "
                "number, e.g. @" +
                    options.bot_name + " reassign #42.",
          options));
    }
    CorrectionAction action = cmd.kind == TeamsCommandKind::ack ? CorrectionAction::acknowledge
                              : cmd.kind == TeamsCommandKind::dismiss ? CorrectionAction::dismiss
                                                                      : CorrectionAction::reassign;
    if (cmd.kind == TeamsCommandKind::reassign && cmd.reassign_to) {
      if (*cmd.reassign_to == target->role) {
        return reply(render_teams_simple_reply("Request #" + std::to_string(target->id) +
                                                   " is already with the " +
                                                   std::string(display_name(target->role)) + ".",
                                               options));
      }
      if (target->role != Role::product_manager && target->role != Role::product_owner) {
        action = *cmd.reassign_to == Role::product_manager ? CorrectionAction::choose_pm
                                                           : CorrectionAction::choose_po;
      }
    }
    const std::string by = a.from_name.empty() ? a.from_id : a.from_name;
    auto result = ctx_.platform.assistant->correct(target->id, action, by, now());
    StatusChange change;
    change.routing_id = target->id;
    change.from = target->status;
    change.to = result.new_status;
    change.new_role = result.new_role;
    change.by = by;
    change.at = now();
    change.from_role = target->role;
    change.topic = target->topic;
    return reply(render_teams_status_change_reply(change, result.new_assignees, options));
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
