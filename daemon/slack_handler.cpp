#include "daemon/slack_handler.hpp"

#include <spdlog/spdlog.h>

#include <cctype>
#include <charconv>
#include <ctime>

#include "adapters/slack/slack_messages.hpp"
#include "adapters/slack/slack_text.hpp"
#include "adapters/teams/teams_cards.hpp"
#include "daemon/logging.hpp"
#include "daemon/text_match.hpp"
#include "storage/sha256.hpp"

namespace rolecall {

namespace {

using nlohmann::json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

SlackReply ok_empty() { return SlackReply{}; }
SlackReply reply_json(json j) { return SlackReply{SlackReply::Status::ok, std::move(j)}; }
SlackReply malformed(json j) { return SlackReply{SlackReply::Status::malformed, std::move(j)}; }

}  // namespace

class SlackHandler::Impl {
 public:
  explicit Impl(SlackHandlerContext ctx) : ctx_(std::move(ctx)) {
    if (!ctx_.clock) ctx_.clock = [] { return static_cast<std::int64_t>(std::time(nullptr)); };
  }

  SlackReply handle(const SlackRequest& request, const SlackDelivery& delivery) {
    LogContext::set_platform("slack");
    try {
      // One snapshot of the knowledge per request: a SIGHUP reload in between
      // cannot pull the team out from under it.
      const auto k = ctx_.platform.knowledge->get();
      return std::visit([&](auto&& parsed) { return on(parsed, delivery, *k); }, request);
    } catch (const StoreError& e) {
      spdlog::error("slack: store error: {}", e.what());
      // Slack delivers the request again later (HTTP 503, or a Socket Mode
      // envelope left unacknowledged): a request's writes commit together or
      // not at all (in_one_commit), so nothing was half-done.
      return SlackReply{SlackReply::Status::unavailable, nullptr};
    } catch (const std::exception& e) {
      spdlog::error("slack: error while handling a request: {}", e.what());
      return SlackReply{SlackReply::Status::unavailable, nullptr};
    }
  }

 private:
  std::int64_t now() const { return ctx_.clock(); }
  static const Team* team_for_channel(const Knowledge& k, const std::string& channel) {
    if (const Team* t = k.teams.by_slack_channel(channel)) return t;
    return k.teams.default_team();
  }

  // The writes of one request (dedupe keys, routing, status change, outbox
  // rows) commit together: one commit instead of one per row, and all or
  // none, so a store error leaves no dedupe key behind that would turn
  // Slack's retry into a "duplicate". `handler(queued)` sets `queued` when
  // it added outbox rows; the worker is woken after the commit, when it can
  // see them.
  template <class Handler>
  SlackReply in_one_commit(const SlackDelivery& delivery, Handler&& handler) {
    SlackReply reply;
    bool queued = false;
    ctx_.platform.store->write_batch([&](Store&) {
      // The batch may run on the thread of another request's commit.
      LogContext scope(std::string(delivery.request_id), "slack");
      reply = handler(queued);
    });
    if (queued) ctx_.platform.outbox->notify();
    return reply;
  }

  // Adds an outbox row (inside in_one_commit); `queued` is set when it is new.
  void enqueue(const std::string& destination, const std::string& target, const json& payload,
               const std::string& key, bool& queued) {
    if (!ctx_.can_post && destination != "slack:response_url") {
      spdlog::warn("slack: no bot token configured; not posting to {}", target);
      return;
    }
    OutboxMessage m{destination, target, dump(payload), key};
    if (ctx_.platform.store->enqueue(m, now())) queued = true;
  }

  SlackReply on(const UrlVerification& v, const SlackDelivery&, const Knowledge&) {
    spdlog::info("slack: url_verification answered");
    return reply_json(json{{"challenge", v.challenge}});
  }
  SlackReply on(const SslCheck&, const SlackDelivery&, const Knowledge&) { return ok_empty(); }
  SlackReply on(const AppRateLimited& r, const SlackDelivery&, const Knowledge&) {
    ctx_.platform.metrics->inc("rolecall_slack_app_rate_limited", {});
    spdlog::warn("slack: app_rate_limited for team {} (minute {}): Slack is dropping events",
                 r.team_id, r.minute_rate_limited);
    return ok_empty();
  }
  SlackReply on(const UnknownPayload& u, const SlackDelivery&, const Knowledge&) {
    spdlog::debug("slack: ignoring payload type \"{}\"", u.type);
    return ok_empty();
  }
  SlackReply on(const Malformed& m, const SlackDelivery& delivery, const Knowledge&) {
    spdlog::warn("slack: malformed request from {}: {}", delivery.source, m.reason);
    return malformed(json{{"error", "malformed request"}, {"reason", m.reason}});
  }

  SlackReply on(const EventCallback& cb, const SlackDelivery& delivery, const Knowledge& k) {
    return in_one_commit(delivery, [&](bool& queued) { return on_event(cb, k, queued); });
  }

  SlackReply on_event(const EventCallback& cb, const Knowledge& k, bool& queued) {
    const SlackEvent& ev = cb.event;
    const auto t = now();
    if (!cb.event_id.empty() && !ctx_.platform.store->remember_event(
                                    "slack:event:" + cb.event_id, t, t + ctx_.dedupe_ttl_seconds)) {
      ctx_.platform.metrics->inc("rolecall_duplicate_events", {{"platform", "slack"}});
      spdlog::info("slack: duplicate event {} (retry {}) dropped", cb.event_id, cb.retry_num);
      return ok_empty();
    }
    const std::string self = !ctx_.bot_user_id.empty() ? ctx_.bot_user_id : cb.authorized_user_id;
    if (should_ignore_event(ev, self) || (!ctx_.bot_id.empty() && ev.bot_id == ctx_.bot_id)) {
      spdlog::debug("slack: ignoring {} event {} (bot, subtype or self)", ev.type, cb.event_id);
      return ok_empty();
    }
    const bool mention = ev.type == "app_mention";
    const bool dm = ev.type == "message" && ev.channel_type == "im";
    const bool top_level = ev.thread_ts.empty() || ev.thread_ts == ev.ts;
    const bool intake = k.teams.is_intake_channel(ev.channel) && top_level;
    if (!mention && !dm && !intake) {
      spdlog::debug("slack: {} in {} is not for us", ev.type, ev.channel);
      return ok_empty();
    }
    // One human message can arrive as app_mention and as message.channels:
    // answer it once, whichever comes first.
    if (!ctx_.platform.store->remember_event("slack:msg:" + ev.channel + ":" + ev.ts, t,
                                             t + ctx_.dedupe_ttl_seconds)) {
      ctx_.platform.metrics->inc("rolecall_duplicate_events", {{"platform", "slack"}});
      spdlog::debug("slack: message {}:{} already handled", ev.channel, ev.ts);
      return ok_empty();
    }
    const std::string text = slack_to_plain(strip_leading_mention(ev.text, self));
    const Team* team = team_for_channel(k, ev.channel);
    LogContext::set_team(team ? team->id : "");

    InboundMessage msg;
    msg.platform = "slack";
    msg.team = team;
    msg.channel = ev.channel;
    msg.author = ev.user;
    msg.text = text;
    msg.message_id = ev.ts;
    msg.route_requests = intake || mention;
    msg.answer_questions = mention || dm || intake;
    const AssistantReply reply = ctx_.platform.assistant->handle(msg, t);

    json message;
    switch (reply.kind) {
      case AssistantReply::Kind::nothing: return ok_empty();
      case AssistantReply::Kind::answer:
        if (intake && !mention && reply.classification.role == Role::none) {
          return ok_empty();  // chatter in an intake channel gets nothing
        }
        message = render_answer(reply.answer);
        break;
      case AssistantReply::Kind::routed:
      case AssistantReply::Kind::clarification:
        message = render_routing_notice(reply.routing, reply.routing_id);
        break;
    }
    if (reply.kind == AssistantReply::Kind::routed && team && team->teams_routing_notices) {
      notify_teams_channel(*team, reply, text, queued);
    }
    const std::string thread = dm ? std::string() : (ev.thread_ts.empty() ? ev.ts : ev.thread_ts);
    enqueue("slack:chat.postMessage", ev.channel,
            for_channel(std::move(message), ev.channel, thread),
            "slack:reply:" + ev.channel + ":" + ev.ts, queued);
    return ok_empty();
  }

  SlackReply on(const SlashCommand& cmd, const SlackDelivery&, const Knowledge& k) {
    const Team* team = team_for_channel(k, cmd.channel_id);
    LogContext::set_team(team ? team->id : "");
    std::string text = slack_to_plain(cmd.text);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
      text.erase(0, 1);
    const bool asks_help = text.empty() || text == "help";

    if (cmd.command == "/whoowns") {
      if (asks_help) return reply_json(render_help());
      auto reply = ctx_.platform.assistant->answer(text, team);
      return reply_json(as_ephemeral(render_answer(reply.answer)));
    }
    if (cmd.command == "/decision") {
      if (asks_help) return reply_json(render_help());
      auto d = ctx_.platform.assistant->record_decision("slack", team, text, cmd.user_id,
                                                        cmd.channel_id, "", std::nullopt, now());
      return reply_json(render_decision_confirmation(d));
    }
    if (cmd.command == "/decisions") {
      auto all = ctx_.platform.assistant->recent_decisions(team, text.empty() ? 15 : 200);
      std::vector<DecisionRecord> shown;
      if (text.empty() || text == "all") {
        shown = std::move(all);
      } else {
        std::optional<Role> role;
        if (text == "pm") role = Role::product_manager;
        if (text == "po") role = Role::product_owner;
        for (auto& d : all) {
          if (role ? d.role == *role : contains_case_insensitive(d.text, text))
            shown.push_back(std::move(d));
        }
      }
      return reply_json(render_decision_list(shown, text));
    }
    spdlog::info("slack: unknown command {}", cmd.command);
    return reply_json(render_help(cmd.command));
  }

  SlackReply on(const BlockActions& ba, const SlackDelivery& delivery, const Knowledge& k) {
    return in_one_commit(delivery, [&](bool& queued) { return on_actions(ba, k, queued); });
  }

  SlackReply on_actions(const BlockActions& ba, const Knowledge& k, bool& queued) {
    for (const auto& action : ba.actions) {
      auto what = parse_correction_action(action.action_id);
      if (!what) {
        spdlog::debug("slack: ignoring action {}", action.action_id);
        continue;
      }
      std::int64_t id = 0;
      auto [p, ec] =
          std::from_chars(action.value.data(), action.value.data() + action.value.size(), id);
      if (ec != std::errc{} || p != action.value.data() + action.value.size() || id <= 0) {
        spdlog::warn("slack: action {} with bad routing id \"{}\"", action.action_id, action.value);
        return malformed(json{{"error", "bad action value"}});
      }
      auto result = ctx_.platform.assistant->correct(id, *what, ba.user_id, now());
      if (!result.found) {
        spdlog::warn("slack: action {} on unknown routing {}", action.action_id, id);
        enqueue_response(
            ba, as_ephemeral(render_notice("That request is no longer in rolecall's log.")),
            "missing:" + std::to_string(id), queued);
        return ok_empty();
      }
      RoutingUpdate update;
      update.routing_id = id;
      update.action = *what == CorrectionAction::acknowledge ? RoutingAction::acknowledged
                      : *what == CorrectionAction::reassign  ? RoutingAction::reassigned
                      : *what == CorrectionAction::dismiss   ? RoutingAction::dismissed
                                                             : RoutingAction::clarified;
      update.role = result.new_role;
      update.owners = result.new_assignees;
      if (const Topic* topic = k.taxonomy.find(result.routing.topic))
        update.topic_title = topic->title;
      update.actor_user_id = ba.user_id;
      json message = render_routing_update(update);
      message["replace_original"] = true;
      enqueue_response(ba, message,
                       std::to_string(id) + ":" + action.action_id + ":" +
                           (result.changed ? std::to_string(now()) : "same"),
                       queued);
      return ok_empty();
    }
    return ok_empty();
  }

  // A team that also lives in Microsoft Teams can get each routing there too,
  // through its Workflows URLs (config: product_teams[].teams_routing_notices).
  void notify_teams_channel(const Team& team, const AssistantReply& reply, const std::string& text,
                            bool& queued) {
    TeamsRoutingNotice notice;
    notice.decision = reply.routing;
    notice.routing_id = reply.routing_id;
    notice.request_text = text;
    notice.team_name = team.name;
    const std::string payload = render_teams_routing_workflow_post(notice).dump(
        -1, ' ', false, json::error_handler_t::replace);
    for (const auto& url : team.teams_workflow_urls) {
      OutboxMessage m{
          "teams:workflow", url, payload,
          "teams:notice:" + std::to_string(reply.routing_id) + ":" + sha256_hex(url).substr(0, 16)};
      if (ctx_.platform.store->enqueue(m, now())) queued = true;
    }
  }

  void enqueue_response(const BlockActions& ba, const json& message, const std::string& key,
                        bool& queued) {
    if (ba.response_url.rfind("https://", 0) != 0 && ba.response_url.rfind("http://", 0) != 0) {
      spdlog::warn("slack: block_actions without a usable response_url; message not updated");
      return;
    }
    enqueue("slack:response_url", ba.response_url, message, "slack:action:" + key, queued);
  }

  SlackHandlerContext ctx_;
};

SlackHandler::SlackHandler(SlackHandlerContext ctx)
    : impl_(std::make_unique<Impl>(std::move(ctx))) {}
SlackHandler::~SlackHandler() = default;

SlackReply SlackHandler::handle(const SlackRequest& request,
                                const SlackDelivery& delivery) noexcept {
  try {
    return impl_->handle(request, delivery);
  } catch (...) {
    // Only allocation failure (or a throwing log sink) can get here.
    return SlackReply{SlackReply::Status::unavailable, nullptr};
  }
}

}  // namespace rolecall
