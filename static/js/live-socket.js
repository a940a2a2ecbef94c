/* A WebSocket that reconnects with exponential backoff and reports its state.
 *
 *   new FoodSys.LiveSocket(path, {onMessage, onState, onOpen})
 *   onState(state, detail): "connecting" | "live" | "offline" (retrying) | "denied" (4401/4403/4404: no retry)
 *   onOpen(isReconnect): fetch a snapshot here, so nothing missed while offline is lost.
 */
(function () {
  "use strict";

  const PERMANENT = { 4401: "not signed in", 4403: "access denied", 4404: "not found" };
  const BASE_DELAY_MS = 500;
  const MAX_DELAY_MS = 30000;

  class LiveSocket {
    constructor(path, handlers) {
      this.path = path;
      this.handlers = handlers || {};
      this.attempt = 0;
      this.opened = false;
      this.stopped = false;
      this.timer = null;
      this.socket = null;
      window.addEventListener("online", () => this.reconnectNow());
      this.connect();
    }

    url() {
      // WS_PUBLIC_BASE (e.g. ws://127.0.0.1:8001) when WebSockets are served apart from the pages.
      const base = document.querySelector('meta[name="ws-base"]');
      if (base && base.content) return base.content.replace(/\/$/, "") + this.path;
      const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
      return scheme + "//" + window.location.host + this.path;
    }

    state(name, detail) {
      if (this.handlers.onState) this.handlers.onState(name, detail);
    }

    connect() {
      if (this.stopped) return;
      this.state("connecting");
      const socket = new WebSocket(this.url());
      this.socket = socket;
      socket.addEventListener("open", () => {
        const isReconnect = this.opened;
        this.opened = true;
        this.attempt = 0;
        this.state("live");
        if (this.handlers.onOpen) this.handlers.onOpen(isReconnect);
      });
      socket.addEventListener("message", (event) => {
        let message;
        try { message = JSON.parse(event.data); } catch (e) { return; }
        if (this.handlers.onMessage) this.handlers.onMessage(message);
      });
      socket.addEventListener("close", (event) => {
        if (this.socket !== socket) return;
        this.socket = null;
        if (PERMANENT[event.code]) {
          this.stopped = true;
          this.state("denied", PERMANENT[event.code]);
          return;
        }
        this.scheduleReconnect();
      });
    }

    scheduleReconnect() {
      if (this.stopped || this.timer) return;
      const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** this.attempt);
      const delay = ceiling / 2 + Math.random() * (ceiling / 2);
      this.attempt += 1;
      this.state("offline", Math.round(delay / 1000));
      this.timer = window.setTimeout(() => { this.timer = null; this.connect(); }, delay);
    }

    reconnectNow() {
      if (this.stopped || this.socket) return;
      if (this.timer) { window.clearTimeout(this.timer); this.timer = null; }
      this.connect();
    }

    close() {
      this.stopped = true;
      if (this.timer) window.clearTimeout(this.timer);
      if (this.socket) this.socket.close(1000);
    }
  }

  /** Renders a LiveSocket state into an indicator element. */
  function showConnection(indicator, state, detail) {
    if (!indicator) return;
    const text = {
      connecting: "connecting…",
      live: "live",
      offline: "offline – retrying" + (detail ? " in " + detail + " s" : ""),
      denied: "disconnected: " + (detail || "denied"),
    }[state] || state;
    indicator.textContent = text;
    indicator.className = "conn conn--" + state;
    indicator.dataset.state = state;
  }

  window.FoodSys = Object.assign(window.FoodSys || {}, { LiveSocket, showConnection });
})();
