/* The live kitchen board (dashboard/board.html): columns of order cards, compact KPIs and a Trends tab
 * (orders-per-minute chart), fed by /ws/tenant/<tenant_id>/ (order.created, order.updated,
 * metrics.update) with REST snapshots (GET /api/orders/, GET /api/metrics/) on load and after every
 * reconnect. New orders alert (repeating sound, title and favicon count, desktop notification) until
 * acknowledged; the service-state bar shows paused / closed / busy with a live countdown and controls.
 * The detail panel is static/js/order-detail.js. Keys: a focused card advances with "n" or Space,
 * opens with Enter; arrows move between cards. */
(function () {
  "use strict";
  const { api, apiAll, money, el, readConfig, LiveSocket, showConnection, OrderDetail } = window.FoodSys;

  const config = readConfig("dashboard-config");
  const root = document.getElementById("dashboard");
  const errorBox = document.getElementById("board-error");
  const boardStatuses = config.boardStatuses;
  const labels = config.statusLabels;
  const ACTION_LABELS = OrderDetail.ACTION_LABELS;
  // Used when a summary lacks next_statuses (it normally carries them).
  const FORWARD = { pending: "confirmed", confirmed: "preparing", preparing: "ready", ready: "out_for_delivery",
    out_for_delivery: "delivered" };
  const CANCELLABLE = ["pending", "confirmed", "preparing"];
  const NEW_HIGHLIGHT_MS = 8000;
  const ALARM_EVERY_MS = 2000;
  const SOUND_KEY = "foodsys.sound";

  const orders = new Map(); // id -> summary
  const unacked = new Set(); // ids of new orders nobody has acknowledged on this device
  const baseTitle = document.title;
  let chart = null;
  let lastMetrics = null;
  let snapshotLoaded = false;

  // --- errors --------------------------------------------------------------------------------
  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = !message;
  }

  // --- sound (on by default per device; browsers need one click before audio may play) ---------
  const soundToggle = document.getElementById("sound-toggle");
  const soundPrompt = document.getElementById("sound-prompt");
  let audio = null;
  let audioUnlocked = false;
  soundToggle.checked = window.localStorage.getItem(SOUND_KEY) !== "off";

  function soundState() {
    if (!soundToggle.checked) return "off";
    return audioUnlocked ? "on" : "blocked";
  }

  function renderSound() {
    soundPrompt.hidden = soundState() !== "blocked";
    root.dataset.sound = soundState();
  }

  function unlockAudio() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") audio.resume();
      audioUnlocked = true;
    } catch (e) { audioUnlocked = true; /* no audio here: the banner and title still alert */ }
    renderSound();
  }

  soundToggle.addEventListener("change", () => {
    window.localStorage.setItem(SOUND_KEY, soundToggle.checked ? "on" : "off");
    if (soundToggle.checked) { unlockAudio(); beep(); }
    renderSound();
  });
  document.getElementById("sound-enable").addEventListener("click", () => { unlockAudio(); beep(); });

  function beep() {
    if (soundState() !== "on" || !audio) return;
    try {
      const now = audio.currentTime;
      [0, 0.25].forEach((offset, i) => { // two short tones: easier to hear over a kitchen than one
        const oscillator = audio.createOscillator();
        const gain = audio.createGain();
        oscillator.frequency.value = i ? 660 : 880;
        gain.gain.setValueAtTime(0.2, now + offset);
        gain.gain.exponentialRampToValueAtTime(0.001, now + offset + 0.22);
        oscillator.connect(gain).connect(audio.destination);
        oscillator.start(now + offset);
        oscillator.stop(now + offset + 0.22);
      });
      root.dataset.beeps = String((Number(root.dataset.beeps) || 0) + 1); // how many alerts sounded (tests read it)
    } catch (e) { /* no audio available: the banner and title are enough */ }
  }

  // --- desktop notifications (asked for by a button, never on load) ----------------------------
  const notifyButton = document.getElementById("notify-enable");
  function renderNotify() {
    notifyButton.hidden = !("Notification" in window) || window.Notification.permission !== "default";
  }
  notifyButton.addEventListener("click", () => {
    try {
      const asked = window.Notification.requestPermission(renderNotify);
      if (asked && asked.then) asked.then(renderNotify, renderNotify);
    } catch (e) { renderNotify(); }
  });

  function notify(order) {
    try {
      if ("Notification" in window && window.Notification.permission === "granted") {
        const note = new window.Notification("New order #" + order.order_number,
          { body: [order.customer_name, order.fulfilment].filter(Boolean).join(" · "), tag: "order-" + order.id });
        note.onclick = () => { window.focus(); detail.open(order.id); };
      }
    } catch (e) { /* notifications unavailable */ }
  }

  // --- alerts: banner, title "(N) …", favicon badge, repeating sound --------------------------
  const banner = document.getElementById("alert-banner");
  const alertText = document.getElementById("alert-text");
  const favicon = document.querySelector('link[rel="icon"]') || document.head.appendChild(el("link", { rel: "icon" }));
  const originalIcon = { href: favicon.getAttribute("href"), type: favicon.getAttribute("type") };
  let alarm = null;

  function badgeIcon(count) {
    const canvas = document.createElement("canvas");
    canvas.width = 32;
    canvas.height = 32;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#b42318";
    ctx.beginPath();
    ctx.arc(16, 16, 16, 0, 2 * Math.PI);
    ctx.fill();
    ctx.fillStyle = "#fff";
    ctx.font = "bold 20px sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(count > 9 ? "9+" : String(count), 16, 17);
    return canvas.toDataURL("image/png");
  }

  function renderAlerts() {
    const count = unacked.size;
    document.title = (count ? "(" + count + ") " : "") + baseTitle;
    banner.hidden = !count;
    alertText.textContent = count === 1 ? "1 new order" : count + " new orders";
    try {
      if (count) { favicon.setAttribute("href", badgeIcon(count)); favicon.setAttribute("type", "image/png"); }
      else { favicon.setAttribute("href", originalIcon.href || ""); favicon.setAttribute("type", originalIcon.type || ""); }
    } catch (e) { /* no canvas: the title still counts */ }
    favicon.dataset.count = String(count);
    if (count && !alarm) { beep(); alarm = window.setInterval(beep, ALARM_EVERY_MS); }
    if (!count && alarm) { window.clearInterval(alarm); alarm = null; }
    root.dataset.unacked = String(count);
    root.dataset.alarm = count ? "ringing" : "quiet";
    root.querySelectorAll(".order-card").forEach((card) => {
      card.classList.toggle("order-card--unacked", unacked.has(card.dataset.orderId));
    });
  }

  function alertNew(order) {
    unacked.add(order.id);
    renderAlerts();
    notify(order);
  }

  function acknowledge(id) {
    if (id === undefined) unacked.clear();
    else unacked.delete(id);
    renderAlerts();
  }
  document.getElementById("acknowledge").addEventListener("click", () => acknowledge());

  // --- board ---------------------------------------------------------------------------------
  function nextStatuses(order) {
    if (Array.isArray(order.next_statuses)) return order.next_statuses;
    const next = FORWARD[order.status] ? [FORWARD[order.status]] : [];
    return CANCELLABLE.includes(order.status) ? next.concat("cancelled") : next;
  }

  function minutesOld(iso) {
    return Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 60000));
  }

  function ageText(iso) {
    const minutes = minutesOld(iso);
    return minutes < 1 ? "just now" : minutes + " min";
  }

  function ageClass(iso) {
    const minutes = minutesOld(iso);
    const target = Number(config.targetPrepMinutes) || 20;
    return minutes >= 2 * target ? "age--late" : minutes >= target ? "age--warn" : "age--ok";
  }

  function cancelForm(order, card) {
    const input = el("input", { type: "text", name: "reason", maxlength: "500", placeholder: "Reason",
      "aria-label": "Cancel reason", "data-testid": "cancel-reason" });
    const form = el("form", { className: "order-card__cancel", hidden: true }, [
      input,
      el("button", { type: "submit", className: "button button-small button-danger", text: "Cancel order",
        "data-testid": "cancel-confirm" }),
    ]);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      transition(order, "cancelled", input.value.trim(), card);
    });
    return form;
  }

  function badges(order) {
    const payment = [order.payment_method, order.payment_status].filter(Boolean).join(" · ").replace(/_/g, " ");
    return el("div", { className: "order-card__badges" }, [
      order.fulfilment ? el("span", { className: "badge badge--" + order.fulfilment, "data-testid": "card-fulfilment",
        text: order.fulfilment }) : null,
      order.channel && order.channel !== "online"
        ? el("span", { className: "badge badge--channel", text: order.channel.replace(/_/g, "-") }) : null,
      payment ? el("span", { className: "badge badge--payment", "data-testid": "card-payment", text: payment }) : null,
    ]);
  }

  function buildCard(order, isNew) {
    const card = el("article", {
      className: "order-card" + (isNew ? " order-card--new" : "") + (unacked.has(order.id) ? " order-card--unacked" : ""),
      "data-order-id": order.id, "data-status": order.status, "data-testid": "order-card", tabindex: "0",
      "aria-label": "Order #" + order.order_number + ", " + (labels[order.status] || order.status) +
        (order.customer_name ? ", " + order.customer_name : ""),
    });
    const actions = el("div", { className: "order-card__actions" });
    const form = cancelForm(order, card);
    nextStatuses(order).forEach((status) => {
      if (status === "cancelled") {
        actions.append(el("button", { type: "button", className: "button button-small button-secondary", text: "Cancel…",
          "data-action": "cancel",
          onclick: () => { form.hidden = !form.hidden; if (!form.hidden) form.querySelector("input").focus(); } }));
      } else {
        actions.append(el("button", { type: "button", className: "button button-small", "data-action": status,
          text: ACTION_LABELS[status] || labels[status] || status, onclick: () => transition(order, status, "", card) }));
      }
    });
    card.append(
      el("header", { className: "order-card__head" }, [
        el("strong", { className: "order-card__number", text: "#" + order.order_number }),
        el("time", { className: "order-card__age " + ageClass(order.created_at), datetime: order.created_at,
          "data-testid": "card-age", text: ageText(order.created_at) }),
      ]),
      el("div", { className: "order-card__meta" }, [
        el("span", { className: "order-card__customer", text: order.customer_name || "" }),
        el("span", { className: "order-card__total", text: money(order.total, order.currency) }),
      ]),
      badges(order),
      el("ul", { className: "order-card__lines" },
        (order.lines || []).map((line) => el("li", { text: OrderDetail.lineText(line) }))),
      ...(order.notes ? [el("p", { className: "order-card__notes", text: order.notes })] : []),
      actions,
      form,
    );
    card.addEventListener("click", (event) => {
      if (!event.target.closest("button, input, form, a")) detail.open(order.id);
    });
    if (isNew) window.setTimeout(() => card.classList.remove("order-card--new"), NEW_HIGHLIGHT_MS);
    return card;
  }

  function isStale(previous, incoming) {
    if (!previous || !previous.updated_at || !incoming.updated_at) return false;
    return Date.parse(incoming.updated_at) < Date.parse(previous.updated_at);
  }

  function upsert(order, isNew) {
    const previous = orders.get(order.id);
    if (isStale(previous, order)) return;
    const existing = root.querySelector('[data-order-id="' + order.id + '"]');
    const keepHighlight = existing && existing.classList.contains("order-card--new");
    const hadFocus = existing && existing === document.activeElement;
    if (existing) existing.remove();
    if (!boardStatuses.includes(order.status)) {
      orders.delete(order.id);
      unacked.delete(order.id);
      updateCounts();
      renderAlerts();
      return;
    }
    orders.set(order.id, order);
    const column = root.querySelector('[data-column="' + order.status + '"] .board__cards');
    const card = buildCard(order, isNew || keepHighlight);
    // Oldest first within a column: the kitchen works top-down.
    const later = Array.from(column.children).find((other) => {
      const o = orders.get(other.dataset.orderId);
      return o && Date.parse(o.created_at) > Date.parse(order.created_at);
    });
    column.insertBefore(card, later || null);
    if (isNew && column.scrollHeight > column.clientHeight) {
      column.scrollTop = card.offsetTop - column.offsetTop; // a new order is never hidden in a long column
    }
    if (hadFocus) card.focus();
    updateCounts();
  }

  function updateCounts() {
    boardStatuses.forEach((status) => {
      const count = root.querySelectorAll('[data-column="' + status + '"] .order-card').length;
      root.querySelector('[data-count="' + status + '"]').textContent = count;
    });
  }

  function applyDetail(detailBody) {
    const current = orders.get(detailBody.id);
    if (!current) return;
    upsert(Object.assign({}, current, {
      status: detailBody.status,
      updated_at: detailBody.updated_at || current.updated_at,
      next_statuses: detailBody.allowed_transitions || undefined,
    }), false);
  }

  async function transition(order, status, reason, card) {
    card.querySelectorAll("button").forEach((button) => { button.disabled = true; });
    acknowledge(order.id); // acting on an order is noticing it
    try {
      const body = { status };
      if (reason) body.reason = reason;
      const updated = await api(config.statusUrlTemplate.replace("{id}", order.id), {
        method: "POST", body, tenantId: config.tenantId,
      });
      showError("");
      // Apply at once; the order.updated broadcast that follows is idempotent.
      applyDetail(Object.assign({ id: order.id, status }, updated));
    } catch (error) {
      showError("Order #" + order.order_number + ": " + error.message);
      card.querySelectorAll("button").forEach((button) => { button.disabled = false; });
      if (error.status === 409) loadOrders();
    }
  }

  async function loadOrders() {
    const query = new URLSearchParams({ status: boardStatuses.join(","), page_size: "100", ordering: "created_at" });
    const list = await apiAll(config.ordersUrl + "?" + query.toString(), { tenantId: config.tenantId });
    const seen = new Set(list.map((order) => order.id));
    Array.from(orders.keys()).forEach((id) => {
      if (!seen.has(id)) upsert(Object.assign({}, orders.get(id), { status: "gone", updated_at: null }), false);
    });
    list.forEach((order) => {
      // After a reconnect, a pending order this screen never heard of still has to alert.
      const missed = snapshotLoaded && !orders.has(order.id) && order.status === "pending";
      upsert(order, missed);
      if (missed) alertNew(order);
    });
    snapshotLoaded = true;
  }

  const detail = OrderDetail.create({
    tenantId: config.tenantId, detailUrlTemplate: config.orderDetailUrlTemplate,
    statusUrlTemplate: config.statusUrlTemplate, ticketUrlTemplate: config.ticketUrlTemplate,
    timezone: config.timezone, currency: config.currency, statusLabels: labels,
    onOpen: (id) => acknowledge(id), onChange: applyDetail,
  });

  // --- KPIs and chart ------------------------------------------------------------------------
  function first(object, names) {
    for (const name of names) if (object && object[name] !== undefined && object[name] !== null) return object[name];
    return undefined;
  }

  function duration(seconds) {
    if (seconds === undefined || seconds === null) return "–";
    // Kitchen terms: "under 1 min", "12 min", "1 h 05 min" (never "0s / 30s").
    const s = Math.round(Number(seconds));
    if (s < 60) return "under 1 min";
    const minutes = Math.round(s / 60);
    return minutes < 60 ? minutes + " min" : Math.floor(minutes / 60) + " h " + String(minutes % 60).padStart(2, "0") + " min";
  }

  function setKpi(name, text) {
    const node = root.querySelector('[data-kpi="' + name + '"]');
    if (node && node.textContent !== String(text)) {
      node.textContent = text;
      node.classList.remove("kpi__value--flash");
      void node.offsetWidth; // restart the flash animation
      node.classList.add("kpi__value--flash");
    }
  }

  // The snapshot of GET /api/metrics/ and metrics.update: orders_per_minute [{minute, count}] oldest
  // first, revenue_today, average_order_value, avg/p90_prep_time_seconds, status_counts, total_orders.
  function series(metrics) {
    const raw = metrics.orders_per_minute;
    if (!Array.isArray(raw)) return [];
    return raw.map((point) => ({ minute: point.minute, count: Number(point.count) || 0 }));
  }

  function renderMetrics(metrics) {
    if (!metrics) return;
    lastMetrics = metrics;
    const currency = metrics.currency || config.currency;
    const points = series(metrics);
    const hasToday = metrics.orders_today !== undefined;
    root.querySelector('[data-kpi-label="orders"]').textContent = hasToday ? "Orders today" : "Orders (all time)";
    setKpi("orders_today", String(hasToday ? metrics.orders_today : first(metrics, ["total_orders"]) ?? "–"));
    setKpi("orders_per_minute", points.length ? String(points[points.length - 1].count) : "–");
    setKpi("revenue_today", money(metrics.revenue_today, currency));
    setKpi("average_order_value", money(metrics.average_order_value, currency));
    setKpi("prep_time", duration(metrics.avg_prep_time_seconds) + " / " + duration(metrics.p90_prep_time_seconds));
    const open = metrics.status_counts || {};
    setKpi("open_by_status", boardStatuses.map((status) => (labels[status] || status) + ": " + (open[status] || 0)).join(" · "));
    renderChart(points);
  }

  function minuteLabel(minute, index, length) {
    if (minute) {
      const date = new Date(minute);
      if (!Number.isNaN(date.getTime())) return date.toTimeString().slice(0, 5);
    }
    return "-" + (length - 1 - index) + "m";
  }

  function renderChart(points) {
    if (!window.Chart) return;
    const canvas = document.getElementById("orders-chart");
    const chartLabels = points.map((p, i) => minuteLabel(p.minute, i, points.length));
    const data = points.map((p) => p.count);
    if (!chart) {
      chart = new window.Chart(canvas, {
        type: "line",
        data: { labels: chartLabels, datasets: [{ label: "Orders / minute", data, tension: 0.25, fill: true,
          borderColor: "#d9480f", backgroundColor: "rgba(217, 72, 15, 0.12)", pointRadius: 0 }] },
        options: { animation: false, responsive: true, maintainAspectRatio: false,
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { maxTicksLimit: 12 } } },
          plugins: { legend: { display: false } } },
      });
    } else {
      chart.data.labels = chartLabels;
      chart.data.datasets[0].data = data;
      chart.update();
    }
    canvas.dataset.points = String(data.reduce((a, b) => a + b, 0));
  }

  async function loadMetrics() {
    renderMetrics(await api(config.metricsUrl, { tenantId: config.tenantId }));
  }

  async function loadSnapshot() {
    try {
      await Promise.all([loadOrders(), loadMetrics()]);
      showError("");
    } catch (error) {
      showError("Could not load the current orders: " + error.message);
    }
  }

  // --- live ----------------------------------------------------------------------------------
  function onMessage(message) {
    if (message.type === "order.created") {
      const fresh = !orders.has(message.data.id);
      upsert(message.data, fresh);
      if (fresh && boardStatuses.includes(message.data.status)) alertNew(message.data);
    } else if (message.type === "order.updated") {
      upsert(message.data, false);
    } else if (message.type === "metrics.update") {
      renderMetrics(message.data);
    }
  }

  // --- tabs: Board | Trends ------------------------------------------------------------------
  const tabs = Array.from(document.querySelectorAll('.tabs [role="tab"]'));
  function selectTab(tab, focus) {
    tabs.forEach((t) => {
      const on = t === tab;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
    });
    if (focus) tab.focus();
    if (tab.id === "tab-trends" && chart) chart.resize();
  }
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => selectTab(tab, true));
    tab.addEventListener("keydown", (event) => {
      if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
        event.preventDefault();
        selectTab(tabs[(i + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length], true);
      }
    });
  });

  // --- keyboard: n / Space advance, Enter opens, arrows move ----------------------------------
  root.querySelector(".board").addEventListener("keydown", (event) => {
    const card = event.target.closest && event.target.closest(".order-card");
    if (!card || event.target !== card || event.ctrlKey || event.metaKey || event.altKey) return;
    const order = orders.get(card.dataset.orderId);
    if (!order) return;
    if (event.key === "n" || event.key === "N" || event.key === " ") {
      event.preventDefault();
      const next = nextStatuses(order).find((s) => s !== "cancelled");
      if (next) {
        transition(order, next, "", card).then(() => {
          const moved = root.querySelector('[data-order-id="' + order.id + '"]');
          if (moved) moved.focus();
        });
      }
    } else if (event.key === "Enter") {
      event.preventDefault();
      detail.open(order.id);
    } else if (event.key.startsWith("Arrow")) {
      event.preventDefault();
      const column = card.closest(".board__column");
      const cards = Array.from(column.querySelectorAll(".order-card"));
      const index = cards.indexOf(card);
      let target = null;
      if (event.key === "ArrowDown") target = cards[index + 1];
      else if (event.key === "ArrowUp") target = cards[index - 1];
      else {
        const columns = Array.from(root.querySelectorAll(".board__column"));
        const step = event.key === "ArrowRight" ? 1 : -1;
        for (let c = columns.indexOf(column) + step; c >= 0 && c < columns.length && !target; c += step) {
          const others = columns[c].querySelectorAll(".order-card");
          target = others[Math.min(index, others.length - 1)] || null;
        }
      }
      if (target) target.focus();
    }
  });

  // --- service state: paused / closed / busy, with a live countdown ---------------------------
  const serviceBar = document.getElementById("service-banner");
  const serviceText = document.getElementById("service-text");
  const busyBox = document.getElementById("busy-countdown");
  const clock = OrderDetail.zoneFormatter(config.timezone, { hour: "numeric", minute: "2-digit" });
  let serviceState = null;
  let clockOffset = 0; // server time minus this device's time
  let refreshing = false;
  let lastRefresh = 0;

  function serverNow() { return Date.now() + clockOffset; }

  function minutesLeft(iso) {
    return Math.max(0, Math.ceil((Date.parse(iso) - serverNow()) / 60000));
  }

  function until(iso) {
    return clock.format(new Date(iso)) + " (" + minutesLeft(iso) + " min)";
  }

  function renderService() {
    const st = serviceState;
    serviceBar.hidden = !st;
    if (!st) return;
    const busyActive = st.busy && (!st.busy_until || Date.parse(st.busy_until) > serverNow());
    const pausedActive = st.paused && (!st.paused_until || Date.parse(st.paused_until) > serverNow());
    let state = "open";
    let text = "Accepting orders" + (st.auto_accept ? " · auto-accept on" : "");
    if (pausedActive) {
      state = "paused";
      text = st.paused_until ? "Paused — ends " + until(st.paused_until) : "Paused until you resume";
    } else if (!st.open_now) {
      state = "closed";
      text = "Closed now (outside opening hours)";
    }
    serviceText.textContent = text;
    busyBox.hidden = !busyActive;
    busyBox.textContent = busyActive
      ? "Busy — +" + (st.busy_extra_prep_minutes || 0) + " min" + (st.busy_until ? " — ends " + until(st.busy_until) : "")
      : "";
    serviceBar.dataset.state = busyActive && state === "open" ? "busy" : state;
    serviceBar.dataset.busy = String(busyActive);
    serviceBar.querySelectorAll("[data-busy], [data-busy-extra]").forEach((b) => { b.hidden = busyActive; });
    serviceBar.querySelectorAll("[data-busy-end]").forEach((b) => { b.hidden = !busyActive; });
    serviceBar.querySelectorAll("[data-pause]").forEach((b) => { b.hidden = pausedActive; });
    serviceBar.querySelectorAll("[data-resume]").forEach((b) => { b.hidden = !pausedActive; });
    // The server ends busy mode and timed pauses by itself: when the time passes, ask it again.
    const expired = (st.busy && !busyActive) || (st.paused && st.paused_until && !pausedActive);
    if (expired && Date.now() - lastRefresh > 2000) loadService();
  }

  function applyService(body) {
    serviceState = body;
    if (body && body.now) clockOffset = Date.parse(body.now) - Date.now();
    renderService();
  }

  async function loadService() {
    if (refreshing) return;
    refreshing = true;
    lastRefresh = Date.now();
    try {
      applyService(await api(config.serviceStateUrl, { tenantId: config.tenantId }));
    } catch (error) {
      showError("Could not load the service state: " + error.message);
    } finally {
      refreshing = false;
    }
  }

  async function serviceCall(url, method, body) {
    serviceBar.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    try {
      applyService(await api(url, { method, body, tenantId: config.tenantId }));
      showError("");
    } catch (error) {
      showError(error.message);
    } finally {
      serviceBar.querySelectorAll("button").forEach((b) => { b.disabled = false; });
    }
  }

  serviceBar.addEventListener("click", (event) => {
    const b = event.target.closest("button");
    if (!b) return;
    const extraInput = document.getElementById("busy-extra");
    const extra = extraInput ? Number(extraInput.value) : 15;
    if (b.dataset.busy) serviceCall(config.busyUrl, "POST", { minutes: Number(b.dataset.busy), extra_prep_minutes: extra });
    else if (b.hasAttribute("data-busy-end")) serviceCall(config.busyUrl, "DELETE");
    else if (b.dataset.pause !== undefined) serviceCall(config.pauseUrl, "POST", { minutes: b.dataset.pause ? Number(b.dataset.pause) : null });
    else if (b.hasAttribute("data-resume")) serviceCall(config.pauseUrl, "DELETE");
  });

  // --- start ---------------------------------------------------------------------------------
  renderSound();
  renderNotify();
  renderAlerts();
  loadService();
  window.setInterval(() => { if (serviceState) renderService(); }, 1000);
  window.setInterval(loadService, 60000); // another screen may have changed it

  const indicator = document.getElementById("conn-indicator");
  new LiveSocket(config.wsPath, {
    onMessage,
    onState: (state, detailText) => {
      showConnection(indicator, state, detailText);
      if (state === "denied") loadSnapshot(); // no live updates, but still show where things stand
    },
    onOpen: () => loadSnapshot(), // after every (re)connect, so nothing missed while offline is lost
  });
  window.setInterval(() => {
    root.querySelectorAll(".order-card__age").forEach((node) => {
      const iso = node.getAttribute("datetime");
      node.textContent = ageText(iso);
      node.className = "order-card__age " + ageClass(iso);
    });
  }, 15000);
  window.FoodSysDashboard = { orders, unacked, lastMetrics: () => lastMetrics, loadService };
})();
