#include "daemon/metrics.hpp"

#include <cmath>
#include <sstream>

namespace rolecall {

namespace {

void append_escaped_label(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
}

std::string format_number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  std::ostringstream os;
  os.precision(12);
  os << v;
  return os.str();
}

std::string sample_name(const std::string& family, bool counter) {
  return counter ? family + "_total" : family;
}

}  // namespace

Metrics::Metrics() = default;

const std::string& Metrics::label_key(Labels labels) {
  thread_local std::string key;
  key.clear();
  for (const auto& [k, v] : labels) {
    if (!key.empty()) key += ',';
    key += k;
    key += "=\"";
    append_escaped_label(key, v);
    key += '"';
  }
  return key;
}

Metrics::Family* Metrics::find(std::string_view name) {
  auto it = families_.find(name);
  return it == families_.end() ? nullptr : &it->second;
}

Metrics::Series& Metrics::series(Family& f, Labels labels) {
  const std::string& key = label_key(labels);
  auto it = f.series.find(std::string_view(key));
  if (it == f.series.end()) it = f.series.emplace(key, Series{}).first;
  return it->second;
}

void Metrics::declare_counter(const std::string& name, const std::string& help) {
  std::lock_guard lock(mutex_);
  families_[name] = Family{Kind::counter, help, {}, {}, {}};
}

void Metrics::declare_gauge(const std::string& name, const std::string& help) {
  std::lock_guard lock(mutex_);
  families_[name] = Family{Kind::gauge, help, {}, {}, {}};
}

void Metrics::declare_histogram(const std::string& name, const std::string& help,
                                std::vector<double> bounds) {
  std::lock_guard lock(mutex_);
  families_[name] = Family{Kind::histogram, help, std::move(bounds), {}, {}};
}

void Metrics::gauge_callback(const std::string& name, std::function<double()> read) {
  std::lock_guard lock(mutex_);
  if (auto* f = find(name)) f->callback = std::move(read);
}

void Metrics::inc(std::string_view name, Labels labels, double by) {
  std::lock_guard lock(mutex_);
  if (auto* f = find(name)) series(*f, labels).value += by;
}

void Metrics::set(std::string_view name, Labels labels, double value) {
  std::lock_guard lock(mutex_);
  if (auto* f = find(name)) series(*f, labels).value = value;
}

void Metrics::observe(std::string_view name, Labels labels, double value) {
  std::lock_guard lock(mutex_);
  auto* f = find(name);
  if (!f || f->kind != Kind::histogram) return;
  auto& s = series(*f, labels);
  if (s.buckets.empty()) s.buckets.assign(f->bounds.size(), 0);
  for (std::size_t i = 0; i < f->bounds.size(); ++i)
    if (value <= f->bounds[i]) ++s.buckets[i];
  s.sum += value;
  ++s.count;
}

double Metrics::value(std::string_view name, Labels labels) const {
  std::lock_guard lock(mutex_);
  auto it = families_.find(name);
  if (it == families_.end()) return 0;
  if (it->second.callback) return it->second.callback();
  auto s = it->second.series.find(std::string_view(label_key(labels)));
  return s == it->second.series.end() ? 0 : s->second.value;
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, f] : families_) {
    const bool counter = f.kind == Kind::counter;
    const std::string base = sample_name(name, counter);
    const char* type = counter ? "counter" : f.kind == Kind::gauge ? "gauge" : "histogram";
    out += "# HELP " + base + " " + f.help + "\n";
    out += "# TYPE " + base + " " + type + "\n";
    if (f.callback) {
      out += base + " " + format_number(f.callback()) + "\n";
      continue;
    }
    for (const auto& [key, s] : f.series) {
      if (f.kind != Kind::histogram) {
        out += base + (key.empty() ? "" : "{" + key + "}") + " " + format_number(s.value) + "\n";
        continue;
      }
      const std::string sep = key.empty() ? "" : key + ",";
      for (std::size_t i = 0; i < f.bounds.size(); ++i) {
        out += base + "_bucket{" + sep + "le=\"" + format_number(f.bounds[i]) + "\"} " +
               std::to_string(s.buckets[i]) + "\n";
      }
      out += base + "_bucket{" + sep + "le=\"+Inf\"} " + std::to_string(s.count) + "\n";
      out +=
          base + "_sum" + (key.empty() ? "" : "{" + key + "}") + " " + format_number(s.sum) + "\n";
      out += base + "_count" + (key.empty() ? "" : "{" + key + "}") + " " +
             std::to_string(s.count) + "\n";
    }
  }
  return out;
}

void declare_rolecall_metrics(Metrics& m, const std::string& version) {
  m.declare_gauge("rolecall_build_info", "Build information; the value is always 1.");
  m.set("rolecall_build_info", {{"version", version}}, 1);
  m.declare_counter("rolecall_http_requests", "HTTP requests by endpoint and status.");
  m.declare_counter("rolecall_http_accept_errors",
                    "Failed accepts on the listening socket (mostly out of file descriptors).");
  m.inc("rolecall_http_accept_errors", {}, 0);  // a series from the start, for alert rules
  m.declare_gauge("rolecall_http_connections_open", "HTTP connections open now.");
  m.set("rolecall_http_connections_open", {}, 0);
  m.declare_gauge("rolecall_http_connections_max",
                  "The most HTTP connections open at once (server.max_connections).");
  m.declare_counter("rolecall_http_connections_refused",
                    "Connections refused with a 503 because server.max_connections were open.");
  m.inc("rolecall_http_connections_refused", {}, 0);
  m.declare_histogram("rolecall_http_request_duration_seconds",
                      "Time from a parsed request to its response, by endpoint.",
                      {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5});
  m.declare_counter("rolecall_signature_failures",
                    "Inbound requests rejected as unsigned or "
                    "badly signed, by platform and reason.");
  m.declare_counter("rolecall_classifications", "Messages classified, by role and intent.");
  m.declare_counter("rolecall_routings", "Requests routed, by role and kind.");
  m.declare_counter("rolecall_corrections", "Routing corrections, by action.");
  m.declare_counter("rolecall_decisions", "Decisions logged, by platform.");
  m.declare_counter("rolecall_duplicate_events", "Inbound events dropped as duplicates.");
  m.declare_gauge("rolecall_outbox_depth", "Outbox rows waiting for delivery.");
  m.declare_gauge("rolecall_db_pool_in_use",
                  "PostgreSQL connections of this replica handed out now.");
  m.declare_gauge("rolecall_db_pool_waiting",
                  "Callers of this replica waiting for a pooled PostgreSQL connection now.");
  m.declare_gauge("rolecall_db_pool_open", "PostgreSQL connections this replica holds open.");
  m.declare_gauge("rolecall_database_up",
                  "1 when the store answered the last check of the database watch (every 2 s), "
                  "else 0.");
  m.declare_gauge("rolecall_leases_held",
                  "Leases this replica holds now (1) or not (0), by lease: digest, housekeeping.");
  m.declare_gauge("rolecall_outbox_max_depth",
                  "Outbox depth above which rolecall warns (outbox.max_depth).");
  m.declare_counter("rolecall_outbox_depth_exceeded",
                    "Times the outbox depth rose above outbox.max_depth.");
  m.inc("rolecall_outbox_depth_exceeded", {}, 0);
  m.declare_counter("rolecall_outbox_deliveries", "Outbox deliveries, by destination and outcome.");
  m.declare_counter("rolecall_outbox_claims",
                    "Outbox rows this replica claimed for delivery (each claim a lease).");
  m.inc("rolecall_outbox_claims", {}, 0);
  m.declare_counter("rolecall_outbox_retries", "Outbox delivery attempts that will be retried.");
  m.declare_counter("rolecall_outbox_failures",
                    "Outbox rows given up (permanent error or attempts exhausted).");
  m.declare_counter("rolecall_outbox_lookups",
                    "Looks on the platform for the post of a row whose earlier attempt was cut "
                    "short, by destination and outcome (found, not_found, failed, unsupported).");
  m.declare_counter("rolecall_digests_posted", "Weekly digests enqueued, by team and platform.");
  m.declare_counter("rolecall_slack_app_rate_limited",
                    "app_rate_limited events from Slack (it is dropping this app's events).");
  m.declare_gauge("rolecall_slack_socket_connections",
                  "Slack Socket Mode connections open (said hello).");
  m.declare_counter("rolecall_slack_socket_reconnects",
                    "Slack Socket Mode connections replaced or lost, by reason.");
  m.declare_counter("rolecall_slack_socket_envelopes",
                    "Slack Socket Mode envelopes received, by type.");
  m.declare_histogram("rolecall_slack_socket_ack_seconds",
                      "Time from reading a Slack Socket Mode envelope to its ack being written.",
                      {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3});
}

}  // namespace rolecall
