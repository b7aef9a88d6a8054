#include "daemon/record_format.hpp"

#include <date/date.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <sstream>

namespace rolecall {

std::optional<OutputFormat> parse_output_format(std::string_view s) {
  if (s == "table") return OutputFormat::table;
  if (s == "csv") return OutputFormat::csv;
  if (s == "json") return OutputFormat::json;
  return std::nullopt;
}

std::string format_utc(std::int64_t t) {
  return date::format("%Y-%m-%dT%H:%M:%SZ", date::sys_seconds{std::chrono::seconds{t}});
}

std::optional<std::int64_t> parse_since(std::string_view text, std::int64_t now) {
  if (text.size() >= 2) {
    const char unit = text.back();
    std::int64_t n = 0;
    auto digits = text.substr(0, text.size() - 1);
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec == std::errc{} && p == digits.data() + digits.size() && n >= 0) {
      if (unit == 'h') return now - n * 3600;
      if (unit == 'd') return now - n * 86400;
      if (unit == 'w') return now - n * 7 * 86400;
    }
  }
  for (const char* fmt : {"%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%MZ",
                          "%Y-%m-%dT%H:%M", "%Y-%m-%d"}) {
    std::istringstream in{std::string(text)};
    date::sys_seconds tp;
    in >> date::parse(fmt, tp);
    if (!in.fail() && in.peek() == std::char_traits<char>::eof()) {
      return tp.time_since_epoch().count();
    }
  }
  return std::nullopt;
}

namespace {

using Row = std::vector<std::string>;

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string one_line(std::string s, std::size_t max) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '\t', ' ');
  if (s.size() > max) {
    std::size_t cut = max - 1;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 safe
    s = s.substr(0, cut) + "…";
  }
  return s;
}

std::size_t display_width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string render(const Row& header, const std::vector<Row>& rows, OutputFormat f) {
  std::string out;
  if (f == OutputFormat::csv) {
    auto line = [&](const Row& r) {
      for (std::size_t i = 0; i < r.size(); ++i) out += (i ? "," : "") + csv_field(r[i]);
      out += "\n";
    };
    line(header);
    for (const auto& r : rows) line(r);
    return out;
  }
  std::vector<std::size_t> width(header.size());
  std::vector<Row> shown;
  for (const auto& r : rows) {
    Row s;
    for (std::size_t i = 0; i < r.size(); ++i)
      s.push_back(one_line(r[i], i + 1 == r.size() ? 80 : 32));
    shown.push_back(std::move(s));
  }
  for (std::size_t i = 0; i < header.size(); ++i) width[i] = display_width(header[i]);
  for (const auto& r : shown)
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], display_width(r[i]));
  auto line = [&](const Row& r) {
    for (std::size_t i = 0; i < r.size(); ++i) {
      out += r[i];
      if (i + 1 < r.size()) out += std::string(width[i] - display_width(r[i]) + 2, ' ');
    }
    out += "\n";
  };
  line(header);
  for (const auto& r : shown) line(r);
  if (rows.empty()) out += "(none)\n";
  return out;
}

}  // namespace

std::string format_decisions(const std::vector<DecisionRecord>& rows, OutputFormat f) {
  if (f == OutputFormat::json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& d : rows) {
      arr.push_back({{"id", d.id},
                     {"time", format_utc(d.created_at)},
                     {"team", d.team_id},
                     {"role", std::string(to_string(d.role))},
                     {"text", d.text},
                     {"decided_by", d.decided_by},
                     {"platform", d.platform},
                     {"channel", d.channel},
                     {"link", d.link}});
    }
    return arr.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  std::vector<Row> out;
  for (const auto& d : rows) {
    out.push_back({std::to_string(d.id), format_utc(d.created_at), d.team_id,
                   std::string(to_string(d.role)), d.decided_by, d.platform, d.channel, d.link,
                   d.text});
  }
  return render({"id", "time", "team", "role", "decided_by", "platform", "channel", "link", "text"},
                out, f);
}

std::string format_routings(const std::vector<RoutingRecord>& rows, OutputFormat f) {
  if (f == OutputFormat::json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& r : rows) {
      arr.push_back({{"id", r.id},
                     {"time", format_utc(r.created_at)},
                     {"team", r.team_id},
                     {"platform", r.platform},
                     {"channel", r.channel},
                     {"message_id", r.message_id},
                     {"link", r.link},
                     {"author", r.author},
                     {"intent", std::string(to_string(r.intent))},
                     {"role", std::string(to_string(r.role))},
                     {"original_role", std::string(to_string(r.original_role))},
                     {"topic", r.topic},
                     {"confidence", r.confidence},
                     {"assignee", r.assignee},
                     {"status", std::string(to_string(r.status))},
                     {"text", r.text},
                     {"text_sha256", r.text_hash}});
    }
    return arr.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  std::vector<Row> out;
  for (const auto& r : rows) {
    char conf[16];
    std::snprintf(conf, sizeof conf, "%.2f", r.confidence);
    out.push_back({std::to_string(r.id), format_utc(r.created_at), r.team_id,
                   std::string(to_string(r.intent)), std::string(to_string(r.role)), r.topic, conf,
                   r.assignee, std::string(to_string(r.status)), r.platform, r.channel, r.link,
                   r.text.empty() ? "(text not stored)" : r.text});
  }
  return render({"id", "time", "team", "intent", "role", "topic", "conf", "assignee", "status",
                 "platform", "channel", "link", "text"},
                out, f);
}

}  // namespace rolecall
