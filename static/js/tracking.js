/* Order tracking: the status advances live from /ws/orders/ (the signed-in customer's own order
 * events); after every (re)connect the order is re-read so a missed update is caught up. */
(function () {
  "use strict";
  const { api, readConfig, LiveSocket, showConnection } = window.FoodSys;

  const config = readConfig("tracking-config");
  const root = document.getElementById("tracking");
  const statusNode = root.querySelector('[data-role="status"]');
  const steps = Array.from(root.querySelectorAll("[data-step]"));
  const cancelled = root.querySelector('[data-role="cancelled"]');
  let current = config.order;

  function apply(order) {
    if (current.updated_at && order.updated_at && Date.parse(order.updated_at) < Date.parse(current.updated_at)) return;
    current = Object.assign({}, current, order);
    statusNode.textContent = config.statusLabels[current.status] || current.status;
    statusNode.dataset.status = current.status;
    const reached = steps.findIndex((step) => step.dataset.step === current.status);
    steps.forEach((step, index) => {
      step.classList.toggle("steps__step--done", reached >= 0 && index < reached);
      step.classList.toggle("steps__step--current", index === reached);
    });
    cancelled.hidden = current.status !== "cancelled";
    if (current.cancel_reason) cancelled.querySelector('[data-role="cancel-reason"]').textContent = ": " + current.cancel_reason;
  }

  async function refresh() {
    try { apply(await api(config.detailUrl)); } catch (e) { /* the socket keeps us current meanwhile */ }
  }

  const indicator = document.getElementById("conn-indicator");
  new LiveSocket(config.wsPath, {
    onMessage: (message) => {
      if ((message.type === "order.updated" || message.type === "order.created") && message.data.id === current.id) {
        apply(message.data);
      }
    },
    onState: (state, detail) => showConnection(indicator, state, detail),
    onOpen: refresh,
  });
  apply(current);
})();
