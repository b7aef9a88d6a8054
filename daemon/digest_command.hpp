#pragma once
// `rolecall digest --team ID [--week YYYY-Www] (--preview | --post [--force])`
// --preview prints the plain-text digest; --post enqueues it in the outbox for
// every destination of the team (once per week and destination unless
// --force); the running daemon's outbox worker delivers it.

#include <string>
#include <vector>

namespace rolecall {

int run_digest_command(const std::vector<std::string>& args);

}  // namespace rolecall
