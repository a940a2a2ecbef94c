"""Injection-shaped input, oversized and malformed bodies, absurd numbers: always a JSON 2xx/4xx.

Never a 5xx, never another tenant's data, and bad input changes nothing.
"""

import json
from decimal import Decimal

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from foodsys.realtime.testing import close_code_of, run_async, session_cookie_header, ws_communicator
from foodsys.tenancy import keys
from foodsys.testing import factories as f
from menu.models import Category, MenuItem
from orders.models import Order
from restaurants.models import Restaurant
from tests.security import helpers
from tests.security.world import ROLE_BY_NAME

INJECTIONS = [
    "' OR 1=1 --",
    "'; DROP TABLE orders_order; --",
    "1 UNION SELECT email, password FROM accounts_user",
    '{"$gt": ""}',
    '{"$where": "1 == 1"}',
    "__proto__",
    "constructor.prototype",
    "%00",
    "\u0000",
    "a\u0000' OR '1'='1",
    "${7*7}{{7*7}}",
]
OPERATOR_OBJECTS = [{"$gt": ""}, {"__proto__": {"is_staff": True}}, ["' OR 1=1 --"]]
ORDER_FILTERS = ("status", "created_after", "created_before", "restaurant", "ordering", "scope", "page", "page_size")
RESTAURANT_FILTERS = ("city", "cuisine", "q", "open_now", "page", "page_size")
BODY_LIMIT = 256 * 1024


def _handled(response) -> int:
    """The status, after checking it is a handled outcome: below 500 and JSON."""
    assert response.status_code < 500, f"{response.status_code}: {helpers.body_text(response)[:300]}"
    assert "application/json" in response.get("Content-Type", ""), response
    return response.status_code


def _client(world, role_name):
    return ROLE_BY_NAME[role_name].client(world)


def _no_foreign_data(world, role_name, response, *, catalog=False, sent=""):
    forbidden = ROLE_BY_NAME[role_name].forbidden(world, catalog_route=catalog)
    assert helpers.leaked(helpers.body_text(response), forbidden, sent) == []


# --- injection-shaped strings in filters -----------------------------------------------------
@pytest.mark.parametrize("value", INJECTIONS)
@pytest.mark.parametrize("name", RESTAURANT_FILTERS)
def test_restaurant_filters_treat_injections_as_plain_text(world, name, value):
    # when
    response = _client(world, "anon").get("/api/restaurants/", {name: value})

    # then: refused, or a literal match on nothing (an injection would have matched every row)
    status = _handled(response)
    assert status in (200, 400)
    if status == 200 and name in ("city", "cuisine", "q"):
        assert response.json()["results"] == []
    _no_foreign_data(world, "anon", response, catalog=True)


@pytest.mark.parametrize("value", INJECTIONS)
@pytest.mark.parametrize("name", ORDER_FILTERS)
@pytest.mark.parametrize("role_name", ["owner_b", "cust_b", "admin"])
def test_order_filters_never_widen_the_scope(world, role_name, name, value):
    # when tenant B's owner, customer B or the admin (scoped to A) filters with injection-shaped text
    response = _client(world, role_name).get("/api/orders/", {name: value})

    # then: refused or scoped as usual, with nothing of the other tenant
    status = _handled(response)
    assert status in (200, 400)
    if status == 200:
        visible = {world.a.order.pk, world.b.order.pk} & {row["id"] for row in response.json()["results"]}
        expected_home = world.a if role_name == "admin" else world.b
        assert visible <= {str(expected_home.order.pk)}
    _no_foreign_data(world, role_name, response)


@pytest.mark.parametrize("value", INJECTIONS)
def test_menu_item_filters_and_tenant_header_refuse_injections(world, value):
    owner_b = _client(world, "owner_b")
    items = owner_b.get("/api/menu/items/", {"category": value, "is_available": value})
    header = helpers.client_for(world.b.owner, tenant_header=value).get("/api/menu/items/")

    assert _handled(items) in (200, 400)
    _no_foreign_data(world, "owner_b", items)
    assert _handled(header) == 400  # not a tenant UUID
    _no_foreign_data(world, "owner_b", header, sent=value)


@pytest.mark.parametrize("value", INJECTIONS)
def test_injections_in_paths_are_404(world, value):
    from urllib.parse import quote

    for template in ("/api/orders/{}/", "/api/restaurants/{}/", "/api/menu/items/{}/", "/api/metrics/{}/"):
        response = _client(world, "owner_b").get(template.format(quote(value, safe="")))
        assert _handled(response) == 404, template  # no route matches: ids are digits (orders: order numbers)
        _no_foreign_data(world, "owner_b", response)


# --- injection-shaped text and JSON operators in writes --------------------------------------
def _text_writes(world):
    """(role, method, path, body builder(value)) for every free-text field we accept."""
    a = world.a
    return [
        ("owner_a", "post", "/api/menu/categories/", lambda v: {"name": v}),
        ("owner_a", "post", "/api/menu/items/", lambda v: {"category": a.category.id, "name": v, "price": "4.00",
                                                           "description": v, "allergens": [v]}),
        ("owner_a", "patch", f"/api/menu/items/{a.item.id}/", lambda v: {"name": v, "description": v}),
        ("owner_a", "post", f"/api/menu/items/{a.item.id}/option-groups/",
         lambda v: {"name": v, "options": [{"name": v}]}),
        ("owner_a", "patch", f"/api/menu/options/{a.option.id}/", lambda v: {"name": v}),
        ("owner_a", "patch", f"/api/restaurants/{a.restaurant.id}/",
         lambda v: {"name": v, "description": v, "cuisines": [v], "address": {"city": v, "street": v}}),
        ("owner_a", "post", "/api/restaurants/", lambda v: {"name": v, "cuisines": [v]}),
        ("cust_a", "post", "/api/orders/", lambda v: {
            "restaurant": a.restaurant.id, "payment_method": "cash", "notes": v,
            "items": [{"menu_item": a.item.id, "quantity": 1, "options": [], "special_instructions": v}],
            "delivery_address": {"street": v, "city": v, "state": v, "zip_code": v}}),
        ("owner_a", "post", f"/api/orders/{a.order.pk}/status/", lambda v: {"status": "cancelled", "reason": v}),
        ("anon", "post", "/api/auth/login/", lambda v: {"email": v, "password": v}),
        ("anon", "post", "/api/auth/register/", lambda v: {"email": f"x{len(v)}@example.com", "password": v,
                                                           "name": v, "phone": v}),
        ("anon", "post", "/api/auth/refresh/", lambda v: {"refresh": v}),
    ]


@pytest.mark.parametrize("value", [*INJECTIONS, *OPERATOR_OBJECTS], ids=repr)
def test_text_fields_store_injections_literally_or_refuse_them(world, value):
    for role_name, method, path, body in _text_writes(world):
        # when
        sent = body(value)
        response = getattr(_client(world, role_name), method)(path, sent, format="json")

        # then: 2xx with the exact text stored back, or a 4xx; never a 5xx, never a token for nothing
        status = _handled(response)
        assert status < 500
        if path.startswith("/api/auth/"):
            assert status in (400, 401, 429) or (path.endswith("register/") and status == 201), (path, status)
        if status in (200, 201) and isinstance(value, str) and "name" in sent and "name" in response.json():
            assert response.json()["name"] == value, path
        if not isinstance(value, str):
            assert status == 400, f"{path} accepted a JSON object/array as text: {status}"
        _no_foreign_data(world, role_name, response, catalog=path == "/api/orders/", sent=repr(sent))


def test_a_login_with_an_injection_never_authenticates(world):
    response = _client(world, "anon").post("/api/auth/login/", {"email": "' OR 1=1 --@example.com",
                                                                "password": "' OR '1'='1"}, format="json")
    assert _handled(response) == 400  # not an e-mail address
    assert "access" not in response.json()


# --- bodies: too big, too deep, not UTF-8 -----------------------------------------------------
def _raw(world, role_name, method, path, payload: bytes, content_type="application/json"):
    return getattr(_client(world, role_name), method)(path, payload, content_type=content_type)


def _body_targets(world):
    return [("anon", "post", "/api/auth/register/"), ("anon", "post", "/api/auth/login/"),
            ("cust_a", "post", "/api/orders/"), ("owner_a", "post", "/api/menu/categories/"),
            ("owner_a", "patch", f"/api/restaurants/{world.a.restaurant.id}/"),
            ("owner_a", "put", f"/api/menu/items/{world.a.item.id}/")]


def test_a_body_over_the_limit_is_a_413_json_and_changes_nothing(world):
    oversized = json.dumps({"name": "x" * BODY_LIMIT}).encode()
    before = (Category.objects.count(), Order.objects.count(), Restaurant.objects.get(pk=world.a.restaurant.pk).name)
    for role_name, method, path in _body_targets(world):
        response = _raw(world, role_name, method, path, oversized)
        assert _handled(response) == 413, path
        assert response.json()["error"]["code"] == "payload_too_large"
    after = (Category.objects.count(), Order.objects.count(), Restaurant.objects.get(pk=world.a.restaurant.pk).name)
    assert after == before


def test_a_body_just_under_the_limit_is_read_and_validated(world):
    under = json.dumps({"name": "x" * (BODY_LIMIT - 100)}).encode()
    response = _raw(world, "owner_a", "post", "/api/menu/categories/", under)
    assert _handled(response) == 400  # too long a name, but the body itself was accepted
    assert response.json()["error"]["fields"]["name"]


@pytest.mark.parametrize("depth", [10_000, 100_000])
@pytest.mark.parametrize("shape", ["array", "object"])
def test_deeply_nested_json_is_a_400(world, depth, shape):
    document = "[" * depth + "]" * depth if shape == "array" else '{"a":' * depth + "1" + "}" * depth
    for role_name, method, path in _body_targets(world):
        response = _raw(world, role_name, method, path, document.encode())
        # 100,000 levels of objects exceed the body limit; anything shorter is refused by the parser
        assert _handled(response) == (413 if len(document) > BODY_LIMIT else 400), path


@pytest.mark.parametrize("depth", [200, 800, 950])
def test_nesting_below_the_parser_limit_in_a_json_field_is_handled(world, depth):
    # opening_hours is free JSON: a document just shallow enough to parse must not crash validation or saving
    hours = "[" * depth + "]" * depth
    payload = f'{{"opening_hours": {hours}}}'.encode()
    response = _raw(world, "owner_a", "patch", f"/api/restaurants/{world.a.restaurant.id}/", payload)
    assert _handled(response) == 400


@pytest.mark.parametrize("payload", [b'{"name": "\xff\xfe\xfa"}', b"\xc3\x28", b'{"name": "caf\xe9"}',
                                     "{\"name\": \"x\"}".encode("utf-16")])
def test_non_utf8_json_is_a_400(world, payload):
    for role_name, method, path in _body_targets(world):
        response = _raw(world, role_name, method, path, payload)
        assert _handled(response) == 400, path


def test_malformed_and_mistyped_bodies_are_400(world):
    for payload in (b"{", b"null", b"[]", b'"text"', b"NaN", b'{"name": Infinity}', b"1e999999"):
        response = _raw(world, "owner_a", "post", "/api/menu/categories/", payload)
        assert _handled(response) == 400, payload
    assert Category.objects.for_tenant(world.a.restaurant).count() == 1


def test_too_many_form_fields_or_query_parameters_are_400(world):
    # Django refuses more than DATA_UPLOAD_MAX_NUMBER_FIELDS (TooManyFieldsSent): a 400, not a crash
    many = "&".join(f"f{i}=1" for i in range(2000))
    form = _raw(world, "owner_a", "post", "/api/menu/categories/", many.encode(), "application/x-www-form-urlencoded")
    query_public = _client(world, "anon").get(f"/api/restaurants/?{many}")
    query_orders = _client(world, "owner_a").get(f"/api/orders/?{many}")
    assert (_handled(form), _handled(query_public), _handled(query_orders)) == (400, 400, 400)


@pytest.mark.parametrize(("content_type", "status"), [
    ("text/plain", 415), ("application/xml", 415),  # no parser for it
    ("application/json; charset=rot13", 400), ("multipart/form-data", 400),  # parsed, and unreadable
    ("application/json; charset=utf-32", 400),
])
def test_unsupported_or_broken_content_types_are_4xx(world, content_type, status):
    response = _raw(world, "owner_a", "post", "/api/menu/categories/", b'{"name": "x"}', content_type)
    assert _handled(response) == status


# --- page sizes --------------------------------------------------------------------------------
@pytest.fixture
def many_rows(world):
    """101+ rows in every paginated list tenant A's owner can read."""
    a = world.a
    Restaurant.objects.bulk_create(Restaurant(name=f"Filler {i}", city="Springfield") for i in range(101))
    MenuItem.objects.bulk_create(MenuItem(tenant=a.restaurant, category=a.category, name=f"Filler {i}",
                                          price=Decimal("1.00")) for i in range(101))
    template = world.a.order
    Order.objects.bulk_create(
        Order(tenant=a.restaurant, customer=a.customer, order_number=f"FILL-{i}", payment_method="cash",
              subtotal=template.subtotal, delivery_fee=template.delivery_fee, tax=template.tax, total=template.total,
              currency=template.currency, item_count=1) for i in range(101))
    f.CategoryFactory.create_batch(101, tenant=a.restaurant)
    return world


PAGINATED = [("anon", "/api/restaurants/"), ("owner_a", "/api/orders/"), ("owner_a", "/api/menu/items/"),
             ("owner_a", "/api/menu/categories/")]


@pytest.mark.parametrize(("role_name", "path"), PAGINATED)
def test_huge_page_sizes_are_capped_at_100(many_rows, role_name, path):
    response = _client(many_rows, role_name).get(path, {"page_size": 100_000})
    assert _handled(response) == 200
    assert len(response.json()["results"]) == 100
    assert response.json()["next"]


@pytest.mark.parametrize(("page_size", "served"), [("0", 20), ("-1", 20), ("-100000", 20), ("abc", 20), ("1e3", 20),
                                                   ("99999999999999999999999", 100)])
@pytest.mark.parametrize(("role_name", "path"), PAGINATED)
def test_nonsense_page_sizes_are_clamped(many_rows, role_name, path, page_size, served):
    response = _client(many_rows, role_name).get(path, {"page_size": page_size})
    assert _handled(response) == 200
    assert len(response.json()["results"]) == served


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "99999999999999999999999", "\u0000"])
@pytest.mark.parametrize(("role_name", "path"), PAGINATED)
def test_nonsense_page_numbers_are_400_and_past_the_end_is_404(world, role_name, path, page):
    client = _client(world, role_name)
    response = client.get(path, {"page": page})
    assert _handled(response) == (404 if page == "99999999999999999999999" else 400)  # past the end, or nonsense
    assert _handled(client.get(path, {"page": "999"})) == 404


# --- numbers that make no sense ----------------------------------------------------------------
def _number_cases(world):
    a = world.a
    item = {"category": a.category.id, "name": "N", "price": "1.00"}
    order_line = {"menu_item": a.item.id, "quantity": 1, "options": []}
    order = {"restaurant": a.restaurant.id, "payment_method": "cash",
             "delivery_address": {"street": "s", "city": "c", "state": "st", "zip_code": "z"}}
    return [
        ("cust_a", "post", "/api/orders/", "quantity", lambda v: {**order, "items": [{**order_line, "quantity": v}]}),
        ("cust_a", "post", "/api/orders/", "menu_item", lambda v: {**order, "items": [{**order_line, "menu_item": v}]}),
        ("cust_a", "post", "/api/orders/", "options", lambda v: {**order, "items": [{**order_line, "options": [v]}]}),
        ("cust_a", "post", "/api/orders/", "restaurant", lambda v: {**order, "restaurant": v,
                                                                    "items": [order_line]}),
        ("cust_a", "post", "/api/orders/", "lat", lambda v: {**order, "items": [order_line],
                                                             "delivery_address": {**order["delivery_address"],
                                                                                  "lat": v}}),
        ("owner_a", "post", "/api/menu/items/", "price", lambda v: {**item, "price": v}),
        ("owner_a", "post", "/api/menu/items/", "preparation_time", lambda v: {**item, "preparation_time": v}),
        ("owner_a", "post", "/api/menu/items/", "spicy_level", lambda v: {**item, "spicy_level": v}),
        ("owner_a", "post", "/api/menu/items/", "calories", lambda v: {**item, "calories": v}),
        ("owner_a", "post", "/api/menu/items/", "position", lambda v: {**item, "position": v}),
        ("owner_a", "post", "/api/menu/items/", "category", lambda v: {**item, "category": v}),
        ("owner_a", "patch", f"/api/menu/options/{a.option.id}/", "price_delta", lambda v: {"price_delta": v}),
        ("owner_a", "post", f"/api/menu/items/{a.item.id}/option-groups/", "min_select",
         lambda v: {"name": "G", "min_select": v}),
        ("owner_a", "post", f"/api/menu/items/{a.item.id}/option-groups/", "max_select",
         lambda v: {"name": "G", "max_select": v}),
        ("owner_a", "patch", f"/api/restaurants/{a.restaurant.id}/", "delivery_fee", lambda v: {"delivery_fee": v}),
        ("owner_a", "patch", f"/api/restaurants/{a.restaurant.id}/", "minimum_order",
         lambda v: {"minimum_order": v}),
        ("owner_a", "patch", f"/api/restaurants/{a.restaurant.id}/", "tax_rate", lambda v: {"tax_rate": v}),
        ("owner_a", "patch", f"/api/restaurants/{a.restaurant.id}/", "estimated_delivery_minutes",
         lambda v: {"estimated_delivery_minutes": v}),
    ]


# Each makes no sense as a quantity, price, count or id (0 is fine for some fields, so it is not here).
NONSENSE_NUMBERS = [-1, -10**30, 10**30, "-0.01", "1e309", "NaN", "Infinity", "-Infinity", 1.5e308, True, "1; --"]
DRF_BOOL_AS_ONE = {"spicy_level", "preparation_time", "calories", "position", "category", "min_select",
                   "max_select", "estimated_delivery_minutes"}  # DRF's IntegerField reads a JSON true as 1
LEGITIMATE = {"lat": {-1, "-0.01"}, "price_delta": {-1, "-0.01"}}  # a southern latitude; a discount option


@pytest.mark.parametrize("value", NONSENSE_NUMBERS, ids=repr)
def test_negative_huge_and_non_numbers_are_400_and_change_nothing(world, value):
    before = (MenuItem.objects.count(), Order.objects.count(),
              Restaurant.objects.filter(pk=world.a.restaurant.pk).values().get())
    for role_name, method, path, field, body in _number_cases(world):
        if value in LEGITIMATE.get(field, ()) or (value is True and field in DRF_BOOL_AS_ONE):
            continue
        response = getattr(_client(world, role_name), method)(path, body(value), format="json")
        status = _handled(response)
        assert status == 400, f"{field}={value!r} on {path}: {status} {helpers.body_text(response)[:200]}"
    assert (MenuItem.objects.count(), Order.objects.count(),
            Restaurant.objects.filter(pk=world.a.restaurant.pk).values().get()) == before


@pytest.mark.parametrize("value", ["0", "-1", "-99999", "99999999999999999999", "abc", "1.5", "\u0000"])
def test_metrics_minutes_out_of_range_are_400(world, value):
    client = _client(world, "owner_a")
    response = client.get(f"/api/metrics/{world.a.tenant_id}/orders-per-minute/", {"minutes": value})
    assert _handled(response) == 400


def test_zero_quantity_and_zero_price_are_refused(world):
    a = world.a
    order = _client(world, "cust_a").post("/api/orders/", {
        "restaurant": a.restaurant.id, "payment_method": "cash",
        "items": [{"menu_item": a.item.id, "quantity": 0, "options": []}],
        "delivery_address": {"street": "s", "city": "c", "state": "st", "zip_code": "z"}}, format="json")
    item = _client(world, "owner_a").post("/api/menu/items/", {"category": a.category.id, "name": "Free",
                                                                "price": "0.00"}, format="json")
    assert (_handled(order), _handled(item)) == (400, 400)


# --- WebSocket frames ----------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
@run_async
async def test_client_frames_on_a_stream_are_ignored_whatever_they_hold(owner, restaurant):
    # given an open tenant stream
    cookie = await sync_to_async(session_cookie_header)(owner)
    communicator = ws_communicator(f"/ws/tenant/{restaurant.tenant_id}/", headers=[cookie])
    assert await close_code_of(communicator) is None

    # when a client sends deeply nested, malformed, operator-shaped and binary frames
    for frame in ("[" * 10_000 + "]" * 10_000, "{not json", '{"$gt": ""}', '{"type": "order.created"}'):
        await communicator.send_to(text_data=frame)
    await communicator.send_to(bytes_data=b"\xff\xfe\x00")

    # then the socket stays open and still forwards the tenant's messages
    sent = {"type": "order.updated", "data": {"id": "probe"}, "sent_at": "2026-01-01T00:00:00Z"}
    await get_channel_layer().group_send(keys.tenant_group(restaurant.tenant_id),
                                         {"type": "order.updated", "payload": sent})
    assert await communicator.receive_json_from(timeout=5) == sent
    await communicator.disconnect()
