#pragma once
// The two vocabularies every part of rolecall shares: who owns something
// (Role) and what a message wants (Intent). Their spellings are part of the
// interface contract (DESIGN.md): `classify --jsonl`, the database and the
// config files all use exactly these strings.

#include <optional>
#include <string_view>

namespace rolecall {

enum class Role { product_manager, product_owner, both, project_manager, none };

enum class Intent { question, request, other };

constexpr std::string_view to_string(Role role) noexcept {
  switch (role) {
    case Role::product_manager: return "product_manager";
    case Role::product_owner: return "product_owner";
    case Role::both: return "both";
    case Role::project_manager: return "project_manager";
    case Role::none: return "none";
  }
  return "none";
}

constexpr std::string_view to_string(Intent intent) noexcept {
  switch (intent) {
    case Intent::question: return "question";
    case Intent::request: return "request";
    case Intent::other: return "other";
  }
  return "other";
}

// Human-facing names, e.g. "Product Manager".
constexpr std::string_view display_name(Role role) noexcept {
  switch (role) {
    case Role::product_manager: return "Product Manager";
    case Role::product_owner: return "Product Owner";
    case Role::both: return "Product Manager and Product Owner";
    case Role::project_manager: return "Project Manager";
    case Role::none: return "nobody";
  }
  return "nobody";
}

// Short names, e.g. "PM" / "PO".
constexpr std::string_view short_name(Role role) noexcept {
  switch (role) {
    case Role::product_manager: return "PM";
    case Role::product_owner: return "PO";
    case Role::both: return "PM + PO";
    case Role::project_manager: return "project manager";
    case Role::none: return "none";
  }
  return "none";
}

std::optional<Role> parse_role(std::string_view text) noexcept;
std::optional<Intent> parse_intent(std::string_view text) noexcept;

// The role on the other side of the PM/PO boundary (used by "reassign").
// product_manager <-> product_owner; every other role maps to itself.
constexpr Role other_role(Role role) noexcept {
  if (role == Role::product_manager) return Role::product_owner;
  if (role == Role::product_owner) return Role::product_manager;
  return role;
}

}  // namespace rolecall
