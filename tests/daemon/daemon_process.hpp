#pragma once
// Runs the real `rolecall serve` binary as a child process for integration
// tests: its own config file and database in a temp dir, listening on a
// port the kernel picks (ROLECALL_LISTEN=127.0.0.1:0; the port is read back
// from the daemon's "listening on" log line), stdout+stderr captured to a
// log file the test can search.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace rolecall::testing {

// A config for tests: the shipped taxonomy, two teams (checkout with an
// intake channel C0INTAKE1 and channel C0CHECK01, PM U0PM00001 "Priya", PO
// U0PO00001 "Tom"; growth combined "Ana" U0ANA0001 on C0GROWTH1), console on,
// `extra` appended verbatim (e.g. a teams: section).
std::string test_config_yaml(const std::string& extra = {});

class DaemonProcess {
 public:
  // Writes `config_yaml` to dir/rolecall.yaml and starts the daemon with
  // `env` added to the environment (ROLECALL_DB defaults to dir/rolecall.db).
  // `threads` is passed as `serve --threads`. `max_open_files`, when not 0,
  // is the daemon's RLIMIT_NOFILE (soft and hard), set in the child before exec.
  DaemonProcess(const std::filesystem::path& dir, const std::string& config_yaml,
                std::map<std::string, std::string> env = {}, unsigned threads = 2,
                unsigned max_open_files = 0);
  ~DaemonProcess();  // SIGKILL if still running

  unsigned short port() const { return port_; }
  pid_t pid() const { return pid_; }
  bool running();

  // Sends `signo` and waits up to `timeout`; returns the exit status, or -1
  // when it did not exit in time (then it is killed).
  int stop(int signo = 15, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  void signal(int signo);

  std::string log() const;  // everything the daemon printed so far
  // Waits until the log contains `needle`.
  bool wait_for_log(const std::string& needle,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  const std::filesystem::path& log_path() const { return log_path_; }
  std::string db_path() const { return db_path_; }

 private:
  std::filesystem::path log_path_;
  std::string db_path_;
  pid_t pid_ = -1;
  unsigned short port_ = 0;
  int exit_status_ = -1;
};

// Posts a signed Slack Events API app_mention ("<@U0BOT0001> who owns
// pricing?" by U0USER001 in C0CHECK01 of T0TEAM001, at `ts`) to the daemon's
// /slack/events; retry_num > 0 adds Slack's retry headers. Returns the HTTP
// status (0 = no answer).
int post_slack_mention(unsigned short port, const std::string& signing_secret,
                       const std::string& event_id, const std::string& ts, int retry_num = 0);

// Runs the binary with `args` and `env` to completion; returns exit status,
// captured stdout and stderr.
struct CommandResult {
  int status = -1;
  std::string out, err;
};
CommandResult run_rolecall(const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env = {},
                           const std::string& stdin_text = {});

}  // namespace rolecall::testing
