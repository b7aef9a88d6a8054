#pragma once
// What the classifier says about one chat message.

#include <string>
#include <vector>

#include "core/role.hpp"

namespace rolecall {

struct Classification {
  Intent intent = Intent::other;
  Role role = Role::none;
  std::string topic;              // topic id, empty when role is none
  double confidence = 0.0;        // in [0,1]
  std::vector<std::string> cues;  // the cues that decided it, as they matched
  // The runner-up topic when two roles scored close (used to ask
  // "is this about X (PM) or Y (PO)?"); empty otherwise.
  std::string alternative_topic;
  // Role none only: the taxonomy's not-product topic (role: none) whose cues
  // the message matched ("lunch" -> food_and_socials); empty otherwise.
  std::string not_product_topic;
};

}  // namespace rolecall
