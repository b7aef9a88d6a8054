#include "adapters/teams/cpprest_teams_http_poster.hpp"

#include <cpprest/http_client.h>

#include <cctype>
#include <system_error>

namespace rolecall {
namespace {

// Transport errors must never leak the URL (its `sig` is the credential).
std::string scrub(std::string message, const std::string& url) {
  if (!url.empty()) {
    for (std::size_t at = message.find(url); at != std::string::npos; at = message.find(url, at)) {
      message.replace(at, url.size(), "<url>");
    }
  }
  if (const auto sig = message.find("sig="); sig != std::string::npos) message.resize(sig);
  return message;
}

}  // namespace

CpprestTeamsHttpPoster::CpprestTeamsHttpPoster(std::string proxy_url)
    : proxy_url_(std::move(proxy_url)) {}

TeamsPostResult CpprestTeamsHttpPoster::post_json(const std::string& url, const std::string& body,
                                                  std::chrono::milliseconds timeout) {
  TeamsPostResult result;
  try {
    web::http::client::http_client_config config;
    config.set_timeout(std::chrono::duration_cast<std::chrono::microseconds>(timeout));
    if (!proxy_url_.empty()) config.set_proxy(web::web_proxy(web::uri(proxy_url_)));
    web::http::client::http_client client(web::uri(url), config);

    web::http::http_request request(web::http::methods::POST);
    request.set_body(body, "application/json; charset=utf-8");
    web::http::http_response response = client.request(request).get();

    result.status = response.status_code();
    for (const auto& [name, value] : response.headers()) {
      std::string lower = name;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      result.headers[lower] = value;
    }
    // Raw bytes: the body's charset does not matter to the deliverer.
    const std::vector<unsigned char> bytes = response.extract_vector().get();
    result.body.assign(bytes.begin(), bytes.end());
    result.responded = true;
  } catch (const web::http::http_exception& e) {
    result.timed_out = e.error_code() == std::errc::timed_out;
    result.error = result.timed_out ? "timeout" : scrub(e.what(), url);
  } catch (const web::uri_exception& e) {
    result.error = "invalid_url";
  } catch (const std::exception& e) {
    result.error = scrub(e.what(), url);
  } catch (...) {
    result.error = "unknown_error";
  }
  if (result.error.empty() && !result.responded) result.error = "no_response";
  return result;
}

}  // namespace rolecall
