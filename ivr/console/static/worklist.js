// The live work list: htmx swaps in the list's new state; this announces a new category-1
// incident on screen and, unless switched off, with a short two-tone sound (Web Audio: no file).
(function () {
  "use strict";
  var SOUND_KEY = "ivr.worklist.sound";
  var known = null;

  function references() {
    var live = document.getElementById("work-live");
    var text = live ? live.getAttribute("data-category-one") || "" : "";
    return text.split(" ").filter(Boolean);
  }

  function soundOn() {
    return window.localStorage.getItem(SOUND_KEY) !== "off";
  }

  function beep() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return "unsupported";
    var audio = new Context();
    [880, 660].forEach(function (frequency, n) {
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      tone.frequency.value = frequency;
      gain.gain.value = 0.15;
      tone.connect(gain).connect(audio.destination);
      tone.start(audio.currentTime + n * 0.18);
      tone.stop(audio.currentTime + n * 0.18 + 0.15);
    });
    window.setTimeout(function () { audio.close(); }, 1000);
    return audio.state === "running" ? "played" : "blocked";
  }

  function announce(fresh) {
    var box = document.getElementById("announcement");
    if (!box) return;
    var reference = fresh[fresh.length - 1];
    box.querySelector(".text").textContent = box.getAttribute("data-text");
    var link = box.querySelector(".open");
    link.textContent = reference.slice(0, 4) + " " + reference.slice(4);
    link.href = box.getAttribute("data-incident-url").replace("REFERENCE", reference);
    box.hidden = false;
    box.setAttribute("data-sound", soundOn() ? beep() : "off");
    box.setAttribute("data-count", String(Number(box.getAttribute("data-count") || 0) + 1));
  }

  function check() {
    var now = references();
    if (known !== null) {
      var fresh = now.filter(function (r) { return known.indexOf(r) < 0; });
      if (fresh.length) announce(fresh);
    }
    known = now;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.getElementById("sound-toggle");
    if (toggle) {
      toggle.checked = soundOn();
      toggle.addEventListener("change", function () {
        window.localStorage.setItem(SOUND_KEY, toggle.checked ? "on" : "off");
      });
    }
    var box = document.getElementById("announcement");
    if (box) {
      box.querySelector(".dismiss").addEventListener("click", function () { box.hidden = true; });
    }
    check();
    document.body.addEventListener("htmx:afterSettle", check);
  });
})();
