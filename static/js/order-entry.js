/* Phone and walk-in order entry (dashboard): pick items and options, a running cart with a live total
 * (a preview only: the server prices the order), the caller's details, and "Place order" through
 * POST /api/restaurants/{id}/orders/ (session cookie + CSRF). Errors the API names by field
 * (contact_phone, delivery_address.city, items[0].quantity ...) are shown next to that field. */
(function () {
  "use strict";
  const { api, money, el, readConfig } = window.FoodSys;

  const config = readConfig("entry-config");
  const root = document.getElementById("order-entry");
  const entry = root.querySelector('[data-role="entry"]');
  const done = root.querySelector('[data-role="done"]');
  const form = root.querySelector('[data-role="details"]');
  const cartLines = root.querySelector('[data-role="cart-lines"]');
  const placeButton = form.querySelector('[data-testid="entry-place"]');
  const formError = form.querySelector('[data-role="form-error"]');
  const address = form.querySelector('[data-role="address"]');
  const phoneOptional = form.querySelector('[data-role="phone-optional"]');
  const maxQuantity = config.maxQuantity || 50;

  /** "12.30" -> 1230 (exact, no floating point). */
  function cents(decimalText) {
    const [whole, fraction = ""] = String(decimalText).trim().replace(/^\+/, "").split(".");
    const sign = whole.startsWith("-") ? -1 : 1;
    return sign * (Math.abs(parseInt(whole, 10) || 0) * 100 + parseInt((fraction + "00").slice(0, 2), 10));
  }

  /** "0.08875" -> 88750 millionths (the rate is stored with six decimals). */
  function rateMillionths(decimalText) {
    const [whole, fraction = ""] = String(decimalText).split(".");
    return (parseInt(whole, 10) || 0) * 1000000 + parseInt((fraction + "000000").slice(0, 6), 10);
  }

  const fmt = (amountCents) => money(amountCents / 100, config.currency);
  const checked = (name) => {
    const input = root.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : "";
  };

  let cart = [];
  let placing = false;

  function totals() {
    const subtotal = cart.reduce((sum, line) => sum + line.unitCents * line.quantity, 0);
    const tax = Math.floor((subtotal * rateMillionths(config.taxRate) + 500000) / 1000000); // half-up, as the server
    const delivery = cart.length && checked("fulfilment") === "delivery" ? cents(config.deliveryFee) : 0;
    return { subtotal, tax, delivery, total: subtotal + tax + delivery };
  }

  function renderCart() {
    cartLines.replaceChildren();
    if (!cart.length) cartLines.append(el("li", { className: "muted", text: "No items yet." }));
    cart.forEach((line, index) => {
      const change = (delta) => {
        line.quantity = Math.min(maxQuantity, line.quantity + delta);
        if (line.quantity <= 0) cart.splice(index, 1);
        clearErrors();
        renderCart();
      };
      const label = line.name + (line.options.length ? " (" + line.options.map((o) => o.name).join(", ") + ")" : "");
      cartLines.append(el("li", { className: "cart__line", "data-testid": "entry-line" }, [
        el("span", { className: "cart__name", text: label }),
        el("span", { className: "cart__qty" }, [
          el("button", { type: "button", className: "button button-small button-secondary", text: "−",
            "aria-label": "One less " + line.name, onclick: () => change(-1) }),
          el("span", { text: String(line.quantity), "data-testid": "entry-line-qty" }),
          el("button", { type: "button", className: "button button-small button-secondary", text: "+",
            "aria-label": "One more " + line.name, onclick: () => change(1) }),
        ]),
        el("span", { className: "cart__amount", text: fmt(line.unitCents * line.quantity) }),
        el("p", { className: "field-error", "data-error-for": "items[" + index + "]", hidden: true }),
      ]));
    });
    const t = totals();
    const isDelivery = checked("fulfilment") === "delivery";
    root.querySelector('[data-role="subtotal"]').textContent = fmt(t.subtotal);
    root.querySelector('[data-role="delivery-row"]').hidden = !isDelivery;
    const deliveryCell = root.querySelector('[data-role="delivery"]');
    deliveryCell.hidden = !isDelivery;
    deliveryCell.textContent = fmt(t.delivery);
    root.querySelector('[data-role="tax"]').textContent = fmt(t.tax);
    root.querySelector('[data-role="total"]').textContent = fmt(t.total);
    placeButton.disabled = placing || !cart.length;
    placeButton.textContent = cart.length ? "Place order · " + fmt(t.total) : "Place order";
  }

  function addItem(card) {
    const error = card.querySelector('[data-role="item-error"]');
    const options = [];
    for (const group of card.querySelectorAll(".option-group")) {
      const chosen = Array.from(group.querySelectorAll("input:checked"));
      const min = Number(group.dataset.min);
      const max = Number(group.dataset.max);
      if (chosen.length < min || chosen.length > max) {
        error.textContent = group.dataset.name + ": choose " + (min === max ? min : min + " to " + max) + ".";
        error.hidden = false;
        return;
      }
      chosen.forEach((input) => options.push({ id: Number(input.value), name: input.dataset.name,
        deltaCents: cents(input.dataset.delta) }));
    }
    error.hidden = true;
    const quantityInput = card.querySelector("input[name=quantity]");
    const quantity = Math.max(1, Math.min(maxQuantity, Math.floor(Number(quantityInput.value)) || 1));
    const optionIds = options.map((o) => o.id).sort((a, b) => a - b);
    const key = card.dataset.itemId + ":" + optionIds.join(",");
    const existing = cart.find((line) => line.key === key);
    if (existing) existing.quantity = Math.min(maxQuantity, existing.quantity + quantity);
    else cart.push({ key, itemId: Number(card.dataset.itemId), name: card.dataset.name, quantity,
      unitCents: cents(card.dataset.price) + options.reduce((sum, o) => sum + o.deltaCents, 0),
      options: options.map(({ id, name }) => ({ id, name })) });
    card.querySelectorAll(".option-group input").forEach((input) => { input.checked = false; });
    quantityInput.value = "1";
    clearErrors();
    renderCart();
  }

  root.querySelectorAll('[data-testid="entry-item"]').forEach((card) => {
    card.querySelector('[data-role="add"]').addEventListener("click", () => addItem(card));
  });

  function syncChoices() {
    const isDelivery = checked("fulfilment") === "delivery";
    address.hidden = !isDelivery;
    address.querySelectorAll("input").forEach((input) => { input.required = isDelivery; });
    const isPhone = checked("channel") === "phone";
    phoneOptional.hidden = isPhone;
    form.querySelector("#contact-phone").required = isPhone;
    renderCart();
  }
  root.querySelectorAll('input[name="fulfilment"], input[name="channel"]').forEach((input) =>
    input.addEventListener("change", syncChoices));

  // --- errors next to the field they name --------------------------------------------------------
  function clearErrors() {
    root.querySelectorAll("[data-error-for]").forEach((node) => { node.hidden = true; node.textContent = ""; });
    root.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
    formError.hidden = true;
    formError.replaceChildren();
  }

  /** The element that shows errors of `path`: itself, else its line (items[2].quantity -> items[2]),
   * else its parent (delivery_address.city -> delivery_address). */
  function errorSlot(path) {
    let candidate = path;
    while (candidate) {
      const slot = root.querySelector('[data-error-for="' + CSS.escape(candidate) + '"]');
      if (slot) return slot;
      const cut = Math.max(candidate.lastIndexOf("."), candidate.lastIndexOf("["));
      candidate = cut > 0 ? candidate.slice(0, cut) : "";
    }
    return null;
  }

  function showErrors(error) {
    clearErrors();
    const unplaced = [];
    Object.entries(error.fields || {}).forEach(([path, messages]) => {
      const text = [].concat(messages).join(" ");
      const slot = errorSlot(path);
      if (!slot) { unplaced.push(path + ": " + text); return; }
      slot.textContent = (slot.textContent ? slot.textContent + " " : "") + text;
      slot.hidden = false;
      const input = slot.closest(".field") && slot.closest(".field").querySelector("input, textarea");
      if (input) input.setAttribute("aria-invalid", "true");
    });
    if (unplaced.length || !Object.keys(error.fields || {}).length) {
      formError.replaceChildren(el("p", { text: error.message }), ...unplaced.map((text) => el("p", { text })));
      formError.hidden = false;
    }
    const first = root.querySelector("[data-error-for]:not([hidden]), [data-role=form-error]:not([hidden])");
    if (first) first.scrollIntoView({ block: "center" });
  }

  // Editing a field clears its error (the server checks it again on the next "Place order").
  form.addEventListener("input", (event) => {
    const field = event.target.closest(".field, .entry-toggle");
    if (!field) return;
    field.querySelectorAll("[data-error-for]").forEach((node) => { node.hidden = true; node.textContent = ""; });
    event.target.removeAttribute("aria-invalid");
  });

  function body() {
    const data = new FormData(form);
    const fulfilment = checked("fulfilment");
    return {
      channel: checked("channel"),
      items: cart.map((line) => ({ menu_item_id: line.itemId, quantity: line.quantity,
        option_ids: line.options.map((o) => o.id), special_instructions: "" })),
      fulfilment,
      payment_method: checked("payment_method"),
      contact_name: (data.get("contact_name") || "").trim(),
      contact_phone: (data.get("contact_phone") || "").trim(),
      delivery_address: fulfilment === "delivery" ? { street: data.get("street"), city: data.get("city"),
        state: data.get("state"), zip_code: data.get("zip_code") } : null,
      notes: data.get("notes") || "",
    };
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (placing || !cart.length) return;
    placing = true;
    renderCart();
    clearErrors();
    try {
      const order = await api(config.enterUrl, { method: "POST", body: body() });
      root.querySelector('[data-role="done-number"]').textContent = "#" + order.order_number;
      root.querySelector('[data-role="done-summary"]').textContent =
        (order.customer_name || "") + " · " + order.item_count + " item(s) · " + money(order.total, order.currency);
      entry.hidden = true;
      done.hidden = false;
      done.querySelector('[data-testid="back-to-board"]').focus();
    } catch (error) {
      showErrors(error);
    } finally {
      placing = false;
      renderCart();
    }
  });

  done.querySelector('[data-role="again"]').addEventListener("click", () => {
    cart = [];
    form.reset();
    root.querySelectorAll('[data-testid="entry-item"] input[name=quantity]').forEach((input) => { input.value = "1"; });
    root.querySelectorAll('input[name="channel"]')[0].checked = true;
    clearErrors();
    done.hidden = true;
    entry.hidden = false;
    syncChoices();
    form.querySelector("#contact-name").focus();
  });

  syncChoices();
})();
