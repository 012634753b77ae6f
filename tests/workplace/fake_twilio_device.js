// A test double of the Voice SDK's Twilio.Device and Call, served in place of the vendored SDK
// (the page's adapter uses only what is here). The test drives it with `fakeTwilio`.
(function () {
  "use strict";
  function Emitter() { this.handlers = {}; }
  Emitter.prototype.on = function (name, fn) {
    (this.handlers[name] = this.handlers[name] || []).push(fn);
    return this;
  };
  Emitter.prototype.emit = function (name, value) {
    (this.handlers[name] || []).forEach(function (fn) { fn(value); });
  };

  function Call(parameters) {
    Emitter.call(this);
    this.parameters = parameters;
    this.status = "pending";
    this.muted = false;
  }
  Call.prototype = Object.create(Emitter.prototype);
  Call.prototype.accept = function () { this.status = "open"; this.emit("accept", this); };
  Call.prototype.reject = function () { this.status = "rejected"; this.emit("reject"); };
  Call.prototype.mute = function (muted) { this.muted = muted; this.emit("mute", muted); };
  Call.prototype.isMuted = function () { return this.muted; };
  Call.prototype.disconnect = function () { this.status = "closed"; this.emit("disconnect", this); };

  function Device(token, options) {
    Emitter.call(this);
    this.token = token;
    this.options = options;
    this.sdkIncomingSound = true;
    var self = this;
    this.audio = { incoming: function (on) { self.sdkIncomingSound = on; } };
    window.fakeTwilio.devices.push(this);
  }
  Device.prototype = Object.create(Emitter.prototype);
  Device.prototype.register = function () {
    var self = this;
    window.setTimeout(function () { self.emit("registered"); }, 0);
    return Promise.resolve();
  };
  Device.prototype.updateToken = function (token) { this.token = token; };

  window.fakeTwilio = {
    devices: [],
    calls: [],
    device: function () { return this.devices[this.devices.length - 1]; },
    ring: function (parameters) {
      var call = new Call(parameters);
      this.calls.push(call);
      this.device().emit("incoming", call);
      return this.calls.length - 1;
    },
    hangUp: function () { var c = this.calls[this.calls.length - 1]; c.status = "closed"; c.emit("disconnect", c); },
    lose: function () { this.device().emit("unregistered"); },
    expire: function () { this.device().emit("tokenWillExpire", this.device()); },
  };
  window.Twilio = { Device: Device };
})();
