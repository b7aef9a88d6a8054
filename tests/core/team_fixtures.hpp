#pragma once
// Teams built by hand for core tests: one with a PM and a PO, one combined.

#include <string>

#include "core/team.hpp"

namespace rolecall::testing {

inline Person person(std::string name) {
  Person p;
  p.display_name = std::move(name);
  return p;
}

inline Team split_team() {
  Team t;
  t.id = "checkout";
  t.name = "Checkout";
  t.product_managers = {person("Priya Nair")};
  t.product_owners = {person("Tom Becker")};
  return t;
}

inline Team combined_team() {
  Team t;
  t.id = "startup";
  t.name = "Startup";
  t.combined = person("Ana Souza");
  return t;
}

}  // namespace rolecall::testing
