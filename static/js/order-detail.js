/* The order detail panel shared by the live board and the history page: a modal dialog built from
 * GET /api/orders/{id}/ (orders.presenters.order_detail) with the address, a tap-to-call phone, every
 * line with its options and instructions, totals, payment, the timeline in the restaurant's time zone,
 * the next status buttons and "Print ticket".
 *
 *   const detail = FoodSys.OrderDetail.create({tenantId, detailUrlTemplate, statusUrlTemplate,
 *     ticketUrlTemplate, timezone, currency, statusLabels, onChange(detail), onOpen(id)});
 *   detail.open(id); detail.close(); detail.isOpen();
 */
(function () {
  "use strict";
  const { api, money, el } = window.FoodSys;

  const ACTION_LABELS = {
    confirmed: "Confirm", preparing: "Start preparing", ready: "Mark ready",
    out_for_delivery: "Out for delivery", delivered: "Delivered",
  };

  function zoneFormatter(timezone, options) {
    try {
      return new Intl.DateTimeFormat(undefined, Object.assign({ timeZone: timezone || "UTC" }, options));
    } catch (e) { // an unknown zone name: show UTC rather than nothing
      return new Intl.DateTimeFormat(undefined, Object.assign({ timeZone: "UTC" }, options));
    }
  }

  function optionText(option) {
    if (typeof option === "string") return option;
    if (!option) return "";
    return (option.group ? option.group + ": " : "") + (option.name || "");
  }

  /** "2× Margherita (Size: Large, Extra: Basil) — no onions", for a summary line or a detail line. */
  function lineText(line) {
    const detail = Array.isArray(line.option_detail) && line.option_detail.length ? line.option_detail : line.options;
    const options = (detail || []).map(optionText).filter(Boolean).join(", ");
    return line.quantity + "× " + line.name + (options ? " (" + options + ")" : "") +
      (line.special_instructions ? " — " + line.special_instructions : "");
  }

  function addressText(address) {
    if (!address) return "";
    if (typeof address === "string") return address;
    const known = ["street", "apartment", "city", "state", "zip_code"].map((key) => address[key]).filter(Boolean);
    const extra = address.instructions ? [address.instructions] : [];
    return known.concat(extra).join(", ");
  }

  function paymentText(order) {
    const method = String(order.payment_method || "").replace(/_/g, " ");
    const state = String(order.payment_status || "").replace(/_/g, " ");
    return [method, state].filter(Boolean).join(" · ");
  }

  function create(options) {
    const opts = options || {};
    const labels = opts.statusLabels || {};
    const timeFormat = zoneFormatter(opts.timezone, { dateStyle: "medium", timeStyle: "short" });
    let current = null;
    let returnFocus = null;
    let requestSeq = 0;

    const backdrop = el("div", { className: "detail-backdrop", hidden: true, "data-testid": "detail-backdrop" });
    const title = el("h2", { id: "detail-title", text: "Order" });
    const closeButton = el("button", { type: "button", className: "button button-secondary detail-panel__close",
      "data-testid": "detail-close", "aria-label": "Close order details", text: "✕" });
    const body = el("div", { className: "detail-panel__body", "data-testid": "detail-body" });
    const panel = el("div", { className: "detail-panel", role: "dialog", "aria-modal": "true",
      "aria-labelledby": "detail-title", "data-testid": "detail-panel", tabindex: "-1", hidden: true }, [
      el("header", { className: "detail-panel__head" }, [title, closeButton]),
      body,
    ]);
    document.body.append(backdrop, panel);

    function isOpen() { return !panel.hidden; }

    function close() {
      if (!isOpen()) return;
      panel.hidden = true;
      backdrop.hidden = true;
      current = null;
      requestSeq += 1;
      if (returnFocus && document.body.contains(returnFocus)) returnFocus.focus();
      returnFocus = null;
    }

    function focusables() {
      return Array.from(panel.querySelectorAll("a[href], button:not([disabled]), input, select, textarea"))
        .filter((node) => !node.closest("[hidden]"));
    }

    document.addEventListener("keydown", (event) => {
      if (!isOpen()) return;
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        close();
      } else if (event.key === "Tab" && !panel.contains(document.activeElement)) {
        event.preventDefault(); // focus had left the dialog (its button re-rendered): bring it back
        closeButton.focus();
      }
    }, true);
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Tab") { // keep focus inside the dialog
        const nodes = focusables();
        if (!nodes.length) return;
        const first = nodes[0];
        const last = nodes[nodes.length - 1];
        if (event.shiftKey && (document.activeElement === first || document.activeElement === panel)) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && document.activeElement === last) {
          event.preventDefault();
          first.focus();
        }
      }
    });
    closeButton.addEventListener("click", close);
    backdrop.addEventListener("click", close);

    function section(heading, children, attrs) {
      return el("section", Object.assign({ className: "detail-section" }, attrs || {}),
        [el("h3", { text: heading })].concat(children));
    }

    function timelineEntry(entry) {
      const what = entry.kind === "status" ? (labels[entry.to_status] || entry.to_status) : String(entry.kind || "").replace(/_/g, " ");
      const who = entry.automatic ? "automatic" : (entry.by ? "by " + entry.by : "");
      const when = entry.at ? timeFormat.format(new Date(entry.at)) : "";
      return el("li", { "data-kind": entry.kind }, [
        el("time", { datetime: entry.at || "", text: when }),
        el("span", { text: " · " + what + (who ? " · " + who : "") + (entry.detail ? " — " + entry.detail : "") }),
      ]);
    }

    function statusButtons(detail) {
      const box = el("div", { className: "detail-actions" });
      const reason = el("input", { type: "text", name: "reason", maxlength: "500", placeholder: "Reason",
        "aria-label": "Cancel reason", "data-testid": "detail-cancel-reason" });
      const cancelForm = el("form", { className: "detail-cancel", hidden: true }, [
        reason,
        el("button", { type: "submit", className: "button button-danger", text: "Cancel order",
          "data-testid": "detail-cancel-confirm" }),
      ]);
      cancelForm.addEventListener("submit", (event) => {
        event.preventDefault();
        advance(detail, "cancelled", reason.value.trim(), box);
      });
      (detail.allowed_transitions || []).forEach((status) => {
        if (status === "cancelled") {
          box.append(el("button", { type: "button", className: "button button-secondary", text: "Cancel…",
            "data-detail-action": "cancel",
            onclick: () => { cancelForm.hidden = !cancelForm.hidden; if (!cancelForm.hidden) reason.focus(); } }));
        } else {
          box.append(el("button", { type: "button", className: "button", "data-detail-action": status,
            text: ACTION_LABELS[status] || labels[status] || status, onclick: () => advance(detail, status, "", box) }));
        }
      });
      if (opts.ticketUrlTemplate) {
        box.append(el("a", { className: "button button-secondary", href: opts.ticketUrlTemplate.replace("{id}", detail.id),
          target: "_blank", rel: "noopener", "data-testid": "print-ticket", text: "Print ticket" }));
      }
      return [box, cancelForm];
    }

    const errorBox = el("p", { className: "notice notice--error", role: "alert", "data-testid": "detail-error", hidden: true });

    async function advance(detail, status, reason, box) {
      box.querySelectorAll("button").forEach((button) => { button.disabled = true; });
      try {
        const payload = { status };
        if (reason) payload.reason = reason;
        const updated = await api(opts.statusUrlTemplate.replace("{id}", detail.id),
          { method: "POST", body: payload, tenantId: opts.tenantId });
        if (opts.onChange) opts.onChange(updated);
        render(updated);
      } catch (error) {
        errorBox.textContent = error.message;
        errorBox.hidden = false;
        box.querySelectorAll("button").forEach((button) => { button.disabled = false; });
      }
    }

    function render(d) {
      const hadFocus = panel.contains(document.activeElement) && document.activeElement !== closeButton;
      current = d;
      errorBox.hidden = true;
      title.textContent = "Order #" + d.order_number;
      const phone = d.contact_phone || "";
      const address = addressText(d.delivery_address);
      const facts = [
        el("p", { className: "detail-facts", "data-testid": "detail-facts" }, [
          el("span", { className: "badge badge--status", text: labels[d.status] || d.status }),
          el("span", { className: "badge", text: d.fulfilment || "" }),
          d.channel && d.channel !== "online" ? el("span", { className: "badge badge--channel", text: d.channel.replace(/_/g, "-") }) : null,
          el("span", { text: " " + (d.customer_name || "") }),
        ]),
        phone ? el("p", {}, [el("a", { href: "tel:" + phone.replace(/[^+\d]/g, ""), className: "detail-phone",
          "data-testid": "detail-phone", text: "☎ " + phone })]) : null,
        address ? el("p", { "data-testid": "detail-address", text: address }) : null,
        d.created_at ? el("p", { className: "muted", text: "Placed " + timeFormat.format(new Date(d.created_at)) }) : null,
      ];
      const lines = (d.lines || []).map((line) => el("li", {}, [
        el("span", { text: lineText(line) }),
        line.line_total ? el("span", { className: "detail-money", text: money(line.line_total, d.currency || opts.currency) }) : null,
      ]));
      const totals = [["Subtotal", d.subtotal], ["Delivery", d.delivery_fee], ["Tax", d.tax], ["Total", d.total]]
        .filter(([, amount]) => amount !== undefined && amount !== null)
        .map(([label, amount]) => el("div", { className: label === "Total" ? "detail-total detail-total--grand" : "detail-total" }, [
          el("dt", { text: label }), el("dd", { text: money(amount, d.currency || opts.currency) }),
        ]));
      body.replaceChildren(...[ // replaceChildren would print a null as the text "null": drop absent parts
        errorBox,
        ...facts,
        section("Items", [el("ul", { className: "detail-lines", "data-testid": "detail-lines" }, lines)]),
        d.notes ? section("Notes", [el("p", { className: "order-card__notes", "data-testid": "detail-notes", text: d.notes })]) : null,
        section("Payment", [el("dl", { className: "detail-totals" }, totals),
          el("p", { "data-testid": "detail-payment", text: paymentText(d) })]),
        ...statusButtons(d),
        section("Timeline", [el("ol", { className: "timeline", "data-testid": "detail-timeline" },
          (d.created_at ? [{ kind: "placed", at: d.created_at, detail: d.channel && d.channel !== "online" ? d.channel.replace(/_/g, "-") : "" }] : [])
            .concat(d.timeline || []).map(timelineEntry))]),
      ].filter(Boolean));
      if (hadFocus) { // the button pressed was replaced: keep focus in the dialog, on the next action if any
        const nextAction = body.querySelector("[data-detail-action]");
        (nextAction || closeButton).focus();
      }
    }

    async function open(id) {
      if (!isOpen()) returnFocus = document.activeElement;
      const seq = ++requestSeq;
      panel.hidden = false;
      backdrop.hidden = false;
      title.textContent = "Order";
      body.replaceChildren(el("p", { className: "muted", text: "Loading…" }));
      closeButton.focus();
      if (opts.onOpen) opts.onOpen(id);
      try {
        const d = await api(opts.detailUrlTemplate.replace("{id}", id), { tenantId: opts.tenantId });
        if (seq !== requestSeq) return; // closed or another order opened meanwhile
        render(d);
      } catch (error) {
        if (seq !== requestSeq) return;
        body.replaceChildren(el("p", { className: "notice notice--error", text: "Could not load the order: " + error.message }));
      }
    }

    return { open, close, isOpen, current: () => current };
  }

  window.FoodSys = Object.assign(window.FoodSys || {}, {
    OrderDetail: { create, lineText, optionText, zoneFormatter, ACTION_LABELS },
  });
})();
