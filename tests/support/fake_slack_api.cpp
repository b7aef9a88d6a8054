#include "tests/support/fake_slack_api.hpp"

#include <algorithm>
#include <ctime>

namespace rolecall::testing {

namespace {

using nlohmann::json;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
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

void parse_form(const std::string& text, std::map<std::string, std::string>& out) {
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('&', start);
    if (end == std::string::npos) end = text.size();
    const std::string pair = text.substr(start, end - start);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      out[url_decode(pair.substr(0, eq))] =
          eq == std::string::npos ? std::string() : url_decode(pair.substr(eq + 1));
    }
    start = end + 1;
  }
}

// The arguments of a request: query string, then a form or JSON body.
std::map<std::string, std::string> arguments(const RecordedRequest& r, json& json_body) {
  std::map<std::string, std::string> args;
  if (auto q = r.target.find('?'); q != std::string::npos) parse_form(r.target.substr(q + 1), args);
  json_body = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (json_body.is_object()) {
    for (auto& [k, v] : json_body.items())
      args[k] = v.is_string() ? v.get<std::string>() : v.dump();
  } else {
    json_body = json::object();
    if (!r.body.empty()) parse_form(r.body, args);
  }
  return args;
}

std::string method_of(const std::string& target) {
  std::string path = target.substr(0, target.find('?'));
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

FakeReply json_reply(int status, const json& body) {
  FakeReply r;
  r.status = status;
  r.headers["Content-Type"] = "application/json; charset=utf-8";
  r.body = body.dump();
  return r;
}

// Slack timestamps compare as numbers; ours all have six decimals, so
// comparing (seconds, fraction) as numbers is exact.
double ts_value(const std::string& ts) { return ts.empty() ? 0 : std::strtod(ts.c_str(), nullptr); }

json message_json(const FakeSlackMessage& m, bool with_metadata) {
  json j = {{"type", "message"},
            {"user", "U0BOT0001"},
            {"bot_id", "B0BOT0001"},
            {"text", m.text},
            {"ts", m.ts}};
  if (!m.thread_ts.empty()) j["thread_ts"] = m.thread_ts;
  if (with_metadata && !m.metadata.is_null()) j["metadata"] = m.metadata;
  return j;
}

}  // namespace

FakeSlackApi::FakeSlackApi(std::uint64_t seed) : rng_(seed) {
  server_.set_handler([this](const RecordedRequest& r) { return handle(r); });
}

std::string FakeSlackApi::api_url() const { return server_.base_url() + "api/"; }

void FakeSlackApi::push_fault(const std::string& method, FakeSlackFault fault) {
  std::lock_guard lock(mu_);
  scripted_[method].push_back(fault);
}

void FakeSlackApi::set_fault_rates(const std::string& method, FakeSlackFaultRates rates) {
  std::lock_guard lock(mu_);
  rates_[method] = rates;
}

void FakeSlackApi::clear_faults() {
  std::lock_guard lock(mu_);
  scripted_.clear();
  rates_.clear();
}

std::vector<FakeSlackMessage> FakeSlackApi::messages() const {
  std::lock_guard lock(mu_);
  return messages_;
}

FakeSlackMessage FakeSlackApi::add_message(const std::string& channel, const std::string& thread_ts,
                                           const std::string& text, const json& metadata) {
  std::lock_guard lock(mu_);
  return store_locked(channel, thread_ts, text, metadata, json::object());
}

std::map<std::string, std::size_t> FakeSlackApi::calls() const {
  std::lock_guard lock(mu_);
  return calls_;
}

std::map<std::string, std::size_t> FakeSlackApi::faults_served() const {
  std::lock_guard lock(mu_);
  return faults_;
}

FakeSlackMessage FakeSlackApi::store_locked(const std::string& channel,
                                            const std::string& thread_ts, const std::string& text,
                                            const json& metadata, const json& body) {
  char ts[40];
  std::snprintf(ts, sizeof ts, "%lld.%06llu", static_cast<long long>(std::time(nullptr)),
                static_cast<unsigned long long>(++counter_ % 1000000));
  FakeSlackMessage m{
      channel, ts, thread_ts, text, metadata, body, std::chrono::steady_clock::now()};
  messages_.push_back(m);
  return m;
}

FakeSlackFault FakeSlackApi::next_fault(const std::string& method) {
  // Called with mu_ held.
  if (auto it = scripted_.find(method); it != scripted_.end() && !it->second.empty()) {
    FakeSlackFault f = it->second.front();
    it->second.erase(it->second.begin());
    return f;
  }
  auto it = rates_.find(method);
  if (it == rates_.end()) return {};
  const FakeSlackFaultRates& r = it->second;
  std::uniform_real_distribution<double> dist(0.0, 1.0);
  double x = dist(rng_);
  using Kind = FakeSlackFault::Kind;
  for (auto [p, kind] :
       {std::pair{r.rate_limited, Kind::rate_limited},
        std::pair{r.server_error, Kind::server_error},
        std::pair{r.post_then_error, Kind::post_then_error},
        std::pair{r.post_then_delay, Kind::post_then_delay}, std::pair{r.drop, Kind::drop}}) {
    if (x < p) return {kind, r.retry_after_s, r.delay};
    x -= p;
  }
  return {};
}

FakeReply FakeSlackApi::handle(const RecordedRequest& request) {
  json body;
  const auto args = arguments(request, body);
  const std::string method = method_of(request.target);
  using Kind = FakeSlackFault::Kind;

  std::unique_lock lock(mu_);
  ++calls_[method];
  const FakeSlackFault fault = next_fault(method);
  if (fault.kind != Kind::none) ++faults_[method];

  if (fault.kind == Kind::rate_limited) {
    FakeReply r = json_reply(429, {{"ok", false}, {"error", "ratelimited"}});
    r.headers["Retry-After"] = std::to_string(fault.retry_after_s);
    return r;
  }
  if (fault.kind == Kind::server_error) return json_reply(500, {{"ok", false}});
  if (fault.kind == Kind::drop && method != "chat.postMessage") {
    FakeReply r;
    r.close_without_reply = true;
    return r;
  }

  if (method == "auth.test") {
    return json_reply(200, {{"ok", true},
                            {"url", "https://fake.slack.com/"},
                            {"team", "Fake"},
                            {"user", "rolecall"},
                            {"team_id", "T0TEAM001"},
                            {"user_id", "U0BOT0001"},
                            {"bot_id", "B0BOT0001"}});
  }
  if (method == "chat.postMessage") {
    const std::string channel = args.count("channel") ? args.at("channel") : "";
    if (channel.empty()) return json_reply(200, {{"ok", false}, {"error", "channel_not_found"}});
    json metadata = body.contains("metadata") ? body["metadata"] : json();
    if (metadata.is_string()) {
      metadata = json::parse(metadata.get<std::string>(), nullptr, false);
      if (metadata.is_discarded()) metadata = nullptr;
    }
    const FakeSlackMessage m =
        store_locked(channel, args.count("thread_ts") ? args.at("thread_ts") : "",
                     args.count("text") ? args.at("text") : "", metadata, body);
    lock.unlock();
    if (fault.kind == Kind::post_then_error) return json_reply(500, {{"ok", false}});
    if (fault.kind == Kind::drop) {
      FakeReply r;
      r.close_without_reply = true;
      return r;
    }
    FakeReply r = json_reply(
        200,
        {{"ok", true}, {"channel", m.channel}, {"ts", m.ts}, {"message", message_json(m, true)}});
    if (fault.kind == Kind::post_then_delay) r.delay = fault.delay;
    return r;
  }
  if (method == "conversations.open") {
    const std::string users = args.count("users") ? args.at("users") : "";
    return json_reply(200, {{"ok", true}, {"channel", {{"id", "D" + users}}}});
  }
  if (method == "conversations.replies" || method == "conversations.history") {
    return read_messages(method, args);
  }
  return json_reply(200, {{"ok", true}});
}

FakeReply FakeSlackApi::read_messages(const std::string& method,
                                      const std::map<std::string, std::string>& args) {
  // Called with mu_ held.
  auto arg = [&](const char* name) {
    auto it = args.find(name);
    return it == args.end() ? std::string() : it->second;
  };
  const std::string channel = arg("channel");
  if (channel.empty()) return json_reply(200, {{"ok", false}, {"error", "channel_not_found"}});
  const bool replies = method == "conversations.replies";
  const std::string thread = arg("ts");
  if (replies && thread.empty()) {
    return json_reply(200, {{"ok", false}, {"error", "invalid_arguments"}});
  }
  const bool inclusive = arg("inclusive") == "true" || arg("inclusive") == "1";
  const double oldest = ts_value(arg("oldest"));
  const double latest = arg("latest").empty() ? 1e18 : ts_value(arg("latest"));
  const bool with_metadata =
      arg("include_all_metadata") == "true" || arg("include_all_metadata") == "1";
  std::size_t limit = arg("limit").empty() ? 100 : std::stoul(arg("limit"));
  if (limit == 0) limit = 100;
  std::size_t offset = arg("cursor").empty() ? 0 : std::stoul(arg("cursor"));

  std::vector<const FakeSlackMessage*> matching;
  for (const auto& m : messages_) {
    if (m.channel != channel) continue;
    const bool in_thread = m.thread_ts == thread || m.ts == thread;
    const bool top_level = m.thread_ts.empty() || m.thread_ts == m.ts;
    if (replies ? !in_thread : !top_level) continue;
    const double t = ts_value(m.ts);
    if (inclusive ? (t < oldest || t > latest) : (t <= oldest || t >= latest)) continue;
    matching.push_back(&m);
  }
  if (!replies) std::reverse(matching.begin(), matching.end());  // history: newest first

  json out = json::array();
  for (std::size_t i = offset; i < matching.size() && out.size() < limit; ++i) {
    out.push_back(message_json(*matching[i], with_metadata));
  }
  const std::size_t next = offset + out.size();
  const bool more = next < matching.size();
  return json_reply(
      200, {{"ok", true},
            {"messages", out},
            {"has_more", more},
            {"response_metadata", {{"next_cursor", more ? std::to_string(next) : std::string()}}}});
}

}  // namespace rolecall::testing
