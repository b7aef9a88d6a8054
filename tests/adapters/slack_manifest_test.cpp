// config/slack-app-manifest.yaml: what a workspace admin pastes. Checked
// against the manifest schema's limits (slackapi/manifest-schema v1) and
// against what the daemon needs.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

namespace rolecall {
namespace {

YAML::Node manifest() {
  return YAML::LoadFile(std::string(ROLECALL_SOURCE_DIR) + "/config/slack-app-manifest.yaml");
}

std::set<std::string> strings(const YAML::Node& seq) {
  std::set<std::string> out;
  for (const auto& n : seq) out.insert(n.as<std::string>());
  return out;
}

std::size_t chars(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

constexpr const char* kUrl = "https://rolecall.example.com/slack/events";

TEST(SlackManifest, DisplayInformationWithinSchemaLimits) {
  auto d = manifest()["display_information"];
  EXPECT_EQ(d["name"].as<std::string>(), "rolecall");
  EXPECT_LE(chars(d["description"].as<std::string>()), 140u);
  auto long_description = d["long_description"].as<std::string>();
  EXPECT_GE(chars(long_description), 175u);
  EXPECT_LE(chars(long_description), 4000u);
  auto color = d["background_color"].as<std::string>();
  EXPECT_EQ(color.size(), 7u);
  EXPECT_EQ(color[0], '#');
}

TEST(SlackManifest, BotUserAndWritableMessagesTab) {
  auto f = manifest()["features"];
  EXPECT_EQ(f["bot_user"]["display_name"].as<std::string>(), "rolecall");
  EXPECT_TRUE(f["app_home"]["messages_tab_enabled"].as<bool>());
  EXPECT_FALSE(f["app_home"]["messages_tab_read_only_enabled"].as<bool>());
}

TEST(SlackManifest, ThreeEscapedSlashCommandsOnTheOneUrl) {
  std::set<std::string> commands;
  for (const auto& c : manifest()["features"]["slash_commands"]) {
    std::string command = c["command"].as<std::string>();
    commands.insert(command);
    EXPECT_EQ(command[0], '/');
    EXPECT_LE(command.size(), 32u);
    EXPECT_EQ(c["url"].as<std::string>(), kUrl) << command;
    EXPECT_TRUE(c["should_escape"].as<bool>()) << command;
    EXPECT_FALSE(c["description"].as<std::string>().empty());
  }
  EXPECT_EQ(commands, (std::set<std::string>{"/whoowns", "/decision", "/decisions"}));
}

TEST(SlackManifest, ScopesBackEveryEventAndCall) {
  auto m = manifest();
  auto scopes = strings(m["oauth_config"]["scopes"]["bot"]);
  for (const char* s : {"app_mentions:read", "chat:write", "chat:write.public", "commands",
                        "im:history", "im:write", "channels:history", "users:read"}) {
    EXPECT_TRUE(scopes.count(s)) << s;
  }
  auto events = strings(m["settings"]["event_subscriptions"]["bot_events"]);
  for (const char* e : {"app_mention", "message.im", "message.channels"}) {
    EXPECT_TRUE(events.count(e)) << e;
  }
  // Each event needs its scope, or Slack refuses the manifest.
  const std::pair<const char*, const char*> needs[] = {{"app_mention", "app_mentions:read"},
                                                       {"message.im", "im:history"},
                                                       {"message.channels", "channels:history"},
                                                       {"message.groups", "groups:history"},
                                                       {"message.mpim", "mpim:history"}};
  for (const auto& [event, scope] : needs) {
    if (events.count(event)) {
      EXPECT_TRUE(scopes.count(scope)) << event << " needs " << scope;
    }
  }
}

TEST(SlackManifest, EventsAndInteractivityUseTheSameUrl) {
  auto s = manifest()["settings"];
  EXPECT_EQ(s["event_subscriptions"]["request_url"].as<std::string>(), kUrl);
  EXPECT_TRUE(s["interactivity"]["is_enabled"].as<bool>());
  EXPECT_EQ(s["interactivity"]["request_url"].as<std::string>(), kUrl);
  EXPECT_FALSE(s["socket_mode_enabled"].as<bool>());
  EXPECT_EQ(manifest()["_metadata"]["major_version"].as<int>(), 1);
}

// config/slack-app-manifest.socket-mode.yaml: the same app without a public
// URL. It must differ from the HTTP manifest only in what Socket Mode needs.
YAML::Node socket_manifest() {
  return YAML::LoadFile(std::string(ROLECALL_SOURCE_DIR) +
                        "/config/slack-app-manifest.socket-mode.yaml");
}

TEST(SlackSocketModeManifest, SocketModeOnAndNoRequestUrlAnywhere) {
  auto m = socket_manifest();
  auto s = m["settings"];
  EXPECT_TRUE(s["socket_mode_enabled"].as<bool>());
  EXPECT_FALSE(s["event_subscriptions"]["request_url"]);
  EXPECT_TRUE(s["interactivity"]["is_enabled"].as<bool>());
  EXPECT_FALSE(s["interactivity"]["request_url"]);
  for (const auto& c : m["features"]["slash_commands"]) {
    EXPECT_FALSE(c["url"]) << c["command"].as<std::string>();
    EXPECT_TRUE(c["should_escape"].as<bool>());
  }
  std::ifstream in(std::string(ROLECALL_SOURCE_DIR) +
                   "/config/slack-app-manifest.socket-mode.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // No request URL is left, not even the HTTP manifest's placeholder.
  EXPECT_EQ(text.find("rolecall.example.com"), std::string::npos);
  EXPECT_EQ(text.find("/slack/events"), std::string::npos);
  EXPECT_NE(text.find("https://api.slack.com/apps"), std::string::npos);
  EXPECT_NE(text.find("connections:write"), std::string::npos);
}

TEST(SlackSocketModeManifest, OtherwiseTheSameAppAsTheHttpManifest) {
  auto http = manifest();
  auto socket = socket_manifest();
  EXPECT_EQ(YAML::Dump(socket["display_information"]), YAML::Dump(http["display_information"]));
  EXPECT_EQ(YAML::Dump(socket["oauth_config"]), YAML::Dump(http["oauth_config"]));
  EXPECT_EQ(YAML::Dump(socket["features"]["app_home"]), YAML::Dump(http["features"]["app_home"]));
  EXPECT_EQ(YAML::Dump(socket["features"]["bot_user"]), YAML::Dump(http["features"]["bot_user"]));
  EXPECT_EQ(strings(socket["settings"]["event_subscriptions"]["bot_events"]),
            strings(http["settings"]["event_subscriptions"]["bot_events"]));
  std::set<std::string> http_commands, socket_commands;
  for (const auto& c : http["features"]["slash_commands"])
    http_commands.insert(c["command"].as<std::string>());
  for (const auto& c : socket["features"]["slash_commands"])
    socket_commands.insert(c["command"].as<std::string>());
  EXPECT_EQ(socket_commands, http_commands);
}

}  // namespace
}  // namespace rolecall
