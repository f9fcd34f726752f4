// Admin pages: warn before the session ends after inactivity, and let the user extend it.
// The server gives the seconds left (data-remaining) and answers the extension with the new
// time left; this script only counts down from the server's answers. Typing or clicking on
// the page counts as activity too: the session is then extended without a warning, so a long
// article typed without sending anything does not end it. Without this script nothing
// breaks: a form sent after the session ended is kept by the server and offered again.
(function () {
  "use strict";

  var data = document.getElementById("session-timeout");
  if (!data) return;
  var warning = document.getElementById("session-warning");
  var ended = document.getElementById("session-ended");
  var countdown = warning.querySelector("[data-role=countdown]");
  var errorNote = warning.querySelector("[data-role=error]");
  var warnSeconds = parseInt(data.dataset.warning, 10) || 120;
  var deadline = 0;
  var timer = null;
  var ticker = null;
  var returnFocus = null;
  var active = false; // typed or clicked on the page since the server last said the time

  function secondsLeft() {
    return Math.max(0, Math.round((deadline - Date.now()) / 1000));
  }

  function formatTime(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function open(dialog) {
    if (dialog.open) return;
    returnFocus = document.activeElement;
    if (typeof dialog.showModal === "function") {
      dialog.showModal();
    } else {
      dialog.setAttribute("open", "");
    }
    var button = dialog.querySelector("button");
    if (button) button.focus();
  }

  function close(dialog) {
    if (!dialog.open) return;
    if (typeof dialog.close === "function") {
      dialog.close();
    } else {
      dialog.removeAttribute("open");
    }
    if (returnFocus && typeof returnFocus.focus === "function") returnFocus.focus();
  }

  function schedule(remaining) {
    active = false;
    deadline = Date.now() + remaining * 1000;
    clearTimeout(timer);
    clearInterval(ticker);
    ticker = null;
    timer = setTimeout(check, Math.max(0, remaining - warnSeconds) * 1000);
  }

  function showEnded() {
    clearTimeout(timer);
    clearInterval(ticker);
    close(warning);
    open(ended);
  }

  function tick() {
    var left = secondsLeft();
    countdown.textContent = formatTime(left);
    if (left <= 0) {
      clearInterval(ticker);
      ticker = null;
      check();
    }
  }

  function showWarning() {
    errorNote.hidden = true;
    tick();
    open(warning);
    if (!ticker) ticker = setInterval(tick, 1000);
  }

  function answer(response) {
    if (response.status === 401) return { signed_in: false };
    if (!response.ok) throw new Error(String(response.status));
    return response.json();
  }

  // Ask the time left without extending it: another tab may have been used meanwhile.
  function check() {
    fetch(data.dataset.statusUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      cache: "no-store",
    })
      .then(answer)
      .then(function (state) {
        if (!state.signed_in) {
          showEnded();
        } else if (state.remaining > warnSeconds + 2) {
          close(warning);
          schedule(state.remaining);
        } else if (active && !warning.open) {
          extend();
        } else {
          deadline = Date.now() + state.remaining * 1000;
          showWarning();
        }
      })
      .catch(function () {
        // Offline for a moment: count down from what the server said last.
        if (secondsLeft() > 0) showWarning();
      });
  }

  function extend() {
    fetch(data.dataset.extendUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        Accept: "application/json",
        "X-CSRFToken": data.dataset.csrfToken,
        "X-Requested-With": "XMLHttpRequest",
      },
      cache: "no-store",
    })
      .then(answer)
      .then(function (state) {
        if (!state.signed_in) {
          showEnded();
          return;
        }
        close(warning);
        schedule(state.remaining);
      })
      .catch(function () {
        errorNote.hidden = false;
      });
  }

  function markActive(event) {
    if (!warning.contains(event.target) && !ended.contains(event.target)) active = true;
  }

  ["keydown", "pointerdown", "input"].forEach(function (type) {
    document.addEventListener(type, markActive, true);
  });
  warning.querySelector("[data-action=extend]").addEventListener("click", extend);
  ended.querySelector("[data-action=close]").addEventListener("click", function () {
    close(ended);
  });
  // Timers of a hidden tab may be held back: look again when the page is seen again.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && deadline && !ended.open) check();
  });

  schedule(parseInt(data.dataset.remaining, 10) || 0);
})();
