#pragma once
// A small Prometheus registry: counters, gauges and histograms with labels,
// rendered in the text exposition format 0.0.4. Counters are named `…_total`
// on their # TYPE line and on their samples alike (DESIGN.md).
//
// Thread safety: every method may be called from any thread. Metric families
// are created at start-up; recording is a mutex-protected map update, cheap
// next to the network work around it.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace rolecall {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Metrics {
 public:
  Metrics();

  // Declares a family (name without "_total" for counters; it is appended).
  void declare_counter(const std::string& name, const std::string& help);
  void declare_gauge(const std::string& name, const std::string& help);
  void declare_histogram(const std::string& name, const std::string& help,
                         std::vector<double> bounds);
  // A gauge whose value is read when /metrics is scraped (e.g. outbox depth).
  void gauge_callback(const std::string& name, std::function<double()> read);

  void inc(const std::string& name, const Labels& labels = {}, double by = 1);
  void set(const std::string& name, const Labels& labels, double value);
  void observe(const std::string& name, const Labels& labels, double value);

  // Current value of a counter/gauge sample (tests and the console).
  double value(const std::string& name, const Labels& labels = {}) const;

  std::string render() const;

 private:
  enum class Kind { counter, gauge, histogram };
  struct Series {
    double value = 0;
    std::vector<std::uint64_t> buckets;  // histograms: cumulative at render
    double sum = 0;
    std::uint64_t count = 0;
  };
  struct Family {
    Kind kind = Kind::counter;
    std::string help;
    std::vector<double> bounds;
    std::map<std::string, Series> series;  // key: rendered label set
    std::function<double()> callback;
  };
  static std::string label_key(const Labels& labels);
  Family* find(const std::string& name);

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

// The metric names rolecall records, declared in one place.
void declare_rolecall_metrics(Metrics& m, const std::string& version);

}  // namespace rolecall
