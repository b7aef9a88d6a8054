#pragma once
// How well the classifier does on labelled messages: accuracy, confusion
// matrices, calibration (a reliability table and the expected calibration
// error) and accuracy against coverage (what rolecall would get right on the
// answers it commits to if it asked below each confidence threshold).
// Used by `rolecall eval`, the trainer and the accuracy tests. Pure.

#include <array>
#include <cstddef>
#include <vector>

#include "core/role.hpp"

namespace rolecall {

struct EvalItem {
  Role role = Role::none;  // the label
  Intent intent = Intent::other;
  Role predicted_role = Role::none;
  Intent predicted_intent = Intent::other;
  double confidence = 0.0;  // the classifier's confidence in predicted_role
};

struct ReliabilityBin {
  double low = 0.0, high = 0.0;  // confidence range [low, high)
  std::size_t count = 0;
  double mean_confidence = 0.0;
  double accuracy = 0.0;  // role accuracy inside the bin
};

struct CoveragePoint {
  double threshold = 0.0;           // rolecall asks below this confidence
  double asked = 0.0;               // fraction of messages it would ask about
  double committed_accuracy = 0.0;  // role accuracy on the rest (1 when none remain)
};

struct EvalReport {
  std::size_t count = 0;
  double role_accuracy = 0.0;
  double intent_accuracy = 0.0;
  // [label][predicted], in Role / Intent enum order.
  std::array<std::array<std::size_t, 5>, 5> role_confusion{};
  std::array<std::array<std::size_t, 3>, 3> intent_confusion{};
  std::vector<ReliabilityBin> reliability;  // ten bins of width 0.1
  double expected_calibration_error = 0.0;
  std::vector<CoveragePoint> coverage;  // thresholds 0, 0.05, …, 0.95
};

EvalReport evaluate(const std::vector<EvalItem>& items);

// The point of `report.coverage` at `threshold` computed exactly (not from
// the grid).
CoveragePoint coverage_at(const std::vector<EvalItem>& items, double threshold);

}  // namespace rolecall
