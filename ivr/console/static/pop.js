// The screen pop (issue 27): every console page asks whether an offer rings the user's agent
// and shows what the line knows of the caller; it goes when the offer ends. Answers 204 while
// nothing changed. Other scripts (softphone.js) hear of each change through "ivr:pop".
(function () {
  "use strict";
  var seen = "";

  function poll(slot) {
    var page = window.location.pathname + window.location.search;
    var url = slot.getAttribute("data-url") + "?seen=" + encodeURIComponent(seen) +
      "&page=" + encodeURIComponent(page);
    // HX-Request: an ended session answers 204 with HX-Redirect rather than the login page.
    fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) {
        var login = response.headers.get("HX-Redirect");
        if (login) { window.location.assign(login); return null; }
        if (response.status !== 200) return null;
        seen = response.headers.get("X-Pop-Version") || "";
        return response.text();
      })
      .then(function (html) {
        if (html === null || html === undefined) return;
        slot.innerHTML = html;
        var section = slot.querySelector(".screen-pop");
        var wrap = slot.querySelector(".wrap-up");
        slot.setAttribute("data-state", section ? "ringing" : wrap ? "wrap-up" : "none");
        document.dispatchEvent(new CustomEvent("ivr:pop", {
          detail: { offer: section ? section.getAttribute("data-offer") : null }
        }));
      })
      .catch(function () { /* offline a moment: the next poll tries again */ });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var slot = document.getElementById("screen-pop");
    if (!slot) return;
    var seconds = Number(slot.getAttribute("data-poll-seconds")) || 1.5;
    poll(slot);
    window.setInterval(function () { poll(slot); }, seconds * 1000);
  });
})();
