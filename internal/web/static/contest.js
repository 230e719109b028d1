// Live contest screens: host console, judges, team buzzer, big screen,
// audience, and the online quiz. No framework: one WebSocket, the state the
// server sends, and DOM built with textContent (never innerHTML).
//
// Time: the server sends deadlines in its own clock (ns). Every screen
// measures its offset to that clock with ping/pong and counts down to the
// same moment, whatever its own clock says.
// Team event big screen: the standings are server-rendered; this fetches the
// page again every few seconds and swaps the board in, so the screen never
// needs a manual reload (a noscript meta refresh covers no JavaScript).
(function () {
  "use strict";
  var board = document.getElementById("te-board");
  if (!board || !board.dataset.refresh) return;
  var every = parseInt(board.dataset.refresh, 10) || 3000;
  function refresh() {
    fetch(location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("te-board");
        if (fresh) {
          board.replaceWith(document.importNode(fresh, true));
          board = document.getElementById("te-board");
        }
      })
      .catch(function () {})
      .then(function () { setTimeout(refresh, every); });
  }
  setTimeout(refresh, every);
})();

(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root) return;
  var d = root.dataset;
  var mode = d.mode; // host judge buzzer screen audience play
  var quiz = d.kind === "quiz";

  // The text comes from the message catalog (internal/msg, js.contest.*),
  // handed over as JSON in data-msgs, so a second language needs no change
  // here. t fills %v, %d and %s in order, as msg.T does with fmt.Sprintf.
  var msgs = {};
  try { msgs = JSON.parse(d.msgs || "{}"); } catch (e) {}
  function t(key) {
    var s = msgs[key], args = arguments, i = 1;
    if (typeof s !== "string") return "[" + key + "]"; // shows a missing entry, like msg.T
    if (args.length < 2) return s;
    return s.replace(/%[vds%]/g, function (m) { return m === "%%" ? "%" : String(args[i++]); });
  }

  // ---- state --------------------------------------------------------------
  var info = null, state = null, snap = null, lastSeq = -1, me = {};
  var log = []; // recent events, for the host's and judges' lists
  var offset = null, bestRTT = Infinity, samples = 0;
  var ws = null, attempt = 0, ref = 0, pending = {};
  var myAnswer = {}; // quiz: token → choice
  var mine = null;    // quiz: the member's score when the phone connected
  var sent = {};      // quiz: token → the server has the answer
  var drawnKey = "";  // quiz phone: what the last render showed
  var device = localStorage.getItem("xjp-device");
  if (!device) {
    device = Math.random().toString(36).slice(2, 10);
    localStorage.setItem("xjp-device", device);
  }

  function serverNowMs() { return offset === null ? null : performance.now() + offset; }

  // ---- DOM helpers --------------------------------------------------------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }
  function button(label, cls, onclick, disabled) {
    var b = el("button", cls, label);
    b.type = "button";
    b.disabled = !!disabled;
    b.addEventListener("click", onclick);
    return b;
  }

  var conn = document.getElementById("conn");
  var toast = el("p", "live-toast");
  toast.setAttribute("role", "alert");
  var view = el("div", "live-view");
  root.appendChild(toast);
  root.appendChild(view);
  var toastTimer = null;
  function say(msg, bad) {
    toast.textContent = msg;
    toast.className = "live-toast show" + (bad ? " bad" : "");
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { toast.className = "live-toast"; }, 3500);
  }

  // ---- connection ---------------------------------------------------------
  function wsURL() {
    var role = { host: "host", judge: "judge", buzzer: "team", play: "member" }[mode] || "audience";
    var q = "role=" + role + "&since=" + lastSeq;
    if (mode === "buzzer") q += "&code=" + encodeURIComponent(d.code) + "&device=" + device;
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/contests/" + d.contest + "/ws?" + q;
  }

  function connect() {
    conn.textContent = attempt ? t("js.contest.conn.reconnecting") : t("js.contest.conn.connecting");
    conn.className = "live-status warn";
    ws = new WebSocket(wsURL());
    ws.onopen = function () {
      attempt = 0;
      conn.textContent = t("js.contest.conn.ok");
      conn.className = "live-status ok";
      samples = 0; bestRTT = Infinity;
      ping();
    };
    ws.onmessage = function (m) {
      var f;
      try { f = JSON.parse(m.data); } catch (e) { return; }
      onFrame(f);
    };
    ws.onclose = function (e) {
      ws = null;
      root.setAttribute("data-closed", e.code + " " + e.reason); // for support and tests: why the last connection ended
      // Backoff with jitter, so a hall of phones does not reconnect in step.
      attempt++;
      var delay = Math.min(10000, 300 * Math.pow(2, Math.min(attempt, 6))) * (0.5 + Math.random() / 2);
      conn.textContent = t("js.contest.conn.retryIn", Math.ceil(delay / 1000));
      conn.className = "live-status bad";
      setTimeout(connect, delay);
    };
  }

  function send(obj) {
    if (!ws || ws.readyState !== 1) { say(t("js.contest.notConnected"), true); return false; }
    ws.send(JSON.stringify(obj));
    return true;
  }

  function command(cmd, done) {
    ref++;
    if (done) pending[ref] = done;
    return send({ type: "cmd", ref: ref, cmd: cmd });
  }

  function ping() { send({ type: "ping", c: performance.now() }); }
  // The clock offset comes from the fastest of a few exchanges: ping every
  // 2 s until five have come back on this connection, then every 30 s (a
  // phone's clock drifts far less than that in half a minute). In a hall of
  // ten thousand screens, pinging every 2 s forever was a tenth of the
  // server's writes.
  var sinceFast = 0;
  setInterval(function () {
    if (!ws || ws.readyState !== 1) return;
    sinceFast += 2;
    if (samples < 5 || sinceFast >= 30) { sinceFast = 0; ping(); }
  }, 2000);

  function onFrame(f) {
    switch (f.type) {
      case "hello":
        info = f.info; me = { role: f.role, team: f.team, judge: f.judge };
        if (f.events) f.events.forEach(function (e) { if (e.seq > lastSeq) log.push(e); });
        if (quiz) {
          snap = f.snap;
          // A phone that reconnects (or reloads) learns from the server
          // whether it already answered the current question.
          if (f.mine && snap.token) {
            mine = f.mine;
            if (f.mine.choice) { myAnswer[snap.token] = f.mine.choice; sent[snap.token] = true; }
            else if (!sent[snap.token]) delete myAnswer[snap.token]; // lost on the way: answer again
          }
        } else state = f.state;
        lastSeq = f.seq;
        render();
        break;
      case "event":
        if (f.seq <= lastSeq) return; // already seen (resume overlap)
        log.push(f.ev);
        if (log.length > 300) log.splice(0, log.length - 300);
        if (f.state) state = f.state;
        lastSeq = f.seq;
        if (f.state) render();
        break;
      case "quiz":
        snap = f.snap; lastSeq = f.seq;
        render();
        break;
      case "multi":
        // A screen that fell behind gets what it missed in one frame.
        (f.frames || []).forEach(onFrame);
        break;
      case "pong":
        var rtt = performance.now() - f.c;
        samples++;
        // Keep the offset from the fastest exchange: its midpoint is the
        // best estimate of when the server read its clock.
        if (rtt <= bestRTT || samples < 3) {
          bestRTT = Math.min(bestRTT, rtt);
          offset = f.s / 1e6 - (f.c + rtt / 2);
        }
        break;
      case "probe":
        send({ type: "probe", n: f.n });
        break;
      case "reply":
        if (pending[f.ref]) { pending[f.ref](null); delete pending[f.ref]; }
        break;
      case "error":
        say(f.message || t("js.contest.failed"), true);
        if (pending[f.ref]) { pending[f.ref](f); delete pending[f.ref]; }
        break;
    }
  }

  // ---- helpers on the state ----------------------------------------------
  function teamName(id) {
    if (!state) return id;
    for (var i = 0; i < state.teams.length; i++) if (state.teams[i].id === id) return state.teams[i].name;
    return id;
  }
  function judgeName(id) {
    var js = (info && info.judges) || [];
    for (var i = 0; i < js.length; i++) if (js[i].id === id) return js[i].name;
    return id;
  }
  function segTitle(q) {
    var s = info && info.segments && info.segments[q.segment];
    return s ? s.title : "";
  }
  function contains(list, x) { return (list || []).indexOf(x) >= 0; }
  function q() { return state && state.question; }

  // The deadline in server ms, or null.
  function deadlineMs() {
    if (quiz) return snap && snap.open ? snap.deadline / 1e6 : null;
    var cq = q();
    return cq && cq.phase === "answering" && cq.deadline ? cq.deadline / 1e6 : null;
  }

  var countdownEls = [];
  function countdown(cls) {
    var e = el("div", "countdown " + (cls || ""));
    e.setAttribute("aria-live", "off");
    countdownEls.push(e);
    return e;
  }
  function tick() {
    var dl = deadlineMs(), now = serverNowMs();
    var txt = "";
    if (dl !== null && now !== null) {
      var left = Math.max(0, dl - now);
      txt = (left / 1000).toFixed(1);
    }
    countdownEls.forEach(function (e) {
      e.textContent = txt;
      e.classList.toggle("urgent", txt !== "" && parseFloat(txt) <= 1);
    });
  }
  setInterval(tick, 100);

  function scoreboard(big) {
    var table = el("table", "scoreboard" + (big ? " big" : ""));
    var tb = el("tbody");
    var teams = (state && state.teams) || [];
    var sorted = teams.slice().sort(function (a, b) { return b.score - a.score; });
    sorted.forEach(function (tm) {
      var tr = el("tr");
      var cq = q();
      if (cq && cq.team === tm.id) tr.className = "answering";
      if (me.team === tm.id) tr.className += " mine";
      tr.appendChild(el("td", "name", tm.name));
      tr.appendChild(el("td", "num", tm.score));
      tb.appendChild(tr);
    });
    table.appendChild(tb);
    return table;
  }

  function phaseLine(cq) {
    var p = el("p", "phase phase-" + cq.phase, cq.phase_label);
    if (cq.team) {
      p.appendChild(el("span", "who", t(cq.kind === "buzzer" ? "js.contest.phase.buzzedBy" : "js.contest.phase.answeredBy", teamName(cq.team))));
    }
    if (cq.stake) p.appendChild(el("span", "stake", t("js.contest.phase.stake", cq.stake)));
    return p;
  }

  function questionBlock(cq, showAnswer) {
    var box = el("div", "question");
    box.appendChild(el("p", "segment", t("js.contest.question.heading", segTitle(cq), cq.index + 1)));
    if (cq.phase === "stake") {
      box.appendChild(el("p", "qtext muted", t("js.contest.question.chooseStake", teamName(cq.team))));
    } else {
      box.appendChild(el("p", "qtext", cq.ref.text));
      if (cq.ref.options && cq.ref.options.length) {
        var ol = el("ol", "options");
        cq.ref.options.forEach(function (o) { ol.appendChild(el("li", "", o)); });
        box.appendChild(ol);
      }
    }
    if (showAnswer && cq.ref.answer) box.appendChild(el("p", "answer", t("js.contest.question.answer", cq.ref.answer)));
    return box;
  }

  function pressList(cq) {
    var ul = el("ul", "presses");
    (cq.presses || []).forEach(function (p) {
      var opened = openedAt();
      var ms = opened !== null ? t("js.contest.ms", ((p.arrival - opened) / 1e6).toFixed(0)) : "";
      var tag = p.foul ? t("js.contest.press.foul") : p.late ? t("js.contest.press.late") : p.team === cq.team ? t("js.contest.press.won") : "";
      ul.appendChild(el("li", p.foul ? "foul" : "", teamName(p.team) + "  " + ms + (tag ? "  [" + tag + "]" : "")));
    });
    return ul;
  }
  function openedAt() {
    for (var i = log.length - 1; i >= 0; i--) {
      var type = log[i].type;
      if (type === "buzzers_opened" || type === "buzz_reopened" || type === "question_reopened") return log[i].at;
      if (type === "question_shown") return null;
    }
    return null;
  }

  function voteList(cq) {
    var ul = el("ul", "votes");
    (cq.eligible || []).forEach(function (j) {
      var v = null;
      (cq.votes || []).forEach(function (x) { if (x.judge === j) v = x.verdict; });
      ul.appendChild(el("li", v ? "voted " + v : "", t("js.contest.vote.line", judgeName(j), v === "correct" ? t("js.contest.verdict.correct") : v === "wrong" ? t("js.contest.verdict.wrong") : t("js.contest.vote.none"))));
    });
    return ul;
  }

  function outcomeLine(cq) {
    var outs = (cq.outcomes || []).filter(function (o) { return !o.reversed; });
    if (!outs.length) return null;
    var o = outs[outs.length - 1];
    return el("p", "outcome " + o.verdict, t(o.verdict === "correct" ? "js.contest.outcome.correct" : "js.contest.outcome.wrong", teamName(o.team), (o.delta >= 0 ? "+" : "") + o.delta));
  }

  // ---- views --------------------------------------------------------------
  function render() {
    if (quiz) {
      // Counts arrive twice a second; a phone's view changes only with the
      // question, so it is not rebuilt under the member's finger.
      var s = snap || {};
      var key = [s.token, s.open, !!s.final, myAnswer[s.token] || "", !!sent[s.token], picked[s.token] || ""].join("|");
      if (mode === "play" && key === drawnKey && view.firstChild) { tick(); return; }
      drawnKey = key;
    }
    countdownEls = [];
    clear(view);
    if (quiz) renderQuiz(); else if (state) ({ host: renderHost, judge: renderJudge, buzzer: renderBuzzer, screen: renderScreen, audience: renderScreen })[mode]();
    tick();
  }

  function header() {
    var h = el("header", "live-head");
    h.appendChild(el("h1", "", (info && info.title) || d.title));
    if (info && info.stage) h.appendChild(el("span", "kind", info.stage));
    if (state) h.appendChild(el("span", "kind", { setup: t("js.contest.status.setup"), running: t("js.contest.status.running"), finished: t("js.contest.status.finished") }[state.status]));
    return h;
  }

  function renderHost() {
    view.appendChild(header());
    var cq = q();
    var bar = el("div", "controls");
    var st = state.status;
    var phase = cq ? cq.phase : "";
    var scored = !cq || phase === "scored";
    function c(label, type, enabled, cls) {
      bar.appendChild(button(label, cls || "", function () { command({ type: type }); }, !enabled));
    }
    c(t("js.contest.host.checkDevices"), "check_devices", st === "setup");
    c(t("js.contest.host.start"), "start", st === "setup", "primary");
    c(t("js.contest.host.next"), "next_question", st === "running" && scored, "primary");
    c(cq && cq.kind === "buzzer" ? t("js.contest.host.openBuzzers") : t("js.contest.host.openAnswer"), "open", st === "running" && phase === "reading", "primary");
    c(t("js.contest.host.endAnswer"), "end_answer", st === "running" && phase === "answering");
    c(t("js.contest.host.closeQuestion"), "close_question", st === "running" && (phase === "open" || phase === "reading" || phase === "stake"));
    c(t("js.contest.host.finish"), "finish", st === "running" && scored, "danger");
    view.appendChild(bar);
    var main = el("div", "host-grid");
    var left = el("section", "card");
    if (cq) {
      left.appendChild(questionBlock(cq, true));
      left.appendChild(phaseLine(cq));
      left.appendChild(countdown());
      left.appendChild(el("h2", "", t("js.contest.host.presses")));
      left.appendChild(pressList(cq));
      if (phase === "judging" || phase === "scored") {
        left.appendChild(el("h2", "", t("js.contest.host.votes")));
        left.appendChild(voteList(cq));
        if (cq.deadlock) left.appendChild(el("p", "warn", t("js.contest.host.deadlock")));
      }
      var oc = outcomeLine(cq);
      if (oc) left.appendChild(oc);
    } else {
      left.appendChild(el("p", "muted", st === "setup" ? t("js.contest.host.notStarted") : st === "finished" ? t("js.contest.host.finished") : t("js.contest.host.waitNext")));
    }
    main.appendChild(left);
    var right = el("section", "card");
    right.appendChild(el("h2", "", t("js.contest.host.scores")));
    right.appendChild(scoreboard(false));
    right.appendChild(el("h2", "", t("js.contest.host.delays")));
    var ul = el("ul", "plain small");
    (state.devices || []).forEach(function (dv) { ul.appendChild(el("li", "", t("js.contest.host.delay", teamName(dv.team), (dv.delay / 1e6).toFixed(0)))); });
    if (!(state.devices || []).length) ul.appendChild(el("li", "muted", t("js.contest.host.noDevices")));
    right.appendChild(ul);
    if (state.devices_checked) right.appendChild(el("p", "ok small", t("js.contest.host.devicesChecked")));
    main.appendChild(right);
    view.appendChild(main);
  }

  function renderJudge() {
    view.appendChild(header());
    var cq = q();
    var box = el("section", "card");
    if (!cq) {
      box.appendChild(el("p", "muted", t("js.contest.judge.wait")));
      view.appendChild(box);
      return;
    }
    box.appendChild(questionBlock(cq, true));
    box.appendChild(phaseLine(cq));
    box.appendChild(countdown());
    var eligible = contains(cq.eligible, me.judge);
    var voted = (cq.votes || []).some(function (v) { return v.judge === me.judge; });
    if (cq.phase === "judging") {
      if (!eligible) box.appendChild(el("p", "warn", t("js.contest.judge.recused")));
      else if (voted) box.appendChild(el("p", "ok", t("js.contest.judge.voted")));
      else {
        var row = el("div", "vote-buttons");
        row.appendChild(button(t("js.contest.verdict.correct"), "vote correct", function () { command({ type: "vote", judge: me.judge, verdict: "correct" }); }));
        row.appendChild(button(t("js.contest.verdict.wrong"), "vote wrong", function () { command({ type: "vote", judge: me.judge, verdict: "wrong" }); }));
        box.appendChild(row);
      }
    }
    if (cq.phase === "judging" || cq.phase === "scored") box.appendChild(voteList(cq));
    var oc = outcomeLine(cq);
    if (oc) box.appendChild(oc);
    var chief = ((info && info.judges) || []).some(function (j) { return j.id === me.judge && j.chief; });
    if (chief && (cq.phase === "scored" || cq.deadlock)) {
      var f = el("form", "override");
      f.appendChild(el("h2", "", t("js.contest.judge.override")));
      var sel = el("select");
      [["correct", t("js.contest.judge.toCorrect")], ["wrong", t("js.contest.judge.toWrong")]].forEach(function (o) { var op = el("option", "", o[1]); op.value = o[0]; sel.appendChild(op); });
      var reason = el("input");
      reason.placeholder = t("js.contest.judge.reason");
      reason.maxLength = 200;
      f.appendChild(sel); f.appendChild(reason);
      f.appendChild(button(t("js.contest.judge.overrideDo"), "danger", function () {
        if (!reason.value.trim()) { say(t("js.contest.judge.reasonNeeded"), true); return; }
        command({ type: "override", judge: me.judge, verdict: sel.value, reason: reason.value.trim() });
      }));
      box.appendChild(f);
    }
    view.appendChild(box);
    var sb = el("section", "card");
    sb.appendChild(scoreboard(false));
    view.appendChild(sb);
  }

  var lastPressToken = null;
  function renderBuzzer() {
    var cq = q();
    var mine = null;
    state.teams.forEach(function (tm) { if (tm.id === me.team) mine = tm; });
    var head = el("header", "buzz-head");
    head.appendChild(el("h1", "", mine ? mine.name : d.teamName));
    head.appendChild(el("p", "team-score", t("js.contest.buzzer.score", mine ? mine.score : 0)));
    view.appendChild(head);
    var lockText = t("js.contest.buzzer.waitQuestion"), canPress = false, cls = "locked";
    if (state.status === "setup") lockText = t("js.contest.buzzer.notStarted");
    else if (state.status === "finished") lockText = t("js.contest.buzzer.finished");
    else if (cq) {
      var pressed = (cq.presses || []).some(function (p) { return p.team === me.team && p.attempt === cq.attempt; });
      var locked = contains(cq.locked_out, me.team);
      if (cq.kind !== "buzzer") {
        lockText = cq.team === me.team ? (cq.phase === "answering" ? t("js.contest.buzzer.answerNow") : t("js.contest.buzzer.ours")) : t("js.contest.buzzer.theirs", teamName(cq.team));
      } else if (locked) lockText = t("js.contest.buzzer.lockedOut");
      else if (cq.team) lockText = cq.team === me.team ? t("js.contest.buzzer.weWon") : t("js.contest.buzzer.theyWon", teamName(cq.team));
      else if (pressed) lockText = t("js.contest.buzzer.pressed");
      else if (cq.phase === "reading") { lockText = t("js.contest.buzzer.reading"); canPress = true; cls = "reading"; }
      else if (cq.phase === "open" || cq.phase === "buzzed") { lockText = t("js.contest.buzzer.open"); canPress = true; cls = "open"; }
      else lockText = cq.phase_label;
      if (cq.team === me.team && cq.kind !== "buzzer") cls = "mine";
      if (cq.team === me.team && cq.kind === "buzzer") cls = "won";
    }
    var big = button(t("js.contest.buzzer.button"), "buzz " + cls, function () {
      if (!cq) return;
      lastPressToken = cq.token;
      big.disabled = true;
      command({ type: "buzz", team: me.team, token: cq.token });
    }, !canPress || lastPressToken === (cq && cq.token) && !canPress);
    big.setAttribute("aria-label", t("js.contest.buzzer.buttonLabel", lockText));
    view.appendChild(big);
    view.appendChild(el("p", "lock-state " + cls, lockText));
    view.appendChild(countdown("buzz-countdown"));
    if (cq && cq.phase === "stake" && cq.team === me.team) {
      var row = el("div", "stakes");
      var seg = info.segments[cq.segment];
      (seg.risk_values || []).forEach(function (v) {
        row.appendChild(button(t("js.contest.points", v), "stake", function () { command({ type: "stake", team: me.team, stake: v }); }));
      });
      view.appendChild(el("p", "", t("js.contest.buzzer.chooseStake")));
      view.appendChild(row);
    }
    if (cq && cq.phase === "scored" && (cq.outcomes || []).some(function (o) { return o.team === me.team && !o.reversed; }) && !contains(cq.appeals, me.team)) {
      view.appendChild(button(t("js.contest.buzzer.appeal"), "appeal", function () {
        if (confirm(t("js.contest.buzzer.appealConfirm"))) command({ type: "appeal", team: me.team });
      }));
    }
    if (cq) { var oc = outcomeLine(cq); if (oc) view.appendChild(oc); }
  }

  function renderScreen() {
    var wrap = el("div", "screen");
    var cq = q();
    var top = el("header", "screen-head");
    top.appendChild(el("h1", "", (info && info.title) || d.title));
    top.appendChild(el("p", "seg", cq ? segTitle(cq) : (info && info.stage) || ""));
    wrap.appendChild(top);
    var mid = el("div", "screen-main");
    var qa = el("section", "screen-q");
    if (state.status === "finished") {
      qa.appendChild(el("p", "qtext", t("js.contest.screen.over")));
    } else if (!cq) {
      qa.appendChild(el("p", "qtext", state.status === "setup" ? t("js.contest.screen.soon") : t("js.contest.screen.wait")));
    } else {
      qa.appendChild(questionBlock(cq, cq.phase === "scored"));
      qa.appendChild(phaseLine(cq));
      var oc = outcomeLine(cq);
      if (oc) qa.appendChild(oc);
    }
    mid.appendChild(qa);
    var side = el("aside", "screen-side");
    side.appendChild(countdown("screen-countdown"));
    side.appendChild(scoreboard(true));
    mid.appendChild(side);
    wrap.appendChild(mid);
    view.appendChild(wrap);
  }

  // ---- online quiz --------------------------------------------------------
  function letterOf(i) { return String.fromCharCode(65 + i); }

  function quizHead(s) {
    var head = el("header", mode === "screen" ? "screen-head" : "live-head");
    head.appendChild(el("h1", "", (info && info.title) || d.title));
    var total = s.total || (info && info.questions) || 0;
    var prog = s.final ? t("js.contest.quiz.over") : s.index >= 0 ? t("js.contest.quiz.progress", s.index + 1, total) : t("js.contest.quiz.total", total);
    head.appendChild(el("p", mode === "screen" ? "seg" : "kind", prog));
    return head;
  }

  // The options of the current question: buttons on a phone, a list with
  // counts (once the question has closed) elsewhere.
  function quizOptions(s) {
    var q = s.question, answered = myAnswer[s.token];
    var box = el("div", "quiz-options" + (mode === "play" ? "" : " shown"));
    var most = 0;
    if (s.counts) Object.keys(s.counts).forEach(function (k) { most = Math.max(most, s.counts[k]); });
    if (mode === "play" && q.multi) box.appendChild(el("p", "muted", t("js.contest.quiz.multiHint")));
    q.options.forEach(function (o, i) {
      var L = letterOf(i);
      var right = !s.open && q.answer && q.answer.indexOf(L) >= 0;
      var cls = "quiz-opt" + (answered && answered.indexOf(L) >= 0 ? " chosen" : "") + (right ? " right" : "");
      if (mode === "play") {
        if (q.multi && !answered && (picked[s.token] || "").indexOf(L) >= 0) cls += " chosen";
        var b = button(t("js.contest.quiz.option", L, o), cls, function () { if (q.multi) toggle(s, L); else answer(s, L); }, !s.open || !!answered);
        b.setAttribute("data-letter", L);
        box.appendChild(b);
        return;
      }
      var row = el("div", cls);
      row.appendChild(el("span", "opt-text", t("js.contest.quiz.option", L, o)));
      if (!s.open && s.counts) {
        // Counts per choice only after the question closed: while it is
        // open they would give the answer away.
        var n = 0;
        Object.keys(s.counts).forEach(function (k) { if (k.indexOf(L) >= 0) n += s.counts[k]; });
        var bar = el("span", "opt-bar");
        bar.style.width = (s.answers ? Math.round(100 * n / s.answers) : 0) + "%";
        row.appendChild(bar);
        row.appendChild(el("span", "opt-count", t("js.contest.quiz.people", n)));
      }
      box.appendChild(row);
    });
    if (mode === "play" && q.multi && s.open && !answered) {
      box.appendChild(button(t("js.contest.quiz.submit"), "primary quiz-submit", function () { answer(s, picked[s.token]); }, !picked[s.token]));
    }
    return box;
  }

  var picked = {}; // quiz phone, multiple choice: token → letters picked so far
  function toggle(s, L) {
    var cur = picked[s.token] || "";
    cur = cur.indexOf(L) >= 0 ? cur.replace(L, "") : cur + L;
    picked[s.token] = cur.split("").sort().join("");
    drawnKey = "";
    render();
  }

  function answer(s, L) {
    if (myAnswer[s.token] || !L) return;
    myAnswer[s.token] = L;
    render();
    command({ type: "quiz_answer", member: d.member, token: s.token, choice: L }, function (err) {
      if (err && err.code !== "quiz_already_answered") delete myAnswer[s.token];
      else sent[s.token] = true;
      drawnKey = "";
      render();
    });
  }

  function quizFinal(s) {
    var f = s.final, wrap = el("div", "quiz-final");
    wrap.appendChild(el("p", "qtext", t("js.contest.quiz.final", f.participants)));
    var cols = el("div", "final-cols");
    var pt = el("section", "final-persons");
    pt.appendChild(el("h2", "", t("js.contest.quiz.topPersons", f.persons.length)));
    var t1 = el("table", "scoreboard final");
    var tb1 = el("tbody");
    f.persons.forEach(function (p) {
      var tr = el("tr", d.member === p.id ? "mine" : "");
      tr.appendChild(el("td", "num", p.rank));
      tr.appendChild(el("td", "name", p.name));
      tr.appendChild(el("td", "unit", p.unit));
      tr.appendChild(el("td", "num", t("js.contest.points", p.points)));
      tb1.appendChild(tr);
    });
    t1.appendChild(tb1); pt.appendChild(t1); cols.appendChild(pt);
    var bt = el("section", "final-branches");
    bt.appendChild(el("h2", "", t("js.contest.quiz.branches")));
    var t2 = el("table", "scoreboard final");
    var tb2 = el("tbody");
    f.branches.forEach(function (b) {
      var tr = el("tr");
      tr.appendChild(el("td", "num", b.rank));
      tr.appendChild(el("td", "name", b.unit));
      tr.appendChild(el("td", "num", (b.average_x100 / 100).toFixed(2)));
      tb2.appendChild(tr);
    });
    t2.appendChild(tb2); bt.appendChild(t2); cols.appendChild(bt);
    wrap.appendChild(cols);
    return wrap;
  }

  function resultsLink(label) {
    var p = el("p", "quiz-links");
    var a = el("a", "button", label || t("js.contest.quiz.allResults"));
    a.href = "/contests/" + d.contest + "/results";
    p.appendChild(a);
    return p;
  }

  function renderQuiz() {
    var s = snap || {};
    // The join QR shows on the big screen until the first question.
    var join = document.getElementById("quiz-join");
    if (join) join.hidden = !!(s.question || s.final);
    var wrap = el("div", mode === "screen" || mode === "audience" ? "screen quiz-screen" : "quiz-" + mode);
    wrap.appendChild(quizHead(s));
    var box = el("section", mode === "screen" ? "screen-q" : "card quiz-q");
    if (s.final) {
      box.appendChild(quizFinal(s));
      if (mode !== "screen") box.appendChild(resultsLink());
    } else if (!s.question) {
      box.appendChild(el("p", "qtext", mode === "play" ? t("js.contest.quiz.playSoon") : t("js.contest.quiz.soon")));
    } else {
      box.appendChild(el("p", "qtext", s.question.text));
      box.appendChild(quizOptions(s));
      box.appendChild(quizStatus(s));
    }
    var main = el("div", mode === "screen" ? "screen-main" : "quiz-main");
    main.appendChild(box);
    if (mode !== "play" && !s.final && s.question) {
      var side = el("aside", "screen-side quiz-side");
      side.appendChild(countdown(mode === "screen" ? "screen-countdown" : ""));
      side.appendChild(el("p", "quiz-count", t("js.contest.quiz.answered", s.answers || 0)));
      if (!s.open && s.question && s.question.answer) side.appendChild(el("p", "quiz-correct", t("js.contest.quiz.correct", s.correct)));
      main.appendChild(side);
    }
    wrap.appendChild(main);
    if (mode === "host") wrap.appendChild(quizControls(s));
    view.appendChild(wrap);
  }

  function quizStatus(s) {
    var box = el("div", "quiz-status");
    var mineA = myAnswer[s.token];
    if (mode === "play") {
      box.appendChild(countdown("play-countdown"));
      var txt, cls = "";
      if (s.open) txt = !mineA ? t("js.contest.quiz.choose") : sent[s.token] ? t("js.contest.quiz.sent", mineA) : t("js.contest.quiz.sending", mineA);
      else if (!mineA) txt = t("js.contest.quiz.unanswered");
      else if (mineA === s.question.answer) { txt = t("js.contest.quiz.right"); cls = "ok"; }
      else { txt = t("js.contest.quiz.wrong"); cls = "bad"; }
      box.appendChild(el("p", "quiz-mine " + cls, txt));
    }
    if (!s.open && s.question.answer) box.appendChild(el("p", "answer", t("js.contest.quiz.answer", s.question.answer)));
    return box;
  }

  function quizControls(s) {
    var bar = el("div", "controls");
    var total = s.total || (info && info.questions) || 0;
    var n = s.index < 0 ? 1 : s.index + 2;
    if (!s.final) {
      bar.appendChild(button(t("js.contest.quiz.openN", n), "primary", function () { command({ type: "quiz_open" }); }, s.open || n > total));
      bar.appendChild(button(t("js.contest.quiz.closeEarly"), "", function () { command({ type: "quiz_close" }); }, !s.open));
    }
    var links = el("p", "quiz-links");
    [[t("js.contest.quiz.results"), "/results"], [t("js.contest.quiz.export"), "/export"], [t("js.contest.quiz.screen"), "/screen"]].forEach(function (x) {
      var a = el("a", "button", x[0]);
      a.href = "/contests/" + d.contest + x[1];
      links.appendChild(a);
    });
    var wrap = el("div", "");
    wrap.appendChild(bar);
    wrap.appendChild(links);
    return wrap;
  }

  connect();
})();
