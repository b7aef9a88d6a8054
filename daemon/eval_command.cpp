#include "daemon/eval_command.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>

namespace rolecall {
namespace {

constexpr const char* kRoleColumns[] = {"PM", "PO", "both", "PjM", "none"};
constexpr const char* kIntentColumns[] = {"question", "request", "other"};

std::string fixed(double v, int decimals = 3) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string padded(std::string s, std::size_t width) {
  if (s.size() < width) s.insert(0, width - s.size(), ' ');
  return s;
}

void print_text(const EvalReport& r, const std::vector<EvalItem>& items, const EvalOptions& o,
                std::ostream& out) {
  out << "lines            " << r.count << "\n";
  out << "role accuracy    " << fixed(r.role_accuracy) << "\n";
  out << "intent accuracy  " << fixed(r.intent_accuracy) << "\n\n";

  out << "role confusion (rows: label, columns: rolecall's answer)\n";
  out << padded("", 17);
  for (const char* c : kRoleColumns) out << padded(c, 6);
  out << "\n";
  for (std::size_t i = 0; i < 5; ++i) {
    std::string label(to_string(static_cast<Role>(i)));
    label.resize(17, ' ');
    out << label;
    for (std::size_t j = 0; j < 5; ++j) out << padded(std::to_string(r.role_confusion[i][j]), 6);
    out << "\n";
  }
  out << "\nintent confusion (rows: label, columns: rolecall's answer)\n" << padded("", 10);
  for (const char* c : kIntentColumns) out << padded(c, 10);
  out << "\n";
  for (std::size_t i = 0; i < 3; ++i) {
    std::string label(to_string(static_cast<Intent>(i)));
    label.resize(10, ' ');
    out << label;
    for (std::size_t j = 0; j < 3; ++j) out << padded(std::to_string(r.intent_confusion[i][j]), 10);
    out << "\n";
  }

  out << "\ncalibration of the role confidence\n  confidence   lines   mean   right\n";
  for (const ReliabilityBin& b : r.reliability) {
    if (b.count == 0) continue;
    out << "  " << fixed(b.low, 1) << "-" << fixed(b.high, 1) << "   "
        << padded(std::to_string(b.count), 6) << "  " << fixed(b.mean_confidence, 2) << "   "
        << fixed(b.accuracy, 2) << "\n";
  }
  out << "  expected calibration error: " << fixed(r.expected_calibration_error) << "\n";

  out << "\naccuracy against coverage (rolecall asks below the threshold)\n"
         "  ask below    asks   right on the rest\n";
  for (const CoveragePoint& p : r.coverage) {
    if (p.threshold < 0.25) continue;
    out << "  " << fixed(p.threshold, 2) << "      " << padded(fixed(100 * p.asked, 1) + " %", 7)
        << "   " << fixed(p.committed_accuracy) << "\n";
  }
  const CoveragePoint c = coverage_at(items, o.clarify_below);
  out << "  at routing.clarify_below = " << fixed(o.clarify_below, 2) << ": asks "
      << fixed(100 * c.asked, 1) << " %, right on the rest " << fixed(c.committed_accuracy) << "\n";
}

nlohmann::json to_json(const EvalReport& r, const std::vector<EvalItem>& items,
                       const EvalOptions& o) {
  nlohmann::json j;
  j["lines"] = r.count;
  j["role_accuracy"] = r.role_accuracy;
  j["intent_accuracy"] = r.intent_accuracy;
  nlohmann::json rc = nlohmann::json::object();
  for (std::size_t i = 0; i < 5; ++i) {
    nlohmann::json row = nlohmann::json::object();
    for (std::size_t k = 0; k < 5; ++k)
      row[std::string(to_string(static_cast<Role>(k)))] = r.role_confusion[i][k];
    rc[std::string(to_string(static_cast<Role>(i)))] = row;
  }
  j["role_confusion"] = rc;
  nlohmann::json ic = nlohmann::json::object();
  for (std::size_t i = 0; i < 3; ++i) {
    nlohmann::json row = nlohmann::json::object();
    for (std::size_t k = 0; k < 3; ++k)
      row[std::string(to_string(static_cast<Intent>(k)))] = r.intent_confusion[i][k];
    ic[std::string(to_string(static_cast<Intent>(i)))] = row;
  }
  j["intent_confusion"] = ic;
  nlohmann::json bins = nlohmann::json::array();
  for (const ReliabilityBin& b : r.reliability) {
    bins.push_back({{"low", b.low},
                    {"high", b.high},
                    {"lines", b.count},
                    {"mean_confidence", b.mean_confidence},
                    {"accuracy", b.accuracy}});
  }
  j["calibration"] = {{"bins", bins}, {"expected_calibration_error", r.expected_calibration_error}};
  nlohmann::json cov = nlohmann::json::array();
  for (const CoveragePoint& p : r.coverage)
    cov.push_back({{"ask_below", p.threshold},
                   {"asked", p.asked},
                   {"committed_accuracy", p.committed_accuracy}});
  j["coverage"] = cov;
  const CoveragePoint c = coverage_at(items, o.clarify_below);
  j["at_clarify_below"] = {{"ask_below", o.clarify_below},
                           {"asked", c.asked},
                           {"committed_accuracy", c.committed_accuracy}};
  return j;
}

}  // namespace

std::vector<EvalItem> classify_labelled(const Classifier& classifier,
                                        const std::vector<LabelledLine>& lines) {
  std::vector<EvalItem> items;
  items.reserve(lines.size());
  for (const LabelledLine& l : lines) {
    const Classification c = classifier.classify(l.text);
    EvalItem it;
    it.role = l.role;
    it.intent = l.intent;
    it.predicted_role = c.role;
    it.predicted_intent = c.intent;
    it.confidence = c.confidence;
    items.push_back(it);
  }
  return items;
}

void print_eval_report(const EvalReport& report, const std::vector<EvalItem>& items,
                       const EvalOptions& options, std::ostream& out) {
  if (options.json) {
    out << to_json(report, items, options).dump(2) << "\n";
  } else {
    print_text(report, items, options, out);
  }
}

}  // namespace rolecall
