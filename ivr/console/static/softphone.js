// The console's softphone (issue 27): a browser agent answers offers here with Twilio's Voice
// JavaScript SDK (vendor/twilio-voice-*.min.js). The page talks to the SDK only through `sdk`
// below, so tests can put a test double of Twilio.Device in its place.
// SDK reference: twilio.com/docs/voice/sdks/javascript/twiliodevice and .../twiliocall
(function () {
  "use strict";

  var sdk = {
    available: function () { return Boolean(window.Twilio && window.Twilio.Device); },
    device: function (token) {
      var device = new window.Twilio.Device(token, {
        closeProtection: true, // the browser asks before a tab with a call closes
        tokenRefreshMs: 60000, // 'tokenWillExpire' a minute before the token ends
      });
      // The page rings by itself (Web Audio, no file): the SDK's own incoming sound is off.
      if (device.audio && typeof device.audio.incoming === "function") device.audio.incoming(false);
      return device;
    },
  };

  var box, device = null, call = null, heartbeatTimer = null, clockTimer = null, ringer = null;

  function post(url) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": box.getAttribute("data-csrf") },
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    });
  }

  function token() {
    return post(box.getAttribute("data-token-url")).then(function (body) { return body.token; });
  }

  function show(selector, visible) { box.querySelector(selector).hidden = !visible; }

  function label(selector, key) {
    var element = box.querySelector(selector);
    element.textContent = element.getAttribute("data-" + key);
  }

  function registration(state) {
    box.setAttribute("data-state", state);
    label(".registration", state);
    window.clearInterval(heartbeatTimer);
    heartbeatTimer = null;
    if (state === "registered") {
      beat();
      var seconds = Number(box.getAttribute("data-heartbeat-seconds")) || 10;
      heartbeatTimer = window.setInterval(beat, seconds * 1000);
    }
  }

  function beat() {
    post(box.getAttribute("data-heartbeat-url"))
      .then(function (body) { box.setAttribute("data-presence", body.presence); })
      .catch(function () { /* the next beat tries again; the grace covers a lost one */ });
  }

  // A ring tone with Web Audio: two short bursts every three seconds, until answered or gone.
  function ring(on) {
    box.setAttribute("data-ring", on ? "on" : "off");
    if (ringer) { window.clearInterval(ringer.timer); ringer.audio.close(); ringer = null; }
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!on || !Context) return;
    var audio = new Context();
    var burst = function () {
      [0, 0.5].forEach(function (offset) {
        var tone = audio.createOscillator();
        var gain = audio.createGain();
        tone.frequency.value = 440;
        gain.gain.value = 0.12;
        tone.connect(gain).connect(audio.destination);
        tone.start(audio.currentTime + offset);
        tone.stop(audio.currentTime + offset + 0.4);
      });
    };
    burst();
    ringer = { audio: audio, timer: window.setInterval(burst, 3000) };
  }

  function duration(running) {
    window.clearInterval(clockTimer);
    show(".duration", running || box.getAttribute("data-call") === "ended");
    if (!running) return;
    var started = Date.now();
    var clock = box.querySelector(".duration .clock");
    clock.textContent = "0:00";
    clockTimer = window.setInterval(function () {
      var seconds = Math.floor((Date.now() - started) / 1000);
      clock.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
    }, 1000);
  }

  function callState(state) {
    box.setAttribute("data-call", state);
    label(".call-state", state);
    show(".accept", state === "incoming");
    show(".decline", state === "incoming");
    show(".mute", state === "connected");
    show(".hangup", state === "connected");
    ring(state === "incoming");
    if (state !== "connected") setMuted(false);
  }

  function setMuted(muted) {
    box.setAttribute("data-muted", muted ? "yes" : "no");
    label(".mute", muted ? "unmute" : "mute");
  }

  function incoming(offered) {
    if (call) { offered.reject(); return; } // one call at a time; the line offers one anyway
    call = offered;
    callState("incoming");
    offered.on("accept", function () { callState("connected"); duration(true); });
    offered.on("cancel", function () { call = null; callState("idle"); }); // the caller left
    offered.on("reject", function () { call = null; callState("declined"); });
    offered.on("disconnect", function () { call = null; callState("ended"); duration(false); });
    offered.on("error", function () { call = null; callState("ended"); duration(false); });
  }

  function start() {
    if (!sdk.available()) { registration("unregistered"); return; }
    token().then(function (first) {
      device = sdk.device(first);
      device.on("registered", function () { registration("registered"); });
      device.on("unregistered", function () {
        registration("unregistered");
        post(box.getAttribute("data-unregistered-url")).catch(function () {});
      });
      device.on("error", function () { if (!call) registration("unregistered"); });
      device.on("incoming", incoming);
      device.on("tokenWillExpire", function () {
        token().then(function (fresh) { device.updateToken(fresh); box.setAttribute("data-renewed", "yes"); });
      });
      device.register();
    }).catch(function () { registration("unregistered"); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    box = document.getElementById("softphone");
    if (!box) return;
    callState("idle");
    box.querySelector(".accept").addEventListener("click", function () { if (call) call.accept(); });
    box.querySelector(".decline").addEventListener("click", function () { if (call) call.reject(); });
    box.querySelector(".hangup").addEventListener("click", function () { if (call) call.disconnect(); });
    box.querySelector(".mute").addEventListener("click", function () {
      if (!call) return;
      var muted = !call.isMuted();
      call.mute(muted);
      setMuted(muted);
    });
    // Closing the tab: the line hears at once (a crash is caught by the missing heartbeats).
    window.addEventListener("pagehide", function () {
      var form = new FormData();
      form.append("csrf_token", box.getAttribute("data-csrf"));
      navigator.sendBeacon(box.getAttribute("data-unregistered-url"), form);
    });
    start();
  });
})();
