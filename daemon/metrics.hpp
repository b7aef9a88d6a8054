#pragma once
// A small Prometheus registry: counters, gauges and histograms with labels,
// rendered in the text exposition format 0.0.4. Counters are named `…_total`
// on their # TYPE line and on their samples alike (DESIGN.md).
//
// Thread safety: every method may be called from any thread. Metric families
// are created at start-up; recording is a map update under a mutex. It runs
// several times per request, so it allocates nothing once a series exists:
// names and labels are views, and the series key is built in a per-thread
// buffer and looked up without a temporary string.

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "usecases/counters.hpp"

namespace rolecall {

class Metrics final : public Counters {
 public:
  Metrics();

  // Declares a family (name without "_total" for counters; it is appended).
  void declare_counter(const std::string& name, const std::string& help);
  void declare_gauge(const std::string& name, const std::string& help);
  void declare_histogram(const std::string& name, const std::string& help,
                         std::vector<double> bounds);
  // A gauge whose value is read when /metrics is scraped (e.g. outbox depth).
  void gauge_callback(const std::string& name, std::function<double()> read);

  void inc(std::string_view name, Labels labels = {}, double by = 1) override;
  void set(std::string_view name, Labels labels, double value);
  void observe(std::string_view name, Labels labels, double value);

  // Current value of a counter/gauge sample (tests and the console).
  double value(std::string_view name, Labels labels = {}) const;

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
    std::map<std::string, Series, std::less<>> series;  // key: rendered label set
    std::function<double()> callback;
  };
  // The rendered label set, in a per-thread buffer valid until the next call.
  static const std::string& label_key(Labels labels);
  Family* find(std::string_view name);
  static Series& series(Family& f, Labels labels);

  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
};

// The metric names rolecall records, declared in one place.
void declare_rolecall_metrics(Metrics& m, const std::string& version);

}  // namespace rolecall
