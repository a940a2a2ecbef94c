"""Every API and WebSocket route x every role: the expected status, and no other tenant's data.

Routes are discovered from the URL conf, the DRF router and `foodsys.routing.websocket_urlpatterns`.
A route (or method) without a row in EXPECTED / WS_EXPECTED fails with a message saying what to add,
so a new endpoint cannot land untested. Path parameters are tenant A's objects; roles of tenant B
(and forged `X-Tenant-ID: A` headers) must get 403/404 and never see A's names, ids or figures.
Each case runs in its own transaction, so the (valid, harmless) writes roll back.
"""

import json

import pytest
from channels.layers import get_channel_layer

from foodsys.realtime.testing import close_code_of, run_async, session_cookie_header, ws_communicator
from foodsys.realtime.tickets import ws_ticket_issue
from foodsys.tenancy import keys
from foodsys.testing.factories import TEST_PASSWORD
from tests.security import helpers
from tests.security.world import ROLE_BY_NAME, ROLES, Role, World

BASE_ROLES = ("anon", "cust_a", "cust_b", "owner_a", "staff_a", "owner_b", "staff_b", "admin")
FORGED_ALLOWED = {403, 404}  # X-Tenant-ID of a tenant the caller does not belong to: never more

# (method, route): status per role, in BASE_ROLES order. A cell may be a tuple of allowed codes.
EXPECTED: dict[tuple[str, str], tuple] = {
    #                                                           anon cust_a cust_b owner_a staff_a owner_b staff_b admin
    ("GET", "/api/"):                                            (200, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "/api/auth/google/"):                               (404, 404, 404, 404, 404, 404, 404, 404),
    ("POST", "/api/auth/login/"):                                (200, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "/api/auth/logout/"):                               (401, 401, 401, 401, 401, 401, 401, 401),
    ("GET", "/api/auth/me/"):                                    (401, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "/api/auth/password/"):                             (401, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "/api/auth/password-reset/"):                       (202, 202, 202, 202, 202, 202, 202, 202),
    ("POST", "/api/auth/password-reset/confirm/"):               (400, 400, 400, 400, 400, 400, 400, 400),
    ("POST", "/api/auth/refresh/"):                              (401, 401, 401, 401, 401, 401, 401, 401),
    ("POST", "/api/auth/register/"):                             (201, 201, 201, 201, 201, 201, 201, 201),
    ("POST", "/api/auth/verify-email/"):                         (400, 400, 400, 400, 400, 400, 400, 400),
    ("POST", "/api/auth/verify-email/resend/"):                  (401, 409, 409, 409, 409, 409, 409, 409),
    ("POST", "/api/auth/ws-ticket/"):                            (401, 201, 201, 201, 201, 201, 201, 201),
    ("GET", "/api/docs/"):                                       (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/menu/categories/"):                            (401, 403, 403, 200, 403, 200, 403, 200),
    ("POST", "/api/menu/categories/"):                           (401, 403, 403, 201, 403, 201, 403, 201),
    ("DELETE", "/api/menu/categories/{pk}/"):                    (401, 403, 403, 409, 403, 404, 403, 409),
    ("GET", "/api/menu/categories/{pk}/"):                       (401, 403, 403, 200, 403, 404, 403, 200),
    ("PATCH", "/api/menu/categories/{pk}/"):                     (401, 403, 403, 200, 403, 404, 403, 200),
    ("PUT", "/api/menu/categories/{pk}/"):                       (401, 403, 403, 200, 403, 404, 403, 200),
    ("GET", "/api/menu/items/"):                                 (401, 403, 403, 200, 403, 200, 403, 200),
    ("POST", "/api/menu/items/"):                                (401, 403, 403, 201, 403, 400, 403, 201),
    ("GET", "/api/menu/items/{item_id}/option-groups/"):         (401, 403, 403, 200, 403, 404, 403, 200),
    ("POST", "/api/menu/items/{item_id}/option-groups/"):        (401, 403, 403, 201, 403, 404, 403, 201),
    ("DELETE", "/api/menu/items/{item_id}/option-groups/{pk}/"): (401, 403, 403, 204, 403, 404, 403, 204),
    ("GET", "/api/menu/items/{item_id}/option-groups/{pk}/"):    (401, 403, 403, 200, 403, 404, 403, 200),
    ("PATCH", "/api/menu/items/{item_id}/option-groups/{pk}/"):  (401, 403, 403, 200, 403, 404, 403, 200),
    ("PUT", "/api/menu/items/{item_id}/option-groups/{pk}/"):    (401, 403, 403, 200, 403, 404, 403, 200),
    ("DELETE", "/api/menu/items/{pk}/"):                         (401, 403, 403, 204, 403, 404, 403, 204),
    ("GET", "/api/menu/items/{pk}/"):                            (401, 403, 403, 200, 403, 404, 403, 200),
    ("PATCH", "/api/menu/items/{pk}/"):                          (401, 403, 403, 200, 200, 404, 404, 200),
    ("PUT", "/api/menu/items/{pk}/"):                            (401, 403, 403, 200, 403, 404, 403, 200),
    ("GET", "/api/menu/options/{pk}/"):                          (401, 403, 403, 200, 403, 404, 403, 200),
    ("PATCH", "/api/menu/options/{pk}/"):                        (401, 403, 403, 200, 200, 404, 404, 200),
    ("PUT", "/api/menu/options/{pk}/"):                          (401, 403, 403, 200, 403, 404, 403, 200),
    ("GET", "/api/metrics/"):                                    (401, 403, 403, 200, 200, 200, 200, 200),
    ("GET", "/api/metrics/{tenant_id}/"):                        (401, 403, 403, 200, 200, 403, 403, 200),
    ("GET", "/api/metrics/{tenant_id}/orders-per-minute/"):      (401, 403, 403, 200, 200, 403, 403, 200),
    ("GET", "/api/orders/"):                                     (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/orders/export.csv/"):                          (401, 403, 403, 200, 200, 200, 200, 200),
    ("POST", "/api/orders/"):                                    (401, 201, 201, 201, 201, 201, 201, 201),
    ("GET", "/api/orders/{pk}/"):                                (401, 200, 404, 200, 200, 404, 404, 200),
    ("PATCH", "/api/orders/{pk}/status/"):                       (401, 403, 404, 200, 200, 404, 404, 200),
    ("POST", "/api/orders/{pk}/status/"):                        (401, 403, 404, 200, 200, 404, 404, 200),
    ("PUT", "/api/orders/{pk}/status/"):                         (401, 403, 404, 200, 200, 404, 404, 200),
    ("GET", "/api/restaurants/"):                                (200, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "/api/restaurants/"):                               (401, 403, 403, 201, 403, 201, 403, 201),
    ("DELETE", "/api/restaurants/{pk}/"):                        (401, 403, 403, 204, 403, 403, 403, 204),
    ("GET", "/api/restaurants/{pk}/"):                           (200, 200, 200, 200, 200, 200, 200, 200),
    ("PATCH", "/api/restaurants/{pk}/"):                         (401, 403, 403, 200, 403, 403, 403, 200),
    ("PUT", "/api/restaurants/{pk}/"):                           (401, 403, 403, 200, 403, 403, 403, 200),
    ("GET", "/api/restaurants/{pk}/menu/"):                      (200, 200, 200, 200, 200, 200, 200, 200),
    ("DELETE", "/api/restaurants/{pk}/busy/"):                   (401, 404, 404, 200, 200, 404, 404, 200),
    ("POST", "/api/restaurants/{pk}/busy/"):                     (401, 404, 404, 200, 200, 404, 404, 200),
    ("DELETE", "/api/restaurants/{pk}/pause/"):                  (401, 404, 404, 200, 200, 404, 404, 200),
    ("POST", "/api/restaurants/{pk}/pause/"):                    (401, 404, 404, 200, 200, 404, 404, 200),
    ("GET", "/api/restaurants/{pk}/service-state/"):             (401, 404, 404, 200, 200, 404, 404, 200),
    ("GET", "/api/restaurants/{restaurant_id}/print-devices/"):  (401, 404, 404, 200, 200, 404, 404, 200),
    ("POST", "/api/restaurants/{restaurant_id}/print-devices/"): (401, 404, 404, 201, 201, 404, 404, 201),
    ("DELETE", "/api/restaurants/{restaurant_id}/print-devices/{device_id}/"): (401, 404, 404, 204, 204, 404, 404, 204),
    ("PATCH", "/api/restaurants/{restaurant_id}/print-devices/{device_id}/"): (401, 404, 404, 200, 200, 404, 404, 200),
    ("POST", "/api/print-devices/{device_id}/claim/"):           (401, 404, 404, 200, 200, 404, 404, 200),
    ("POST", "/api/print-devices/{device_id}/jobs/{job_id}/ack/"): (401, 404, 404, 409, 409, 404, 404, 409),
    ("POST", "/api/orders/{order_id}/reprint/"):                 (401, 403, 404, 201, 201, 404, 404, 201),
    ("POST", "/api/restaurants/{restaurant_id}/orders/"):        (401, 404, 404, 201, 201, 404, 404, 201),
    ("GET", "/api/restaurants/{restaurant_id}/delivery-zones/"):  (401, 404, 404, 200, 200, 404, 404, 200),
    ("POST", "/api/restaurants/{restaurant_id}/delivery-zones/"): (401, 404, 404, 201, 403, 404, 404, 201),
    ("POST", "/api/restaurants/{restaurant_id}/delivery-zones/check/"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/restaurants/{restaurant_id}/delivery-zones/{zone_id}/"): (401, 404, 404, 200, 200, 404, 404, 200),
    ("PATCH", "/api/restaurants/{restaurant_id}/delivery-zones/{zone_id}/"): (401, 404, 404, 200, 403, 404, 404, 200),
    ("DELETE", "/api/restaurants/{restaurant_id}/delivery-zones/{zone_id}/"): (401, 404, 404, 204, 403, 404, 404, 204),
    ("POST", "/api/restaurants/{restaurant_id}/quote/"):         (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/restaurants/{restaurant_id}/slots/"):          (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/api/schema/"):                                     (200, 200, 200, 200, 200, 200, 200, 200),
}
# Notes on cells that are not obvious:
# - menu management: staff may only PATCH is_available of items and options; every other menu call is 403.
#   owner_b's list/create calls act on tenant B (their only membership), never on A.
# - POST /api/menu/items/ by owner_b names A's category: 400 (no such category in B), nothing created.
# - a customer may not confirm their own order (403); other people's orders are 404, never 403. The same
#   for a reprint of their own order's ticket.
# - an ack of tenant A's pending job by A's members: 409 not_claimed (nothing claimed it; nothing changes).
# - delivery zones: staff read them but only owners/admins write (403, like the menu); the address check is
#   public (a storefront asks before sign-in) and shows only the restaurant's public zone name and fee.

# Routes where any tenant's public catalog data (names, prices, tenant UUIDs) may appear; private
# data (orders, customers, staff, figures) of another tenant is still checked there.
CATALOG_ROUTES = {
    ("GET", "/api/"), ("GET", "/api/schema/"), ("GET", "/api/docs/"), ("GET", "/api/restaurants/"),
    ("GET", "/api/restaurants/{pk}/"), ("GET", "/api/restaurants/{pk}/menu/"),
    ("POST", "/api/orders/"),  # placing an order at A shows A's menu names back to the customer
    ("POST", "/api/restaurants/{restaurant_id}/delivery-zones/check/"),  # the zone's public name and fee
    ("GET", "/api/restaurants/{restaurant_id}/slots/"),  # the public slot grid and remaining capacity
    ("POST", "/api/restaurants/{restaurant_id}/quote/"),  # the cart's price from A's public menu and zone
}


def _order_body(world: World) -> dict:
    a = world.a
    return {"restaurant": a.restaurant.id, "payment_method": "cash", "notes": "",
            "items": [{"menu_item": a.item.id, "quantity": 1, "options": [], "special_instructions": ""}],
            "delivery_address": {"street": "2 Probe Way", "city": "Springfield", "state": "IL", "zip_code": "1",
                                 "lat": 0.5, "lng": 0.5}}  # inside the world's delivery zone


# Valid, harmless bodies: a write that is allowed succeeds (and rolls back); one that is not shows
# that validation did not hide a missing permission check. Unlisted writes send no body.
SAFE_BODIES = {
    ("POST", "/api/auth/register/"): lambda w: {"email": "probe.new@example.com", "password": TEST_PASSWORD,
                                                "name": "Probe New"},
    ("POST", "/api/auth/login/"): lambda w: {"email": w.outsider.email, "password": TEST_PASSWORD},
    ("POST", "/api/auth/refresh/"): lambda w: {"refresh": "not-a-token"},
    ("POST", "/api/auth/logout/"): lambda w: {"refresh": "not-a-token"},
    ("POST", "/api/auth/google/"): lambda w: {"access_token": "not-a-token"},
    ("POST", "/api/auth/password/"): lambda w: {"current_password": TEST_PASSWORD, "new_password": "Pr0be-New-Phrase"},
    ("POST", "/api/auth/password-reset/"): lambda w: {"email": w.outsider.email},
    ("POST", "/api/auth/password-reset/confirm/"): lambda w: {"uid": "MQ", "token": "not-a-token",
                                                              "new_password": "Pr0be-New-Phrase"},
    ("POST", "/api/auth/verify-email/"): lambda w: {"token": "not-a-token"},
    ("POST", "/api/restaurants/"): lambda w: {"name": "Probe Place", "cuisines": ["thai"]},
    ("PUT", "/api/restaurants/{pk}/"): lambda w: {"name": w.a.restaurant.name},
    ("PATCH", "/api/restaurants/{pk}/"): lambda w: {"description": "Probe description."},
    ("POST", "/api/restaurants/{pk}/busy/"): lambda w: {"minutes": 30, "extra_prep_minutes": 10},
    ("POST", "/api/restaurants/{pk}/pause/"): lambda w: {"minutes": 30},
    ("POST", "/api/restaurants/{restaurant_id}/print-devices/"): lambda w: {"name": "Probe Device", "kind": "browser"},
    ("PATCH", "/api/restaurants/{restaurant_id}/print-devices/{device_id}/"): lambda w: {"name": "Probe Renamed"},
    ("POST", "/api/print-devices/{device_id}/jobs/{job_id}/ack/"): lambda w: {
        "claim_token": "00000000-0000-0000-0000-000000000001"},
    ("POST", "/api/orders/{order_id}/reprint/"): lambda w: {"reason": "Probe reprint"},
    ("POST", "/api/restaurants/{restaurant_id}/delivery-zones/"): lambda w: {
        "name": "Probe Zone", "kind": "postcodes", "postcodes": ["62704"], "delivery_fee": "2.50"},
    ("PATCH", "/api/restaurants/{restaurant_id}/delivery-zones/{zone_id}/"): lambda w: {"delivery_fee": "4.25"},
    ("POST", "/api/restaurants/{restaurant_id}/delivery-zones/check/"): lambda w: {
        "address": {"zip_code": "62704", "lat": 0.5, "lng": 0.5}},
    ("POST", "/api/restaurants/{restaurant_id}/orders/"): lambda w: {
        "channel": "walk_in", "fulfilment": "pickup", "payment_method": "cash", "contact_name": "Probe Guest",
        "items": [{"menu_item_id": w.a.item.id, "quantity": 1}]},
    ("POST", "/api/menu/categories/"): lambda w: {"name": "Probe Category"},
    ("PUT", "/api/menu/categories/{pk}/"): lambda w: {"name": "Probe Category"},
    ("PATCH", "/api/menu/categories/{pk}/"): lambda w: {"position": 7},
    ("POST", "/api/menu/items/"): lambda w: {"category": w.a.category.id, "name": "Probe Dish", "price": "5.00"},
    ("PUT", "/api/menu/items/{pk}/"): lambda w: {"category": w.a.category.id, "name": "Probe Dish",
                                                 "price": "5.00"},
    ("PATCH", "/api/menu/items/{pk}/"): lambda w: {"is_available": False},
    ("POST", "/api/menu/items/{item_id}/option-groups/"): lambda w: {"name": "Probe Group"},
    ("PUT", "/api/menu/items/{item_id}/option-groups/{pk}/"): lambda w: {"name": "Probe Group"},
    ("PATCH", "/api/menu/items/{item_id}/option-groups/{pk}/"): lambda w: {"position": 3},
    ("PUT", "/api/menu/options/{pk}/"): lambda w: {"name": "Probe Option"},
    ("PATCH", "/api/menu/options/{pk}/"): lambda w: {"is_available": False},
    ("POST", "/api/orders/"): _order_body,
    ("POST", "/api/restaurants/{restaurant_id}/quote/"): lambda w: {
        "items": _order_body(w)["items"],
        "fulfilment": {"type": "delivery", "address": _order_body(w)["delivery_address"]}},
    ("POST", "/api/orders/{pk}/status/"): lambda w: {"status": "confirmed"},
    ("PUT", "/api/orders/{pk}/status/"): lambda w: {"status": "confirmed"},
    ("PATCH", "/api/orders/{pk}/status/"): lambda w: {"status": "confirmed"},
}

HTTP_CASES = [(method, route.template) for route in helpers.http_routes() for method in route.methods]


def expected_statuses(method: str, route: str, role: Role) -> set[int] | None:
    if role.forged:
        return FORGED_ALLOWED
    row = EXPECTED.get((method, route))
    if row is None:
        return None
    cell = row[BASE_ROLES.index(role.name)]
    return set(cell) if isinstance(cell, tuple) else {cell}


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.name)
@pytest.mark.parametrize(("method", "route"), HTTP_CASES)
def test_http_route_status_and_isolation(world, method, route, role):
    # given a route filled with tenant A's objects, and a harmless body
    path = helpers.fill_path(route, world.a)
    make_body = SAFE_BODIES.get((method, route))
    body = make_body(world) if make_body else None

    # when the role calls it
    response = helpers.send(role.client(world), method, path, body)

    # then the status is the expected one, errors are JSON, and nothing of a foreign tenant shows
    expected = expected_statuses(method, route, role)
    observed = response.status_code
    helpers.record(method, route, role.name, str(observed), expected is not None and observed in expected)
    assert expected is not None, (
        f"{method} {route} has no row in EXPECTED (tests/security/test_isolation_matrix.py). Add one with the "
        f"status each of {BASE_ROLES} must get (this run: {role.name} got {observed}).")
    assert observed in expected, f"{role.name} {method} {path}: expected {sorted(expected)}, got {observed}: " \
                                 f"{helpers.body_text(response)[:300]}"
    if observed >= 400:
        assert "application/json" in response.get("Content-Type", ""), f"error body is not JSON: {response}"
    forbidden = role.forbidden(world, catalog_route=(method, route) in CATALOG_ROUTES)
    leaks = helpers.leaked(helpers.body_text(response), forbidden, request_echo=path + repr(body))
    assert leaks == [], f"{role.name} {method} {path} saw another tenant's data: {leaks}"


def test_the_leak_check_sees_tenant_a_data_where_it_is_shown(world):
    # given responses that legitimately show tenant A's private and public data to A's owner
    owner_a = ROLE_BY_NAME["owner_a"].client(world)
    order = helpers.body_text(owner_a.get(f"/api/orders/{world.a.order.pk}/"))
    items = helpers.body_text(owner_a.get("/api/menu/items/"))
    # when the same bodies are checked against what tenant B's owner must not see
    forbidden = ROLE_BY_NAME["owner_b"].forbidden(world, catalog_route=False)
    # then the check finds the order id, total, customer and the menu names (it is not vacuous)
    assert {str(world.a.order.pk), f'"{world.a.order.total:.2f}"', world.a.customer.name} <= set(
        helpers.leaked(order, forbidden))
    assert {world.a.item.name, world.a.group.name, world.a.option.name} <= set(helpers.leaked(items, forbidden))
    assert helpers.leaked(order, forbidden, request_echo=str(world.a.order.pk)).count(str(world.a.order.pk)) == 0


def test_every_expectation_names_a_live_route():
    stale = set(EXPECTED) - set(HTTP_CASES)
    assert stale == set(), f"EXPECTED rows for routes/methods that no longer exist: {sorted(stale)}"
    assert set(SAFE_BODIES) <= set(HTTP_CASES), sorted(set(SAFE_BODIES) - set(HTTP_CASES))


def test_discovery_finds_the_known_routes():
    templates = {route for _, route in HTTP_CASES}
    assert {"/api/orders/{pk}/status/", "/api/menu/items/{item_id}/option-groups/{pk}/",
            "/api/metrics/{tenant_id}/", "/api/auth/ws-ticket/", "/api/restaurants/{pk}/menu/"} <= templates
    assert ("DELETE", "/api/menu/options/{pk}/") not in HTTP_CASES  # OptionViewSet has no destroy


# --- WebSockets ------------------------------------------------------------------------------
OPEN = "open"
WS_EXPECTED = {  # route: outcome per role in BASE_ROLES order (OPEN, or the close code)
    #                          anon  cust_a cust_b owner_a staff_a owner_b staff_b admin
    "/ws/tenant/{tenant_id}/": (4401, 4403, 4403, OPEN, OPEN, 4403, 4403, OPEN),
    "/ws/orders/":             (4401, OPEN, OPEN, OPEN, OPEN, OPEN, OPEN, OPEN),
}
# Roles whose socket on the route must receive tenant A's broadcasts; every other socket gets none.
WS_RECEIVERS = {
    "/ws/tenant/{tenant_id}/": {"owner_a", "staff_a", "admin"},
    "/ws/orders/": {"cust_a"},
}
# A group the route's socket is in, for the sentinel that closes each check (no timed waits).
WS_OWN_GROUP = {
    "/ws/tenant/{tenant_id}/": lambda world, user: keys.tenant_group(world.a.tenant_id),
    "/ws/orders/": lambda world, user: keys.user_group(user.pk),
}
SENTINEL = "probe.sentinel"
WS_ROLES = [role for role in ROLES if role.name in BASE_ROLES]
WS_CASES = helpers.ws_routes()


def _ws_auth(role: Role, world: World) -> dict:
    """Customers use a ticket (the JWT clients' way), members and admins a session cookie (browsers)."""
    user = role.user_of(world)
    if user is None:
        return {}
    if role.name.startswith("cust"):
        return {"query": f"?ticket={ws_ticket_issue(user_id=user.pk)}"}
    return {"headers": [session_cookie_header(user)]}


def _a_broadcasts(world: World) -> list[tuple[str, dict]]:
    """Every group message tenant A produces: order events to the tenant and its customer, metrics."""
    from orders.presenters import order_summary

    summary = order_summary(world.a.order, role="owner")
    metrics = {"tenant_id": str(world.a.tenant_id), "revenue_today": f"{world.a.order.total:.2f}"}
    return [(keys.tenant_group(world.a.tenant_id), _message("order.created", summary)),
            (keys.user_group(world.a.customer.pk), _message("order.updated", summary)),
            (keys.tenant_group(world.a.tenant_id), _message("metrics.update", metrics))]


def _message(kind: str, data: dict, *, handler: str | None = None) -> dict:
    return {"type": handler or kind, "payload": {"type": kind, "data": data, "sent_at": "2026-01-01T00:00:00Z"}}


def _sentinel() -> dict:
    """Forwarded by the consumers' order.updated handler; its payload type marks the end of a check."""
    return _message(SENTINEL, {}, handler="order.updated")


async def _drain_until_sentinel(communicator) -> list[dict]:
    received = []
    while True:
        message = await communicator.receive_json_from(timeout=5)
        if message["type"] == SENTINEL:
            return received
        received.append(message)


@pytest.mark.parametrize("role", WS_ROLES, ids=lambda role: role.name)
@pytest.mark.parametrize("route", WS_CASES)
@run_async
async def test_websocket_route_access_and_isolation(ws_world, route, role):
    from asgiref.sync import sync_to_async

    # given a socket on the route filled with tenant A, authenticated as the role
    world = ws_world
    auth = await sync_to_async(_ws_auth)(role, world)
    communicator = ws_communicator(helpers.fill_path(route, world.a) + auth.get("query", ""),
                                   headers=auth.get("headers"))

    # when it connects
    code = await close_code_of(communicator)

    # then it is accepted or closed as expected
    observed = OPEN if code is None else str(code)
    row = WS_EXPECTED.get(route)
    expected = None if row is None else str(row[BASE_ROLES.index(role.name)])
    helpers.record("WS", route, role.name, observed, observed == expected)
    assert row is not None, (f"WebSocket route {route} has no row in WS_EXPECTED, WS_RECEIVERS and WS_OWN_GROUP "
                             f"(tests/security/test_isolation_matrix.py); {role.name} got {observed}")
    assert observed == expected, f"{role.name} on {route}: expected {expected}, got {observed}"
    if code is not None:
        return

    # and when tenant A broadcasts everything it has, followed by a sentinel to the socket's own group
    layer = get_channel_layer()
    for group, message in await sync_to_async(_a_broadcasts)(world):
        await layer.group_send(group, message)
    own_group = WS_OWN_GROUP[route](world, role.user_of(world))
    await layer.group_send(own_group, _sentinel())
    received = await _drain_until_sentinel(communicator)
    await communicator.disconnect()

    # then only the expected receivers got A's messages, and nobody saw a foreign tenant's strings
    assert bool(received) == (role.name in WS_RECEIVERS[route]), f"{role.name} on {route} received {received}"
    forbidden = await sync_to_async(role.forbidden)(world, catalog_route=False)
    assert helpers.leaked(json.dumps(received), forbidden) == []


@run_async
async def test_real_order_updates_reach_tenant_a_and_never_tenant_b(ws_world):
    from asgiref.sync import sync_to_async

    from orders.realtime import order_broadcasts_wait
    from orders.tests.helpers import transition

    # given listeners of both tenants on their own streams, and both customers
    world = ws_world
    sockets = {}
    for name, path, user in [("owner_a", f"/ws/tenant/{world.a.tenant_id}/", world.a.owner),
                             ("owner_b", f"/ws/tenant/{world.b.tenant_id}/", world.b.owner),
                             ("staff_b", f"/ws/tenant/{world.b.tenant_id}/", world.b.staff),
                             ("cust_a", "/ws/orders/", world.a.customer),
                             ("cust_b", "/ws/orders/", world.b.customer)]:
        cookie = await sync_to_async(session_cookie_header)(user)
        sockets[name] = (ws_communicator(path, headers=[cookie]), user, path)
        assert await close_code_of(sockets[name][0]) is None

    # when tenant A's owner confirms A's order through the real service (broadcast on commit)
    await sync_to_async(transition)(world.a.order.pk, "confirmed", by=world.a.owner)
    # On channels-redis the broadcast leaves from a background loop: let it go before the sentinels.
    assert await sync_to_async(order_broadcasts_wait)(10)
    layer = get_channel_layer()
    for _name, (_socket, user, path) in sockets.items():
        group = keys.tenant_group(path.split("/")[3]) if path.startswith("/ws/tenant/") else keys.user_group(user.pk)
        await layer.group_send(group, _sentinel())
    received = {name: await _drain_until_sentinel(socket) for name, (socket, _, _) in sockets.items()}
    for socket, _, _ in sockets.values():
        await socket.disconnect()

    # then A's listeners got the update, B's got nothing at all
    order_id = str(world.a.order.pk)
    assert any(m["type"] == "order.updated" and m["data"]["id"] == order_id for m in received["owner_a"])
    assert any(m["type"] == "order.updated" and m["data"]["id"] == order_id for m in received["cust_a"])
    assert received["owner_b"] == received["staff_b"] == received["cust_b"] == []


def test_every_websocket_expectation_names_a_live_route():
    assert set(WS_EXPECTED) == set(WS_CASES) == set(WS_RECEIVERS) == set(WS_OWN_GROUP)
