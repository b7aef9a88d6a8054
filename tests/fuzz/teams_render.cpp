// Fuzz target: the Teams renderers given hostile text (adapters/teams:
// teams_cards, digest_card; card_rules).
//
// Input: one byte picks the renderer, the rest builds its argument
// (render_inputs.hpp). Properties of every message:
// - its wire form (teams_compact_json: invalid UTF-8 in stored text replaced,
//   as the daemon sends it) is valid UTF-8 JSON;
// - check_teams_message finds nothing wrong for its surface (outgoing-webhook
//   reply or Workflows post): Adaptive Card 1.4 elements only, Action.OpenUrl
//   with http(s)/mailto URLs only, every <at>…</at> backed by a mention
//   entity (so hostile "<at>x</at>" text must arrive escaped), and the
//   whole envelope under Teams' 28 KB;
// - the renderers' own budget holds (26 KiB for cards, the digest's
//   max_bytes for the digest).

#include <fuzzer/FuzzedDataProvider.h>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "adapters/teams/card_rules.hpp"
#include "adapters/teams/digest_card.hpp"
#include "adapters/teams/teams_cards.hpp"
#include "config/taxonomy_loader.hpp"
#include "fuzz_check.hpp"
#include "render_inputs.hpp"

namespace {

using namespace rolecall;
using nlohmann::json;

const Taxonomy& shipped_taxonomy() {
  static const Taxonomy* t =
      new Taxonomy(load_taxonomy(ROLECALL_SOURCE_DIR "/config/taxonomy.yaml"));
  return *t;
}

void check_message(const json& m, TeamsSurface surface, std::size_t budget) {
  fuzz::show(m, "Teams message", 4000);
  // What goes on the wire: the daemon serialises Teams payloads with invalid
  // UTF-8 replaced (teams_compact_json, or dump with error_handler replace).
  const std::string wire = teams_compact_json(m);
  FUZZ_CHECK(fuzz::utf8_ok(wire), "the wire JSON is not valid UTF-8");
  FUZZ_CHECK(!json::parse(wire, nullptr, false).is_discarded(), "the wire JSON does not parse");
  FUZZ_CHECK(wire == m.dump(-1, ' ', false, json::error_handler_t::replace),
             "teams_compact_json differs from dump with replacement");
  const std::vector<std::string> problems = check_teams_message(m, surface);
  FUZZ_CHECK(problems.empty(), "check_teams_message: " + problems.front());
  FUZZ_CHECK(wire.size() < kTeamsMaxMessageBytes, "message over 28 KB");
  FUZZ_CHECK(wire.size() <= budget,
             "message over the renderer's budget: " + std::to_string(wire.size()) + " > " +
                 std::to_string(budget));
}

TeamsCardOptions options(fuzz::RenderInputs& make) {
  TeamsCardOptions o;
  if (make.flag()) {
    // A webhook name as the config accepts it ([A-Za-z0-9_-]), of a length
    // people type: the replies mention it on every line and do not shorten it.
    std::string name;
    for (char c : make.text()) {
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') name += c;
      if (name.size() == 64) break;
    }
    if (!name.empty()) o.bot_name = name;
  }
  if (make.flag())
    o.decisions_url = make.flag() ? "https://console.example/decisions" : make.text();
  o.max_list_items = make.count(30);
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)shipped_taxonomy();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  FuzzedDataProvider in(data + 1, size - 1);
  fuzz::RenderInputs make(in);
  const TeamsCardOptions o = options(make);
  const std::size_t budget = o.max_message_bytes;
  constexpr TeamsSurface reply = TeamsSurface::outgoing_reply;
  switch (data[0] % 9) {
    case 0: check_message(render_teams_answer_reply(make.answer(), o), reply, budget); break;
    case 1:
    case 2: {
      TeamsRoutingNotice n;
      n.decision = make.routing_decision();
      n.routing_id = make.id();
      n.request_text = make.text();
      n.requested_by = make.text();
      n.link = make.flag() ? "https://teams.example/l/message/" + make.text() : make.text();
      n.team_name = make.text();
      if (data[0] % 9 == 1) {
        check_message(render_teams_routing_reply(n, o), reply, budget);
      } else {
        check_message(render_teams_routing_workflow_post(n, o), TeamsSurface::workflows, budget);
      }
      break;
    }
    case 3: {
      const StatusChange c = make.status_change();
      check_message(render_teams_status_change_reply(c, make.people(), o), reply, budget);
      break;
    }
    case 4: check_message(render_teams_decision_reply(make.decision(), o), reply, budget); break;
    case 5: {
      const std::vector<DecisionRecord> ds = make.decisions();
      const std::string heading = make.text();
      const std::string filter = make.text();
      check_message(render_teams_decisions_reply(ds, heading, filter, o), reply, budget);
      break;
    }
    case 6: check_message(render_teams_help_reply(make.texts(6), o), reply, budget); break;
    case 7: check_message(render_teams_simple_reply(make.text(), o), reply, budget); break;
    case 8: {
      const Digest d = make.digest(shipped_taxonomy());
      const TeamsCardOptions limits = teams_digest_options();
      const json m = render_digest_message(d, limits);
      // digest_card.hpp: stored text is made valid UTF-8.
      fuzz::wire_json(m, "Teams digest");
      check_message(m, TeamsSurface::workflows, limits.max_message_bytes);
      break;
    }
  }
  return 0;
}
