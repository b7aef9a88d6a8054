#include "adapters/console/console_page.hpp"

namespace rolecall {

namespace {

// Kept as one literal so the page is exactly what ships: no template engine,
// nothing fetched from elsewhere (the console must work on an offline host).
constexpr std::string_view page = R"rolecall(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rolecall console</title>
<link rel="icon" href="data:,">
<style>
:root {
  --bg: #f4f5f8; --panel: #ffffff; --ink: #1d2330; --muted: #667085; --line: #e3e6ec;
  --accent: #3b5bdb; --pm: #4c51bf; --pm-bg: #eceefe; --po: #0f766e; --po-bg: #e3f6f3;
  --both: #a16207; --both-bg: #fdf3dc; --other: #4b5563; --other-bg: #eef0f3;
  --me: #3b5bdb; --me-ink: #ffffff; --err: #b42318; --err-bg: #fef3f2; --ok: #067647;
  --shadow: 0 1px 2px rgba(16, 24, 40, .06), 0 1px 3px rgba(16, 24, 40, .08);
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #12151c; --panel: #1a1f29; --ink: #e6e9ef; --muted: #98a2b3; --line: #2b3240;
    --pm: #a5b4fc; --pm-bg: #262b4a; --po: #5eead4; --po-bg: #15332f; --both: #fcd34d;
    --both-bg: #3a2f12; --other: #cbd5e1; --other-bg: #2a303b; --err: #fda29b;
    --err-bg: #3b1512; --ok: #75e0a7; --shadow: none;
  }
}
* { box-sizing: border-box; }
html, body { height: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  display: flex; flex-direction: column;
}
header {
  display: flex; align-items: center; gap: 16px; padding: 10px 20px;
  background: var(--panel); border-bottom: 1px solid var(--line); flex-wrap: wrap;
}
header h1 { font-size: 18px; margin: 0; letter-spacing: .2px; }
header h1 span { color: var(--muted); font-weight: 400; }
.team-picker { display: flex; align-items: center; gap: 8px; margin-left: auto; }
.team-picker label { color: var(--muted); font-size: 13px; }
select, input, textarea, button { font: inherit; color: inherit; }
select, input[type=text], textarea {
  background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 7px 10px;
}
select:focus, input:focus, textarea:focus { outline: 2px solid var(--accent); outline-offset: -1px; }
#team-people { color: var(--muted); font-size: 13px; }
main {
  flex: 1; display: grid; grid-template-columns: minmax(0, 1fr) 360px; gap: 16px;
  padding: 16px 20px; min-height: 0;
}
@media (max-width: 900px) { main { grid-template-columns: 1fr; } }
.chat {
  background: var(--panel); border: 1px solid var(--line); border-radius: 12px;
  box-shadow: var(--shadow); display: flex; flex-direction: column; min-height: 420px;
}
.chat-title { padding: 10px 16px; border-bottom: 1px solid var(--line); font-weight: 600; }
.chat-title span { color: var(--muted); font-weight: 400; }
#chat-log { flex: 1; overflow-y: auto; padding: 16px; display: flex; flex-direction: column; gap: 12px; }
.row { display: flex; gap: 10px; align-items: flex-start; }
.row.me { justify-content: flex-end; }
.avatar {
  flex: none; width: 30px; height: 30px; border-radius: 8px; display: grid; place-items: center;
  font-weight: 700; font-size: 13px; background: var(--accent); color: #fff;
}
.bubble { max-width: 78%; }
.row.me .bubble {
  background: var(--me); color: var(--me-ink); padding: 8px 12px; border-radius: 12px 12px 2px 12px;
  white-space: pre-wrap; overflow-wrap: anywhere;
}
.sender { font-size: 12px; color: var(--muted); margin-bottom: 3px; }
.card {
  border: 1px solid var(--line); border-radius: 10px; padding: 10px 12px; background: var(--panel);
  box-shadow: var(--shadow);
}
.card-head { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.card .text { white-space: pre-wrap; overflow-wrap: anywhere; margin-top: 6px; }
.card .meta { color: var(--muted); font-size: 12px; margin-top: 6px; }
.card .text.superseded { color: var(--muted); }
.card.routing { border-left: 4px solid var(--accent); }
.card.routing.status-dismissed { opacity: .75; border-left-color: var(--other); }
.card.routing.status-acknowledged { border-left-color: var(--ok); }
.kind { font-size: 12px; text-transform: uppercase; letter-spacing: .6px; color: var(--muted); }
.rid { font-size: 12px; color: var(--muted); margin-left: auto; }
.route-line { margin-top: 6px; display: flex; align-items: center; gap: 6px; flex-wrap: wrap; }
.badge {
  display: inline-block; font-size: 12px; font-weight: 700; padding: 1px 8px; border-radius: 999px;
  background: var(--other-bg); color: var(--other); white-space: nowrap;
}
.role-product_manager { background: var(--pm-bg); color: var(--pm); }
.role-product_owner { background: var(--po-bg); color: var(--po); }
.role-both { background: var(--both-bg); color: var(--both); }
.status { font-size: 12px; padding: 1px 8px; border-radius: 999px; border: 1px solid var(--line); color: var(--muted); }
.status.s-acknowledged { color: var(--ok); border-color: var(--ok); }
.status.s-reassigned { color: var(--both); border-color: var(--both); }
.actions { display: flex; gap: 8px; margin-top: 10px; flex-wrap: wrap; }
.actions:empty { display: none; }
button {
  cursor: pointer; border: 1px solid var(--line); background: var(--panel); border-radius: 8px;
  padding: 6px 12px;
}
button:hover:not(:disabled) { border-color: var(--accent); }
button:disabled { opacity: .55; cursor: default; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
.note { margin-top: 8px; font-size: 13px; color: var(--muted); }
.note:empty { display: none; }
.error { color: var(--err); background: var(--err-bg); border-color: var(--err); }
.hint { color: var(--muted); font-size: 14px; text-align: center; margin: auto 0; }
.composer { border-top: 1px solid var(--line); padding: 12px; display: flex; flex-direction: column; gap: 8px; }
.composer form { display: flex; gap: 8px; align-items: flex-end; }
#message-input { flex: 1; resize: vertical; min-height: 42px; max-height: 200px; }
.examples { display: flex; gap: 6px; flex-wrap: wrap; }
.examples button { font-size: 12px; padding: 3px 10px; border-radius: 999px; color: var(--muted); }
aside { display: flex; flex-direction: column; gap: 16px; min-height: 0; overflow-y: auto; }
.panel {
  background: var(--panel); border: 1px solid var(--line); border-radius: 12px; box-shadow: var(--shadow);
  padding: 12px 14px;
}
.panel h2 { font-size: 14px; margin: 0 0 8px; display: flex; align-items: center; gap: 8px; }
.panel h2 button { margin-left: auto; font-size: 12px; padding: 2px 10px; font-weight: 400; }
#digest-text {
  white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  max-height: 320px; overflow-y: auto;
}
#digest-text.unavailable { color: var(--muted); font-family: inherit; }
.decision-form { display: flex; gap: 6px; margin-bottom: 10px; }
.decision-form input { flex: 1; min-width: 0; }
ul.list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 8px; }
ul.list li { font-size: 13px; border-bottom: 1px solid var(--line); padding-bottom: 6px; }
ul.list li:last-child { border-bottom: none; }
ul.list .when { color: var(--muted); font-size: 12px; }
.empty { color: var(--muted); font-size: 13px; }
</style>
</head>
<body>
<header>
  <h1>rolecall <span>console</span></h1>
  <span id="team-people" data-testid="team-people"></span>
  <div class="team-picker">
    <label for="team-select">Team</label>
    <select id="team-select" data-testid="team-select"></select>
  </div>
</header>
<main>
  <section class="chat" aria-label="Channel">
    <div class="chat-title"># console <span id="chat-team-name"></span></div>
    <div id="chat-log" data-testid="chat-log" role="log" aria-live="polite">
      <p class="hint" id="chat-hint">Type a message as if in one of the team's channels.
        rolecall answers ownership questions and routes requests to the PM or the PO.</p>
    </div>
    <div class="composer">
      <div class="examples" id="examples">
        <button type="button" data-example="Who owns pricing?">Who owns pricing?</button>
        <button type="button" data-example="Can we pull the login bug into this sprint?">Can we pull the login bug into this sprint?</button>
        <button type="button" data-example="We should reposition the product for enterprise buyers">We should reposition for enterprise buyers</button>
        <button type="button" data-example="Who writes the acceptance criteria?">Who writes the acceptance criteria?</button>
      </div>
      <form id="message-form" autocomplete="off">
        <textarea id="message-input" data-testid="message-input" rows="2"
          placeholder="Message the channel (Enter sends, Shift+Enter for a new line)"></textarea>
        <button id="send-button" data-testid="send-button" class="primary" type="submit">Send</button>
      </form>
    </div>
  </section>
  <aside>
    <section class="panel" id="digest-panel" data-testid="digest-panel">
      <h2>This week's digest <button type="button" id="digest-refresh" data-testid="digest-refresh">Refresh</button></h2>
      <pre id="digest-text" data-testid="digest-text" class="unavailable">Loading…</pre>
    </section>
    <section class="panel" id="decisions-panel">
      <h2>Decisions</h2>
      <form class="decision-form" id="decision-form" autocomplete="off">
        <input type="text" id="decision-input" data-testid="decision-input" maxlength="2000"
          placeholder="Log a decision, e.g. We ship SSO before audit logs">
        <button id="decision-button" data-testid="decision-button" type="submit">Log decision</button>
      </form>
      <ul class="list" id="decisions-list" data-testid="decisions-list"></ul>
    </section>
    <section class="panel" id="routings-panel">
      <h2>Recent routings <button type="button" id="routings-refresh">Refresh</button></h2>
      <ul class="list" id="routings-list" data-testid="routings-list"></ul>
    </section>
  </aside>
</main>
<script>
'use strict';
(function () {
  const SHORT = { product_manager: 'PM', product_owner: 'PO', both: 'PM + PO',
                  project_manager: 'Project manager', none: '?' };
  const state = { teams: [], team: '' };
  const $ = (id) => document.getElementById(id);

  // Every element is built with textContent: nothing from the API or the
  // user is ever parsed as HTML.
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
    return e;
  }

  async function api(method, path, body) {
    const options = { method, headers: { 'Accept': 'application/json' }, credentials: 'same-origin' };
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    const response = await fetch(path, options);
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) throw new Error((data && data.error) || ('HTTP ' + response.status));
    return data;
  }

  function badge(role, label) {
    return el('span', { class: 'badge role-' + role, 'data-testid': 'role-badge',
                        text: label || SHORT[role] || role });
  }

  function when(seconds) {
    try { return new Date(seconds * 1000).toLocaleString(); } catch (e) { return ''; }
  }

  function teamName(id) {
    const t = state.teams.find((x) => x.id === id);
    return t ? t.name : id;
  }

  // ---- chat
  function addRow(mine, node) {
    const hint = $('chat-hint');
    if (hint) hint.remove();
    const log = $('chat-log');
    const row = mine
      ? el('div', { class: 'row me' }, el('div', { class: 'bubble', 'data-testid': 'user-message' }, node))
      : el('div', { class: 'row' }, el('div', { class: 'avatar', 'aria-hidden': 'true', text: 'rc' }),
           el('div', { class: 'bubble' }, el('div', { class: 'sender', text: 'rolecall' }), node));
    log.append(row);
    log.scrollTop = log.scrollHeight;
    return row;
  }

  function errorCard(message) {
    return el('div', { class: 'card error', 'data-testid': 'error-message', role: 'alert', text: message });
  }

  function answerCard(reply) {
    const a = reply.answer;
    const lines = String(reply.text || '').split('\n');
    const card = el('div', { class: 'card answer', 'data-testid': 'answer-card', 'data-role': a.role });
    card.append(el('div', { class: 'card-head' }, badge(a.role),
                    el('strong', { 'data-testid': 'answer-headline', text: lines[0] })));
    if (lines.length > 1) card.append(el('div', { class: 'text', text: lines.slice(1).join('\n') }));
    const meta = [];
    if (a.topic_title) meta.push('topic: ' + a.topic_title);
    if (a.role !== 'none') meta.push('confidence ' + Math.round(a.confidence * 100) + '%');
    if (a.cues && a.cues.length) meta.push('cues: ' + a.cues.join(', '));
    if (meta.length) card.append(el('div', { class: 'meta', text: meta.join(' · ') }));
    return card;
  }

  function routingCard(reply) {
    const r = reply.routing;
    const card = el('div', { class: 'card routing', 'data-testid': 'routing-card',
                             'data-routing-id': String(r.id) });
    card.append(
      el('div', { class: 'card-head' },
         el('span', { class: 'kind', 'data-testid': 'routing-kind' }),
         el('span', { class: 'rid', text: 'routing #' + r.id })),
      el('div', { class: 'route-line', 'data-testid': 'routing-role' }),
      el('div', { class: 'text', 'data-testid': 'routing-text', text: reply.text || '' }),
      el('div', { class: 'actions', 'data-testid': 'routing-actions' }),
      el('div', { class: 'note', 'data-testid': 'routing-note', 'aria-live': 'polite' }));
    if (r.topic_title || (r.cues && r.cues.length)) {
      const meta = [];
      if (r.topic_title) meta.push('topic: ' + r.topic_title);
      if (r.cues && r.cues.length) meta.push('cues: ' + r.cues.join(', '));
      card.insertBefore(el('div', { class: 'meta', text: meta.join(' · ') }),
                        card.querySelector('[data-testid=routing-actions]'));
    }
    updateRouting(card, r);
    return card;
  }

  // Redraws a routing card from the server's view of it (after a button too).
  function updateRouting(card, r) {
    if (card.dataset.firstRole === undefined) card.dataset.firstRole = r.role;
    card.dataset.status = r.status;
    card.dataset.role = r.role;
    // The first routing line is history once someone moved or dismissed it.
    card.querySelector('[data-testid=routing-text]').classList.toggle('superseded',
      r.role !== card.dataset.firstRole || r.status === 'dismissed');
    card.className = 'card routing status-' + r.status;
    const unresolved = r.role === 'none';
    card.querySelector('[data-testid=routing-kind]').textContent =
      unresolved ? 'Needs a choice' : 'Routed request';
    const line = card.querySelector('[data-testid=routing-role]');
    line.replaceChildren();
    if (unresolved) {
      line.append(badge('none'), el('span', { text: 'Is this for the PM or the PO?' }));
    } else {
      const who = r.assignees && r.assignees.length ? r.assignees.join(', ')
                                                      : 'nobody on this team holds this role';
      line.append(badge(r.role), el('strong', { text: r.role_name }),
                  el('span', { 'data-testid': 'routing-assignees', text: '→ ' + who }));
    }
    line.append(el('span', { class: 'status s-' + r.status, 'data-testid': 'routing-status',
                             text: r.status }));
    const actions = card.querySelector('[data-testid=routing-actions]');
    actions.replaceChildren();
    for (const a of r.actions || []) {
      const b = el('button', { type: 'button', 'data-testid': 'action-' + a.action,
                               'data-action': a.action, text: a.label });
      b.addEventListener('click', () => act(card, r.id, a.action, r.role));
      actions.append(b);
    }
  }

  // `role`: the owner the buttons were drawn for; a reassign pressed after
  // the routing moved on (another tab, another person) changes nothing.
  async function act(card, id, action, role) {
    const buttons = card.querySelectorAll('[data-testid=routing-actions] button');
    buttons.forEach((b) => { b.disabled = true; });
    const note = card.querySelector('[data-testid=routing-note]');
    try {
      const result = await api('POST', '/console/api/action',
                               { routing_id: id, action, rendered_for: role });
      updateRouting(card, result.routing);
      note.classList.remove('error');
      note.textContent = result.text;
      loadRoutings();
      loadDigest();
    } catch (e) {
      buttons.forEach((b) => { b.disabled = false; });
      note.classList.add('error');
      note.textContent = 'Could not ' + action + ': ' + e.message;
    }
  }

  function replyNode(reply) {
    if (reply.kind === 'routed' || reply.kind === 'clarification') return routingCard(reply);
    if (reply.kind === 'answer') return answerCard(reply);
    return el('div', { class: 'card', 'data-testid': 'nothing-card', text: reply.text });
  }

  async function send(text) {
    text = text.trim();
    if (!text || !state.team) return;
    const input = $('message-input');
    const button = $('send-button');
    addRow(true, text);
    input.value = '';
    button.disabled = true;
    try {
      const reply = await api('POST', '/console/api/message', { team: state.team, text });
      addRow(false, replyNode(reply));
      loadRoutings();
      loadDigest();
    } catch (e) {
      addRow(false, errorCard('Error: ' + e.message));
    } finally {
      button.disabled = false;
      input.focus();
    }
  }

  // ---- side panels
  async function loadDigest() {
    const pre = $('digest-text');
    if (!state.team) return;
    try {
      const d = await api('GET', '/console/api/digest?team=' + encodeURIComponent(state.team));
      pre.classList.toggle('unavailable', !d.available);
      pre.textContent = d.text || (d.available ? 'Nothing this week yet.' : 'digest not available yet');
    } catch (e) {
      pre.classList.add('unavailable');
      pre.textContent = 'Could not load the digest: ' + e.message;
    }
  }

  async function loadDecisions() {
    const list = $('decisions-list');
    if (!state.team) return;
    try {
      const d = await api('GET', '/console/api/decisions?team=' + encodeURIComponent(state.team));
      list.replaceChildren();
      if (!d.decisions.length) list.append(el('li', { class: 'empty', text: 'No decisions logged yet.' }));
      for (const x of d.decisions) {
        list.append(el('li', { 'data-testid': 'decision-item' },
          x.role !== 'none' ? badge(x.role) : null, ' ', el('span', { text: x.text }),
          el('div', { class: 'when', text: when(x.created_at) + ' · ' + x.platform + ' · by ' + x.decided_by })));
      }
    } catch (e) {
      list.replaceChildren(el('li', { class: 'error', text: 'Could not load decisions: ' + e.message }));
    }
  }

  async function loadRoutings() {
    const list = $('routings-list');
    if (!state.team) return;
    try {
      const d = await api('GET', '/console/api/routings?team=' + encodeURIComponent(state.team));
      list.replaceChildren();
      if (!d.routings.length) list.append(el('li', { class: 'empty', text: 'Nothing routed yet.' }));
      for (const r of d.routings) {
        const what = r.intent === 'question' ? 'answered' : r.status;
        const who = r.assignees && r.assignees.length ? ' · ' + r.assignees.join(', ') : '';
        list.append(el('li', { 'data-testid': 'routing-item', 'data-routing-id': String(r.id) },
          badge(r.role), ' ', el('span', { text: (r.topic_title || 'no topic') + ' · ' + what }),
          r.text ? el('div', { text: r.text }) : null,
          el('div', { class: 'when', text: '#' + r.id + ' · ' + when(r.created_at) + ' · ' +
                      r.platform + who })));
      }
    } catch (e) {
      list.replaceChildren(el('li', { class: 'error', text: 'Could not load routings: ' + e.message }));
    }
  }

  async function logDecision(text) {
    text = text.trim();
    if (!text || !state.team) return;
    const button = $('decision-button');
    button.disabled = true;
    try {
      await api('POST', '/console/api/decision', { team: state.team, text });
      $('decision-input').value = '';
      await loadDecisions();
      loadDigest();
    } catch (e) {
      $('decisions-list').prepend(el('li', { class: 'error', 'data-testid': 'error-message',
                                             text: 'Could not log the decision: ' + e.message }));
    } finally {
      button.disabled = false;
    }
  }

  function showTeam() {
    const t = state.teams.find((x) => x.id === state.team);
    $('digest-text').textContent = 'Loading…';
    const people = $('team-people');
    if (!t) { people.textContent = ''; return; }
    people.textContent = t.combined_person
      ? 'PM and PO: ' + t.combined_person
      : 'PM: ' + (t.product_managers.join(', ') || 'nobody') + ' · PO: ' + (t.product_owners.join(', ') || 'nobody');
    $('chat-team-name').textContent = '· ' + t.name;
    loadDigest();
    loadDecisions();
    loadRoutings();
  }

  async function start() {
    try {
      const d = await api('GET', '/console/api/teams');
      state.teams = d.teams;
      const select = $('team-select');
      for (const t of d.teams) select.append(el('option', { value: t.id, text: t.name }));
      state.team = d.default_team || (d.teams[0] && d.teams[0].id) || '';
      select.value = state.team;
      if (!state.team) addRow(false, errorCard('No teams are configured.'));
      showTeam();
    } catch (e) {
      addRow(false, errorCard('Could not load the teams: ' + e.message));
    }
  }

  $('team-select').addEventListener('change', (ev) => {
    state.team = ev.target.value;
    showTeam();
  });
  $('message-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    send($('message-input').value);
  });
  $('message-input').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      send($('message-input').value);
    }
  });
  $('examples').addEventListener('click', (ev) => {
    const text = ev.target && ev.target.dataset ? ev.target.dataset.example : '';
    if (text) send(text);
  });
  $('decision-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    logDecision($('decision-input').value);
  });
  $('digest-refresh').addEventListener('click', loadDigest);
  $('routings-refresh').addEventListener('click', loadRoutings);
  start();
})();
</script>
</body>
</html>
)rolecall";

}  // namespace

std::string_view console_page_html() noexcept { return page; }

}  // namespace rolecall
