#include "adapters/slack/slack_web_api.hpp"

namespace rolecall {

bool SlackApiResult::ok() const {
  if (http_status < 200 || http_status > 299 || !body.is_object()) return false;
  auto it = body.find("ok");
  return it != body.end() && it->is_boolean() && it->get<bool>();
}

std::string SlackApiResult::error() const {
  if (!body.is_object()) return {};
  auto it = body.find("error");
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string to_wire_json(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

SlackAuthResult slack_auth_test(SlackWebApi& api) {
  SlackApiResult r = api.call("auth.test", nlohmann::json::object());
  SlackAuthResult out;
  if (r.http_status == 0) {
    out.error = "network: " + r.network_error;
    out.transient = true;
    return out;
  }
  if (r.http_status == 429 || r.http_status >= 500) {
    out.error = "http_" + std::to_string(r.http_status);
    out.transient = true;
    return out;
  }
  if (!r.ok()) {
    out.error = r.error();
    if (out.error.empty()) out.error = "http_" + std::to_string(r.http_status);
    out.transient = out.error == "ratelimited" || out.error == "internal_error" ||
                    out.error == "fatal_error" || out.error == "service_unavailable" ||
                    out.error == "request_timeout";
    return out;
  }
  auto str = [&](const char* key) {
    auto it = r.body.find(key);
    return it != r.body.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  SlackIdentity id{str("user_id"), str("bot_id"), str("team_id"), str("team"), str("url")};
  if (id.user_id.empty()) {
    out.error = "auth.test returned no user_id";
    return out;
  }
  out.identity = std::move(id);
  return out;
}

}  // namespace rolecall
