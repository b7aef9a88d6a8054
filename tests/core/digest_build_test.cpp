// build_digest and the plain-text rendering over hand-made weeks.

#include <gtest/gtest.h>

#include <algorithm>

#include "core/digest.hpp"
#include "core/digest_text.hpp"

namespace rolecall {
namespace {

constexpr std::int64_t hour = 3600;
constexpr std::int64_t day = 24 * hour;
// Monday 2026-11-23 09:00 UTC: the digest of 2026-W47 is built then.
constexpr std::int64_t now = 1795424400;
constexpr std::int64_t week_start = now - 7 * day - 9 * hour;  // Monday 2026-11-16 00:00 UTC

Taxonomy taxonomy() {
  const auto topic = [](std::string id, std::string title, Role role) {
    Topic t;
    t.id = std::move(id);
    t.title = std::move(title);
    t.role = role;
    return t;
  };
  return Taxonomy({topic("pricing", "Pricing", Role::product_manager),
                   topic("roadmap", "Roadmap", Role::product_manager),
                   topic("positioning", "Positioning", Role::product_manager),
                   topic("gtm", "Go-to-market", Role::product_manager),
                   topic("release_dates", "Release dates", Role::product_manager),
                   topic("backlog", "Backlog", Role::product_owner),
                   topic("acceptance", "Acceptance criteria", Role::product_owner),
                   topic("sprint", "Sprint planning", Role::product_owner),
                   topic("stakeholders", "Stakeholder management", Role::both)});
}

RoutingRecord request(std::int64_t id, Role role, std::string topic, std::int64_t at = week_start) {
  RoutingRecord r;
  r.id = id;
  r.platform = "slack";
  r.intent = Intent::request;
  r.role = role;
  r.original_role = role;
  r.topic = std::move(topic);
  r.text = "request " + std::to_string(id);
  r.link = "https://example.slack.com/archives/C1/p" + std::to_string(id);
  r.channel = "C1";
  r.created_at = at;
  return r;
}

RoutingRecord question(std::int64_t id, std::string topic, std::int64_t at) {
  RoutingRecord r = request(id, Role::none, std::move(topic), at);
  r.intent = Intent::question;
  r.text = "who owns " + r.topic + "?";
  return r;
}

StatusChange move(std::string topic, Role from, Role to, std::int64_t routing_id = 1) {
  return reassignment(routing_id, std::move(topic), from, to, "U1", week_start + day);
}

DigestInput input() {
  DigestInput in;
  in.team_id = "checkout";
  in.team_name = "Checkout";
  in.week = IsoWeek{2026, 47};
  return in;
}

TEST(DigestBuild, TestClockIsMondayOfWeek48) {
  // Guards the constants above.
  EXPECT_EQ(to_string(iso_week_at(now, nullptr)), "2026-W48");
  EXPECT_EQ(to_string(iso_week_at(week_start, nullptr)), "2026-W47");
  EXPECT_EQ(iso_week_range(IsoWeek{2026, 47}, nullptr).start, week_start);
}

TEST(DigestBuild, EmptyWeekSaysSoInOneLine) {
  DigestInput in = input();
  // `other` messages are not part of the digest.
  RoutingRecord chatter = request(1, Role::none, "");
  chatter.intent = Intent::other;
  in.routings.push_back(chatter);
  const Digest d = build_digest(in, taxonomy(), now);
  EXPECT_TRUE(d.empty);
  EXPECT_EQ(d.week_label, "2026-W47");
  EXPECT_EQ(d.requests, 0);
  const std::string text = render_digest_text(d);
  EXPECT_EQ(text,
            "Weekly alignment digest: Checkout, 2026-W47 (16\xE2\x80\x93"
            "22 Nov 2026)\n"
            "Nothing to report for Checkout in 2026-W47: no requests, questions, reassignments "
            "or decisions, and nothing waiting.\n");
  EXPECT_EQ(digest_summary(d), empty_week_line(d));
}

TEST(DigestBuild, OnlyAnOldOpenRequestIsNotEmpty) {
  DigestInput in = input();
  in.unacknowledged.push_back(request(9, Role::product_owner, "backlog", week_start - 10 * day));
  const Digest d = build_digest(in, taxonomy(), now);
  EXPECT_FALSE(d.empty);
  ASSERT_EQ(d.unacknowledged.size(), 1u);
}

TEST(DigestBuild, CountsPerRoleWithTopThreeTopics) {
  DigestInput in = input();
  std::int64_t id = 0;
  const auto add = [&](Role role, const std::string& topic, int n) {
    for (int i = 0; i < n; ++i) in.routings.push_back(request(++id, role, topic));
  };
  add(Role::product_manager, "pricing", 5);
  add(Role::product_manager, "roadmap", 3);
  add(Role::product_manager, "positioning", 2);
  add(Role::product_manager, "gtm", 2);  // ties with positioning, sorts after it by title
  add(Role::product_manager, "", 4);     // no topic: counted, never a top topic
  add(Role::product_owner, "backlog", 4);
  add(Role::product_owner, "unknown_topic", 1);
  add(Role::both, "stakeholders", 2);
  add(Role::project_manager, "", 1);
  in.routings.push_back(question(++id, "pricing", week_start + hour));

  const Digest d = build_digest(in, taxonomy(), now);
  EXPECT_FALSE(d.empty);
  EXPECT_EQ(d.requests, 24);
  EXPECT_EQ(d.to_pm.count, 16);
  EXPECT_EQ(d.to_po.count, 5);
  EXPECT_EQ(d.to_both, 2);
  EXPECT_EQ(d.not_routed, 1);
  ASSERT_EQ(d.to_pm.top_topics.size(), 3u);
  EXPECT_EQ(d.to_pm.top_topics[0].title, "Pricing");
  EXPECT_EQ(d.to_pm.top_topics[0].count, 5);
  EXPECT_EQ(d.to_pm.top_topics[1].title, "Roadmap");
  EXPECT_EQ(d.to_pm.top_topics[2].title, "Go-to-market");
  EXPECT_EQ(d.to_pm.top_topics[2].count, 2);
  ASSERT_EQ(d.to_po.top_topics.size(), 2u);
  EXPECT_EQ(d.to_po.top_topics[1].title, "unknown_topic");  // unknown ids show as themselves
}

TEST(DigestBuild, RoutedCountsUseOriginalRoleShareUsesFinalRole) {
  DigestInput in = input();
  RoutingRecord moved = request(1, Role::product_owner, "release_dates");
  moved.original_role = Role::product_manager;
  in.routings.push_back(moved);
  const Digest d = build_digest(in, taxonomy(), now);
  EXPECT_EQ(d.to_pm.count, 1);
  EXPECT_EQ(d.to_po.count, 0);
  EXPECT_EQ(d.share, (WorkShare{0, 1}));
  EXPECT_EQ(d.strategy_percent, 0);
}

TEST(DigestBuild, ReassignmentHotspotSuggestsATaxonomyChange) {
  DigestInput in = input();
  for (int i = 0; i < 4; ++i) {
    in.moves.push_back(move("release_dates", Role::product_manager, Role::product_owner));
  }
  in.moves.push_back(move("roadmap", Role::product_manager, Role::product_owner));
  in.moves.push_back(move("roadmap", Role::product_manager, Role::product_owner));
  const Digest d = build_digest(in, taxonomy(), now);
  EXPECT_EQ(d.moves, 6);
  ASSERT_EQ(d.hotspots.size(), 2u);
  EXPECT_EQ(d.hotspots[0].topic_id, "release_dates");
  EXPECT_EQ(d.hotspots[0].count, 4);
  EXPECT_EQ(hotspot_line(d.hotspots[0]),
            "'Release dates': PM \xE2\x86\x92 PO \xC3\x97"
            "4");
  ASSERT_EQ(d.suggestions.size(), 1u);  // roadmap moved only twice
  EXPECT_EQ(d.suggestions[0].topic_id, "release_dates");
  EXPECT_EQ(d.suggestions[0].to, Role::product_owner);
  EXPECT_EQ(d.suggestions[0].text,
            "'Release dates' was moved from the PM to the PO 4 times: consider making it a PO "
            "topic in taxonomy.yaml, or agree it as a team.");
  const std::string text = render_digest_text(d);
  EXPECT_NE(text.find("Suggestion: 'Release dates' was moved"), std::string::npos) << text;
}

TEST(DigestBuild, HotspotThresholdIsConfigurable) {
  DigestInput in = input();
  in.options.hotspot_threshold = 2;
  in.moves.push_back(move("roadmap", Role::product_manager, Role::product_owner));
  in.moves.push_back(move("roadmap", Role::product_manager, Role::product_owner));
  const Digest d = build_digest(in, taxonomy(), now);
  ASSERT_EQ(d.suggestions.size(), 1u);
  EXPECT_EQ(d.suggestions[0].topic_id, "roadmap");
}

TEST(DigestBuild, BackAndForthAndAlreadyMappedTopicsGetOtherAdvice) {
  DigestInput in = input();
  for (int i = 0; i < 2; ++i) {
    in.moves.push_back(move("stakeholders", Role::product_manager, Role::product_owner));
    in.moves.push_back(move("stakeholders", Role::product_owner, Role::product_manager));
  }
  // Backlog is already a PO topic, yet people keep moving it to the PO.
  for (int i = 0; i < 3; ++i) {
    in.moves.push_back(move("backlog", Role::product_manager, Role::product_owner));
  }
  // Moves without a topic never produce advice.
  for (int i = 0; i < 5; ++i) {
    in.moves.push_back(move("", Role::product_manager, Role::product_owner));
  }
  const Digest d = build_digest(in, taxonomy(), now);
  ASSERT_EQ(d.suggestions.size(), 2u);
  EXPECT_EQ(d.suggestions[0].text,
            "'Backlog' was moved from the PM to the PO 3 times, although taxonomy.yaml already "
            "makes it a PO topic: check its cues, or agree as a team who owns it.");
  EXPECT_EQ(d.suggestions[1].text,
            "'Stakeholder management' was moved back and forth between the PM and the PO 4 "
            "times: agree as a team who owns it.");
  EXPECT_EQ(d.suggestions[1].to, Role::none);
}

TEST(DigestBuild, UnacknowledgedAfter48HoursOldestFirst) {
  DigestInput in = input();
  in.unacknowledged.push_back(request(3, Role::product_owner, "backlog", now - 50 * hour));
  in.unacknowledged.push_back(request(1, Role::product_manager, "pricing", now - 9 * day));
  in.unacknowledged.push_back(request(2, Role::product_owner, "sprint", now - 48 * hour));
  in.unacknowledged.push_back(request(4, Role::product_owner, "sprint", now - 47 * hour));
  in.unacknowledged.push_back(request(1, Role::product_manager, "pricing", now - 9 * day));
  const Digest d = build_digest(in, taxonomy(), now);
  ASSERT_EQ(d.unacknowledged.size(), 3u);  // 47 h is too young; id 1 once
  EXPECT_EQ(d.unacknowledged[0].id, 1);
  EXPECT_EQ(d.unacknowledged[1].id, 3);
  EXPECT_EQ(d.unacknowledged[2].id, 2);
  EXPECT_EQ(d.unacknowledged[0].age_seconds, 9 * day);
  EXPECT_EQ(d.unacknowledged[0].link, "https://example.slack.com/archives/C1/p1");
  EXPECT_EQ(d.unacknowledged[1].title, "Backlog");
  const std::string text = render_digest_text(d);
  const auto first = text.find("[9 d] request 1");
  const auto second = text.find("[50 h] request 3");
  const auto third = text.find("[48 h] request 2");
  ASSERT_NE(first, std::string::npos) << text;
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
  EXPECT_NE(text.find("https://example.slack.com/archives/C1/p1"), std::string::npos);
}

TEST(DigestBuild, StrategyExecutionShareAndDelta) {
  DigestInput in = input();
  for (int i = 0; i < 6; ++i) in.routings.push_back(request(i, Role::product_manager, "pricing"));
  for (int i = 6; i < 10; ++i) in.routings.push_back(request(i, Role::product_owner, "backlog"));
  in.routings.push_back(request(10, Role::both, "stakeholders"));  // in neither
  in.previous_week = WorkShare{5, 5};
  Digest d = build_digest(in, taxonomy(), now);
  EXPECT_EQ(d.share, (WorkShare{6, 4}));
  EXPECT_EQ(d.strategy_percent, 60);
  EXPECT_EQ(d.previous_strategy_percent, 50);
  EXPECT_EQ(d.strategy_delta_pp, 10);
  EXPECT_EQ(share_line(d),
            "Strategy (PM) 60% \xC2\xB7 execution (PO) 40% of 10 requests; strategy +10 pp vs "
            "the week before (50%).");

  in.previous_week = WorkShare{1, 2};  // 33%
  d = build_digest(in, taxonomy(), now);
  EXPECT_EQ(d.strategy_delta_pp, 27);

  in.previous_week = WorkShare{9, 1};  // 90%: strategy fell
  d = build_digest(in, taxonomy(), now);
  EXPECT_EQ(d.strategy_delta_pp, -30);
  EXPECT_NE(share_line(d).find("strategy -30 pp"), std::string::npos);

  in.previous_week = WorkShare{0, 0};
  d = build_digest(in, taxonomy(), now);
  EXPECT_EQ(d.previous_strategy_percent, std::nullopt);
  EXPECT_EQ(d.strategy_delta_pp, std::nullopt);
  EXPECT_NE(share_line(d).find("no figures for the week before"), std::string::npos);

  in.routings.clear();
  in.routings.push_back(request(10, Role::both, "stakeholders"));
  d = build_digest(in, taxonomy(), now);
  EXPECT_EQ(d.strategy_percent, std::nullopt);
  EXPECT_EQ(share_line(d), "No requests went to the PM or the PO.");
}

TEST(DigestBuild, WorkShareCountsRequestsByCurrentRole) {
  std::vector<RoutingRecord> rs = {request(1, Role::product_manager, "pricing"),
                                   request(2, Role::product_owner, "backlog"),
                                   question(3, "pricing", week_start)};
  rs[2].role = Role::product_manager;
  EXPECT_EQ(work_share(rs), (WorkShare{1, 1}));
}

TEST(DigestBuild, DecisionsGroupedByRole) {
  DigestInput in = input();
  const auto decision = [](std::int64_t id, Role role, std::int64_t at) {
    DecisionRecord d;
    d.id = id;
    d.role = role;
    d.text = "decision " + std::to_string(id);
    d.decided_by = "Ana";
    d.created_at = at;
    return d;
  };
  in.decisions = {decision(1, Role::product_owner, week_start + 3 * hour),
                  decision(2, Role::product_manager, week_start + 2 * hour),
                  decision(3, Role::both, week_start + hour),
                  decision(4, Role::product_owner, week_start + hour),
                  decision(5, Role::product_manager, week_start + 5 * hour)};
  const Digest d = build_digest(in, taxonomy(), now);
  EXPECT_EQ(d.decision_count, 5);
  ASSERT_EQ(d.decisions.size(), 3u);
  EXPECT_EQ(d.decisions[0].role, Role::product_manager);
  EXPECT_EQ(d.decisions[1].role, Role::product_owner);
  EXPECT_EQ(d.decisions[2].role, Role::both);
  ASSERT_EQ(d.decisions[1].decisions.size(), 2u);
  EXPECT_EQ(d.decisions[1].decisions[0].id, 4);  // oldest first
  EXPECT_EQ(d.decisions[0].decisions[0].id, 2);
}

TEST(DigestBuild, QuestionsAndTheirTopTopics) {
  DigestInput in = input();
  in.routings = {
      question(1, "pricing", week_start + 5 * hour), question(2, "pricing", week_start + hour),
      question(3, "backlog", week_start + 2 * hour), question(4, "", week_start + 3 * hour)};
  const Digest d = build_digest(in, taxonomy(), now);
  EXPECT_FALSE(d.empty);
  EXPECT_EQ(d.requests, 0);
  ASSERT_EQ(d.questions.size(), 4u);
  EXPECT_EQ(d.questions[0].id, 2);
  ASSERT_EQ(d.question_topics.size(), 2u);
  EXPECT_EQ(d.question_topics[0].title, "Pricing");
  EXPECT_EQ(d.question_topics[0].count, 2);
  const std::string text = render_digest_text(d);
  EXPECT_NE(text.find("Questions: 4 \xE2\x80\x94 most asked about: Pricing (2), Backlog (1)"),
            std::string::npos)
      << text;
}

TEST(DigestBuild, ThousandRequestsCountsAndBoundedText) {
  DigestInput in = input();
  const std::vector<std::string> pm = {"pricing", "roadmap", "positioning", "gtm"};
  const std::vector<std::string> po = {"backlog", "acceptance", "sprint"};
  for (int i = 0; i < 1000; ++i) {
    const bool to_pm = i % 5 < 3;  // 600 PM, 400 PO
    const std::string& topic = to_pm ? pm[i % 4] : po[i % 3];
    RoutingRecord r = request(i + 1, to_pm ? Role::product_manager : Role::product_owner, topic,
                              week_start + i * 60);
    in.routings.push_back(r);
    if (i % 10 == 0) {
      r.created_at = now - 3 * day - i;
      in.unacknowledged.push_back(r);
    }
    if (i % 4 == 0) in.moves.push_back(move(topic, r.role, other_role(r.role), i + 1));
  }
  const Digest d = build_digest(in, taxonomy(), now);
  EXPECT_EQ(d.requests, 1000);
  EXPECT_EQ(d.to_pm.count, 600);
  EXPECT_EQ(d.to_po.count, 400);
  EXPECT_EQ(d.to_pm.top_topics.size(), 3u);
  EXPECT_EQ(d.moves, 250);
  EXPECT_EQ(d.unacknowledged.size(), 100u);
  EXPECT_EQ(d.strategy_percent, 60);
  std::int64_t pm_top = 0;
  for (const auto& t : d.to_pm.top_topics) pm_top += t.count;
  EXPECT_LE(pm_top, 600);
  EXPECT_GE(pm_top, 450);  // three of four topics

  const std::string text = render_digest_text(d, DigestTextOptions{10, 80});
  EXPECT_NE(text.find("  - and 90 more\n"), std::string::npos) << text;
  EXPECT_LT(std::count(text.begin(), text.end(), '\n'), 80);
}

TEST(DigestText, ExcerptCollapsesWhitespaceAndCutsAtCodePoints) {
  EXPECT_EQ(excerpt("  can we\n\n pull   the bug? ", 100), "can we pull the bug?");
  EXPECT_EQ(excerpt("abcdef", 4), "abc\xE2\x80\xA6");
  EXPECT_EQ(excerpt("abcd", 4), "abcd");
  EXPECT_EQ(excerpt("ab cdef", 4), "ab\xE2\x80\xA6");  // no space before the ellipsis
  // Umlauts and emoji are single characters, never split.
  EXPECT_EQ(excerpt("\xC3\xBC\xC3\xBC\xC3\xBC\xF0\x9F\x9A\x80x", 4),
            "\xC3\xBC\xC3\xBC\xC3\xBC\xE2\x80\xA6");
  const std::string cut = excerpt(std::string(500, 'x'), 100);
  EXPECT_EQ(cut, std::string(99, 'x') + "\xE2\x80\xA6");
  EXPECT_EQ(excerpt("", 10), "");
}

TEST(DigestText, InvalidUtf8IsReplaced) {
  EXPECT_EQ(valid_utf8("a\xFF"
                       "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(valid_utf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong
  EXPECT_EQ(valid_utf8("\xED\xA0\x80"),
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");              // surrogate
  EXPECT_EQ(valid_utf8("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // truncated
  EXPECT_EQ(excerpt("x\xFFy", 10),
            "x\xEF\xBF\xBD"
            "y");
}

TEST(DigestText, DecisionQuotasGiveEveryRoleALine) {
  Digest d;
  const auto group = [](Role role, std::size_t n) {
    DecisionGroup g{role, {}};
    g.decisions.resize(n);
    return g;
  };
  d.decisions = {group(Role::product_manager, 40), group(Role::product_owner, 40),
                 group(Role::both, 40)};
  EXPECT_EQ(decision_quotas(d, 10), (std::vector<std::size_t>{4, 3, 3}));
  EXPECT_EQ(decision_quotas(d, 0), (std::vector<std::size_t>{0, 0, 0}));
  d.decisions = {group(Role::product_manager, 1), group(Role::product_owner, 50)};
  EXPECT_EQ(decision_quotas(d, 10), (std::vector<std::size_t>{1, 9}));
  EXPECT_EQ(decision_quotas(d, 100), (std::vector<std::size_t>{1, 50}));
}

TEST(DigestText, WeekDatesAndAges) {
  EXPECT_EQ(week_dates(IsoWeek{2026, 47}),
            "16\xE2\x80\x93"
            "22 Nov 2026");
  EXPECT_EQ(week_dates(IsoWeek{2026, 49}), "30 Nov \xE2\x80\x93 6 Dec 2026");
  EXPECT_EQ(week_dates(IsoWeek{2026, 53}), "28 Dec 2026 \xE2\x80\x93 3 Jan 2027");
  EXPECT_EQ(age_text(48 * hour), "48 h");
  EXPECT_EQ(age_text(71 * hour + 59 * 60), "71 h");
  EXPECT_EQ(age_text(72 * hour), "3 d");
  EXPECT_EQ(age_text(-5), "0 h");
}

}  // namespace
}  // namespace rolecall
