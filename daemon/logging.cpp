#include "daemon/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <ctime>

namespace rolecall {

namespace {

struct ThreadContext {
  std::string request_id, platform, team;
};
thread_local ThreadContext tls_context;

void append_json_string(spdlog::memory_buf_t& out, std::string_view s) {
  out.push_back('"');
  std::size_t run = 0;  // start of the pending run of bytes that need no escape
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.substr(run, i - run));
    run = i + 1;
    switch (c) {
      case '"': out.append(std::string_view("\\\"")); break;
      case '\\': out.append(std::string_view("\\\\")); break;
      case '\n': out.append(std::string_view("\\n")); break;
      case '\r': out.append(std::string_view("\\r")); break;
      case '\t': out.append(std::string_view("\\t")); break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out.append(std::string_view(buf));
      }
    }
  }
  out.append(s.substr(run));
  out.push_back('"');
}

// "2026-11-23T08:52:56.123Z". The part up to the seconds is formatted once
// per second and thread: at info level every request writes a line.
std::string_view utc_timestamp(std::chrono::system_clock::time_point time, char (&buf)[96]) {
  thread_local std::time_t cached_second = -1;
  thread_local char cached[64];
  const auto t = std::chrono::system_clock::to_time_t(time);
  if (t != cached_second) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::snprintf(cached, sizeof cached, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    cached_second = t;
  }
  const auto ms = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count() %
      1000);
  const int n = std::snprintf(buf, sizeof buf, "%s.%03dZ", cached, ms < 0 ? ms + 1000 : ms);
  return std::string_view(buf, static_cast<std::size_t>(n));
}

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    char ts[96];
    dest.append(std::string_view(R"({"time":")"));
    dest.append(utc_timestamp(msg.time, ts));
    dest.append(std::string_view(R"(","level":)"));
    const auto level = spdlog::level::to_string_view(msg.level);
    append_json_string(dest, std::string_view(level.data(), level.size()));
    dest.append(std::string_view(R"(,"message":)"));
    append_json_string(dest, std::string_view(msg.payload.data(), msg.payload.size()));
    if (!tls_context.request_id.empty()) {
      dest.append(std::string_view(R"(,"request_id":)"));
      append_json_string(dest, tls_context.request_id);
    }
    if (!tls_context.platform.empty()) {
      dest.append(std::string_view(R"(,"platform":)"));
      append_json_string(dest, tls_context.platform);
    }
    if (!tls_context.team.empty()) {
      dest.append(std::string_view(R"(,"team":)"));
      append_json_string(dest, tls_context.team);
    }
    dest.append(std::string_view("}\n"));
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

// stdout without a flush per line: spdlog's console sinks fflush every
// message, a write(2) per request at info level. This one leaves flushing to
// flush_on(warn) and the periodic flusher.
class BufferedStdoutSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    std::fwrite(formatted.data(), 1, formatted.size(), stdout);
  }
  void flush_() override { std::fflush(stdout); }
};

}  // namespace

void setup_logging(std::string_view level, std::string_view format) {
  const bool json = format == "json" || (format != "text" && !::isatty(STDOUT_FILENO));
  spdlog::drop("rolecall");
  std::shared_ptr<spdlog::logger> logger;
  if (::isatty(STDOUT_FILENO)) {
    logger = spdlog::stdout_color_mt("rolecall");
  } else {
    logger = std::make_shared<spdlog::logger>("rolecall", std::make_shared<BufferedStdoutSink>());
    spdlog::register_logger(logger);
  }
  if (json) {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
  }
  auto lvl = spdlog::level::from_str(std::string(level));
  if (lvl == spdlog::level::off && level != "off") lvl = spdlog::level::info;
  logger->set_level(lvl);
  // Flushing every line costs a syscall per request; warnings flush at once,
  // the rest within a second.
  logger->flush_on(spdlog::level::warn);
  spdlog::flush_every(std::chrono::seconds(1));
  spdlog::set_default_logger(logger);
}

LogContext::LogContext(std::string request_id, std::string platform, std::string team)
    : saved_request_id_(std::move(tls_context.request_id)),
      saved_platform_(std::move(tls_context.platform)),
      saved_team_(std::move(tls_context.team)) {
  tls_context.request_id = std::move(request_id);
  tls_context.platform = std::move(platform);
  tls_context.team = std::move(team);
}

LogContext::~LogContext() {
  tls_context.request_id = std::move(saved_request_id_);
  tls_context.platform = std::move(saved_platform_);
  tls_context.team = std::move(saved_team_);
}

void LogContext::set_platform(std::string platform) { tls_context.platform = std::move(platform); }
void LogContext::set_team(std::string team) { tls_context.team = std::move(team); }

}  // namespace rolecall
