#pragma once
// `rolecall serve`: runs the daemon until SIGTERM/SIGINT.

#include "config/app_config.hpp"

namespace rolecall {

// threads_override: 0 = config (server.threads), whose 0 = one per core.
// Returns the process exit status.
int run_serve(AppConfig config, unsigned threads_override);

}  // namespace rolecall
