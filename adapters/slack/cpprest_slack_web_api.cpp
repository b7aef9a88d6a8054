#include "adapters/slack/cpprest_slack_web_api.hpp"

#include <cpprest/http_client.h>

#include <map>
#include <mutex>
#include <stdexcept>

namespace rolecall {

namespace http = web::http;
namespace client = web::http::client;

namespace {

constexpr const char* kJsonContentType = "application/json; charset=utf-8";

struct SplitUrl {
  std::string origin;          // "https://slack.com:443" style key, as given
  std::string path_and_query;  // "/api/chat.postMessage"
};

// Splits "scheme://authority/path?query" without normalising anything, so the
// path is sent exactly as Slack gave it. nullopt for non-http(s) URLs.
std::optional<SplitUrl> split_url(const std::string& url) {
  std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return std::nullopt;
  std::string scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return std::nullopt;
  std::size_t path_start = url.find_first_of("/?#", scheme_end + 3);
  SplitUrl out;
  out.origin = url.substr(0, path_start);
  if (out.origin.size() <= scheme_end + 3) return std::nullopt;  // no host
  out.path_and_query = path_start == std::string::npos ? "/" : url.substr(path_start);
  if (out.path_and_query.front() != '/') out.path_and_query.insert(0, "/");
  auto hash = out.path_and_query.find('#');
  if (hash != std::string::npos) out.path_and_query.erase(hash);
  return out;
}

std::int64_t parse_retry_after(const std::string& value) {
  if (value.empty() || value.size() > 9) return -1;
  std::int64_t n = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return -1;  // HTTP-date form: treat as absent
    n = n * 10 + (c - '0');
  }
  return n;
}

// RFC 3986 percent-encoding of a query argument (unreserved bytes stay).
std::string query_escape(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0F];
    }
  }
  return out;
}

}  // namespace

struct CpprestSlackWebApi::Impl {
  CpprestSlackWebApiOptions options;
  SplitUrl base;
  std::mutex mu;
  std::map<std::string, std::shared_ptr<client::http_client>> clients;  // by origin

  client::http_client_config config() const {
    client::http_client_config config;
    config.set_timeout(options.timeout);
    // cpprest follows up to 10 redirects by default; a redirect would
    // replay the token and the message somewhere Slack did not intend.
    config.set_max_redirects(0);
    return config;
  }

  // The shared client of an origin: its connections are kept and reused.
  std::shared_ptr<client::http_client> client_for(const std::string& origin) {
    std::lock_guard lock(mu);
    auto& slot = clients[origin];
    if (!slot) slot = std::make_shared<client::http_client>(web::uri(origin), config());
    return slot;
  }

  // POST `body` as JSON, or GET when `body` is nullptr.
  SlackApiResult send(const SplitUrl& url, const nlohmann::json* body, bool with_token) {
    SlackApiResult result;
    try {
      // A POST goes out on a connection of its own, never a reused one:
      // when a reused connection closes before the status line arrives,
      // cpprest sends the request again on a new connection, without telling
      // us (http_client_asio.cpp, was_reused_and_closed_by_server). If Slack
      // had already taken the first copy, that posts the message twice, and
      // no lookup of ours can see it happen (issue 13: the crash soak's
      // dropped connections found it). A GET may be repeated; it keeps the
      // shared, kept-alive client.
      auto http_client = body
                             ? std::make_shared<client::http_client>(web::uri(url.origin), config())
                             : client_for(url.origin);
      http::http_request request(body ? http::methods::POST : http::methods::GET);
      request.set_request_uri(url.path_and_query);
      if (with_token) request.headers().add("Authorization", "Bearer " + options.token);
      if (body) request.set_body(to_wire_json(*body), kJsonContentType);

      http::http_response response = http_client->request(request).get();
      result.http_status = response.status_code();
      auto retry = response.headers().find("Retry-After");
      if (retry != response.headers().end()) result.retry_after = parse_retry_after(retry->second);
      std::vector<unsigned char> bytes = response.extract_vector().get();
      result.raw_body.assign(bytes.begin(), bytes.end());
      result.body = nlohmann::json::parse(result.raw_body, nullptr, /*allow_exceptions=*/false);
      if (result.body.is_discarded()) result.body = nullptr;
      // response_url / webhook 429s carry the wait in the body instead.
      if (result.retry_after < 0 && result.body.is_object()) {
        auto it = result.body.find("retry_after");
        if (it != result.body.end() && it->is_number_integer()) {
          result.retry_after = it->get<std::int64_t>();
        }
      }
    } catch (const std::exception& e) {
      // http_exception (connect, TLS, timeout) and anything cpprest throws.
      result = SlackApiResult{};
      result.network_error = e.what();
      if (result.network_error.empty()) result.network_error = "request failed";
    }
    return result;
  }
};

CpprestSlackWebApi::CpprestSlackWebApi(CpprestSlackWebApiOptions options)
    : impl_(std::make_unique<Impl>()) {
  if (!options.base_url.empty() && options.base_url.back() != '/') options.base_url += '/';
  auto base = split_url(options.base_url);
  if (!base) throw std::invalid_argument("Slack API base URL must be http(s)://…");
  impl_->options = std::move(options);
  impl_->base = *base;
}

CpprestSlackWebApi::~CpprestSlackWebApi() = default;

SlackApiResult CpprestSlackWebApi::call(const std::string& method, const nlohmann::json& body) {
  SplitUrl url = impl_->base;
  url.path_and_query += method;
  return impl_->send(url, &body, /*with_token=*/true);
}

SlackApiResult CpprestSlackWebApi::get(
    const std::string& method, const std::vector<std::pair<std::string, std::string>>& query) {
  SplitUrl url = impl_->base;
  url.path_and_query += method;
  char sep = url.path_and_query.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [name, value] : query) {
    url.path_and_query += sep;
    url.path_and_query += query_escape(name) + "=" + query_escape(value);
    sep = '&';
  }
  return impl_->send(url, nullptr, /*with_token=*/true);
}

SlackApiResult CpprestSlackWebApi::post_url(const std::string& absolute_url,
                                            const nlohmann::json& body) {
  auto url = split_url(absolute_url);
  if (!url) {
    SlackApiResult result;
    result.network_error = "not an http(s) URL";
    return result;
  }
  return impl_->send(*url, &body, /*with_token=*/false);
}

}  // namespace rolecall
