// The signed /whoowns slash command of bench/http_load.sh, handled in
// process: no sockets, no Beast, so what is left is rolecall's own work per
// request, stage by stage and as a whole (the daemon's router with the
// example config, a real SQLite file and the shipped taxonomy).
//
//   build/bench/request_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//
// Compare BM_RouterWhoowns with the CPU per request of bench/http_load.sh:
// the difference is the HTTP server and the kernel's loopback TCP.

#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "adapters/slack/slack_messages.hpp"
#include "adapters/slack/slack_request.hpp"
#include "adapters/slack/slack_signature.hpp"
#include "config/classifier_model_loader.hpp"
#include "config/config_loader.hpp"
#include "config/taxonomy_loader.hpp"
#include "core/answer.hpp"
#include "core/classifier.hpp"
#include "daemon/services.hpp"

namespace {

using rolecall::HttpRequest;

const std::string kSecret = "bench-signing-secret-0123456789abcdef";
const std::string kSource = ROLECALL_SOURCE_DIR;
// The body http_load.sh sends (a slash command from the example config's
// checkout channel).
const std::string kBody =
    "token=gIkuvaNzQIHg97ATvDxqgjtO&team_id=T0001&team_domain=example&channel_id=C0CHECKOUT1"
    "&channel_name=checkout&user_id=U2147483697&user_name=Steve&command=%2Fwhoowns"
    "&text=who+owns+the+acceptance+criteria+for+the+refund+story"
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1234%2F5678"
    "&trigger_id=13345224609.738474920.8088930838d88f008e0&api_app_id=A0123456789"
    "&is_enterprise_install=false";

std::string sign(const std::string& ts, const std::string& body) {
  const std::string base = "v0:" + ts + ":" + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
       reinterpret_cast<const unsigned char*>(base.data()), base.size(), mac, &len);
  std::string hex = "v0=";
  char buf[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", mac[i]);
    hex += buf;
  }
  return hex;
}

HttpRequest signed_request() {
  const std::string ts = std::to_string(std::time(nullptr));
  HttpRequest r;
  r.method = "POST";
  r.target = "/slack/commands";
  r.headers = {{"host", "127.0.0.1"},
               {"content-type", "application/x-www-form-urlencoded"},
               {"content-length", std::to_string(kBody.size())},
               {"x-slack-request-timestamp", ts},
               {"x-slack-signature", sign(ts, kBody)}};
  r.body = kBody;
  r.peer_address = "127.0.0.1";
  r.request_id = "bench-1";
  return r;
}

void BM_VerifySignature(benchmark::State& state) {
  const HttpRequest r = signed_request();
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  for (auto _ : state) {
    auto check = rolecall::verify_slack_request(r, kSecret, now);
    if (check != rolecall::SignatureCheck::ok) state.SkipWithError("signature does not verify");
    benchmark::DoNotOptimize(check);
  }
}
BENCHMARK(BM_VerifySignature);

void BM_ParseSlashCommand(benchmark::State& state) {
  const HttpRequest r = signed_request();
  for (auto _ : state) {
    benchmark::DoNotOptimize(rolecall::is_ssl_check(r));
    auto parsed = rolecall::parse_slack_request(r);
    if (!std::holds_alternative<rolecall::SlashCommand>(parsed))
      state.SkipWithError("not a slash command");
    benchmark::DoNotOptimize(parsed);
  }
}
BENCHMARK(BM_ParseSlashCommand);

struct Core {
  rolecall::Taxonomy taxonomy = rolecall::load_taxonomy(kSource + "/config/taxonomy.yaml");
  rolecall::Classifier classifier{
      taxonomy, rolecall::load_classifier_model(kSource + "/config/classifier-model.tsv")};
  rolecall::Team team;
  Core() {
    team.id = "checkout";
    team.name = "Checkout";
    team.product_managers.push_back({"Maya Chen", "U0MAYA0001", "", ""});
    team.product_owners.push_back({"Tom Becker", "U0TOMB0001", "", ""});
  }
};

void BM_ClassifyAndCompose(benchmark::State& state) {
  const Core core;
  for (auto _ : state) {
    auto c = core.classifier.classify("who owns the acceptance criteria for the refund story");
    benchmark::DoNotOptimize(rolecall::compose_answer(c, core.taxonomy, &core.team));
  }
}
BENCHMARK(BM_ClassifyAndCompose);

void BM_RenderAndDumpAnswer(benchmark::State& state) {
  const Core core;
  const auto answer = rolecall::compose_answer(
      core.classifier.classify("who owns the acceptance criteria for the refund story"),
      core.taxonomy, &core.team);
  for (auto _ : state) {
    auto message = rolecall::as_ephemeral(rolecall::render_answer(answer));
    benchmark::DoNotOptimize(
        message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}
BENCHMARK(BM_RenderAndDumpAnswer);

// The whole request as the daemon's router handles it, at log level warn
// (the per-request info line is measured by http_load.sh).
void BM_RouterWhoowns(benchmark::State& state) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("rolecall-request-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    const rolecall::Environment env{{"SLACK_SIGNING_SECRET", kSecret},
                                    {"ROLECALL_DB", (dir / "rolecall.db").string()}};
    auto config = rolecall::load_config(kSource + "/config/rolecall.example.yaml", env);
    spdlog::set_level(spdlog::level::warn);
    rolecall::Services services(config);
    const HttpRequest r = signed_request();
    for (auto _ : state) {
      auto response = services.router().handle(r);
      if (response.status != 200 || response.body.find("Product Owner") == std::string::npos)
        state.SkipWithError("unexpected answer");
      benchmark::DoNotOptimize(response);
    }
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_RouterWhoowns);

}  // namespace

BENCHMARK_MAIN();
