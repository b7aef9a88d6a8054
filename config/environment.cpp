#include "config/environment.hpp"

#include <cstdlib>

namespace rolecall {

Environment Environment::from_process() {
  Environment env;
  for (auto name : known_variables) {
    std::string key(name);
    if (const char* value = std::getenv(key.c_str())) env.set(key, value);
  }
  return env;
}

std::optional<std::string> Environment::get(std::string_view name) const {
  auto it = vars_.find(name);
  if (it == vars_.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

}  // namespace rolecall
