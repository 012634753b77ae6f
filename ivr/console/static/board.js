// The wall board: asks board.json every few seconds and fills the tables again, no reload.
// A static file (the console's Content-Security-Policy runs no inline script); what it needs
// comes from the page's #board element.
(function () {
  "use strict";

  function cell(text) {
    var td = document.createElement("td");
    td.textContent = text;
    return td;
  }

  function fill(id, rows, empty, columns) {
    var body = document.getElementById(id);
    body.replaceChildren();
    if (!rows.length) {
      var tr = document.createElement("tr");
      var td = cell(empty);
      td.colSpan = columns;
      td.className = "empty";
      tr.appendChild(td);
      body.appendChild(tr);
    }
    rows.forEach(function (values) {
      var tr = document.createElement("tr");
      values.forEach(function (v) { tr.appendChild(cell(v)); });
      body.appendChild(tr);
    });
  }

  function show(data, names) {
    fill("agents", data.agents.map(function (a) {
      return [a.name, names.presence[a.presence] || a.presence, a.languages.toUpperCase(),
              a.note || ""];
    }), names.noAgents, 4);
    fill("callers", data.callers.map(function (c) {
      var state = c.mode === "callback" ? "callback" : c.status;
      return [c.position, c.language.toUpperCase(), names.what[c.what] || c.what,
              names.state[state] || state, c.waited_minutes];
    }), names.nobody, 5);
    document.getElementById("callbacks").textContent = data.callbacks;
    var updated = document.getElementById("board-updated");
    updated.setAttribute("data-count", String(Number(updated.getAttribute("data-count")) + 1));
  }

  document.addEventListener("DOMContentLoaded", function () {
    var board = document.getElementById("board");
    if (!board) return;
    var names = JSON.parse(board.getAttribute("data-names"));
    var url = board.getAttribute("data-url");
    function refresh() {
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) {
          if (r.redirected || r.status === 401) { window.location.reload(); return null; }
          return r.ok ? r.json() : null;
        })
        .then(function (data) { if (data) show(data, names); })
        .catch(function () {});
    }
    window.setInterval(refresh, Number(board.getAttribute("data-poll-ms")) || 5000);
  });
})();
