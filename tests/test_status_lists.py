"""Order statuses are declared once, in `orders/enums.py` (transitions: `orders/state_machine.py`).
The places that cannot import them (the browser's JS, the event schema of the ground floor) or
that list them for display are checked against them here, so a new status cannot be forgotten in one."""

import ast
import json
import re
from pathlib import Path

from django.conf import settings

from metrics.names import OPEN_STATUSES as METRICS_OPEN_STATUSES
from orders.enums import OPEN_STATUSES, OrderStatus
from orders.state_machine import FORWARD, RESTAURANT_CANCELLABLE

ROOT = Path(settings.BASE_DIR)
DASHBOARD_JS = ROOT / "static/js/dashboard.js"
ORDER_DETAIL_JS = ROOT / "static/js/order-detail.js"  # the detail panel (board and history) names the actions


def _js_literal(source: str, name: str):
    """The object/array literal assigned to `const NAME = ...;` (plain JSON once keys are quoted and
    trailing commas dropped)."""
    match = re.search(rf"const {name} = (\{{.*?\}}|\[.*?\]);", source, re.S)
    assert match, f"{name} not found"
    literal = re.sub(r",\s*([}\]])", r"\1", match.group(1).replace("'", '"'))
    return json.loads(re.sub(r"([{,]\s*)([a-z_]+):", r'\1"\2":', literal))


def _forward_chain() -> list[str]:
    chain = [OrderStatus.PENDING.value]
    while chain[-1] in FORWARD:
        chain.append(FORWARD[chain[-1]].value)
    return chain


def test_the_dashboard_script_moves_orders_as_the_state_machine_does():
    source = DASHBOARD_JS.read_text()

    assert _js_literal(source, "FORWARD") == {k.value: v.value for k, v in FORWARD.items()}
    assert _js_literal(source, "CANCELLABLE") == [s.value for s in RESTAURANT_CANCELLABLE]
    assert set(_js_literal(ORDER_DETAIL_JS.read_text(), "ACTION_LABELS")) == {v.value for v in FORWARD.values()}


def test_the_storefront_tracks_the_forward_chain_of_statuses():
    # The storefront views are found by what they assign, wherever they live (restaurants/ or pages/).
    tracked = []
    for path in [*ROOT.glob("restaurants/**/*.py"), *ROOT.glob("pages/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "TRACKED_STATUSES" for t in node.targets):
                tracked.append(ast.literal_eval(node.value))
    assert tracked, "TRACKED_STATUSES not found"
    for statuses in tracked:
        assert list(statuses) == _forward_chain()


def test_metrics_counts_the_open_statuses_of_the_orders_app():
    assert list(METRICS_OPEN_STATUSES) == [s.value for s in OPEN_STATUSES]
    assert set(OrderStatus.values) - set(METRICS_OPEN_STATUSES) == {"delivered", "cancelled"}
