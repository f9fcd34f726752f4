// Rating in place: the cached article page has no CSRF token, so fetch one from the rating
// page, post the score there and show the answer here. Without JavaScript (or on any failure)
// the form goes to the rating page, which does the same in two steps.
(function () {
  "use strict";
  var form = document.querySelector("[data-rating-form]");
  if (!form || !window.fetch || !window.DOMParser) return;
  var status = form.querySelector("[data-rating-status]");
  var summary = document.querySelector("[data-rating-summary]");
  var sending = false;

  form.addEventListener("submit", function (event) {
    var choice = form.querySelector("input[name=score]:checked");
    if (!choice || sending) return; // the rating page explains what is missing
    event.preventDefault();
    sending = true;
    var url = form.action;
    fetch(url + "?score=" + encodeURIComponent(choice.value), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var token = page.querySelector("input[name=csrfmiddlewaretoken]");
        if (!token) throw new Error("no token");
        var body = new FormData();
        body.append("csrfmiddlewaretoken", token.value);
        body.append("score", choice.value);
        return fetch(url, {
          method: "POST",
          body: body,
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
      })
      .then(function (response) {
        return response.json();
      })
      .then(function (answer) {
        status.textContent = answer.message;
        status.className = "rating-status message message-" + (answer.ok ? "success" : "error");
        if (answer.summary && summary) summary.textContent = answer.summary;
        sending = false;
      })
      .catch(function () {
        form.submit(); // the plain two-step way
      });
  });
})();
