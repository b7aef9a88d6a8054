#include "daemon/platform_wiring.hpp"

#include <spdlog/spdlog.h>

namespace rolecall {

PlatformWiring::PlatformWiring(const AppConfig& config) : config_(config) {}

void PlatformWiring::register_routes(RequestRouter&, const PlatformContext&) const {}

}  // namespace rolecall
