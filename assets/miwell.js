// Small things the page does on its own, without a round trip to the server.
(function () {
  "use strict";

  // --- A save that never reached MiWell is retried, and the page says so ----------------------
  // The Save button calls miwellSave.sent(id) before its event goes out; the server answers
  // with miwellSave.done(id). If no answer comes (the connection dropped, the backend
  // restarted), the page shows a notice and clicks Save again; saving is idempotent.
  var RETRY_MS = 6000, MAX_TRIES = 5;
  var pending = {};
  function notice(id, text) {
    var el = document.getElementById(id + "-unsent");
    if (!el) return;
    el.textContent = text;
    el.style.display = text ? "block" : "none";
  }
  function check(id) {
    var p = pending[id];
    if (!p) return;
    if (p.tries >= MAX_TRIES) {
      notice(id, "Your entry has not been saved: MiWell cannot be reached. Check your connection, then tap Save again.");
      delete pending[id];
      return;
    }
    notice(id, "Not saved yet: trying again while MiWell reconnects…");
    p.tries += 1;
    var button = document.getElementById(id);
    if (button && button.disabled) { window.miwellSave.done(id); return; }  // the page shows it saved
    if (button) { p.retrying = true; button.click(); p.retrying = false; }
    p.timer = setTimeout(function () { check(id); }, RETRY_MS);
  }
  window.miwellSave = {
    sent: function (id) {
      var p = pending[id];
      if (p && p.retrying) return;  // the click above, not a new save
      if (p) clearTimeout(p.timer);
      pending[id] = { tries: 0, timer: setTimeout(function () { check(id); }, RETRY_MS) };
    },
    done: function (id) {
      var p = pending[id];
      if (p) clearTimeout(p.timer);
      delete pending[id];
      notice(id, "");
    },
  };

  // --- Slider thumbs get the slider's name ---------------------------------------------------
  // Radix puts the focusable role=slider on the thumb, but Reflex's slider passes aria-label to
  // the root only; a screen reader would announce an unnamed slider.
  function nameThumbs() {
    document.querySelectorAll(".rt-SliderThumb:not([aria-label])").forEach(function (thumb) {
      var root = thumb.closest("[aria-label]");
      if (root) thumb.setAttribute("aria-label", root.getAttribute("aria-label"));
    });
  }
  if (typeof MutationObserver !== "undefined") {
    new MutationObserver(nameThumbs).observe(document.documentElement, { childList: true, subtree: true });
  }

  // --- The year in pixels opens on the recent weeks ------------------------------------------
  window.miwellScrollToEnd = function (id) {
    var tries = 0;
    (function go() {
      var el = document.getElementById(id);
      if (el && el.scrollWidth > el.clientWidth) { el.scrollLeft = el.scrollWidth; return; }
      if (tries++ < 20) setTimeout(go, 100);
    })();
  };
})();

// --- Desktop notifications of new urgent alerts, for a psychiatrist's tab in the background ----
// The page keeps the newest urgent alert's id in #newest-urgent (pushed by the server). When it
// grows while the tab is hidden and the browser allows it, one notification says that something
// is waiting: no name, no words, since others may see the screen. Everything works without it.
(function () {
  "use strict";
  var supported = typeof window.Notification === "function";
  var seen = null;
  function status() {
    var el = document.getElementById("desktop-alerts-status");
    if (!el) return;
    if (!supported) { el.textContent = "This browser cannot show desktop alerts; the alerts on this page still appear."; return; }
    var p = Notification.permission;
    el.textContent = p === "granted" ? "On: a background MiWell tab will show urgent alerts on your desktop."
      : p === "denied" ? "Blocked in this browser's site settings; the alerts on this page still appear."
      : "";
  }
  window.miwellNotify = {
    ask: function () {
      if (!supported) { status(); return; }
      Notification.requestPermission().then(status, status);
    }
  };
  function check() {
    var el = document.getElementById("newest-urgent");
    if (!el) { seen = null; return; }
    var id = parseInt(el.getAttribute("data-id") || "0", 10) || 0;
    if (seen === null) { seen = id; return; }  // what was there on load is not news
    if (id > seen) {
      seen = id;
      if (supported && document.hidden && Notification.permission === "granted") {
        var n = new Notification("MiWell: urgent alert", { body: "A patient needs your attention now.", tag: "miwell-urgent-" + id, requireInteraction: true });
        n.onclick = function () { window.focus(); n.close(); };
      }
    } else if (id < seen) {
      seen = id;  // acknowledged: the next one is news again
    }
  }
  setInterval(function () { check(); status(); }, 1000);
})();

// Inactivity: a clinical session ends after MIWELL_IDLE_MINUTES without activity (the server
// enforces it; this warns a minute before and signs the tab out at the end). While someone is
// using the page, it pings the server at most once a minute, so typing a long reply counts.
(function () {
  var WARN_SECONDS = 60, PING_EVERY_MS = 60000;
  var lastPing = Date.now(), activeSincePing = false, box = null;
  function limit() {
    var el = document.getElementById("idle-limit");
    return el ? parseInt(el.getAttribute("data-seconds") || "0", 10) || 0 : 0;
  }
  function ping() {
    var button = document.getElementById("idle-keepalive");
    if (!button) return;
    button.click();
    lastPing = Date.now();
    activeSincePing = false;
  }
  function hide() {
    if (box) { box.remove(); box = null; }
  }
  function show(left) {
    if (!box) {
      box = document.createElement("div");
      box.id = "idle-warning";
      box.setAttribute("role", "alertdialog");
      box.setAttribute("aria-live", "assertive");
      box.setAttribute("aria-labelledby", "idle-warning-text");
      box.style.cssText = "position:fixed;left:50%;bottom:5.5em;transform:translateX(-50%);z-index:1000;max-width:min(92vw,28em);" +
        "background:var(--color-panel-solid,#fff);border:2px solid var(--amber-8,#e2a336);border-radius:12px;padding:1em 1.2em;" +
        "box-shadow:0 8px 30px rgba(0,0,0,.2);font-size:1rem;line-height:1.4";
      var text = document.createElement("p");
      text.id = "idle-warning-text";
      text.style.margin = "0 0 .75em";
      var stay = document.createElement("button");
      stay.type = "button";
      stay.id = "idle-stay";
      stay.textContent = "Stay signed in";
      stay.style.cssText = "min-height:44px;padding:0 1.2em;border-radius:8px;border:0;background:var(--teal-9,#12a594);color:#fff;font-weight:600;font-size:1rem;cursor:pointer";
      stay.addEventListener("click", function () { hide(); ping(); });
      box.appendChild(text);
      box.appendChild(stay);
      document.body.appendChild(box);
      stay.focus();
    }
    box.firstChild.textContent = "For safety, you will be signed out in " + left + " second" + (left === 1 ? "" : "s") +
      " because nothing has happened on this page for a while.";
  }
  ["pointerdown", "keydown", "wheel", "touchstart", "input"].forEach(function (name) {
    document.addEventListener(name, function () { activeSincePing = true; }, { capture: true, passive: true });
  });
  setInterval(function () {
    var seconds = limit();
    if (!seconds) { hide(); lastPing = Date.now(); return; }
    var now = Date.now();
    // Any activity while the warning shows counts as "stay", like the button.
    if (activeSincePing && (box || now - lastPing >= PING_EVERY_MS)) { hide(); ping(); }
    var left = Math.ceil(seconds - (now - lastPing) / 1000);
    if (left <= 0) { window.location.href = "/session/end?why=idle"; return; }
    if (left <= WARN_SECONDS) show(left); else hide();
  }, 1000);
})();
