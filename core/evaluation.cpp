#include "core/evaluation.hpp"

#include <cmath>

namespace rolecall {

CoveragePoint coverage_at(const std::vector<EvalItem>& items, double threshold) {
  CoveragePoint p;
  p.threshold = threshold;
  std::size_t asked = 0, kept = 0, right = 0;
  for (const EvalItem& e : items) {
    if (e.confidence < threshold) {
      ++asked;
      continue;
    }
    ++kept;
    right += e.predicted_role == e.role ? 1 : 0;
  }
  p.asked = items.empty() ? 0.0 : static_cast<double>(asked) / static_cast<double>(items.size());
  p.committed_accuracy = kept == 0 ? 1.0 : static_cast<double>(right) / static_cast<double>(kept);
  return p;
}

EvalReport evaluate(const std::vector<EvalItem>& items) {
  EvalReport r;
  r.count = items.size();
  std::size_t role_right = 0, intent_right = 0;
  r.reliability.resize(10);
  for (std::size_t b = 0; b < 10; ++b) {
    r.reliability[b].low = static_cast<double>(b) / 10.0;
    r.reliability[b].high = static_cast<double>(b + 1) / 10.0;
  }
  std::array<double, 10> conf_sum{}, right_sum{};
  for (const EvalItem& e : items) {
    const bool role_ok = e.predicted_role == e.role;
    role_right += role_ok ? 1 : 0;
    intent_right += e.predicted_intent == e.intent ? 1 : 0;
    ++r.role_confusion[static_cast<std::size_t>(e.role)]
                      [static_cast<std::size_t>(e.predicted_role)];
    ++r.intent_confusion[static_cast<std::size_t>(e.intent)]
                        [static_cast<std::size_t>(e.predicted_intent)];
    const double c =
        std::isfinite(e.confidence) ? std::fmin(std::fmax(e.confidence, 0.0), 1.0) : 0.0;
    const std::size_t bin = std::min<std::size_t>(9, static_cast<std::size_t>(c * 10.0));
    ++r.reliability[bin].count;
    conf_sum[bin] += c;
    right_sum[bin] += role_ok ? 1.0 : 0.0;
  }
  if (items.empty()) return r;
  const double n = static_cast<double>(items.size());
  r.role_accuracy = static_cast<double>(role_right) / n;
  r.intent_accuracy = static_cast<double>(intent_right) / n;
  for (std::size_t b = 0; b < 10; ++b) {
    ReliabilityBin& bin = r.reliability[b];
    if (bin.count == 0) continue;
    const double k = static_cast<double>(bin.count);
    bin.mean_confidence = conf_sum[b] / k;
    bin.accuracy = right_sum[b] / k;
    r.expected_calibration_error += (k / n) * std::fabs(bin.accuracy - bin.mean_confidence);
  }
  for (int t = 0; t < 20; ++t) r.coverage.push_back(coverage_at(items, t * 0.05));
  return r;
}

}  // namespace rolecall
