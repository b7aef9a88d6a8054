#pragma once
// What the use cases count (classifications, routings, corrections,
// decisions, duplicates). The daemon's Prometheus registry implements it
// (daemon/metrics.hpp); tests may pass nullptr.

#include <initializer_list>
#include <string_view>
#include <utility>

namespace rolecall {

// Label names and values; only read during the call.
using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

class Counters {
 public:
  virtual ~Counters() = default;
  virtual void inc(std::string_view name, Labels labels = {}, double by = 1) = 0;
};

}  // namespace rolecall
