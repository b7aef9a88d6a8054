#include "tests/support/postgres_server.hpp"

#include <fcntl.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace rolecall::testing {

namespace fs = std::filesystem;

namespace {

constexpr const char* kServerUser = "postgres";
constexpr int kPort = 5432;  // names the socket file only: no TCP listener

bool is_root() { return geteuid() == 0; }

// Runs argv (as the server user when asked and we are root), its output
// appended to `log`; returns the exit status (-1 when it could not run).
int run(const std::vector<std::string>& argv, bool as_server_user, const std::string& log) {
  std::vector<std::string> full;
  if (as_server_user && is_root()) {
    if (access("/usr/sbin/runuser", X_OK) == 0 || access("/sbin/runuser", X_OK) == 0) {
      full = {"runuser", "-u", kServerUser, "--"};
    } else {
      full = {"setpriv", "--reuid", kServerUser, "--regid", kServerUser, "--init-groups", "--"};
    }
  }
  full.insert(full.end(), argv.begin(), argv.end());
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    const int null_in = open("/dev/null", O_RDONLY);
    if (null_in >= 0) dup2(null_in, 0);
    std::vector<char*> args;
    args.reserve(full.size() + 1);
    for (auto& a : full) args.push_back(a.data());
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void give_to_server_user(const std::string& path) {
  if (!is_root()) return;
  const passwd* pw = getpwnam(kServerUser);
  if (pw == nullptr)
    throw std::runtime_error("postgres test server: no user " + std::string(kServerUser) +
                             " to run the server as");
  if (chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
    throw std::runtime_error("postgres test server: chown " + path + " failed");
  }
}

std::string version_of(const std::string& bin_dir) {
  // /usr/lib/postgresql/15/bin -> "15"
  return fs::path(bin_dir).parent_path().filename().string();
}

}  // namespace

std::string PostgresServer::find_bin_dir() {
  if (const char* env = std::getenv("ROLECALL_PG_BINDIR"); env && *env) {
    return fs::exists(fs::path(env) / "initdb") ? env : "";
  }
  std::vector<std::pair<int, std::string>> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const auto bin = e.path() / "bin";
    if (fs::exists(bin / "initdb") && fs::exists(bin / "pg_ctl") && fs::exists(bin / "postgres")) {
      found.emplace_back(std::atoi(e.path().filename().c_str()), bin.string());
    }
  }
  if (found.empty()) return "";
  std::sort(found.begin(), found.end());
  return found.back().second;
}

PostgresServer::PostgresServer(const std::string& bin_dir) : bin_dir_(bin_dir) {
  if (bin_dir_.empty()) throw std::runtime_error("postgres test server: no server binaries");
  std::string tmpl = (fs::temp_directory_path() / "rolecall-pg-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  data_ = dir_ + "/data";
  give_to_server_user(dir_);

  // The template: initdb once per machine and version, under a lock so
  // parallel test processes wait for the first one.
  const std::string template_dir =
      (fs::temp_directory_path() / ("rolecall-pg-template-" + version_of(bin_dir_))).string();
  {
    const std::string lock_path = template_dir + ".lock";
    const int lock = open(lock_path.c_str(), O_RDWR | O_CREAT, 0644);
    if (lock < 0) throw std::runtime_error("postgres test server: cannot open " + lock_path);
    flock(lock, LOCK_EX);
    if (!fs::exists(template_dir + "/PG_VERSION")) {
      const std::string building = template_dir + ".building";
      std::error_code ec;
      fs::remove_all(building, ec);
      fs::create_directory(building);
      give_to_server_user(building);
      try {
        run_checked("initdb",
                    {bin_dir_ + "/initdb", "-D", building + "/data", "-A", "trust", "-U",
                     "rolecall", "-E", "UTF8", "--locale=C", "--no-sync"},
                    true);
      } catch (...) {
        flock(lock, LOCK_UN);
        close(lock);
        throw;
      }
      fs::rename(building + "/data", template_dir, ec);
      fs::remove_all(building, ec);
    }
    flock(lock, LOCK_UN);
    close(lock);
  }
  run_checked("copy the template data directory", {"cp", "-a", template_dir, data_}, false);
  start();
}

PostgresServer::~PostgresServer() {
  if (running_) {
    run({bin_dir_ + "/pg_ctl", "-D", data_, "-m", "immediate", "-w", "stop"}, true,
        dir_ + "/pg_ctl.log");
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
  if (watchdog_fd_ >= 0) {
    close(watchdog_fd_);  // the watchdog finds nothing left to do and exits
    int status = 0;
    waitpid(watchdog_pid_, &status, 0);
  }
}

void PostgresServer::start_watchdog() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("postgres test server: pipe failed");
  const std::string as_user =
      is_root() ? (access("/usr/sbin/runuser", X_OK) == 0 || access("/sbin/runuser", X_OK) == 0
                       ? "runuser -u postgres -- "
                       : "setpriv --reuid postgres --regid postgres "
                         "--init-groups -- ")
                : "";
  // Reads until EOF: every write end is closed only when this process is
  // gone (O_CLOEXEC keeps it out of the daemons the tests start).
  const std::string script = "while read -r _; do :; done; if [ -f '" + data_ +
                             "/postmaster.pid' ]; then " + as_user + "'" + bin_dir_ +
                             "/pg_ctl' -D '" + data_ + "' -m immediate -w stop >/dev/null 2>&1; " +
                             "fi; rm -rf '" + dir_ + "'";
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    throw std::runtime_error("postgres test server: fork failed");
  }
  if (pid == 0) {
    setsid();  // not killed with the test's process group
    dup2(fds[0], 0);
    const int null_out = open("/dev/null", O_WRONLY);
    if (null_out >= 0) {
      dup2(null_out, 1);
      dup2(null_out, 2);
    }
    execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[0]);
  watchdog_fd_ = fds[1];
  watchdog_pid_ = pid;
}

void PostgresServer::run_checked(const std::string& what, const std::vector<std::string>& argv,
                                 bool as_server_user) {
  const int rc = run(argv, as_server_user, dir_ + "/pg_ctl.log");
  if (rc != 0) {
    throw std::runtime_error("postgres test server: " + what + " exited with " +
                             std::to_string(rc) + "\n" + log_tail());
  }
}

std::string PostgresServer::log_tail() const {
  std::string out;
  for (const char* name : {"/pg_ctl.log", "/server.log"}) {
    std::ifstream in(dir_ + name);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    if (s.size() > 2000) s = s.substr(s.size() - 2000);
    if (!s.empty()) out += std::string(name + 1) + ":\n" + s;
  }
  return out;
}

void PostgresServer::start() {
  // pg_ctl -w waits until the server accepts connections (it polls with a
  // deadline, -t) and fails when it does not come up.
  const std::string options = "-k " + dir_ + " -p " + std::to_string(kPort) +
                              " -c listen_addresses='' -F -c full_page_writes=off"
                              " -c synchronous_commit=off -c max_connections=200";
  run_checked("pg_ctl start",
              {bin_dir_ + "/pg_ctl", "-D", data_, "-l", dir_ + "/server.log", "-w", "-t", "60",
               "-o", options, "start"},
              true);
  running_ = true;
  if (watchdog_fd_ < 0) start_watchdog();
}

void PostgresServer::stop() {
  if (!running_) return;
  run_checked("pg_ctl stop", {bin_dir_ + "/pg_ctl", "-D", data_, "-m", "fast", "-w", "stop"}, true);
  running_ = false;
}

std::string PostgresServer::url(const std::string& dbname) const {
  return "host=" + dir_ + " port=" + std::to_string(kPort) + " user=rolecall dbname=" + dbname;
}

std::string PostgresServer::create_database() {
  const std::string name = "t" + std::to_string(getpid()) + "_" + std::to_string(++next_db_);
  PGconn* c = PQconnectdb(url().c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("postgres test server: connect: " + msg + log_tail());
  }
  PGresult* r = PQexec(c, ("CREATE DATABASE " + name).c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  std::string msg = ok ? "" : PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  if (!ok) throw std::runtime_error("postgres test server: CREATE DATABASE: " + msg);
  return url(name);
}

PostgresServer* PostgresServer::shared(std::string* why_not) {
  static std::unique_ptr<PostgresServer> server;
  static std::string failure;
  if (!server && failure.empty()) {
    const std::string bin = find_bin_dir();
    if (bin.empty()) {
      failure =
          "no PostgreSQL server binaries (/usr/lib/postgresql/<n>/bin); "
          "scripts/install-deps.sh --test installs them (package postgresql)";
    } else {
      server = std::make_unique<PostgresServer>(bin);  // a failure here is a real failure
    }
  }
  if (!server && why_not) *why_not = failure;
  return server.get();
}

}  // namespace rolecall::testing
