"""Headless Chromium (Debian's package, driven by Playwright; never `playwright install`) for
`@pytest.mark.browser` tests: pages collect console errors, screenshots go to artifacts/screenshots/."""

import json
import os
import shutil
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LIVE_TIMEOUT_MS = 2000  # "within 2 s": how long a live update may take to show


@dataclass
class WatchedPage:
    page: object
    errors: list[str] = field(default_factory=list)

    def shot(self, name: str) -> Path:
        """A full-page screenshot; the page as shot is also checked with axe-core, and its serious
        or critical violations join `errors` (so `assert watched.errors == []` covers both)."""
        self.errors.extend(f"axe [{name}]: {line}" for line in accessibility_violations(self))
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def browser(server_database):
    """Depends on the database fixture so Chromium is closed before the database is flushed
    (Playwright's sync API keeps an event loop that Django's ORM refuses to run under)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser):
    """open_page(viewport=None) -> a WatchedPage in a fresh context (its own cookies), logging JS errors;
    desktop (1280x900) unless a viewport is given (e.g. PHONE)."""
    contexts = []

    def open_(viewport: dict | None = None) -> WatchedPage:
        context = browser.new_context(viewport=viewport or DESKTOP)
        contexts.append(context)
        watched = WatchedPage(context.new_page())
        watched.page.on("console", lambda msg: msg.type == "error" and watched.errors.append(
            f"{msg.text} ({msg.location.get('url', '')})"))
        watched.page.on("pageerror", lambda exc: watched.errors.append(f"pageerror: {exc}"))
        return watched

    yield open_
    for context in contexts:
        context.close()


SERIOUS_IMPACTS = ("serious", "critical")


def accessibility_violations(watched: WatchedPage) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    axe = pytest.importorskip("axe_playwright_python.sync_playwright",
                              reason="axe-playwright-python is not installed (requirements-dev.txt)").Axe()
    response = axe.run(watched.page).response
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
            for v in response["violations"] if v["impact"] in SERIOUS_IMPACTS]


def assert_accessible(watched: WatchedPage) -> None:
    """No serious or critical axe-core violation on the current page."""
    assert accessibility_violations(watched) == []


def log_in(watched: WatchedPage, server, *, email: str, password: str, next_path: str) -> None:
    page = watched.page
    page.goto(f"{server.url}/accounts/login/?next={next_path}")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}{next_path}")


def api_post(server, path: str, body: dict, *, token: str, tenant_id: str | None = None) -> dict:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}",
               "Idempotency-Key": str(uuid.uuid4())}
    if tenant_id:
        headers["X-Tenant-ID"] = tenant_id
    request = urllib.request.Request(f"{server.url}{path}", data=json.dumps(body).encode(), method="POST",
                                     headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        return json.loads(response.read())


def order_body(seed: dict) -> dict:
    return {
        "restaurant": seed["restaurant_id"],
        "items": [{"menu_item": seed["pizza_id"], "quantity": 1, "options": [seed["regular_id"]]},
                  {"menu_item": seed["tiramisu_id"], "quantity": 2}],
        "delivery_address": {"street": "1 Test St", "city": "Springfield", "state": "IL", "zip_code": "62701"},
        "payment_method": "cash",
        "notes": "Ring twice",
    }
