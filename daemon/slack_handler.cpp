#include "daemon/slack_handler.hpp"

#include <spdlog/spdlog.h>

#include <cctype>
#include <charconv>
#include <ctime>

#include "adapters/slack/slack_messages.hpp"
#include "adapters/slack/slack_text.hpp"
#include "daemon/logging.hpp"

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
      // not at all (usecases/app.hpp), so nothing was half-done.
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

  // An outbox row for Slack, or none when no bot token is configured (a
  // response_url needs no token).
  std::vector<OutboxMessage> slack_row(const std::string& destination, const std::string& target,
                                       const json& payload, const std::string& key) const {
    if (!ctx_.can_post && destination != "slack:response_url") {
      spdlog::warn("slack: no bot token configured; not posting to {}", target);
      return {};
    }
    return {OutboxMessage{destination, target, dump(payload), key}};
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
    const SlackEvent& ev = cb.event;
    // Bots (rolecall itself included) are dropped before anything is written.
    const std::string self = !ctx_.bot_user_id.empty() ? ctx_.bot_user_id : cb.authorized_user_id;
    if (should_ignore_event(ev, self) || (!ctx_.bot_id.empty() && ev.bot_id == ctx_.bot_id)) {
      spdlog::debug("slack: ignoring {} event {} (bot, subtype or self)", ev.type, cb.event_id);
      return ok_empty();
    }
    const bool mention = ev.type == "app_mention";
    const bool dm = ev.type == "message" && ev.channel_type == "im";
    const bool top_level = slack_thread_root(ev).empty();
    const bool intake = k.teams.is_intake_channel(ev.channel) && top_level;
    if (!mention && !dm && !intake) {
      spdlog::debug("slack: {} in {} is not for us", ev.type, ev.channel);
      return ok_empty();
    }
    const Team* team = team_for_channel(k, ev.channel);
    LogContext::set_team(team ? team->id : "");

    InboundMessage msg;
    msg.platform = "slack";
    msg.addressing = mention ? Addressing::mention
                     : dm    ? Addressing::direct_message
                             : Addressing::intake_channel;
    msg.team = team;
    msg.channel = ev.channel;
    msg.author = ev.user;
    const std::string addressed = strip_leading_mention(ev.text, self);
    msg.text = slack_to_plain(addressed);
    msg.classifier_text = slack_to_plain(addressed, PlainTextUse::classifier);
    msg.message_id = ev.ts;
    msg.thread_root_id = std::string(slack_thread_root(ev));
    // Slack's retries share the event id; one human message can also arrive
    // as app_mention and as message.channels: answered once, whichever first.
    if (!cb.event_id.empty()) msg.dedupe_keys.push_back("slack:event:" + cb.event_id);
    msg.dedupe_keys.push_back("slack:msg:" + ev.channel + ":" + ev.ts);

    const std::string thread = dm ? std::string() : (ev.thread_ts.empty() ? ev.ts : ev.thread_ts);
    auto render = [&](const MessageOutcome& o) -> std::vector<OutboxMessage> {
      json message;
      switch (o.kind) {
        case MessageOutcome::Kind::help:
        case MessageOutcome::Kind::answer: message = render_answer(o.answer); break;
        case MessageOutcome::Kind::routed:
        case MessageOutcome::Kind::clarification:
          message = render_routing_notice(o.routing, o.routing_id);
          break;
        case MessageOutcome::Kind::silent:
        case MessageOutcome::Kind::duplicate: return {};
      }
      return slack_row("slack:chat.postMessage", ev.channel,
                       for_channel(std::move(message), ev.channel, thread),
                       "slack:reply:" + ev.channel + ":" + ev.ts);
    };
    LogContext scope(std::string(delivery.request_id), "slack", team ? team->id : "");
    const MessageOutcome outcome = ctx_.platform.app->handle_message(msg, now(), render);
    if (outcome.kind != MessageOutcome::Kind::silent &&
        outcome.kind != MessageOutcome::Kind::duplicate) {
      ctx_.platform.outbox->notify();
    }
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
      const MessageOutcome answered =
          ctx_.platform.app->answer(slack_to_plain(cmd.text, PlainTextUse::classifier), team);
      return reply_json(as_ephemeral(render_answer(answered.answer)));
    }
    if (cmd.command == "/decision") {
      if (asks_help) return reply_json(render_help());
      auto d = ctx_.platform.app->record_decision("slack", team, text, cmd.user_id, cmd.channel_id,
                                                  "", std::nullopt, now());
      return reply_json(render_decision_confirmation(d));
    }
    if (cmd.command == "/decisions") {
      const auto shown = ctx_.platform.app->find_decisions(team, parse_decision_query(text));
      return reply_json(render_decision_list(shown, text));
    }
    spdlog::info("slack: unknown command {}", cmd.command);
    return reply_json(render_help(cmd.command));
  }

  SlackReply on(const BlockActions& ba, const SlackDelivery& delivery, const Knowledge& k) {
    for (const auto& action : ba.actions) {
      auto what = parse_correction_action(action.action_id);
      if (!what) {
        spdlog::debug("slack: ignoring action {}", action.action_id);
        continue;
      }
      const auto value = parse_slack_button_value(action.value);
      if (!value) {
        spdlog::warn("slack: action {} with bad routing id \"{}\"", action.action_id, action.value);
        return malformed(json{{"error", "bad action value"}});
      }
      const std::int64_t id = value->routing_id;
      CorrectionRequest request;
      request.routing_id = id;
      request.action = *what;
      request.rendered_for = value->rendered_for;
      request.by = ba.user_id;
      const auto t = now();
      auto render = [&](const CorrectionOutcome& o) -> std::vector<OutboxMessage> {
        if (o.kind == CorrectionOutcome::Kind::not_found) {
          return response_row(
              ba, as_ephemeral(render_notice("That request is no longer in rolecall's log.")),
              "missing:" + std::to_string(id));
        }
        RoutingUpdate update;
        update.routing_id = id;
        const bool stale = o.kind == CorrectionOutcome::Kind::stale;
        update.action = stale                                    ? RoutingAction::already_reassigned
                        : *what == CorrectionAction::acknowledge ? RoutingAction::acknowledged
                        : *what == CorrectionAction::reassign    ? RoutingAction::reassigned
                        : *what == CorrectionAction::dismiss     ? RoutingAction::dismissed
                                                                 : RoutingAction::clarified;
        update.role = o.change.new_role;
        update.owners = o.assignees;
        if (const Topic* topic = k.taxonomy.find(o.routing.topic))
          update.topic_title = topic->title;
        // Stale: the one who moved it (a Slack user id when moved on Slack).
        update.actor_user_id = stale ? o.change.by : ba.user_id;
        json message = render_routing_update(update);
        message["replace_original"] = true;
        const bool changed = o.kind == CorrectionOutcome::Kind::changed;
        return response_row(ba, message,
                            std::to_string(id) + ":" + action.action_id + ":" +
                                (changed ? std::to_string(t)
                                 : stale ? "stale:" + std::to_string(o.routing.updated_at)
                                         : "same"));
      };
      LogContext scope(std::string(delivery.request_id), "slack");
      const auto outcome = ctx_.platform.app->correct(request, t, render);
      if (outcome.kind == CorrectionOutcome::Kind::not_found)
        spdlog::warn("slack: action {} on unknown routing {}", action.action_id, id);
      ctx_.platform.outbox->notify();
      return ok_empty();
    }
    return ok_empty();
  }

  std::vector<OutboxMessage> response_row(const BlockActions& ba, const json& message,
                                          const std::string& key) const {
    if (ba.response_url.rfind("https://", 0) != 0 && ba.response_url.rfind("http://", 0) != 0) {
      spdlog::warn("slack: block_actions without a usable response_url; message not updated");
      return {};
    }
    return slack_row("slack:response_url", ba.response_url, message, "slack:action:" + key);
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
