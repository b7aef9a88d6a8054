// rolecall: one binary with subcommands (daemon/cli.hpp). `serve` wires the
// daemon in daemon/serve.cpp.
#include "daemon/cli.hpp"

int main(int argc, char** argv) { return rolecall::run_cli(argc, argv); }
