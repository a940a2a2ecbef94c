/* Live owner dashboard: KPI tiles, orders-per-minute chart and the kitchen board, fed by
 * /ws/tenant/<tenant_id>/ (order.created, order.updated, metrics.update) with REST snapshots
 * (GET /api/orders/, GET /api/metrics/) on load and after every reconnect. */
(function () {
  "use strict";
  const { api, apiAll, money, el, readConfig, LiveSocket, showConnection } = window.FoodSys;

  const config = readConfig("dashboard-config");
  const root = document.getElementById("dashboard");
  const errorBox = document.getElementById("board-error");
  const boardStatuses = config.boardStatuses;
  const labels = config.statusLabels;
  const ACTION_LABELS = {
    confirmed: "Confirm", preparing: "Preparing", ready: "Ready",
    out_for_delivery: "Out for delivery", delivered: "Delivered",
  };
  // Used when a summary lacks next_statuses (it normally carries them).
  const FORWARD = { pending: "confirmed", confirmed: "preparing", preparing: "ready", ready: "out_for_delivery",
    out_for_delivery: "delivered" };
  const CANCELLABLE = ["pending", "confirmed", "preparing"];
  const NEW_HIGHLIGHT_MS = 8000;

  const orders = new Map(); // id -> summary
  let chart = null;
  let lastMetrics = null;

  // --- errors --------------------------------------------------------------------------------
  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = !message;
  }

  // --- sound ---------------------------------------------------------------------------------
  const soundToggle = document.getElementById("sound-toggle");
  let audio = null;
  soundToggle.checked = window.localStorage.getItem("foodsys.sound") === "on";
  soundToggle.addEventListener("change", () => {
    window.localStorage.setItem("foodsys.sound", soundToggle.checked ? "on" : "off");
    if (soundToggle.checked) beep();
  });

  function beep() {
    if (!soundToggle.checked) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = 880;
      gain.gain.setValueAtTime(0.15, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.35);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start();
      oscillator.stop(audio.currentTime + 0.35);
    } catch (e) { /* no audio available: the highlight is enough */ }
  }

  // --- board ---------------------------------------------------------------------------------
  function nextStatuses(order) {
    if (Array.isArray(order.next_statuses)) return order.next_statuses;
    const next = FORWARD[order.status] ? [FORWARD[order.status]] : [];
    return CANCELLABLE.includes(order.status) ? next.concat("cancelled") : next;
  }

  function minutesAgo(iso) {
    const minutes = Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 60000));
    return minutes < 1 ? "just now" : minutes + " min ago";
  }

  function lineText(line) {
    const options = (line.options || []).map((o) => (typeof o === "string" ? o : o.name)).join(", ");
    return line.quantity + "× " + line.name + (options ? " (" + options + ")" : "") +
      (line.special_instructions ? " — " + line.special_instructions : "");
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

  function buildCard(order, isNew) {
    const card = el("article", {
      className: "order-card" + (isNew ? " order-card--new" : ""), "data-order-id": order.id,
      "data-status": order.status, "data-testid": "order-card",
    });
    const actions = el("div", { className: "order-card__actions" });
    const form = cancelForm(order, card);
    nextStatuses(order).forEach((status) => {
      if (status === "cancelled") {
        actions.append(el("button", { type: "button", className: "button button-small button-secondary", text: "Cancel…",
          "data-action": "cancel", onclick: () => { form.hidden = !form.hidden; if (!form.hidden) form.querySelector("input").focus(); } }));
      } else {
        actions.append(el("button", { type: "button", className: "button button-small", "data-action": status,
          text: ACTION_LABELS[status] || labels[status] || status, onclick: () => transition(order, status, "", card) }));
      }
    });
    card.append(
      el("header", { className: "order-card__head" }, [
        el("strong", { className: "order-card__number", text: "#" + order.order_number }),
        el("span", { className: "order-card__total", text: money(order.total, order.currency) }),
      ]),
      el("div", { className: "order-card__meta" }, [
        el("span", { text: order.customer_name || "" }),
        el("time", { className: "order-card__age", datetime: order.created_at, text: minutesAgo(order.created_at) }),
      ]),
      el("ul", { className: "order-card__lines" }, (order.lines || []).map((line) => el("li", { text: lineText(line) }))),
      ...(order.notes ? [el("p", { className: "order-card__notes", text: order.notes })] : []),
      actions,
      form,
    );
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
    if (existing) existing.remove();
    if (!boardStatuses.includes(order.status)) {
      orders.delete(order.id);
      updateCounts();
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
    updateCounts();
  }

  function updateCounts() {
    boardStatuses.forEach((status) => {
      const count = root.querySelectorAll('[data-column="' + status + '"] .order-card').length;
      root.querySelector('[data-count="' + status + '"]').textContent = count;
    });
  }

  async function transition(order, status, reason, card) {
    card.querySelectorAll("button").forEach((button) => { button.disabled = true; });
    try {
      const body = { status };
      if (reason) body.reason = reason;
      const detail = await api(config.statusUrlTemplate.replace("{id}", order.id), {
        method: "POST", body, tenantId: config.tenantId,
      });
      showError("");
      // Apply at once; the order.updated broadcast that follows is idempotent.
      const current = orders.get(order.id) || order;
      upsert(Object.assign({}, current, {
        status: detail.status || status,
        updated_at: detail.updated_at || current.updated_at,
        next_statuses: detail.allowed_transitions || undefined,
      }), false);
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
    list.forEach((order) => upsert(order, false));
  }

  // --- KPIs and chart ------------------------------------------------------------------------
  function first(object, names) {
    for (const name of names) if (object && object[name] !== undefined && object[name] !== null) return object[name];
    return undefined;
  }

  function duration(seconds) {
    if (seconds === undefined || seconds === null) return "–";
    const s = Math.round(Number(seconds));
    return s >= 60 ? Math.floor(s / 60) + "m " + String(s % 60).padStart(2, "0") + "s" : s + "s";
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
      if (fresh) beep();
    } else if (message.type === "order.updated") {
      upsert(message.data, false);
    } else if (message.type === "metrics.update") {
      renderMetrics(message.data);
    }
  }

  const indicator = document.getElementById("conn-indicator");
  new LiveSocket(config.wsPath, {
    onMessage,
    onState: (state, detail) => {
      showConnection(indicator, state, detail);
      if (state === "denied") loadSnapshot(); // no live updates, but still show where things stand
    },
    onOpen: () => loadSnapshot(), // after every (re)connect, so nothing missed while offline is lost
  });
  window.setInterval(() => {
    root.querySelectorAll(".order-card__age").forEach((node) => { node.textContent = minutesAgo(node.getAttribute("datetime")); });
  }, 30000);
  window.FoodSysDashboard = { orders, lastMetrics: () => lastMetrics };
})();
