#include "tests/daemon/daemon_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/support/http_client.hpp"
#include "tests/support/test_helpers.hpp"

namespace rolecall::testing {

namespace {

std::vector<char*> to_argv(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

void apply_env(const std::map<std::string, std::string>& env) {
  // A test must not inherit secrets or paths from the developer's shell.
  for (const char* name :
       {"ROLECALL_CONFIG", "ROLECALL_LISTEN", "ROLECALL_DB", "SLACK_SIGNING_SECRET",
        "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_API_URL", "TEAMS_WEBHOOK_SECRET",
        "ROLECALL_DATABASE_URL", "ROLECALL_OUTBOX_LEASE_SECONDS"}) {
    ::unsetenv(name);
  }
  for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
}

}  // namespace

std::string test_config_yaml(const std::string& extra) {
  std::ostringstream y;
  y << "taxonomy:\n  path: " << ROLECALL_SOURCE_DIR << "/config/taxonomy.yaml\n"
    << "log:\n  level: debug\n  format: json\n"
    << "console:\n  enabled: true\n"
    << "outbox:\n  base_backoff_ms: 1000\n  max_backoff_ms: 2000\n  max_attempts: 4\n"
    << "product_teams:\n"
    << "  - id: checkout\n    name: Checkout\n"
    << "    slack_channels: [C0CHECK01]\n    intake_channels: [C0INTAKE1]\n"
    << "    product_managers:\n      - {name: Priya, slack: U0PM00001}\n"
    << "    product_owners:\n      - {name: Tom, slack: U0PO00001}\n"
    // Digests off: a scheduled digest falling inside a test run (Monday
    // 09:00 Berlin) would post on its own; daemon_digest_test covers them.
    << "    digest: {enabled: false, day: monday, time: \"09:00\", time_zone: Europe/Berlin}\n"
    << "  - id: growth\n    name: Growth\n    slack_channels: [C0GROWTH1]\n"
    << "    combined: {name: Ana, slack: U0ANA0001}\n"
    << "    digest: {enabled: false, day: monday, time: \"09:00\", time_zone: America/New_York}\n"
    << "default_team: checkout\n"
    << extra;
  return y.str();
}

DaemonProcess::DaemonProcess(const std::filesystem::path& dir, const std::string& config_yaml,
                             std::map<std::string, std::string> env, unsigned threads,
                             unsigned max_open_files) {
  const auto config_path = dir / "rolecall.yaml";
  {
    std::ofstream out(config_path);
    out << config_yaml;
  }
  log_path_ = dir / ("daemon-" + std::to_string(::time(nullptr)) + "-" +
                     std::to_string(reinterpret_cast<std::uintptr_t>(this) & 0xffff) + ".log");
  db_path_ = env.count("ROLECALL_DB") ? env["ROLECALL_DB"] : (dir / "rolecall.db").string();
  env["ROLECALL_DB"] = db_path_;
  if (!env.count("ROLECALL_LISTEN")) env["ROLECALL_LISTEN"] = "127.0.0.1:0";
  std::vector<std::string> args{ROLECALL_BINARY,      "serve",     "--config",
                                config_path.string(), "--threads", std::to_string(threads)};
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    apply_env(env);
    if (max_open_files != 0) {
      const rlimit limit{max_open_files, max_open_files};
      if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) ::_exit(126);
    }
    auto argv = to_argv(args);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  // The port comes from the log line `listening on http://127.0.0.1:PORT/`.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  const std::regex re(R"(listening on http://[^:]+:(\d+)/)");
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch m;
    const std::string text = log();
    if (std::regex_search(text, m, re)) {
      port_ = static_cast<unsigned short>(std::stoi(m[1]));
      return;
    }
    if (!running()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::string text = log();
  if (running()) stop(SIGKILL);
  throw std::runtime_error("daemon did not start; its log:\n" + text);
}

DaemonProcess::~DaemonProcess() {
  if (pid_ > 0 && running()) stop(SIGKILL, std::chrono::seconds(5));
}

bool DaemonProcess::running() {
  if (pid_ <= 0 || exit_status_ != -1) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return true;
}

void DaemonProcess::signal(int signo) { ::kill(pid_, signo); }

int DaemonProcess::stop(int signo, std::chrono::milliseconds timeout) {
  if (!running()) return exit_status_;
  ::kill(pid_, signo);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!running()) return exit_status_;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  exit_status_ = -1;
  pid_ = -1;
  return -1;
}

std::string DaemonProcess::log() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool DaemonProcess::wait_for_log(const std::string& needle,
                                 std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (log().find(needle) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

CommandResult run_rolecall(const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env,
                           const std::string& stdin_text) {
  TempDir tmp;
  const auto in_path = tmp.file("stdin"), out_path = tmp.file("stdout"),
             err_path = tmp.file("stderr");
  {
    std::ofstream in(in_path);
    in << stdin_text;
  }
  std::vector<std::string> argv_s{ROLECALL_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  pid_t pid = ::fork();
  if (pid == 0) {
    int in = ::open(in_path.c_str(), O_RDONLY);
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    apply_env(env);
    auto argv = to_argv(argv_s);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  CommandResult r;
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  return r;
}

int post_slack_mention(unsigned short port, const std::string& signing_secret,
                       const std::string& event_id, const std::string& ts, int retry_num) {
  const nlohmann::json body = {{"token", "x"},
                               {"team_id", "T0TEAM001"},
                               {"api_app_id", "A0APP0001"},
                               {"type", "event_callback"},
                               {"event_id", event_id},
                               {"event_time", std::time(nullptr)},
                               {"event",
                                {{"type", "app_mention"},
                                 {"user", "U0USER001"},
                                 {"text", "<@U0BOT0001> who owns pricing?"},
                                 {"ts", ts},
                                 {"channel", "C0CHECK01"},
                                 {"event_ts", ts}}}};
  const std::string raw = body.dump();
  const std::string now = std::to_string(std::time(nullptr));
  std::map<std::string, std::string> headers = {
      {"Content-Type", "application/json"},
      {"X-Slack-Request-Timestamp", now},
      {"X-Slack-Signature", slack_sign(signing_secret, now, raw)}};
  if (retry_num > 0) {
    headers["X-Slack-Retry-Num"] = std::to_string(retry_num);
    headers["X-Slack-Retry-Reason"] = "http_timeout";
  }
  return http_request(port, "POST", "/slack/events", headers, raw).status;
}

}  // namespace rolecall::testing
