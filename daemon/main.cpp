// rolecall: one binary, several subcommands. See daemon/cli.hpp.
int main(int argc, char** argv);
