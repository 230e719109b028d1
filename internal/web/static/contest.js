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
    conn.textContent = attempt ? "连接中断，正在重连……" : "正在连接……";
    conn.className = "live-status warn";
    ws = new WebSocket(wsURL());
    ws.onopen = function () {
      attempt = 0;
      conn.textContent = "已连接";
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
      conn.textContent = "连接中断，" + Math.ceil(delay / 1000) + " 秒后重连……";
      conn.className = "live-status bad";
      setTimeout(connect, delay);
    };
  }

  function send(obj) {
    if (!ws || ws.readyState !== 1) { say("尚未连接，请稍候", true); return false; }
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
        say(f.message || "操作未成功", true);
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
    var t = el("table", "scoreboard" + (big ? " big" : ""));
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
    t.appendChild(tb);
    return t;
  }

  function phaseLine(cq) {
    var p = el("p", "phase phase-" + cq.phase, cq.phase_label);
    if (cq.team) {
      p.appendChild(el("span", "who", (cq.kind === "buzzer" ? "抢到：" : "答题：") + teamName(cq.team)));
    }
    if (cq.stake) p.appendChild(el("span", "stake", "风险分值 " + cq.stake));
    return p;
  }

  function questionBlock(cq, showAnswer) {
    var box = el("div", "question");
    box.appendChild(el("p", "segment", segTitle(cq) + " · 第 " + (cq.index + 1) + " 题"));
    if (cq.phase === "stake") {
      box.appendChild(el("p", "qtext muted", "请 " + teamName(cq.team) + " 选择风险分值"));
    } else {
      box.appendChild(el("p", "qtext", cq.ref.text));
      if (cq.ref.options && cq.ref.options.length) {
        var ol = el("ol", "options");
        cq.ref.options.forEach(function (o) { ol.appendChild(el("li", "", o)); });
        box.appendChild(ol);
      }
    }
    if (showAnswer && cq.ref.answer) box.appendChild(el("p", "answer", "答案：" + cq.ref.answer));
    return box;
  }

  function pressList(cq) {
    var ul = el("ul", "presses");
    (cq.presses || []).forEach(function (p) {
      var opened = openedAt();
      var ms = opened !== null ? ((p.arrival - opened) / 1e6).toFixed(0) + " 毫秒" : "";
      var tag = p.foul ? "犯规" : p.late ? "迟按" : p.team === cq.team ? "抢到" : "";
      ul.appendChild(el("li", p.foul ? "foul" : "", teamName(p.team) + "  " + ms + (tag ? "  [" + tag + "]" : "")));
    });
    return ul;
  }
  function openedAt() {
    for (var i = log.length - 1; i >= 0; i--) {
      var t = log[i].type;
      if (t === "buzzers_opened" || t === "buzz_reopened" || t === "question_reopened") return log[i].at;
      if (t === "question_shown") return null;
    }
    return null;
  }

  function voteList(cq) {
    var ul = el("ul", "votes");
    (cq.eligible || []).forEach(function (j) {
      var v = null;
      (cq.votes || []).forEach(function (x) { if (x.judge === j) v = x.verdict; });
      ul.appendChild(el("li", v ? "voted " + v : "", judgeName(j) + "：" + (v === "correct" ? "正确" : v === "wrong" ? "错误" : "未投")));
    });
    return ul;
  }

  function outcomeLine(cq) {
    var outs = (cq.outcomes || []).filter(function (o) { return !o.reversed; });
    if (!outs.length) return null;
    var o = outs[outs.length - 1];
    return el("p", "outcome " + o.verdict, teamName(o.team) + " 回答" + (o.verdict === "correct" ? "正确" : "错误") + "，" + (o.delta >= 0 ? "+" : "") + o.delta + " 分");
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
    if (state) h.appendChild(el("span", "kind", { setup: "准备中", running: "进行中", finished: "已结束" }[state.status]));
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
    c("设备检测", "check_devices", st === "setup");
    c("开始比赛", "start", st === "setup", "primary");
    c("下一题", "next_question", st === "running" && scored, "primary");
    c(cq && cq.kind === "buzzer" ? "读题完毕，开放抢答" : "读题完毕，开始作答", "open", st === "running" && phase === "reading", "primary");
    c("作答结束，交评委", "end_answer", st === "running" && phase === "answering");
    c("无人作答，结束本题", "close_question", st === "running" && (phase === "open" || phase === "reading" || phase === "stake"));
    c("结束比赛", "finish", st === "running" && scored, "danger");
    view.appendChild(bar);
    var main = el("div", "host-grid");
    var left = el("section", "card");
    if (cq) {
      left.appendChild(questionBlock(cq, true));
      left.appendChild(phaseLine(cq));
      left.appendChild(countdown());
      left.appendChild(el("h2", "", "按键记录"));
      left.appendChild(pressList(cq));
      if (phase === "judging" || phase === "scored") {
        left.appendChild(el("h2", "", "评委投票"));
        left.appendChild(voteList(cq));
        if (cq.deadlock) left.appendChild(el("p", "warn", "评委意见未能形成结论，请主评委裁定"));
      }
      var oc = outcomeLine(cq);
      if (oc) left.appendChild(oc);
    } else {
      left.appendChild(el("p", "muted", st === "setup" ? "比赛尚未开始。开赛前可先做设备检测。" : st === "finished" ? "比赛已结束。结果见结果页。" : "等待下一题。"));
    }
    main.appendChild(left);
    var right = el("section", "card");
    right.appendChild(el("h2", "", "比分"));
    right.appendChild(scoreboard(false));
    right.appendChild(el("h2", "", "抢答器延迟"));
    var ul = el("ul", "plain small");
    (state.devices || []).forEach(function (dv) { ul.appendChild(el("li", "", teamName(dv.team) + "：" + (dv.delay / 1e6).toFixed(0) + " 毫秒")); });
    if (!(state.devices || []).length) ul.appendChild(el("li", "muted", "尚无抢答器连接"));
    right.appendChild(ul);
    if (state.devices_checked) right.appendChild(el("p", "ok small", "设备检测已通过"));
    main.appendChild(right);
    view.appendChild(main);
  }

  function renderJudge() {
    view.appendChild(header());
    var cq = q();
    var box = el("section", "card");
    if (!cq) {
      box.appendChild(el("p", "muted", "等待题目。"));
      view.appendChild(box);
      return;
    }
    box.appendChild(questionBlock(cq, true));
    box.appendChild(phaseLine(cq));
    box.appendChild(countdown());
    var eligible = contains(cq.eligible, me.judge);
    var voted = (cq.votes || []).some(function (v) { return v.judge === me.judge; });
    if (cq.phase === "judging") {
      if (!eligible) box.appendChild(el("p", "warn", "您与答题队同属一个单位，本题回避。"));
      else if (voted) box.appendChild(el("p", "ok", "已投票，等待其他评委。"));
      else {
        var row = el("div", "vote-buttons");
        row.appendChild(button("正确", "vote correct", function () { command({ type: "vote", judge: me.judge, verdict: "correct" }); }));
        row.appendChild(button("错误", "vote wrong", function () { command({ type: "vote", judge: me.judge, verdict: "wrong" }); }));
        box.appendChild(row);
      }
    }
    if (cq.phase === "judging" || cq.phase === "scored") box.appendChild(voteList(cq));
    var oc = outcomeLine(cq);
    if (oc) box.appendChild(oc);
    var chief = ((info && info.judges) || []).some(function (j) { return j.id === me.judge && j.chief; });
    if (chief && (cq.phase === "scored" || cq.deadlock)) {
      var f = el("form", "override");
      f.appendChild(el("h2", "", "主评委改判"));
      var sel = el("select");
      [["correct", "改为正确"], ["wrong", "改为错误"]].forEach(function (o) { var op = el("option", "", o[1]); op.value = o[0]; sel.appendChild(op); });
      var reason = el("input");
      reason.placeholder = "改判理由（必填）";
      reason.maxLength = 200;
      f.appendChild(sel); f.appendChild(reason);
      f.appendChild(button("改判", "danger", function () {
        if (!reason.value.trim()) { say("请填写改判理由", true); return; }
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
    state.teams.forEach(function (t) { if (t.id === me.team) mine = t; });
    var head = el("header", "buzz-head");
    head.appendChild(el("h1", "", mine ? mine.name : d.teamName));
    head.appendChild(el("p", "team-score", "本队得分 " + (mine ? mine.score : 0)));
    view.appendChild(head);
    var lockText = "等待题目", canPress = false, cls = "locked";
    if (state.status === "setup") lockText = "比赛尚未开始";
    else if (state.status === "finished") lockText = "比赛已结束";
    else if (cq) {
      var pressed = (cq.presses || []).some(function (p) { return p.team === me.team && p.attempt === cq.attempt; });
      var locked = contains(cq.locked_out, me.team);
      if (cq.kind !== "buzzer") {
        lockText = cq.team === me.team ? (cq.phase === "answering" ? "请本队作答" : "本题由本队作答") : "本题由 " + teamName(cq.team) + " 作答";
      } else if (locked) lockText = "本题已取消本队抢答资格";
      else if (cq.team) lockText = cq.team === me.team ? "本队抢到！请作答" : teamName(cq.team) + " 抢到";
      else if (pressed) lockText = "已按下，等待裁定";
      else if (cq.phase === "reading") { lockText = "读题中——提前按键判犯规"; canPress = true; cls = "reading"; }
      else if (cq.phase === "open" || cq.phase === "buzzed") { lockText = "抢答开始！"; canPress = true; cls = "open"; }
      else lockText = cq.phase_label;
      if (cq.team === me.team && cq.kind !== "buzzer") cls = "mine";
      if (cq.team === me.team && cq.kind === "buzzer") cls = "won";
    }
    var big = button("抢 答", "buzz " + cls, function () {
      if (!cq) return;
      lastPressToken = cq.token;
      big.disabled = true;
      command({ type: "buzz", team: me.team, token: cq.token });
    }, !canPress || lastPressToken === (cq && cq.token) && !canPress);
    big.setAttribute("aria-label", "抢答按钮：" + lockText);
    view.appendChild(big);
    view.appendChild(el("p", "lock-state " + cls, lockText));
    view.appendChild(countdown("buzz-countdown"));
    if (cq && cq.phase === "stake" && cq.team === me.team) {
      var row = el("div", "stakes");
      var seg = info.segments[cq.segment];
      (seg.risk_values || []).forEach(function (v) {
        row.appendChild(button(v + " 分", "stake", function () { command({ type: "stake", team: me.team, stake: v }); }));
      });
      view.appendChild(el("p", "", "请选择本题风险分值（答对加分，答错扣分）："));
      view.appendChild(row);
    }
    if (cq && cq.phase === "scored" && (cq.outcomes || []).some(function (o) { return o.team === me.team && !o.reversed; }) && !contains(cq.appeals, me.team)) {
      view.appendChild(button("对本题评判提出申诉", "appeal", function () {
        if (confirm("确定对本题评判提出申诉吗？评委将重新评判。")) command({ type: "appeal", team: me.team });
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
      qa.appendChild(el("p", "qtext", "比赛结束"));
    } else if (!cq) {
      qa.appendChild(el("p", "qtext", state.status === "setup" ? "比赛即将开始" : "请稍候"));
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
    var prog = s.final ? "竞答结束" : s.index >= 0 ? "第 " + (s.index + 1) + " / " + total + " 题" : "共 " + total + " 题";
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
    if (mode === "play" && q.multi) box.appendChild(el("p", "muted", "多选题：可选多项，选好后提交"));
    q.options.forEach(function (o, i) {
      var L = letterOf(i);
      var right = !s.open && q.answer && q.answer.indexOf(L) >= 0;
      var cls = "quiz-opt" + (answered && answered.indexOf(L) >= 0 ? " chosen" : "") + (right ? " right" : "");
      if (mode === "play") {
        if (q.multi && !answered && (picked[s.token] || "").indexOf(L) >= 0) cls += " chosen";
        var b = button(L + "．" + o, cls, function () { if (q.multi) toggle(s, L); else answer(s, L); }, !s.open || !!answered);
        b.setAttribute("data-letter", L);
        box.appendChild(b);
        return;
      }
      var row = el("div", cls);
      row.appendChild(el("span", "opt-text", L + "．" + o));
      if (!s.open && s.counts) {
        // Counts per choice only after the question closed: while it is
        // open they would give the answer away.
        var n = 0;
        Object.keys(s.counts).forEach(function (k) { if (k.indexOf(L) >= 0) n += s.counts[k]; });
        var bar = el("span", "opt-bar");
        bar.style.width = (s.answers ? Math.round(100 * n / s.answers) : 0) + "%";
        row.appendChild(bar);
        row.appendChild(el("span", "opt-count", n + " 人"));
      }
      box.appendChild(row);
    });
    if (mode === "play" && q.multi && s.open && !answered) {
      box.appendChild(button("提交答案", "primary quiz-submit", function () { answer(s, picked[s.token]); }, !picked[s.token]));
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
    wrap.appendChild(el("p", "qtext", "竞答结束 · 共 " + f.participants + " 人参加"));
    var cols = el("div", "final-cols");
    var pt = el("section", "final-persons");
    pt.appendChild(el("h2", "", "个人前 " + f.persons.length + " 名"));
    var t1 = el("table", "scoreboard final");
    var tb1 = el("tbody");
    f.persons.forEach(function (p) {
      var tr = el("tr", d.member === p.id ? "mine" : "");
      tr.appendChild(el("td", "num", p.rank));
      tr.appendChild(el("td", "name", p.name));
      tr.appendChild(el("td", "unit", p.unit));
      tr.appendChild(el("td", "num", p.points + " 分"));
      tb1.appendChild(tr);
    });
    t1.appendChild(tb1); pt.appendChild(t1); cols.appendChild(pt);
    var bt = el("section", "final-branches");
    bt.appendChild(el("h2", "", "支部排名（人均得分）"));
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
    var a = el("a", "button", label || "查看全部成绩");
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
      box.appendChild(el("p", "qtext", mode === "play" ? "竞答即将开始，请保持本页打开" : "线上竞答即将开始"));
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
      side.appendChild(el("p", "quiz-count", "已作答 " + (s.answers || 0) + " 人"));
      if (!s.open && s.question && s.question.answer) side.appendChild(el("p", "quiz-correct", "答对 " + s.correct + " 人"));
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
      if (s.open) txt = !mineA ? "请选择答案（只能提交一次）" : sent[s.token] ? "已提交 " + mineA + "，等待公布答案" : "正在提交 " + mineA + "……";
      else if (!mineA) txt = "本题未作答";
      else if (mineA === s.question.answer) { txt = "回答正确！"; cls = "ok"; }
      else { txt = "回答错误"; cls = "bad"; }
      box.appendChild(el("p", "quiz-mine " + cls, txt));
    }
    if (!s.open && s.question.answer) box.appendChild(el("p", "answer", "正确答案：" + s.question.answer));
    return box;
  }

  function quizControls(s) {
    var bar = el("div", "controls");
    var total = s.total || (info && info.questions) || 0;
    var n = s.index < 0 ? 1 : s.index + 2;
    if (!s.final) {
      bar.appendChild(button("开放第 " + n + " 题", "primary", function () { command({ type: "quiz_open" }); }, s.open || n > total));
      bar.appendChild(button("提前结束本题", "", function () { command({ type: "quiz_close" }); }, !s.open));
    }
    var links = el("p", "quiz-links");
    [["查看成绩", "/results"], ["导出 Excel", "/export"], ["打开大屏", "/screen"]].forEach(function (x) {
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
