/* Storefront menu page: choose options, a cart with a live total, and placing the order through
 * POST /api/orders/ (session cookie + CSRF, with an Idempotency-Key so a retried click never
 * orders twice). Prices here are only a preview: the server prices the order from the menu. */
(function () {
  "use strict";
  const { api, money, el, readConfig } = window.FoodSys;

  const config = readConfig("store-config");
  const root = document.getElementById("store-menu");
  const storageKey = "foodsys.cart." + config.restaurantId;
  const cartLines = root.querySelector('[data-role="cart-lines"]');
  const checkout = root.querySelector('[data-role="checkout"]');
  const placeButton = checkout ? checkout.querySelector('[data-testid="place-order"]') : null;
  const checkoutError = root.querySelector('[data-role="checkout-error"]');

  function cents(decimalText) {
    const [whole, fraction = ""] = String(decimalText).trim().replace(/^\+/, "").split(".");
    const sign = whole.startsWith("-") ? -1 : 1;
    return sign * (Math.abs(parseInt(whole, 10) || 0) * 100 + parseInt((fraction + "00").slice(0, 2), 10));
  }

  function rateTenThousandths(decimalText) {
    const [whole, fraction = ""] = String(decimalText).split(".");
    return (parseInt(whole, 10) || 0) * 10000 + parseInt((fraction + "0000").slice(0, 4), 10);
  }

  const fmt = (amountCents) => money(amountCents / 100, config.currency);

  let cart = load();
  let idempotencyKey = null; // one key per cart content; a retry of the same cart reuses it

  function load() {
    try { return JSON.parse(window.localStorage.getItem(storageKey)) || []; } catch (e) { return []; }
  }

  function save() {
    window.localStorage.setItem(storageKey, JSON.stringify(cart));
    idempotencyKey = null;
    render();
  }

  function totals() {
    const subtotal = cart.reduce((sum, line) => sum + line.unitCents * line.quantity, 0);
    const tax = Math.floor((subtotal * rateTenThousandths(config.taxRate) + 5000) / 10000); // half-up, as the server
    const delivery = cart.length ? cents(config.deliveryFee) : 0;
    return { subtotal, tax, delivery, total: subtotal + tax + delivery };
  }

  function render() {
    cartLines.replaceChildren();
    if (!cart.length) cartLines.append(el("li", { className: "muted", text: "Your cart is empty." }));
    cart.forEach((line, index) => {
      const change = (delta) => {
        line.quantity = Math.min(50, line.quantity + delta);
        if (line.quantity <= 0) cart.splice(index, 1);
        save();
      };
      cartLines.append(el("li", { className: "cart__line", "data-testid": "cart-line" }, [
        el("span", { className: "cart__name", text: line.name + (line.options.length ? " (" + line.options.map((o) => o.name).join(", ") + ")" : "") }),
        el("span", { className: "cart__qty" }, [
          el("button", { type: "button", className: "button button-small button-secondary", text: "−", "aria-label": "One less", onclick: () => change(-1) }),
          el("span", { text: String(line.quantity) }),
          el("button", { type: "button", className: "button button-small button-secondary", text: "+", "aria-label": "One more", onclick: () => change(1) }),
        ]),
        el("span", { className: "cart__amount", text: fmt(line.unitCents * line.quantity) }),
      ]));
    });
    const t = totals();
    root.querySelector('[data-role="subtotal"]').textContent = fmt(t.subtotal);
    root.querySelector('[data-role="delivery"]').textContent = fmt(t.delivery);
    root.querySelector('[data-role="tax"]').textContent = fmt(t.tax);
    root.querySelector('[data-role="total"]').textContent = fmt(t.total);
    if (placeButton) {
      const belowMinimum = t.subtotal < cents(config.minimumOrder);
      placeButton.disabled = !cart.length || belowMinimum;
      placeButton.textContent = belowMinimum && cart.length
        ? "Minimum order " + fmt(cents(config.minimumOrder)) : "Place order · " + fmt(t.total);
    }
  }

  function addToCart(form) {
    const error = form.querySelector('[data-role="item-error"]');
    const options = [];
    for (const group of form.querySelectorAll(".option-group")) {
      const chosen = Array.from(group.querySelectorAll("input:checked"));
      const min = Number(group.dataset.min);
      const max = Number(group.dataset.max);
      if (chosen.length < min || chosen.length > max) {
        error.textContent = group.dataset.name + ": choose " + (min === max ? min : min + " to " + max) + ".";
        error.hidden = false;
        return;
      }
      chosen.forEach((input) => options.push({ id: Number(input.value), name: input.dataset.name, deltaCents: cents(input.dataset.delta) }));
    }
    error.hidden = true;
    const quantity = Math.max(1, Math.min(50, Number(form.querySelector("input[name=quantity]").value) || 1));
    const optionIds = options.map((o) => o.id).sort((a, b) => a - b);
    const key = form.dataset.itemId + ":" + optionIds.join(",");
    const existing = cart.find((line) => line.key === key);
    if (existing) existing.quantity = Math.min(50, existing.quantity + quantity);
    else cart.push({ key, itemId: Number(form.dataset.itemId), name: form.dataset.name, quantity,
      unitCents: cents(form.dataset.price) + options.reduce((sum, o) => sum + o.deltaCents, 0),
      options: options.map(({ id, name }) => ({ id, name })) });
    save();
  }

  root.querySelectorAll(".menu-item").forEach((form) => form.addEventListener("submit", (event) => {
    event.preventDefault();
    addToCart(form);
  }));

  function showCheckoutError(error) {
    const fields = Object.entries(error.fields || {}).map(([field, messages]) => field + ": " + [].concat(messages).join(" "));
    checkoutError.replaceChildren(el("p", { text: error.message }), ...fields.map((text) => el("p", { text })));
    checkoutError.hidden = false;
  }

  if (checkout) {
    checkout.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(checkout);
      const body = {
        restaurant: config.restaurantId,
        items: cart.map((line) => ({ menu_item: line.itemId, quantity: line.quantity, options: line.options.map((o) => o.id) })),
        delivery_address: { street: data.get("street"), city: data.get("city"), state: data.get("state"), zip_code: data.get("zip_code") },
        payment_method: data.get("payment_method"),
        notes: data.get("notes") || "",
      };
      idempotencyKey = idempotencyKey || window.crypto.randomUUID();
      placeButton.disabled = true;
      checkoutError.hidden = true;
      try {
        const order = await api(config.ordersUrl, { method: "POST", body, headers: { "Idempotency-Key": idempotencyKey } });
        cart = [];
        window.localStorage.removeItem(storageKey);
        window.location.assign(config.trackingUrlTemplate.replace("{id}", order.id));
      } catch (error) {
        showCheckoutError(error);
        placeButton.disabled = false;
        if (error.status && error.status < 500 && error.status !== 429) idempotencyKey = null;
      }
    });
  }

  render();
})();
