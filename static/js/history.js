/* The order history page (dashboard/history.html): filters (search, statuses, local from/to dates)
 * kept in the page's URL, a paginated list from GET /api/orders/, "Export CSV" with the same filters
 * (GET /api/orders/export.csv/) and the board's detail panel (static/js/order-detail.js) on click. */
(function () {
  "use strict";
  const { api, money, el, readConfig, OrderDetail } = window.FoodSys;

  const config = readConfig("history-config");
  const root = document.getElementById("history");
  const form = document.getElementById("history-filters");
  const rows = document.getElementById("history-rows");
  const summary = document.getElementById("history-summary");
  const errorBox = document.getElementById("history-error");
  const exportLink = document.getElementById("history-export");
  const prev = document.getElementById("history-prev");
  const next = document.getElementById("history-next");
  const pageLabel = document.getElementById("history-page");
  const labels = config.statusLabels || {};
  const PAGE_SIZE = 20;
  const placedFormat = OrderDetail.zoneFormatter(config.timezone, { dateStyle: "medium", timeStyle: "short" });
  let page = 1;
  let requestSeq = 0;

  const detail = OrderDetail.create({
    tenantId: config.tenantId, detailUrlTemplate: config.orderDetailUrlTemplate,
    statusUrlTemplate: config.statusUrlTemplate, ticketUrlTemplate: config.ticketUrlTemplate,
    timezone: config.timezone, currency: config.currency, statusLabels: labels,
    onChange: () => load(),
  });

  /** The filters as API query parameters (only those set). */
  function filters() {
    const params = new URLSearchParams();
    const search = form.elements.search.value.trim();
    if (search) params.set("search", search);
    const statuses = Array.from(form.querySelectorAll('input[name="status"]:checked')).map((box) => box.value);
    if (statuses.length) params.set("status", statuses.join(","));
    if (form.elements.created_from.value) params.set("created_from", form.elements.created_from.value);
    if (form.elements.created_to.value) params.set("created_to", form.elements.created_to.value);
    return params;
  }

  function fromUrl() {
    const params = new URLSearchParams(window.location.search);
    form.elements.search.value = params.get("search") || "";
    const statuses = (params.get("status") || "").split(",").filter(Boolean);
    form.querySelectorAll('input[name="status"]').forEach((box) => { box.checked = statuses.includes(box.value); });
    form.elements.created_from.value = params.get("created_from") || "";
    form.elements.created_to.value = params.get("created_to") || "";
    page = Math.max(1, parseInt(params.get("page"), 10) || 1);
  }

  function row(order) {
    const tr = el("tr", { tabindex: "0", "data-order-id": order.id, "data-testid": "history-row",
      "aria-label": "Order #" + order.order_number + ", open details" }, [
      el("td", {}, [el("strong", { text: "#" + order.order_number })]),
      el("td", {}, [el("time", { datetime: order.created_at, text: placedFormat.format(new Date(order.created_at)) })]),
      el("td", { text: order.customer_name || "" }),
      el("td", { text: order.fulfilment || "" }),
      el("td", { "data-testid": "history-status", text: labels[order.status] || order.status }),
      el("td", { text: [order.payment_method, order.payment_status].filter(Boolean).join(" · ").replace(/_/g, " ") }),
      el("td", { className: "num", text: money(order.total, order.currency) }),
    ]);
    tr.addEventListener("click", () => detail.open(order.id));
    tr.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); detail.open(order.id); }
    });
    return tr;
  }

  function fieldMessage(error) {
    const fields = error.fields || {};
    const first = Object.keys(fields)[0];
    if (!first) return error.message;
    const messages = Array.isArray(fields[first]) ? fields[first].join(" ") : String(fields[first]);
    return first.replace(/_/g, " ") + ": " + messages;
  }

  async function load() {
    const params = filters();
    exportLink.href = config.exportUrl + (params.toString() ? "?" + params.toString() : "");
    if (page > 1) params.set("page", String(page));
    window.history.replaceState(null, "", window.location.pathname + (params.toString() ? "?" + params.toString() : ""));
    params.set("page_size", String(PAGE_SIZE));
    const seq = ++requestSeq;
    root.dataset.state = "loading";
    try {
      const body = await api(config.ordersUrl + "?" + params.toString(), { tenantId: config.tenantId });
      if (seq !== requestSeq) return;
      errorBox.hidden = true;
      const results = body.results || [];
      rows.replaceChildren(...results.map(row));
      const pages = Math.max(1, Math.ceil((body.count || 0) / PAGE_SIZE));
      summary.textContent = body.count === 1 ? "1 order" : (body.count || 0) + " orders";
      pageLabel.textContent = "Page " + page + " of " + pages;
      prev.disabled = !body.previous;
      next.disabled = !body.next;
      root.dataset.state = "ready";
      root.dataset.count = String(body.count || 0);
    } catch (error) {
      if (seq !== requestSeq) return;
      if (error.status === 404 && page > 1) { page = 1; load(); return; } // past the last page
      errorBox.textContent = fieldMessage(error);
      errorBox.hidden = false;
      rows.replaceChildren();
      summary.textContent = "";
      root.dataset.state = "error";
    }
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); page = 1; load(); });
  form.addEventListener("reset", () => window.setTimeout(() => { page = 1; load(); }, 0));
  form.querySelectorAll('input[type="checkbox"], input[type="date"]').forEach((input) => {
    input.addEventListener("change", () => { page = 1; load(); });
  });
  prev.addEventListener("click", () => { if (page > 1) { page -= 1; load(); } });
  next.addEventListener("click", () => { page += 1; load(); });

  fromUrl();
  load();
})();
