#include "daemon/digest_command.hpp"

#include <ctime>
#include <iostream>

#include "config/config_error.hpp"
#include "config/config_loader.hpp"
#include "core/digest_text.hpp"
#include "daemon/cli_args.hpp"
#include "daemon/digest_service.hpp"
#include "daemon/knowledge_loader.hpp"
#include "daemon/store_factory.hpp"

namespace rolecall {

int run_digest_command(const std::vector<std::string>& raw) {
  auto args = parse_args(raw, {"config", "team", "week"}, {"preview", "post", "force"});
  auto usage = [](const std::string& msg) {
    std::cerr << "rolecall digest: " << msg
              << "\nusage: rolecall digest --team ID [--week YYYY-Www] (--preview | --post "
                 "[--force])\n";
    return 2;
  };
  if (!args.error.empty()) return usage(args.error);
  if (args.has("preview") == args.has("post"))
    return usage("give exactly one of --preview, --post");
  if (args.has("force") && !args.has("post")) return usage("--force goes with --post");
  if (!args.positionals.empty()) return usage("unexpected argument " + args.positionals.front());

  const Environment env = Environment::from_process();
  AppConfig config;
  try {
    config = load_config(resolve_config_path(args.get("config"), env), env);
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  KnowledgeHolder knowledge(load_knowledge(config));
  const auto k = knowledge.get();
  const Team* team = nullptr;
  if (auto id = args.get("team")) {
    team = k->teams.find(*id);
    if (!team) {
      std::cerr << "rolecall digest: unknown team \"" << *id << "\"; known teams:";
      for (const auto& t : k->teams.teams()) std::cerr << " " << t.id;
      std::cerr << "\n";
      return 2;
    }
  } else {
    return usage("--team is required");
  }

  auto opened = open_store(config.storage, {.cli = true});
  Store& store = *opened;
  DigestService digests(store, knowledge, config, nullptr, {});
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  IsoWeek week = digests.default_week(*team, now);
  if (auto w = args.get("week")) {
    auto parsed = parse_iso_week(*w);
    if (!parsed) return usage("--week: expected YYYY-Www, e.g. 2026-W47");
    week = *parsed;
  }

  if (args.has("preview")) {
    std::cout << render_digest_text(digests.build(*team, week, now));
    return 0;
  }
  auto result = digests.post(*team, week, now, args.has("force"));
  for (const auto& d : result.enqueued)
    std::cout << "enqueued " << to_string(week) << " for " << d << "\n";
  for (const auto& d : result.already_sent)
    std::cout << "already sent " << to_string(week) << " to " << d
              << " (use --force to send again)\n";
  for (const auto& d : result.unavailable)
    std::cout << "cannot post to " << d << ": Slack bot token not configured\n";
  if (result.enqueued.empty() && result.already_sent.empty() && result.unavailable.empty())
    std::cout << "team " << team->id
              << " has no digest destinations (slack_channels, teams_workflow_urls)\n";
  if (!result.enqueued.empty())
    std::cout << "the running daemon's outbox delivers it within seconds (rolecall serve)\n";
  return result.unavailable.empty() ? 0 : 1;
}

}  // namespace rolecall
