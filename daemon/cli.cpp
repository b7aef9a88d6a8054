#include "daemon/cli.hpp"

#include <ctime>
#include <iostream>
#include <string>
#include <vector>

#include "config/config_error.hpp"
#include "config/config_loader.hpp"
#include "core/answer.hpp"
#include "daemon/classify_command.hpp"
#include "daemon/cli_args.hpp"
#include "daemon/digest_command.hpp"
#include "daemon/eval_command.hpp"
#include "daemon/knowledge_loader.hpp"
#include "daemon/record_format.hpp"
#include "daemon/serve.hpp"
#include "daemon/store_factory.hpp"
#include "storage/postgres/copy_from_sqlite.hpp"
#include "storage/postgres/database_url.hpp"
#include "storage/postgres/pg_migrations.hpp"
#include "storage/postgres/postgres_store.hpp"

namespace rolecall {

namespace {

constexpr const char* kUsage = R"(rolecall: who owns this, the Product Manager or the Product Owner?

usage:
  rolecall serve [--config FILE] [--threads N]        run the daemon
  rolecall ask [--team ID] TEXT...                     answer one question here
  rolecall classify --jsonl                            stdin {"id","text"} lines -> JSON lines
  rolecall eval FILE.jsonl... [--split NAME] [--format text|json]
                                                       accuracy on your own labelled lines
  rolecall digest --team ID [--week YYYY-Www] (--preview | --post [--force])
  rolecall check-config [--config FILE]                report every problem at once
  rolecall decisions list [--team ID] [--since WHEN] [--role ROLE] [--format table|csv|json]
  rolecall decisions add [--team ID] [--role ROLE] [--by NAME] TEXT...
  rolecall routes list [--team ID] [--since WHEN] [--role ROLE] [--format table|csv|json]
  rolecall db backup FILE                              online backup of the database
  rolecall db retention                                drop message texts past retention now
  rolecall db migrate                                  bring the database to this binary's schema
  rolecall db copy --to POSTGRES_URL                   copy the SQLite store to PostgreSQL

Every subcommand takes --config FILE (else $ROLECALL_CONFIG, else
config/rolecall.example.yaml). WHEN is YYYY-MM-DD, an ISO time, or 7d / 24h / 2w.
ROLE is product_manager, product_owner, both, project_manager or none.
)";

std::int64_t now_seconds() { return static_cast<std::int64_t>(std::time(nullptr)); }

int usage_error(const std::string& message) {
  std::cerr << "rolecall: " << message << "\n\n" << kUsage;
  return 2;
}

// Loads the configuration or prints every problem and returns nullopt.
std::optional<AppConfig> load_or_report(const ParsedArgs& args) {
  const Environment env = Environment::from_process();
  const std::string path = resolve_config_path(args.get("config"), env);
  try {
    return load_config(path, env);
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\nrolecall: configuration " << path << " has errors\n";
    return std::nullopt;
  }
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

const Team* pick_team(const Knowledge& k, const ParsedArgs& args, bool& bad) {
  bad = false;
  if (auto id = args.get("team")) {
    if (const Team* t = k.teams.find(*id)) return t;
    std::cerr << "rolecall: unknown team \"" << *id << "\"; known teams:";
    for (const auto& t : k.teams.teams()) std::cerr << " " << t.id;
    std::cerr << "\n";
    bad = true;
    return nullptr;
  }
  return k.teams.default_team();
}

int cmd_ask(const std::vector<std::string>& rest) {
  auto args = parse_args(rest, {"config", "team"}, {});
  if (!args.error.empty()) return usage_error(args.error);
  const std::string text = joined(args.positionals);
  if (text.empty()) return usage_error("ask needs a question, e.g. rolecall ask who owns pricing?");
  auto config = load_or_report(args);
  if (!config) return 2;
  try {
    auto k = load_knowledge(*config);
    bool bad = false;
    const Team* team = pick_team(*k, args, bad);
    if (bad) return 2;
    const Classification c = k->classifier.classify(text);
    std::cout << render_answer_text(compose_answer(c, k->taxonomy, team)) << "\n";
    return 0;
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
}

int cmd_classify(const std::vector<std::string>& rest) {
  auto args = parse_args(rest, {"config"}, {"jsonl"});
  if (!args.error.empty()) return usage_error(args.error);
  if (!args.has("jsonl")) return usage_error("classify reads JSON lines: use --jsonl");
  auto config = load_or_report(args);
  if (!config) return 2;
  try {
    auto k = load_knowledge(*config);
    std::ios::sync_with_stdio(false);
    return run_classify_jsonl(k->classifier, std::cin, std::cout, std::cerr);
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
}

int cmd_eval(const std::vector<std::string>& rest) {
  auto args = parse_args(rest, {"config", "format", "split"}, {});
  if (!args.error.empty()) return usage_error(args.error);
  if (args.positionals.empty())
    return usage_error(
        "eval needs a JSON Lines file of labelled messages ({\"text\", \"role\", \"intent\"})");
  const std::string format = args.get("format").value_or("text");
  if (format != "text" && format != "json") return usage_error("--format is text or json");
  auto config = load_or_report(args);
  if (!config) return 2;
  LabelledRead read;
  for (const std::string& file : args.positionals) read_labelled_file(file, read);
  for (const std::string& e : read.errors) std::cerr << e << "\n";
  std::vector<LabelledLine> lines;
  const auto split = args.get("split");
  for (LabelledLine& l : read.lines) {
    if (!split || l.split == *split) lines.push_back(std::move(l));
  }
  if (lines.empty()) {
    std::cerr << "rolecall: no labelled lines to evaluate\n";
    return read.errors.empty() ? 2 : 1;
  }
  auto k = load_knowledge(*config);
  const std::vector<EvalItem> items = classify_labelled(k->classifier, lines);
  EvalOptions options;
  options.json = format == "json";
  options.clarify_below = config->routing.clarify_below;
  print_eval_report(evaluate(items), items, options, std::cout);
  return read.errors.empty() ? 0 : 1;
}

int cmd_check_config(const std::vector<std::string>& rest) {
  auto args = parse_args(rest, {"config"}, {});
  if (!args.error.empty()) return usage_error(args.error);
  const Environment env = Environment::from_process();
  const std::string path = resolve_config_path(args.get("config"), env);
  const auto problems = check_config(path, env);
  bool errors = false;
  for (const auto& p : problems) {
    std::cerr << to_string(p) << "\n";
    errors = errors || p.is_error();
  }
  if (errors) {
    std::cerr << "rolecall: " << path << " has errors\n";
    return 1;
  }
  std::cout << path << ": configuration OK" << (problems.empty() ? "" : " (with warnings)") << "\n";
  return 0;
}

struct Filters {
  ListFilter filter;
  OutputFormat format = OutputFormat::table;
};

std::optional<Filters> read_filters(const ParsedArgs& args, const Knowledge* k) {
  Filters f;
  if (auto team = args.get("team")) {
    if (k && !k->teams.find(*team)) {
      std::cerr << "rolecall: unknown team \"" << *team << "\"\n";
      return std::nullopt;
    }
    f.filter.team_id = *team;
  }
  if (auto since = args.get("since")) {
    auto t = parse_since(*since, now_seconds());
    if (!t) {
      std::cerr << "rolecall: --since: cannot read \"" << *since
                << "\" (use YYYY-MM-DD, an ISO time, or 7d / 24h / 2w)\n";
      return std::nullopt;
    }
    f.filter.since = *t;
  }
  if (auto role = args.get("role")) {
    auto r = parse_role(*role);
    if (!r) {
      std::cerr << "rolecall: --role: unknown role \"" << *role << "\"\n";
      return std::nullopt;
    }
    f.filter.role = *r;
  }
  if (auto fmt = args.get("format")) {
    auto of = parse_output_format(*fmt);
    if (!of) {
      std::cerr << "rolecall: --format: use table, csv or json\n";
      return std::nullopt;
    }
    f.format = *of;
  }
  if (auto limit = args.get("limit")) {
    try {
      f.filter.limit = std::stoi(*limit);
    } catch (const std::exception&) {
      std::cerr << "rolecall: --limit: not a number\n";
      return std::nullopt;
    }
  }
  return f;
}

std::unique_ptr<Store> open_store(const AppConfig& config) {
  return open_store(config.storage, {.cli = true});
}

int cmd_list(const std::string& what, const std::vector<std::string>& rest) {
  auto args = parse_args(rest, {"config", "team", "since", "role", "format", "limit"}, {});
  if (!args.error.empty()) return usage_error(args.error);
  if (!args.positionals.empty() && args.positionals.front() != "list")
    return usage_error("unknown " + what + " subcommand \"" + args.positionals.front() + "\"");
  auto config = load_or_report(args);
  if (!config) return 2;
  auto filters = read_filters(args, nullptr);
  if (!filters) return 2;
  if (!filters->filter.team_id.empty() && !config->directory.find(filters->filter.team_id)) {
    std::cerr << "rolecall: unknown team \"" << filters->filter.team_id << "\"\n";
    return 2;
  }
  auto store = open_store(*config);
  if (what == "decisions") {
    std::cout << format_decisions(store->list_decisions(filters->filter), filters->format);
  } else {
    std::cout << format_routings(store->list_routings(filters->filter), filters->format);
  }
  return 0;
}

int cmd_decision_add(const std::vector<std::string>& rest) {
  auto args = parse_args(rest, {"config", "team", "role", "by"}, {});
  if (!args.error.empty()) return usage_error(args.error);
  const std::string text = joined(args.positionals);
  if (text.empty()) return usage_error("decisions add needs the decision text");
  auto config = load_or_report(args);
  if (!config) return 2;
  auto k = load_knowledge(*config);
  bool bad = false;
  const Team* team = pick_team(*k, args, bad);
  if (bad) return 2;
  std::optional<Role> role;
  if (auto r = args.get("role")) {
    role = parse_role(*r);
    if (!role) return usage_error("--role: unknown role \"" + *r + "\"");
  }
  auto store = open_store(*config);
  DecisionRecord d;
  d.platform = "cli";
  d.team_id = team ? team->id : "";
  d.role = role ? *role : k->classifier.classify(text).role;
  d.text = text;
  const char* user = std::getenv("USER");
  d.decided_by = args.get("by").value_or(user ? user : "cli");
  d.created_at = now_seconds();
  d.id = store->record_decision(d);
  std::cout << "decision " << d.id << " logged for team " << (team ? team->id : "(none)") << " as "
            << to_string(d.role) << (role ? "" : " (inferred)") << "\n";
  return 0;
}

int cmd_decisions(const std::vector<std::string>& rest) {
  if (!rest.empty() && rest.front() == "add")
    return cmd_decision_add({rest.begin() + 1, rest.end()});
  if (!rest.empty() && rest.front() == "list")
    return cmd_list("decisions", {rest.begin() + 1, rest.end()});
  return cmd_list("decisions", rest);
}

int cmd_db(const std::vector<std::string>& rest) {
  auto args = parse_args(rest, {"config", "to"}, {});
  if (!args.error.empty()) return usage_error(args.error);
  if (args.positionals.empty())
    return usage_error(
        "db needs a subcommand: backup FILE | retention | migrate | copy --to POSTGRES_URL");
  auto config = load_or_report(args);
  if (!config) return 2;
  const std::string& sub = args.positionals.front();
  if (sub == "copy") {
    // From the configured SQLite file to a PostgreSQL database.
    const auto to = args.get("to");
    if (!to || to->empty()) return usage_error("db copy needs --to POSTGRES_URL");
    if (config->storage.backend != StorageBackend::sqlite) {
      return usage_error("db copy reads the SQLite store (storage.backend: sqlite, storage.path)");
    }
    std::cout << "copying " << config->storage.path << " to " << redact_database_url(*to) << "\n";
    for (const auto& t : copy_sqlite_to_postgres(config->storage.path, *to)) {
      std::cout << "  " << t.table << ": " << t.rows << " rows\n";
    }
    std::cout << "copied; the row counts of both databases match\n";
    return 0;
  }
  auto store = open_store(*config);
  if (sub == "migrate") {
    // Opening migrates (under a lock on PostgreSQL); say where it stands.
    std::cout << "database " << describe_store(config->storage);
    if (const auto* pg = dynamic_cast<const PostgresStore*>(store.get())) {
      std::cout << ": schema version " << pg->schema_version_at_open() << " -> "
                << pg_latest_schema_version();
    }
    std::cout << " (latest)\n";
    return 0;
  }
  if (sub == "backup") {
    if (args.positionals.size() != 2) return usage_error("db backup needs one FILE");
    store->backup(args.positionals[1]);
    std::cout << "backed up " << config->storage.path << " to " << args.positionals[1] << "\n";
    return 0;
  }
  if (sub == "retention") {
    if (config->storage.retention_days == 0) {
      std::cout << "retention is off (storage.retention_days: 0); nothing dropped\n";
      return 0;
    }
    auto n =
        store->apply_retention(now_seconds(), static_cast<int>(config->storage.retention_days));
    std::cout << "retention: " << n << " rows cleaned\n";
    return 0;
  }
  return usage_error("unknown db subcommand \"" + sub + "\"");
}

int cmd_serve(const std::vector<std::string>& rest) {
  auto args = parse_args(rest, {"config", "threads"}, {});
  if (!args.error.empty()) return usage_error(args.error);
  unsigned threads = 0;
  if (auto t = args.get("threads")) {
    try {
      threads = static_cast<unsigned>(std::stoul(*t));
    } catch (const std::exception&) {
      return usage_error("--threads needs a number");
    }
  }
  auto config = load_or_report(args);
  if (!config) return 2;
  return run_serve(std::move(*config), threads);
}

}  // namespace

int run_cli(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version" || args[0] == "version") {
    std::cout << "rolecall " << ROLECALL_VERSION << "\n";
    return 0;
  }
  const std::string sub = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  try {
    if (sub == "serve") return cmd_serve(rest);
    if (sub == "ask") return cmd_ask(rest);
    if (sub == "classify") return cmd_classify(rest);
    if (sub == "eval") return cmd_eval(rest);
    if (sub == "check-config") return cmd_check_config(rest);
    if (sub == "digest") return run_digest_command(rest);
    if (sub == "decisions") return cmd_decisions(rest);
    if (sub == "routes") return cmd_list("routes", rest);
    if (sub == "db") return cmd_db(rest);
  } catch (const ConfigError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const StoreError& e) {
    std::cerr << "rolecall: database: " << e.what() << "\n";
    return 1;
  }
  return usage_error("unknown subcommand \"" + sub + "\"");
}

}  // namespace rolecall
