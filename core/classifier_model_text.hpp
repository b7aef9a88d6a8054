#pragma once
// The classifier model's file format: plain text, one feature a line, so a
// reviewer can read what the model learned ("grep 'u:sprint'") and a diff of
// a retrained model shows what moved.
//
//   rolecall-classifier-model 1
//   # comments and blank lines are ignored
//   description trained from 1,930 lines on 2026-12-07
//   roles product_manager product_owner both project_manager none
//   intents question request other
//   topics pricing roadmap …
//   role_tie 1.25
//   topic_tie 2.1
//   role_temperature 1.1
//   intent_temperature 0.9
//   role_bias 0.1 0.2 -0.3 -0.4 0.5
//   intent_bias 0.1 0.2 0.3
//   topic_bias pricing=0.12 roadmap=-0.05 …
//   f<TAB>u:sprint<TAB>-0.5 1.2 0 0 -0.7<TAB>0 0.1 0<TAB>sprint_scope=0.8 sprint_goal=0.3
//
// The roles and intents lines must list exactly the Role and Intent values in
// enum order (the model's columns are that order). Topic ids not in `topics`
// are errors; topics of the operator's taxonomy that the model does not know
// are fine (they are scored by the lexicon tie alone).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/classifier_model.hpp"

namespace rolecall {

struct ModelParseResult {
  std::optional<ClassifierModel> model;  // set when errors is empty
  std::vector<std::string> errors;       // "line N: what is wrong"
};

// Never throws except on allocation failure.
ModelParseResult parse_classifier_model(std::string_view text);

// The model as text (parse_classifier_model(format_classifier_model(m)) gives
// back m, weights rounded to 4 significant decimals).
std::string format_classifier_model(const ClassifierModel& model);

}  // namespace rolecall
