#pragma once
// The rolecall command line: one binary, several subcommands (DESIGN.md):
//   serve, ask, classify, digest, check-config, decisions, routes, db.
// Every subcommand reads the same configuration (--config FILE, else
// ROLECALL_CONFIG, else config/rolecall.example.yaml) and the same database.
//
// Exit status: 0 success; 1 the command ran but failed (e.g. malformed
// classify input, store error); 2 usage or configuration error.

namespace rolecall {

int run_cli(int argc, char** argv);

}  // namespace rolecall
