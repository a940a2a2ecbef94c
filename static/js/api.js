/* FoodSys page helpers: same-origin JSON calls with the session cookie, CSRF and tenant headers. */
(function () {
  "use strict";

  function cookie(name) {
    const match = document.cookie.split("; ").find((part) => part.startsWith(name + "="));
    return match ? decodeURIComponent(match.slice(name.length + 1)) : "";
  }

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return cookie("csrftoken") || (input ? input.value : "");
  }

  class ApiError extends Error {
    constructor(status, body) {
      const error = (body && body.error) || {};
      super(error.message || "Request failed (" + status + ")");
      this.status = status;
      this.code = error.code || "error";
      this.fields = error.fields || {};
    }
  }

  /** fetch JSON; options: {method, body, tenantId, headers}. Rejects with ApiError on non-2xx. */
  async function api(url, options) {
    const opts = options || {};
    const method = (opts.method || "GET").toUpperCase();
    const headers = Object.assign({ Accept: "application/json" }, opts.headers || {});
    if (opts.tenantId) headers["X-Tenant-ID"] = opts.tenantId;
    if (method !== "GET" && method !== "HEAD") {
      headers["X-CSRFToken"] = csrfToken();
      headers["Content-Type"] = "application/json";
    }
    const response = await fetch(url, {
      method,
      headers,
      credentials: "same-origin",
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await response.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
    if (!response.ok) throw new ApiError(response.status, body);
    return body;
  }

  /** Every item of a paginated list ({results, next}) or of a plain array. */
  async function apiAll(url, options) {
    const items = [];
    let next = url;
    for (let page = 0; next && page < 50; page += 1) {
      const body = await api(next, options);
      if (Array.isArray(body)) return body;
      items.push(...(body.results || []));
      next = body.next || null;
    }
    return items;
  }

  function money(amount, currency) {
    const value = Number(amount);
    if (!Number.isFinite(value)) return "–";
    try {
      return new Intl.NumberFormat(undefined, { style: "currency", currency: currency || "USD" }).format(value);
    } catch (e) {
      return value.toFixed(2) + " " + (currency || "");
    }
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => {
      if (value === undefined || value === null || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach((child) => child && node.append(child));
    return node;
  }

  function readConfig(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : {};
  }

  window.FoodSys = Object.assign(window.FoodSys || {}, { api, apiAll, ApiError, money, el, readConfig, csrfToken });
})();
