#include "daemon/services.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <ctime>
#include <string>

#include "adapters/teams/teams_cards.hpp"
#include "config/config_error.hpp"
#include "config/config_loader.hpp"
#include "core/digest_text.hpp"
#include "daemon/console_endpoint.hpp"
#include "daemon/digest_service.hpp"
#include "daemon/knowledge_loader.hpp"
#include "daemon/platform_wiring.hpp"
#include "daemon/slack_socket_mode_client.hpp"
#include "daemon/store_factory.hpp"
#include "storage/postgres/postgres_store.hpp"
#include "storage/sha256.hpp"

namespace rolecall {

namespace {
std::int64_t now_seconds() { return static_cast<std::int64_t>(std::time(nullptr)); }

// The outbox claims' owner (OutboxOptions::claim_owner): the same for this
// replica across restarts (host name and port), so a restarted replica
// takes its own unfinished rows back at once. SQLite has one daemon per
// file: always the same owner, so a restart takes every claim back.
std::string claim_owner(const AppConfig& config) {
  if (config.storage.backend == StorageBackend::sqlite) return "sqlite";
  const std::uint16_t port = config.server.port;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  // Port 0 (any free port) tells two processes on one host apart by pid.
  return std::string(host) + ":" +
         (port != 0 ? std::to_string(port) : "pid" + std::to_string(getpid()));
}
}  // namespace

Services::Services(AppConfig config)
    : config_(std::move(config)), replica_name_(claim_owner(config_)) {
  declare_rolecall_metrics(metrics_, ROLECALL_VERSION);

  StoreOpenOptions open_options;
  open_options.wait_for_database = true;
  store_ = open_store(config_.storage, open_options);
  spdlog::info("store: {}", describe_store(config_.storage));
  if (auto* pg = dynamic_cast<PostgresStore*>(store_.get())) {
    metrics_.gauge_callback("rolecall_db_pool_in_use",
                            [pg] { return static_cast<double>(pg->pool_stats().in_use); });
    metrics_.gauge_callback("rolecall_db_pool_waiting",
                            [pg] { return static_cast<double>(pg->pool_stats().waiting); });
    metrics_.gauge_callback("rolecall_db_pool_open",
                            [pg] { return static_cast<double>(pg->pool_stats().open); });
  }

  knowledge_ = std::make_unique<KnowledgeHolder>(load_knowledge(config_));
  spdlog::info("taxonomy: {} topics from {}; {} teams", knowledge_->get()->taxonomy.topics().size(),
               config_.taxonomy.path, knowledge_->get()->teams.teams().size());
  if (const std::size_t features = knowledge_->get()->classifier.model_features())
    spdlog::info("classifier: learned model, {} features, from {}", features,
                 config_.taxonomy.model);
  else
    spdlog::info("classifier: the taxonomy's cue words alone (no model)");

  AppOptions app_options;
  app_options.store_message_text = config_.storage.store_message_text;
  app_ =
      std::make_unique<App>(*knowledge_, *store_, &metrics_, app_options, teams_routing_notices());

  platforms_ = std::make_unique<PlatformWiring>(config_);
  deliverers_ = platforms_->deliverers();

  OutboxOptions outbox_options;
  outbox_options.max_attempts = static_cast<int>(config_.outbox.max_attempts);
  outbox_options.base_backoff = std::chrono::milliseconds(config_.outbox.base_backoff_ms);
  outbox_options.max_backoff = std::chrono::milliseconds(config_.outbox.max_backoff_ms);
  outbox_options.max_depth = static_cast<std::int64_t>(config_.outbox.max_depth);
  outbox_options.claim_owner = replica_name_;
  outbox_options.claim_lease = std::chrono::seconds(config_.outbox.lease_seconds);
  outbox_ = std::make_unique<OutboxWorker>(*store_, deliverers_, outbox_options, &metrics_);
  metrics_.gauge_callback("rolecall_database_up", [this] { return database_up_ ? 1.0 : 0.0; });
  metrics_.gauge_callback("rolecall_outbox_depth", [store = store_.get()] {
    try {
      return static_cast<double>(store->outbox_depth());
    } catch (const std::exception&) {
      return -1.0;
    }
  });

  digests_ = std::make_unique<DigestService>(*store_, *knowledge_, config_, &metrics_,
                                             [o = outbox_.get()] { o->notify(); });

  router_ = std::make_unique<RequestRouter>(&metrics_);
  register_routes();
  PlatformContext ctx{app_.get(), store_.get(),  knowledge_.get(),
                      &metrics_,  outbox_.get(), &config_};
  platforms_->register_routes(*router_, ctx);
}

std::unique_ptr<SlackSocketModeClient> Services::start_slack_socket_mode(
    boost::asio::io_context& ioc) {
  return platforms_->make_socket_mode_client(ioc, &metrics_);
}

// A team that also lives in Microsoft Teams gets each routing made elsewhere
// in its Teams channel too, through its Workflows URLs (config:
// product_teams[].teams_routing_notices).
CrossPostRenderer Services::teams_routing_notices() {
  return [](const Team& team, const InboundMessage& message, const MessageOutcome& outcome) {
    std::vector<OutboxMessage> rows;
    if (message.platform == "teams") return rows;  // the reply already is the notice
    TeamsRoutingNotice notice;
    notice.decision = outcome.routing;
    notice.routing_id = outcome.routing_id;
    notice.request_text = message.text;
    notice.team_name = team.name;
    const std::string payload = render_teams_routing_workflow_post(notice).dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
    for (const auto& url : team.teams_workflow_urls) {
      rows.push_back({"teams:workflow", url, payload,
                      "teams:notice:" + std::to_string(outcome.routing_id) + ":" +
                          sha256_hex(url).substr(0, 16)});
    }
    return rows;
  };
}

Services::~Services() {
  stop_database_watch();
  if (outbox_) outbox_->stop();
}

void Services::start_database_watch() {
  if (watch_.joinable()) return;
  watch_ = std::thread([this] { watch_database(); });
}

void Services::stop_database_watch() {
  {
    std::lock_guard lock(watch_mu_);
    watch_stop_ = true;
  }
  watch_cv_.notify_all();
  if (watch_.joinable()) watch_.join();
}

// Why a thread and not a timer on the io_context: ping() may take up to
// storage.ping_timeout_ms and housekeeping longer; neither may hold up a
// request.
void Services::watch_database() {
  using namespace std::chrono_literals;
  bool was_up = false;
  bool first = true;
  auto next_housekeeping = std::chrono::steady_clock::now();
  std::unique_lock lock(watch_mu_);
  while (!watch_stop_) {
    lock.unlock();
    const bool up = store_->ping();
    database_up_ = up;
    if (up != was_up || first) {
      if (up) {
        spdlog::info("store: database reachable{}", first ? "" : " again");
      } else {
        std::string why;
        if (auto* pg = dynamic_cast<PostgresStore*>(store_.get())) why = pg->last_error();
        spdlog::warn(
            "store: database unreachable{}{}; /readyz and requests that need it say 503 "
            "until it is back",
            why.empty() ? "" : ": ", why);
      }
    }
    if (up && std::chrono::steady_clock::now() >= next_housekeeping) {
      // At start once the database answers, then every hour.
      maintenance();
      next_housekeeping = std::chrono::steady_clock::now() + 1h;
    }
    was_up = up;
    first = false;
    lock.lock();
    watch_cv_.wait_for(lock, up ? 2s : 500ms, [this] { return watch_stop_; });
  }
}

void Services::register_routes() {
  router_->add("GET", "/healthz", "healthz",
               [](const HttpRequest&) { return HttpResponse::json(200, R"({"status":"ok"})"); });
  router_->add("GET", "/readyz", "readyz", [this](const HttpRequest&) {
    bool ok = false;
    try {
      ok = store_->ping();
    } catch (const std::exception& e) {
      spdlog::warn("readyz: store: {}", e.what());
    }
    return ok ? HttpResponse::json(200, R"({"status":"ready","store":"ok"})")
              : HttpResponse::json(503, R"({"status":"not ready","store":"unreachable"})");
  });
  router_->add("GET", "/metrics", "metrics", [this](const HttpRequest&) {
    return HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8", metrics_.render(), {}};
  });

  if (config_.console.enabled) {
    ConsoleContext console;
    console.app = app_.get();
    console.store = store_.get();
    console.knowledge = knowledge_.get();
    console.access_token = config_.console.access_token;
    console.digest_preview = [this](const std::string& team_id) {
      auto k = knowledge_->get();
      const Team* team = k->teams.find(team_id);
      if (!team) return std::string("unknown team");
      const auto now = now_seconds();
      // The console previews the week in progress, which is what people are curious about.
      const IsoWeek week = iso_week_at(now, digests_->zone_of(*team));
      return render_digest_text(digests_->build(*team, week, now));
    };
    register_console_routes(*router_, std::move(console));
    spdlog::info("console enabled{}", config_.console.access_token.empty()
                                          ? " (loopback peers only)"
                                          : " (loopback peers or the access token)");
  }
}

void Services::maintenance() {
  // One replica at a time: the lease "housekeeping", held for most of the
  // hour between two runs, so of replicas running this hourly one does the
  // work; each chunk checks the fencing token (Store::apply_retention).
  const std::int64_t now = now_seconds();
  std::optional<std::int64_t> token;
  try {
    token = store_->acquire_lease("housekeeping", replica_name_, now, kHousekeepingLeaseSeconds);
  } catch (const std::exception& e) {
    spdlog::error("housekeeping: cannot take its lease, will retry in an hour: {}", e.what());
    return;
  }
  metrics_.set("rolecall_leases_held", {{"lease", "housekeeping"}}, token ? 1 : 0);
  if (!token) {
    spdlog::debug("housekeeping: another replica holds its lease; skipping");
    return;
  }
  try {
    // retention_days 0 keeps texts; expired dedupe keys still go.
    const int days = config_.storage.retention_days > 0
                         ? static_cast<int>(config_.storage.retention_days)
                         : 1 << 20;
    const auto n = store_->apply_retention(now, days, Fence{"housekeeping", *token});
    if (!n) {
      spdlog::warn("housekeeping: another replica took its lease (token {}); stopped", *token);
    } else if (*n > 0) {
      spdlog::info("retention: cleaned {} rows", *n);
    }
  } catch (const std::exception& e) {
    spdlog::error("retention failed, will retry in an hour: {}", e.what());
  }
}

bool Services::reload() {
  spdlog::info("SIGHUP: reloading {}", config_.source_path);
  try {
    AppConfig fresh = load_config(config_.source_path, Environment::from_process());
    auto knowledge = load_knowledge(fresh);
    const auto topics = knowledge->taxonomy.topics().size();
    const auto teams = knowledge->teams.teams().size();
    knowledge_->set(std::move(knowledge));
    spdlog::info("reloaded: {} topics, {} teams (other settings need a restart)", topics, teams);
    return true;
  } catch (const ConfigError& e) {
    spdlog::error("reload failed, keeping the running configuration:\n{}", e.what());
  } catch (const std::exception& e) {
    spdlog::error("reload failed, keeping the running configuration: {}", e.what());
  }
  return false;
}

}  // namespace rolecall
