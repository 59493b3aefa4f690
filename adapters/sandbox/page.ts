/**
 * The sandbox messenger's page: a static shell (no data in the markup) plus a script that talks to the
 * sandbox API. Card HTML comes from the sandbox renderer, which escapes every string; the script inserts
 * only that HTML and sets everything else with textContent.
 */
export function sandboxPage(): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>党建助手 · 沙箱消息</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/sandbox/app.css">
<script src="/sandbox/app.js" defer></script>
</head>
<body>
<header class="top">
  <h1>党建助手 <span class="muted">沙箱消息</span></h1>
  <p class="muted small">不需要企业微信或钉钉：选择一位人员，像在手机上一样与党建助手对话。</p>
</header>
<main class="layout">
  <nav class="side" aria-label="选择身份和会话">
    <label for="person">我是</label>
    <select id="person"><option value="">（选择人员）</option></select>
    <fieldset id="conversations">
      <legend>会话</legend>
      <div id="conversation-list" role="radiogroup" aria-label="会话"></div>
    </fieldset>
    <p id="status" class="muted small" role="status" aria-live="polite"></p>
  </nav>
  <section class="chat" aria-labelledby="chat-title">
    <h2 id="chat-title">请先选择人员</h2>
    <p id="chat-note" class="muted small"></p>
    <ol id="messages" class="messages" role="log" aria-live="polite" aria-label="消息"></ol>
    <form id="composer" class="composer" autocomplete="off">
      <label for="text" class="visually-hidden">输入消息</label>
      <input id="text" name="text" type="text" placeholder="输入消息，例如“帮助”" maxlength="2000" disabled>
      <button type="submit" id="send" class="btn btn-primary" disabled>发送</button>
    </form>
  </section>
</main>
</body>
</html>`;
}

export const SANDBOX_CSS = `
:root { --green: #1a7f37; --red: #c62828; --line: #d9dde3; --bg: #f4f5f7; --ink: #1f2328; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; color: var(--ink); background: var(--bg); }
.top { padding: 12px 16px; background: #b71c1c; color: #fff; }
.top h1 { margin: 0; font-size: 18px; }
.top .muted { color: #ffd7d7; }
.muted { color: #666; } .small { font-size: 13px; }
.layout { display: flex; gap: 12px; padding: 12px; max-width: 1100px; margin: 0 auto; }
.side { flex: 0 0 260px; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px; align-self: flex-start; }
.side select { width: 100%; padding: 8px; font-size: 15px; margin: 4px 0 12px; }
fieldset { border: 0; padding: 0; margin: 0; }
legend { font-weight: 600; margin-bottom: 4px; }
.conv { display: block; width: 100%; text-align: left; padding: 8px; margin: 2px 0; border: 1px solid var(--line); border-radius: 6px; background: #fff; cursor: pointer; font-size: 14px; }
.conv[aria-checked="true"] { border-color: #b71c1c; background: #fff5f5; font-weight: 600; }
.chat { flex: 1; min-width: 0; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px; display: flex; flex-direction: column; min-height: 70vh; }
.chat h2 { margin: 0 0 4px; font-size: 16px; }
#chat-note:empty { display: none; }
.messages { list-style: none; margin: 0; padding: 8px 0; flex: 1; overflow-y: auto; }
.msg { margin: 8px 0; display: flex; flex-direction: column; }
.msg .who { font-size: 12px; color: #666; }
.msg.in { align-items: flex-end; }
.msg.in .bubble { background: #95ec69; }
.msg.in.other { align-items: flex-start; }
.msg.in.other .bubble { background: #f0f1f3; }
.bubble { max-width: 85%; padding: 8px 10px; border-radius: 8px; background: #f0f1f3; white-space: pre-wrap; word-break: break-word; }
.card { max-width: 92%; border: 1px solid var(--line); border-radius: 8px; background: #fff; padding: 10px 12px; box-shadow: 0 1px 2px rgba(0,0,0,.05); }
.card h3, .card .card-title { margin: 0 0 4px; font-size: 16px; }
.card p { margin: 4px 0; }
.card .card-source { margin: 0 0 2px; font-size: 12px; color: #666; }
.card .card-subtitle { margin: 0 0 6px; font-size: 13px; color: #666; }
.card .card-actions { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; margin-top: 6px; }
.card .card-actions form { margin: 0; }
.card form { display: inline-block; margin: 4px 6px 0 0; }
.card ol, .card ul { padding-left: 20px; margin: 6px 0; }
.btn { font-size: 14px; padding: 6px 12px; border-radius: 6px; border: 1px solid var(--line); background: #fff; cursor: pointer; }
.btn:focus-visible, .conv:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #1565c0; outline-offset: 1px; }
.btn-primary { background: #b71c1c; color: #fff; border-color: #b71c1c; }
.btn-danger { color: var(--red); border-color: var(--red); }
.btn[disabled] { opacity: .5; cursor: default; }
.composer { display: flex; gap: 8px; border-top: 1px solid var(--line); padding-top: 8px; background: #fff; position: sticky; bottom: 0; padding-bottom: 4px; }
.composer input { flex: 1; padding: 10px; font-size: 15px; border: 1px solid var(--line); border-radius: 6px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (min-width: 701px) { .chat { height: calc(100vh - 120px); min-height: 420px; } .messages { min-height: 0; } }
@media (max-width: 700px) { .layout { flex-direction: column; padding: 8px; } .side { flex: none; width: 100%; } .chat { min-height: 60vh; }
  #conversation-list { display: flex; flex-wrap: wrap; gap: 6px; } .conv { display: inline-block; width: auto; margin: 0; } }
`;

export const SANDBOX_JS = String.raw`
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const token = (() => {
    const m = /(?:^|[#&])token=([^&]+)/.exec(location.hash);
    if (m) { sessionStorage.setItem('djb_token', decodeURIComponent(m[1])); history.replaceState(null, '', location.pathname); }
    return sessionStorage.getItem('djb_token');
  })();
  // gen changes whenever the shown conversation does, so an answer to an older poll is dropped.
  const state = { people: [], chats: [], person: null, conversation: null, gen: 0, lastId: 0, timer: null, names: new Map(), pollFailed: false };

  async function api(path, body) {
    const headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = 'Bearer ' + token;
    const res = await fetch('/sandbox/api' + path, body === undefined ? { headers } : { method: 'POST', headers, body: JSON.stringify(body) });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error((data.error && data.error.message) || ('请求失败 ' + res.status));
    return data;
  }
  const status = (text) => { $('status').textContent = text; };

  async function loadDirectory() {
    const d = await api('/directory');
    state.people = d.people; state.chats = d.chats;
    // By unit id, not name: names repeat across branches (each may have a 第一党小组).
    const byUnit = new Map();
    for (const p of d.people) {
      state.names.set(String(p.id), p.name);
      if (!byUnit.has(p.unitId)) byUnit.set(p.unitId, { label: p.unitLabel || p.unitName, list: [] });
      byUnit.get(p.unitId).list.push(p);
    }
    const select = $('person');
    for (const { label, list } of byUnit.values()) {
      const group = document.createElement('optgroup');
      group.label = label;
      for (const p of list) {
        const o = document.createElement('option');
        o.value = String(p.id);
        o.textContent = p.name + (p.roles.includes('secretary') ? '（书记）' : p.roles.includes('leader') ? '（领导）' : p.roles.includes('admin') ? '（党务干部）' : '');
        group.appendChild(o);
      }
      select.appendChild(group);
    }
  }

  function renderConversations() {
    const list = $('conversation-list');
    list.textContent = '';
    if (!state.person) return;
    const items = [{ key: 'person:' + state.person, label: '与党建助手的单聊' }].concat(state.chats.map((c) => ({ key: 'chat:' + c.id, label: c.name })));
    for (const it of items) {
      const b = document.createElement('button');
      b.type = 'button'; b.className = 'conv'; b.setAttribute('role', 'radio');
      b.setAttribute('aria-checked', String(it.key === state.conversation));
      b.dataset.conversation = it.key; b.textContent = it.label;
      b.addEventListener('click', () => openConversation(it.key, it.label));
      list.appendChild(b);
    }
  }

  async function openConversation(key, label) {
    state.conversation = key; state.lastId = 0; state.gen++;
    $('messages').textContent = '';
    $('chat-title').textContent = label;
    $('chat-note').textContent = key.startsWith('chat:') ? '群聊：机器人给你的私人回复会出现在“与党建助手的单聊”中。' : '';
    $('text').disabled = false; $('send').disabled = false;
    renderConversations();
    await poll();
  }

  function appendMessage(m) {
    const li = document.createElement('li');
    // In a group, other people's messages sit on the left like the bot's; only mine are on the right.
    li.className = 'msg ' + m.direction + (m.direction === 'in' && m.party !== state.person ? ' other' : '');
    li.dataset.id = String(m.id);
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = m.direction === 'in' ? (state.names.get(m.party) || ('人员 ' + m.party)) : '党建助手';
    li.appendChild(who);
    if (m.html) {
      const card = document.createElement('div');
      card.className = 'card-wrap'; // the renderer's <article> is the card itself
      card.innerHTML = m.html; // produced by the sandbox renderer, which escapes every string
      li.appendChild(card);
    } else {
      const b = document.createElement('div');
      b.className = 'bubble';
      b.textContent = m.text || '';
      li.appendChild(b);
    }
    $('messages').appendChild(li);
    li.scrollIntoView({ block: 'end' });
  }

  // Polls overlap (the timer, and the poll after sending): each appends only what is newer than what is shown.
  async function poll() {
    if (!state.conversation) return;
    const conv = state.conversation;
    const gen = state.gen;
    try {
      const d = await api('/conversations/' + encodeURIComponent(conv) + '/messages?after=' + state.lastId);
      if (gen !== state.gen) return;
      for (const m of d.messages) {
        if (m.id <= state.lastId) continue;
        appendMessage(m); state.lastId = m.id;
      }
      // Clear only a message a poll put there; a refused send keeps its explanation.
      if (state.pollFailed) { state.pollFailed = false; status(''); }
    } catch (e) { state.pollFailed = true; status(e.message); }
  }

  $('person').addEventListener('change', async (ev) => {
    state.person = ev.target.value || null;
    state.conversation = null; state.gen++;
    $('messages').textContent = '';
    $('chat-title').textContent = '请先选择人员'; $('chat-note').textContent = '';
    $('text').disabled = true; $('send').disabled = true;
    renderConversations();
    if (!state.person) return;
    await openConversation('person:' + state.person, '与党建助手的单聊');
    try { await api('/enter', { from: Number(state.person) }); } catch (e) { status(e.message); }
  });

  $('composer').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const input = $('text');
    const text = input.value.trim();
    if (!text || !state.person) return;
    status('');
    const body = { from: Number(state.person), text };
    if (state.conversation && state.conversation.startsWith('chat:')) body.chat = state.conversation.slice(5);
    // Cleared at once, like a messenger; put back if the send fails so nothing typed is lost.
    input.value = '';
    try { await api('/messages', body); await poll(); } catch (e) { input.value = text; status(e.message); }
    input.focus();
  });

  // Card buttons and forms: the renderer's forms carry card, action and payload; answers of choices too.
  $('messages').addEventListener('submit', async (ev) => {
    const form = ev.target.closest('form.card-action');
    if (!form) return;
    ev.preventDefault();
    const fd = new FormData(form);
    const values = {};
    for (const [k, v] of fd.entries()) {
      if (['card', 'action', 'ref', 'payload'].includes(k)) continue;
      (values[k] = values[k] || []).push(String(v));
    }
    const clicked = form.querySelector('button');
    const body = { from: Number(state.person), card: String(fd.get('card')), action: String(fd.get('action')), payload: JSON.parse(String(fd.get('payload') || '{}')), label: clicked ? clicked.textContent.trim().slice(0, 40) : '' };
    if (Object.keys(values).length) body.values = values;
    if (state.conversation && state.conversation.startsWith('chat:')) body.chat = state.conversation.slice(5);
    const button = form.querySelector('button');
    if (button) button.disabled = true;
    status('');
    try { await api('/actions', body); await poll(); } catch (e) { status(e.message); if (button) button.disabled = false; }
  });

  loadDirectory().then(() => { state.timer = setInterval(poll, 1000); }).catch((e) => status(e.message));
})();
`;
