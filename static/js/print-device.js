/* This tablet as a print device: claims its tickets, prints each once, acknowledges it.
 * Exactly once per device: a job id goes into this browser's journal (localStorage, shared by every
 * tab of the device) before the ack, and tabs take turns through a Web Lock, so a job offered again
 * (a lost ack, a reload, a second tab) is acknowledged without printing twice. */
function startPrintDevice() {
  "use strict";
  const root = document.querySelector("[data-testid=print-device]");
  if (!root || !window.FoodSys) return;
  const { api } = window.FoodSys;
  const restaurantId = root.dataset.restaurantId;
  const tenantId = root.dataset.tenantId;
  const deviceKey = "foodsys.printDevice." + restaurantId;
  const POLL_MS = 5000;
  const JOURNAL_SIZE = 1000;
  const status = root.querySelector("[data-testid=print-device-status]");
  const enable = root.querySelector("[data-action=print-device-enable]");
  const disable = root.querySelector("[data-action=print-device-disable]");
  const width = root.querySelector("[data-print-width]");
  let timer = null;

  const readJson = (key, fallback) => {
    try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  };
  const device = () => readJson(deviceKey, null);
  const journalKey = (id) => "foodsys.printed." + id;
  const printed = (id, jobId) => readJson(journalKey(id), []).includes(jobId);
  function remember(id, jobId) {
    const journal = readJson(journalKey(id), []);
    journal.push(jobId);
    localStorage.setItem(journalKey(id), JSON.stringify(journal.slice(-JOURNAL_SIZE)));
  }
  const say = (text) => { status.textContent = text; };

  function render() {
    const current = device();
    enable.hidden = Boolean(current);
    disable.hidden = !current;
    width.disabled = Boolean(current);
    if (current) width.value = String(current.paperWidth);
    if (!current) say("This device does not print tickets.");
  }

  function printTicket(job, paperWidth) {
    return new Promise((resolve) => {
      const frame = document.createElement("iframe");
      frame.className = "print-device__frame";
      frame.title = "Ticket " + job.ticket.call_number;
      frame.setAttribute("aria-hidden", "true");
      frame.tabIndex = -1;
      frame.src = "/dashboard/" + restaurantId + "/orders/" + job.order_id + "/ticket/?width=" + paperWidth +
        (job.copy ? "&copy=" + job.copy : "");
      frame.addEventListener("load", () => {
        try { frame.contentWindow.print(); } catch (e) { /* printed by the page's own button instead */ }
        setTimeout(() => { frame.remove(); resolve(); }, 500);
      }, { once: true });
      document.body.append(frame);
    });
  }

  async function ack(current, job) {
    const url = "/api/print-devices/" + current.id + "/jobs/" + job.id + "/ack/";
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      try {
        await api(url, { method: "POST", body: { claim_token: job.claim_token }, tenantId });
        return;
      } catch (error) {
        if (error.status === 409 || error.status === 404) return; // a newer claim or a retired device
        await new Promise((done) => setTimeout(done, 500 * attempt));
      }
    }
  }

  async function cycle() {
    const current = device();
    if (!current) return;
    const run = async () => {
      let body;
      try {
        body = await api("/api/print-devices/" + current.id + "/claim/", { method: "POST", body: { limit: 5 },
          tenantId });
      } catch (error) {
        if (error.status === 404) { localStorage.removeItem(deviceKey); render(); return; } // retired elsewhere
        say("Printing paused: " + error.message + " (retrying)");
        return;
      }
      for (const job of body.jobs) {
        if (!printed(current.id, job.id)) {
          await printTicket(job, current.paperWidth);
          remember(current.id, job.id);
          say("Printed ticket #" + job.ticket.call_number + (job.copy ? " (reprint " + job.copy + ")" : "") +
            " at " + new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + ".");
        }
        await ack(current, job);
      }
      if (!body.jobs.length && status.textContent.indexOf("Printed") !== 0) {
        say("This device prints new tickets (" + current.name + ", " + current.paperWidth + " mm).");
      }
    };
    if (navigator.locks) await navigator.locks.request("foodsys-print-" + current.id, run);
    else await run();
  }

  function start() {
    clearInterval(timer);
    if (!device()) return;
    cycle();
    timer = setInterval(cycle, POLL_MS);
  }

  enable.addEventListener("click", async () => {
    enable.disabled = true;
    try {
      const registered = await api("/api/restaurants/" + restaurantId + "/print-devices/", {
        method: "POST", tenantId,
        body: { name: "Board " + new Date().toISOString().slice(0, 16).replace("T", " "), kind: "browser",
                paper_width: Number(width.value) },
      });
      localStorage.setItem(deviceKey, JSON.stringify({ id: registered.id, name: registered.name,
                                                      paperWidth: registered.paper_width }));
      render();
      start();
    } catch (error) {
      say("Could not set up printing: " + error.message);
    } finally {
      enable.disabled = false;
    }
  });

  disable.addEventListener("click", async () => {
    const current = device();
    if (!current) return;
    try {
      await api("/api/restaurants/" + restaurantId + "/print-devices/" + current.id + "/", { method: "DELETE",
        tenantId });
    } catch (error) { /* already retired */ }
    localStorage.removeItem(deviceKey);
    clearInterval(timer);
    render();
  });

  window.addEventListener("storage", (event) => { if (event.key === deviceKey) { render(); start(); } });
  window.addEventListener("foodsys:order-created", () => cycle());
  render();
  start();
}
// After every deferred script (api.js defines window.FoodSys), wherever this one is included.
document.addEventListener("DOMContentLoaded", startPrintDevice);
