#pragma once
// The console page: one self-contained HTML document (inline CSS and vanilla
// JavaScript, no external resources) that talks to /console/api/*. It builds
// every element from API data with textContent, never innerHTML, so nothing
// a user typed can become markup.
//
// Stable hooks for the browser test (tests/e2e/console_e2e.py), as
// data-testid: team-select, message-input, send-button, chat-log,
// user-message, answer-card, answer-headline, routing-card (with
// data-routing-id and data-status), routing-role, routing-status,
// routing-note, routing-actions, action-<ack|reassign|dismiss|choose_pm|
// choose_po>, error-message, digest-panel, digest-text, digest-refresh,
// decision-input, decision-button, decisions-list, decision-item,
// routings-list, team-people.

#include <string_view>

namespace rolecall {

// The whole document; static storage, valid for the program's life.
std::string_view console_page_html() noexcept;

}  // namespace rolecall
