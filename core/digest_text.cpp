#include "core/digest_text.hpp"

#include <array>

#include "core/utf8.hpp"

namespace rolecall {

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view ellipsis = "\xE2\x80\xA6";     // …
constexpr std::string_view en_dash = "\xE2\x80\x93";      // –
constexpr std::string_view arrow = "\xE2\x86\x92";        // →
constexpr std::string_view times_sign = "\xC3\x97";       // ×
constexpr std::string_view middle_dot = "\xC2\xB7";       // ·
constexpr std::string_view em_dash = "\xE2\x80\x94";      // —

bool is_space(char c) noexcept {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f';
}

std::string plural(std::int64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

std::string signed_number(int n) { return (n > 0 ? "+" : "") + std::to_string(n); }

constexpr std::array<std::string_view, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::string topics_text(const std::vector<TopicCount>& topics) {
  std::string out;
  for (const TopicCount& t : topics) {
    if (!out.empty()) out += ", ";
    out += t.title + " (" + std::to_string(t.count) + ")";
  }
  return out;
}

class Lines {
 public:
  void add(std::string line) {
    out_ += line;
    out_ += '\n';
  }
  void blank() { out_ += '\n'; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

void add_link(std::string& line, const std::string& link) {
  if (link.empty()) return;
  line += ' ';
  line += valid_utf8(link);
}

}  // namespace

std::string role_heading(Role role) {
  switch (role) {
    case Role::product_manager: return "Product Manager";
    case Role::product_owner: return "Product Owner";
    case Role::both: return "Shared (PM and PO)";
    case Role::project_manager: return "Project Manager";
    case Role::none: return "No role";
  }
  return "No role";
}

std::string excerpt(std::string_view text, std::size_t max_chars) {
  std::string out;
  out.reserve(std::min(text.size(), max_chars * 4 + ellipsis.size()));
  std::size_t chars = 0;
  bool pending_space = false;
  for (std::size_t i = 0; i < text.size();) {
    if (is_space(text[i])) {
      pending_space = !out.empty();
      ++i;
      continue;
    }
    const std::size_t n = utf8_sequence_length(text, i);
    const std::size_t needed = pending_space ? 2 : 1;
    if (chars + needed > max_chars) {
      // Cut: make room for the ellipsis (one code point).
      while (chars + 1 > max_chars && !out.empty()) {
        std::size_t k = out.size() - 1;
        while (k > 0 && (static_cast<unsigned char>(out[k]) & 0xC0) == 0x80) --k;
        out.resize(k);
        --chars;
      }
      while (!out.empty() && out.back() == ' ') {
        out.pop_back();
        --chars;
      }
      if (max_chars > 0) out += ellipsis;
      return out;
    }
    if (pending_space) {
      out += ' ';
      ++chars;
      pending_space = false;
    }
    if (n == 0) {
      out += replacement;
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
    ++chars;
  }
  return out;
}

std::vector<std::size_t> decision_quotas(const Digest& d, std::size_t max_items) {
  std::vector<std::size_t> quota(d.decisions.size(), 0);
  std::size_t left = max_items;
  bool progress = true;
  while (left > 0 && progress) {
    progress = false;
    for (std::size_t g = 0; g < quota.size() && left > 0; ++g) {
      if (quota[g] < d.decisions[g].decisions.size()) {
        ++quota[g];
        --left;
        progress = true;
      }
    }
  }
  return quota;
}

std::string and_more(std::size_t n) { return "and " + std::to_string(n) + " more"; }

std::string week_dates(const IsoWeek& week) {
  const date::year_month_day first{monday_of(week)};
  const date::year_month_day last{monday_of(week) + date::days{6}};
  const auto day = [](const date::year_month_day& d) {
    return std::to_string(static_cast<unsigned>(d.day()));
  };
  const auto month = [](const date::year_month_day& d) {
    return std::string(months[static_cast<unsigned>(d.month()) - 1]);
  };
  const auto year = [](const date::year_month_day& d) {
    return std::to_string(static_cast<int>(d.year()));
  };
  const std::string tail = day(last) + " " + month(last) + " " + year(last);
  if (first.year() != last.year()) {
    return day(first) + " " + month(first) + " " + year(first) + " " + std::string(en_dash) + " " +
           tail;
  }
  if (first.month() != last.month()) {
    return day(first) + " " + month(first) + " " + std::string(en_dash) + " " + tail;
  }
  return day(first) + std::string(en_dash) + tail;
}

std::string digest_title(const Digest& d) {
  return "Weekly alignment digest: " + valid_utf8(d.team_name) + ", " + d.week_label + " (" +
         week_dates(d.week) + ")";
}

std::string empty_week_line(const Digest& d) {
  return "Nothing to report for " + valid_utf8(d.team_name) + " in " + d.week_label +
         ": no requests, questions, reassignments or decisions, and nothing waiting.";
}

std::string digest_summary(const Digest& d) {
  if (d.empty) return empty_week_line(d);
  std::string s =
      valid_utf8(d.team_name) + ", " + d.week_label + ": " +
      plural(d.requests, "request", "requests") + " (PM " + std::to_string(d.to_pm.count) +
      ", PO " + std::to_string(d.to_po.count) + "), " + std::to_string(d.moves) + " reassigned, " +
      std::to_string(d.unacknowledged.size()) + " unacknowledged, " +
      plural(d.decision_count, "decision", "decisions") + ", " +
      plural(static_cast<std::int64_t>(d.questions.size()), "question", "questions") + ".";
  return s;
}

std::string share_line(const Digest& d) {
  if (!d.strategy_percent) return "No requests went to the PM or the PO.";
  const int strategy = *d.strategy_percent;
  std::string s = "Strategy (PM) " + std::to_string(strategy) + "% " + std::string(middle_dot) +
                  " execution (PO) " + std::to_string(100 - strategy) + "% of " +
                  plural(d.share.strategy + d.share.execution, "request", "requests");
  if (d.strategy_delta_pp) {
    s += "; strategy " + signed_number(*d.strategy_delta_pp) + " pp vs the week before (" +
         std::to_string(*d.previous_strategy_percent) + "%).";
  } else {
    s += "; no figures for the week before.";
  }
  return s;
}

std::string hotspot_line(const MoveHotspot& h) {
  // Appends, not operator+ chains: GCC 12 warns falsely (-Wrestrict) on
  // "literal" + temporary string at -O2.
  std::string out = "'";
  out += valid_utf8(h.title);
  out += "': ";
  out += short_name(h.from);
  out += ' ';
  out += arrow;
  out += ' ';
  out += short_name(h.to);
  out += ' ';
  out += times_sign;
  out += std::to_string(h.count);
  return out;
}

std::string age_text(std::int64_t seconds) {
  const std::int64_t hours = std::max<std::int64_t>(seconds, 0) / 3600;
  if (hours < 72) return std::to_string(hours) + " h";
  return std::to_string(hours / 24) + " d";
}

std::string request_label(const PendingRequest& r, std::size_t max_chars) {
  std::string label = excerpt(r.text, max_chars);
  if (label.empty()) label = "request #" + std::to_string(r.id) + " (" + valid_utf8(r.title) + ")";
  return label;
}

std::string question_label(const QuestionItem& q, std::size_t max_chars) {
  std::string label = excerpt(q.text, max_chars);
  if (label.empty()) label = "question #" + std::to_string(q.id) + " (" + valid_utf8(q.title) + ")";
  return label;
}

std::string render_digest_text(const Digest& d, const DigestTextOptions& o) {
  Lines out;
  out.add(digest_title(d));
  if (d.empty) {
    out.add(empty_week_line(d));
    return out.take();
  }
  const auto more = [&](std::size_t total) {
    if (total > o.max_items) out.add("  - " + and_more(total - o.max_items));
  };

  out.blank();
  out.add("Requests: " + std::to_string(d.requests) + " " + std::string(em_dash) + " " +
          std::to_string(d.to_pm.count) + " to the PM, " + std::to_string(d.to_po.count) +
          " to the PO, " + std::to_string(d.to_both) + " shared, " + std::to_string(d.not_routed) +
          " not routed");
  if (!d.to_pm.top_topics.empty()) {
    out.add("  PM top topics: " + valid_utf8(topics_text(d.to_pm.top_topics)));
  }
  if (!d.to_po.top_topics.empty()) {
    out.add("  PO top topics: " + valid_utf8(topics_text(d.to_po.top_topics)));
  }
  out.add(share_line(d));

  out.blank();
  if (d.moves == 0) {
    out.add("Reassignments: none");
  } else {
    out.add("Reassignments: " + std::to_string(d.moves));
    for (std::size_t i = 0; i < d.hotspots.size() && i < o.max_items; ++i) {
      out.add("  - " + hotspot_line(d.hotspots[i]));
    }
    more(d.hotspots.size());
    for (const Suggestion& s : d.suggestions) out.add("  Suggestion: " + valid_utf8(s.text));
  }

  out.blank();
  const std::string after = age_text(d.unacknowledged_after);
  if (d.unacknowledged.empty()) {
    out.add("Still unacknowledged after " + after + ": none");
  } else {
    out.add("Still unacknowledged after " + after + ": " + std::to_string(d.unacknowledged.size()) +
            " (oldest first)");
    for (std::size_t i = 0; i < d.unacknowledged.size() && i < o.max_items; ++i) {
      const PendingRequest& r = d.unacknowledged[i];
      std::string line = "  - [" + age_text(r.age_seconds) + "] " +
                         request_label(r, o.excerpt_chars) + " " + std::string(em_dash) + " " +
                         std::string(short_name(r.role)) + ", " + valid_utf8(r.title);
      if (!r.assignee.empty()) line += ", waiting on " + excerpt(r.assignee, 60);
      add_link(line, r.link);
      out.add(std::move(line));
    }
    more(d.unacknowledged.size());
  }

  out.blank();
  if (d.decision_count == 0) {
    out.add("Decisions: none");
  } else {
    out.add("Decisions: " + std::to_string(d.decision_count));
    const std::vector<std::size_t> quota = decision_quotas(d, o.max_items);
    for (std::size_t g = 0; g < d.decisions.size(); ++g) {
      if (quota[g] == 0) continue;
      out.add("  " + role_heading(d.decisions[g].role) + ":");
      for (std::size_t i = 0; i < quota[g]; ++i) {
        const DecisionRecord& dec = d.decisions[g].decisions[i];
        std::string line = "    - " + excerpt(dec.text, o.excerpt_chars * 2);
        if (!dec.decided_by.empty()) line += " (" + excerpt(dec.decided_by, 60) + ")";
        add_link(line, dec.link);
        out.add(std::move(line));
      }
    }
    more(static_cast<std::size_t>(d.decision_count));
  }

  out.blank();
  if (d.questions.empty()) {
    out.add("Questions: none");
  } else {
    std::string line = "Questions: " + std::to_string(d.questions.size());
    if (!d.question_topics.empty()) {
      line += " " + std::string(em_dash) +
              " most asked about: " + valid_utf8(topics_text(d.question_topics));
    }
    out.add(std::move(line));
    for (std::size_t i = 0; i < d.questions.size() && i < o.max_items; ++i) {
      std::string q = "  - " + question_label(d.questions[i], o.excerpt_chars);
      add_link(q, d.questions[i].link);
      out.add(std::move(q));
    }
    more(d.questions.size());
  }
  return out.take();
}

}  // namespace rolecall
