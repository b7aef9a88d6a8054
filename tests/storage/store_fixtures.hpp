#pragma once
// Record builders shared by the storage tests.

#include <cstdint>
#include <string>

#include "storage/sha256.hpp"
#include "storage/store.hpp"

namespace rolecall::storage_test {

inline RoutingRecord make_routing(const std::string& team, std::int64_t at,
                                  Role role = Role::product_owner,
                                  const std::string& topic = "backlog_priority",
                                  const std::string& text = "who prioritises the backlog?") {
  RoutingRecord r;
  r.platform = "slack";
  r.team_id = team;
  r.channel = "C0INTAKE";
  r.message_id = std::to_string(at) + ".000100";
  r.link = "https://example.slack.com/archives/C0INTAKE/p" + std::to_string(at);
  r.author = "U0AUTHOR";
  r.text = text;
  r.text_hash = sha256_hex(text);
  r.intent = Intent::question;
  r.role = role;
  r.original_role = role;
  r.topic = topic;
  r.confidence = 0.75;
  r.assignee = "U0PO";
  r.created_at = at;
  r.updated_at = at;
  return r;
}

inline DecisionRecord make_decision(const std::string& team, std::int64_t at,
                                    const std::string& text = "we ship on Thursdays") {
  DecisionRecord d;
  d.platform = "slack";
  d.team_id = team;
  d.role = Role::product_manager;
  d.text = text;
  d.decided_by = "U0PM";
  d.channel = "C0INTAKE";
  d.link = "https://example.slack.com/archives/C0INTAKE/p" + std::to_string(at);
  d.created_at = at;
  return d;
}

inline OutboxMessage make_message(const std::string& key) {
  return {"slack:chat.postMessage", "C0INTAKE", R"({"text":"hello"})", key};
}

}  // namespace rolecall::storage_test
