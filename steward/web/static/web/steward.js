// Steward's only script: small progressive enhancements, no inline handlers (CSP).
(function () {
  "use strict";

  // Submit the organisation switcher as soon as a choice is made.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
    var button = select.form.querySelector("button");
    if (button) { button.hidden = true; }
  });

  // Ask before destructive actions.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });

  // Idle logoff: the server signs a session out when no request has come for
  // the organisation's limit. A minute before, offer to stay signed in (one
  // request resets the server's clock); once it passes, reload so PHI does not
  // stay on an unattended screen and the sign-in page explains why.
  var body = document.body;
  var limit = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
  var warning = document.querySelector(".idle-warning");
  if (limit > 0 && warning) {
    var last = Date.now();
    var stay = warning.querySelector("form");
    stay.addEventListener("submit", function (event) {
      event.preventDefault();
      window.fetch(stay.action, { method: "POST", body: new FormData(stay), credentials: "same-origin" })
        .then(function (response) {
          if (response.ok) { last = Date.now(); warning.hidden = true; } else { window.location.reload(); }
        });
    });
    window.setInterval(function () {
      var idle = (Date.now() - last) / 1000;
      if (idle > limit + 2) { window.location.reload(); }
      else if (idle > limit - 60) { warning.hidden = false; }
    }, 5000);
  }
})();
