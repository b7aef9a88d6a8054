#pragma once
// A real PostgreSQL server for tests: Debian's server binaries
// (/usr/lib/postgresql/<n>/bin, package `postgresql`) run with initdb and
// pg_ctl in a temporary directory, listening only on a Unix socket in that
// directory (no TCP port to collide on), with fsync off. As root (CI) the
// server runs as the unprivileged `postgres` user (runuser, or setpriv),
// which owns the directory; PostgreSQL refuses to run as root.
//
// initdb runs once per machine and version into a template directory
// (/tmp/rolecall-pg-template-<version>, created under a lock); each server
// copies it, so a test process pays for a copy and a start, not an initdb.
//
// A watchdog (a shell in its own session, started with the server) stops the
// server (pg_ctl -m immediate) and removes the directory when the test
// process dies without running the destructor (a crash, SIGKILL, a ctest
// timeout): it waits for EOF on a pipe whose only writer is this process.
//
// Every failure throws std::runtime_error with the command and the tail of
// the server log. Not thread-safe: use from the test's thread.

#include <memory>
#include <string>
#include <vector>

namespace rolecall::testing {

class PostgresServer {
 public:
  // The directory with initdb, pg_ctl and postgres (ROLECALL_PG_BINDIR, or
  // the newest /usr/lib/postgresql/<n>/bin); "" when none is installed.
  static std::string find_bin_dir();

  // Starts a server (see above); throws std::runtime_error.
  explicit PostgresServer(const std::string& bin_dir = find_bin_dir());
  ~PostgresServer();  // stops the server and removes the directory
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // A libpq key/value connection string for `dbname` (superuser "rolecall").
  std::string url(const std::string& dbname = "postgres") const;
  // Creates a new empty database and returns its connection string.
  std::string create_database();

  // Stops the server (fast shutdown: connections are cut) / starts it again
  // on the same socket and data, waiting until it accepts connections.
  void stop();
  void start();
  bool running() const noexcept { return running_; }

  // One server per test process, started on first use and stopped at exit;
  // nullptr, with the reason in *why_not, when no server binaries are
  // installed (scripts/install-deps.sh --test installs them).
  static PostgresServer* shared(std::string* why_not);

 private:
  void run_checked(const std::string& what, const std::vector<std::string>& argv,
                   bool as_server_user);
  std::string log_tail() const;
  void start_watchdog();

  std::string bin_dir_;
  std::string dir_;  // socket and log
  std::string data_;
  bool running_ = false;
  int next_db_ = 0;
  int watchdog_fd_ = -1;  // the pipe's write end; EOF tells the watchdog we are gone
  int watchdog_pid_ = -1;
};

}  // namespace rolecall::testing
