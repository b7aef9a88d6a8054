// The accept loop when file descriptors run out (issue 13, defect 2): the
// real daemon under a low RLIMIT_NOFILE, held at its limit by idle
// connections. accept() then fails with EMFILE while the listening socket
// stays readable; retrying at once spun a core and flooded the log.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/daemon/daemon_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/test_helpers.hpp"

namespace rolecall::testing {
namespace {

using namespace std::chrono_literals;

// User + system CPU time the process has used so far (/proc/<pid>/stat
// fields 14 and 15, in clock ticks).
double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  const std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The command name (field 2) may contain spaces: fields 3.. follow the last ')'.
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string skip;
  for (int field = 3; field <= 13; ++field) fields >> skip;
  unsigned long long utime = 0, stime = 0;
  fields >> utime >> stime;
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// Open descriptors numbered below `limit` (descriptors inherited from the
// test runner may sit above the daemon's limit and do not count against it).
std::size_t open_fds_below(pid_t pid, unsigned limit) {
  std::size_t n = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    if (std::stoul(entry.path().filename().string()) < limit) ++n;
  }
  return n;
}

// A connected TCP socket that sends nothing: the daemon holds a descriptor
// for it once accepted (the connect itself completes in the listen backlog).
int idle_connection(unsigned short port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(DaemonAccept, BacksOffWhenFileDescriptorsRunOutAndRecoversByItself) {
  TempDir dir;
  constexpr unsigned kFdLimit = 64;
  // Idle connections must stay open for the whole test: the first request's
  // read timeout is what would otherwise close them.
  DaemonProcess daemon(dir.path(), test_config_yaml("server:\n  read_timeout_ms: 120000\n"), {}, 2,
                       kFdLimit);
  ASSERT_EQ(http_request(daemon.port(), "GET", "/healthz").status, 200);
  const std::size_t in_use = open_fds_below(daemon.pid(), kFdLimit);
  ASSERT_LT(in_use, kFdLimit);

  // More idle connections than the daemon has descriptors left.
  std::vector<int> connections;
  for (std::size_t i = 0; i < kFdLimit - in_use + 16; ++i) {
    const int fd = idle_connection(daemon.port());
    ASSERT_GE(fd, 0) << "connection " << i;
    connections.push_back(fd);
  }
  ASSERT_TRUE(daemon.wait_for_log("Too many open files")) << "the daemon never ran out of fds";

  // While the descriptors stay exhausted the daemon must stay nearly idle:
  // the old loop used 85-100 % of a core here.
  const double cpu_before = cpu_seconds(daemon.pid());
  const auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(1500ms);  // the measured window
  const double cpu = cpu_seconds(daemon.pid()) - cpu_before;
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(cpu / wall, 0.15) << cpu << " s of CPU in " << wall << " s";
  EXPECT_EQ(open_fds_below(daemon.pid(), kFdLimit), kFdLimit) << "not exhausted any more";

  // Free the descriptors: the daemon must serve again without help.
  for (const int fd : connections) ::close(fd);
  HttpResult health;
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while (std::chrono::steady_clock::now() < deadline) {
    health = http_request(daemon.port(), "GET", "/healthz", {}, {}, 2s);
    if (health.status == 200) break;
  }
  ASSERT_EQ(health.status, 200) << health.error;

  // Every failed accept is counted; with the backoff there are few of them.
  const auto metrics = http_request(daemon.port(), "GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(metrics.body, m,
                                std::regex(R"(\nrolecall_http_accept_errors_total (\d+)\n)")))
      << metrics.body;
  const long errors = std::stol(m[1]);
  EXPECT_GE(errors, 2);
  EXPECT_LE(errors, 40);

  // The log says it, but not once per failure: at most one line per few
  // seconds, and one when connections are accepted again.
  const std::string log = daemon.log();
  EXPECT_LE(count(log, "Too many open files"), 3u);
  EXPECT_TRUE(daemon.wait_for_log("accepting connections again")) << log.substr(0, 4000);
  EXPECT_EQ(daemon.stop(), 0);
}

}  // namespace
}  // namespace rolecall::testing
