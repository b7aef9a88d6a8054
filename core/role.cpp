#include "core/role.hpp"

namespace rolecall {

std::optional<Role> parse_role(std::string_view text) noexcept {
  for (Role r : {Role::product_manager, Role::product_owner, Role::both, Role::project_manager,
                 Role::none}) {
    if (to_string(r) == text) return r;
  }
  return std::nullopt;
}

std::optional<Intent> parse_intent(std::string_view text) noexcept {
  for (Intent i : {Intent::question, Intent::request, Intent::other}) {
    if (to_string(i) == text) return i;
  }
  return std::nullopt;
}

}  // namespace rolecall
