/**
 * The sheet page's script, served same-origin at /h5/scoring/assets/sheet.js. It mirrors the server's rules on
 * the rules the page carries as data (<script type="application/json" id="sheet-rules">, see sheet-rules.ts):
 *   - the running total is computeSheet (src/domain/scoring/sheet.ts) in integer hundredths: per category
 *     base (类别满分 when it has no plus items) + min(Σ plus, 加分上限) − min(Σ deductions, 扣分上限), floored at 0;
 *   - the checks and their wording are validateSheet's, and a draft skips what sheet-service lets a draft skip
 *     (required items, reasons).
 * The server stays authoritative: after a save the total shown is the one it answered. Written in ES5 with
 * XMLHttpRequest because WeCom's and DingTalk's in-app browsers on older phones are old WebViews; without
 * this script the form still posts as a plain form.
 */
export const SHEET_JS = String.raw`(function () {
  'use strict';
  var form = document.getElementById('sheet-form');
  var rulesEl = document.getElementById('sheet-rules');
  if (!form || !rulesEl || !window.JSON || !document.querySelectorAll) return;
  var rules = JSON.parse(rulesEl.textContent || '{}');
  var items = [];
  var byId = {};
  var i, j;
  for (i = 0; i < rules.categories.length; i++) {
    var c = rules.categories[i];
    for (j = 0; j < c.items.length; j++) {
      var it = c.items[j];
      var row = form.querySelector('[data-item-index="' + it.index + '"]');
      var item = {
        rule: it, category: i,
        input: document.getElementById('p-' + it.index),
        reason: document.getElementById('r-' + it.index),
        error: document.getElementById('e-' + it.index),
        row: row
      };
      items.push(item);
      byId[it.id] = item;
    }
  }
  var totalEl = document.getElementById('total');
  var totalNote = document.getElementById('total-note');
  var statusEl = document.getElementById('status-text');
  var notice = document.getElementById('notice');
  var comment = document.getElementById('comment');
  var buttons = form.querySelectorAll('button[name=action]');
  var lastAction = 'draft';
  var attempted = false;
  var busy = false;

  function formatCents(cents) {
    var sign = cents < 0 ? '-' : '';
    var abs = Math.abs(cents);
    var whole = Math.floor(abs / 100);
    var frac = abs % 100;
    if (frac === 0) return sign + whole;
    var f = (frac < 10 ? '0' : '') + frac;
    return sign + whole + '.' + f.replace(/0$/, '');
  }

  // The form's text → points, as the server reads a posted form (sheet-input.ts): full-width digits and a
  // trailing 分 are fine; anything else is not a number.
  function readPoints(text) {
    var t = String(text || '');
    if (t.normalize) t = t.normalize('NFKC');
    t = t.replace(/^\s+|\s+$/g, '').replace(/分$/, '').replace(/\s+$/, '');
    if (t === '') return { kind: 'empty' };
    if (!/^-?\d+(\.\d+)?$/.test(t)) return { kind: 'nan', text: t };
    var n = Number(t);
    var cents = Math.round(n * 100);
    if (Math.abs(cents - n * 100) >= 1e-6) return { kind: 'decimals', text: t, n: n };
    return { kind: 'ok', cents: cents, n: n };
  }

  // validateSheet's checks for one item; mode 'submit' adds what a draft may still lack.
  function problemOf(item, mode) {
    var r = item.rule;
    var word = r.kind === 'plus' ? '得分' : '扣分';
    var v = readPoints(item.input.value);
    if (v.kind === 'empty') return mode === 'submit' && r.required ? r.label + '为必评项目，尚未打分' : '';
    if (v.kind === 'nan') return r.label + '的' + word + '不是有效数字';
    if (v.kind === 'decimals') return r.label + '的' + word + '最多保留两位小数（填写了' + v.n + '）';
    if (v.cents < 0 || v.cents > r.maxCents) return r.label + word + '须在0到' + formatCents(r.maxCents) + '分之间（填写了' + formatCents(v.cents) + '）';
    if (mode === 'submit' && r.kind === 'minus' && v.cents > 0 && item.reason && item.reason.value.replace(/[\s\u200b-\u200d\u2060]+/g, '') === '') {
      return r.label + '扣' + formatCents(v.cents) + '分，须填写扣分理由';
    }
    return '';
  }

  // computeSheet over the items whose number is valid (a wrong number is shown as an error, not counted).
  function compute() {
    var plus = [], minus = [], k;
    for (k = 0; k < rules.categories.length; k++) { plus.push(0); minus.push(0); }
    var skipped = 0;
    for (k = 0; k < items.length; k++) {
      var item = items[k];
      var v = readPoints(item.input.value);
      if (v.kind === 'empty') continue;
      if (v.kind !== 'ok' || v.cents < 0 || v.cents > item.rule.maxCents) { skipped++; continue; }
      if (item.rule.kind === 'plus') plus[item.category] += v.cents; else minus[item.category] += v.cents;
    }
    var total = 0, scores = [];
    for (k = 0; k < rules.categories.length; k++) {
      var c = rules.categories[k];
      var p = c.bonusCapCents === null ? plus[k] : Math.min(plus[k], c.bonusCapCents);
      var d = c.deductionCapCents === null ? minus[k] : Math.min(minus[k], c.deductionCapCents);
      var base = c.hasPlus ? 0 : c.maxCents;
      var score = Math.max(0, base + p - d);
      scores.push(score);
      total += score;
    }
    return { totalCents: total, categories: scores, skipped: skipped };
  }

  function showTotal(fromServer, serverText, savedAs) {
    var t = compute();
    for (var k = 0; k < t.categories.length; k++) {
      var out = document.getElementById('cat-' + k);
      if (out) out.textContent = formatCents(t.categories[k]);
    }
    totalEl.textContent = fromServer ? serverText : formatCents(t.totalCents);
    totalEl.setAttribute('data-source', fromServer ? 'server' : 'browser');
    totalNote.textContent = fromServer ? (savedAs === 'submitted' ? '（已提交，以服务器计算为准）' : '（草稿已保存，以服务器计算为准）') : t.skipped ? '（有' + t.skipped + '项分数有误，未计入）' : '（实时计算，保存后以服务器为准）';
  }

  function setError(item, message) {
    item.error.textContent = message;
    if (message) item.input.setAttribute('aria-invalid', 'true'); else item.input.removeAttribute('aria-invalid');
    if (item.reason) {
      var reasonMissing = message && message.indexOf('扣分理由') >= 0;
      if (reasonMissing) item.reason.setAttribute('aria-invalid', 'true'); else item.reason.removeAttribute('aria-invalid');
    }
  }

  function showNotice(kind, message, list) {
    notice.className = 'banner ' + kind;
    notice.textContent = message;
    if (list && list.length) {
      var ul = document.createElement('ul');
      for (var k = 0; k < list.length; k++) {
        var li = document.createElement('li');
        li.textContent = list[k];
        ul.appendChild(li);
      }
      notice.appendChild(ul);
    }
    notice.hidden = false;
  }

  function check(mode) {
    var count = 0, first = null;
    for (var k = 0; k < items.length; k++) {
      var msg = problemOf(items[k], mode);
      setError(items[k], msg);
      if (msg) { count++; if (!first) first = items[k]; }
    }
    return { count: count, first: first };
  }

  function entries() {
    var out = [];
    for (var k = 0; k < items.length; k++) {
      var item = items[k];
      var v = readPoints(item.input.value);
      if (v.kind === 'empty') continue;
      var reason = item.reason ? item.reason.value : null;
      out.push({ itemId: item.rule.id, points: v.kind === 'ok' ? v.cents / 100 : item.input.value, reason: reason });
    }
    return out;
  }

  function setBusy(on) {
    busy = on;
    for (var k = 0; k < buttons.length; k++) buttons[k].disabled = on;
  }

  function lock() {
    for (var k = 0; k < items.length; k++) {
      items[k].input.disabled = true;
      if (items[k].reason) items[k].reason.disabled = true;
    }
    if (comment) comment.disabled = true;
    for (var b = 0; b < buttons.length; b++) { buttons[b].disabled = true; buttons[b].hidden = true; }
  }

  function send(action) {
    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.getAttribute('action'), true);
    xhr.setRequestHeader('Content-Type', 'application/json');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.timeout = 20000;
    xhr.onload = function () {
      setBusy(false);
      var res = null;
      try { res = JSON.parse(xhr.responseText); } catch (e) { res = null; }
      if (!res) { showNotice('error', '保存失败（服务器返回 ' + xhr.status + '），请稍后重试。'); return; }
      if (res.ok) {
        for (var k = 0; k < items.length; k++) setError(items[k], '');
        attempted = false;
        statusEl.textContent = res.statusText;
        showTotal(true, res.totalText, res.status);
        showNotice('ok', res.status === 'submitted' ? '已提交，总分 ' + res.totalText + ' 分。截止前仍可修改后重新提交。' : '草稿已保存（当前合计 ' + res.totalText + ' 分），请在截止前提交。');
        if (res.status === 'submitted' && notice.scrollIntoView) notice.scrollIntoView({ block: 'center' });
        return;
      }
      var general = [];
      var problems = res.problems || [];
      var first = null;
      for (var p = 0; p < problems.length; p++) {
        var target = problems[p].itemId !== null && byId.hasOwnProperty(problems[p].itemId) ? byId[problems[p].itemId] : null;
        if (target) { setError(target, problems[p].message); if (!first) first = target; } else general.push(problems[p].message);
      }
      showNotice('error', res.message, general);
      var shown = first && !general.length ? first.row : notice;
      if (shown && shown.scrollIntoView) shown.scrollIntoView({ block: 'center' });
      if (xhr.status === 409 || xhr.status === 403) lock();
    };
    xhr.onerror = xhr.ontimeout = function () {
      setBusy(false);
      showNotice('error', '网络异常，未能保存，请检查网络后重试。');
    };
    setBusy(true);
    showNotice('info', action === 'submit' ? '正在提交…' : '正在保存…');
    xhr.send(JSON.stringify({ entries: entries(), comment: comment ? comment.value : '', action: action }));
  }

  for (var b = 0; b < buttons.length; b++) {
    buttons[b].addEventListener('click', function (ev) { lastAction = ev.currentTarget.value; });
  }
  form.setAttribute('novalidate', '');
  form.addEventListener('input', function (ev) {
    var el = ev.target;
    for (var k = 0; k < items.length; k++) {
      if (items[k].input === el || items[k].reason === el) setError(items[k], problemOf(items[k], attempted ? 'submit' : 'draft'));
    }
    showTotal(false);
  });
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    if (busy) return;
    var action = ev.submitter && ev.submitter.value ? ev.submitter.value : lastAction;
    attempted = action === 'submit';
    var res = check(action);
    if (res.count) {
      showNotice('error', '评分表有' + res.count + '处需要修改，请看标红的项目。');
      res.first.input.focus();
      if (res.first.row && res.first.row.scrollIntoView) res.first.row.scrollIntoView({ block: 'center' });
      return;
    }
    send(action);
  });
  // The page arrives with the server's figures for what it shows; the browser takes over from the first edit.
})();
`;
