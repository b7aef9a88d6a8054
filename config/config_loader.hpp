#pragma once
// Loading the application configuration (AppConfig) from its YAML file and
// the environment.
//
// Loading is a pure function of the files it reads (the config file, the
// `*_file` secrets and, for check_config, the taxonomy) and the Environment
// passed in: no globals, no caching. The daemon can therefore load a fresh
// AppConfig on SIGHUP and swap it in, keeping the old one when loading
// throws. Safe to call from any thread.
//
// Path rules: `taxonomy.path`, `*_file` and `teams_workflow_urls_file` are
// taken relative to the config file's directory when relative;
// `storage.path` is relative to the working directory (like ROLECALL_DB).

#include <optional>
#include <string>
#include <vector>

#include "config/app_config.hpp"
#include "config/config_error.hpp"
#include "config/environment.hpp"

namespace rolecall {

// The config file to use: the --config flag, else ROLECALL_CONFIG, else
// "config/rolecall.example.yaml" (DESIGN.md).
std::string resolve_config_path(const std::optional<std::string>& cli_flag, const Environment& env);

// Loads, validates and resolves the configuration. Does not read the
// taxonomy (call load_taxonomy(config.taxonomy.path)). Throws ConfigError
// carrying every problem found (errors and warnings) when there is at least
// one error; warnings alone end up in AppConfig::warnings.
AppConfig load_config(const std::string& path, const Environment& env);

// Same validation as load_config plus the taxonomy file the config points to,
// for `rolecall check-config`. Returns every problem (errors and warnings;
// empty when all is well) instead of throwing.
std::vector<Problem> check_config(const std::string& path, const Environment& env);

// load_config from text already in memory; `path` gives the display name and
// the directory relative paths are resolved against.
AppConfig load_config_from_string(std::string_view yaml, const std::string& path,
                                  const Environment& env);

}  // namespace rolecall
