"""POST /api/restaurants/{id}/quote/: the quote is what placing the same cart stores (money worked out by
hand here), its ETA is measured once the kitchen has history, and it writes nothing."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone

from orders.models import Order, OrderLine, OutboxEvent
from orders.tests.helpers import menu_item_in, place
from restaurants.models import DeliveryZone

pytestmark = pytest.mark.django_db

TAX_RATE = Decimal("0.0825")
IN_ZONE = {"street": "1 Main St", "city": "Springfield", "state": "IL", "zip_code": "62704"}
OUTSIDE = {**IN_ZONE, "zip_code": "99999"}


def _url(restaurant) -> str:
    return f"/api/restaurants/{restaurant.pk}/quote/"


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture
def frozen(monkeypatch):
    moment = timezone.now().replace(microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


@pytest.fixture
def zoned(restaurant):
    """Tax 8.25 %; zone "Centre" (62704): fee 1.50, minimum 10.00, free from 30.00; 20 minutes' travel."""
    restaurant.tax_rate, restaurant.delivery_fee, restaurant.estimated_delivery_minutes = TAX_RATE, Decimal("9"), 20
    restaurant.save()
    DeliveryZone.objects.create(tenant=restaurant, name="Centre", kind="postcodes", postcodes=["62704"],
                                delivery_fee=Decimal("1.50"), minimum_order=Decimal("10.00"),
                                free_delivery_over=Decimal("30.00"))
    return restaurant


@pytest.fixture
def dish(zoned):
    return menu_item_in(zoned, name="Curry", price=Decimal("6.15"), preparation_time=15)


def _cart(item, quantity) -> list[dict]:
    return [{"menu_item": item.pk, "quantity": quantity, "options": [], "special_instructions": ""}]


def _quote(client, restaurant, items, fulfilment):
    return client.post(_url(restaurant), {"items": items, "fulfilment": fulfilment}, format="json")


def _money_of(body) -> tuple:
    return body["subtotal"], body["delivery_fee"], body["tax"], body["total"]


def test_a_delivery_quote_in_a_zone_is_the_placed_orders_money(api_client, customer_client, zoned, dish, frozen):
    # when: an anonymous quote, then the customer places the same cart
    quoted = _quote(api_client, zoned, _cart(dish, 2), {"type": "delivery", "address": IN_ZONE})
    placed = customer_client.post("/api/orders/", {"restaurant": zoned.pk, "items": _cart(dish, 2),
                                                   "delivery_address": IN_ZONE, "payment_method": "cash"},
                                  format="json")

    # then: 2 x 6.15 = 12.30; tax 12.30 x 8.25 % = 1.01475 -> 1.01; the zone's fee 1.50
    assert quoted.status_code == 200, quoted.content
    assert placed.status_code == 201, placed.content
    body, order = quoted.json(), placed.json()
    subtotal = Decimal("6.15") * 2
    tax = _cents(subtotal * TAX_RATE)
    assert _money_of(body) == (f"{subtotal:.2f}", "1.50", f"{tax:.2f}", f"{subtotal + Decimal('1.50') + tax:.2f}")
    assert _money_of(body) == ("12.30", "1.50", "1.01", "14.81")
    assert _money_of(body) == _money_of(order)
    assert body["currency"] == "USD" and body["zone"] == "Centre"
    # and the ETA: no history, so the item's 15 minutes, + 20 minutes' travel
    assert body["eta_basis"] == "default" and body["asap_available"] is True and "reason" not in body
    assert body["eta"] == {"ready_at": (frozen + timedelta(minutes=15)).isoformat().replace("+00:00", "Z"),
                           "deliver_at": (frozen + timedelta(minutes=35)).isoformat().replace("+00:00", "Z"),
                           "minutes": 35}
    assert (order["eta"]["ready_at"], order["eta"]["deliver_at"]) == (body["eta"]["ready_at"],
                                                                      body["eta"]["deliver_at"])


def test_delivery_is_free_from_the_zones_threshold(api_client, customer_client, zoned, dish):
    # when: 5 x 6.15 = 30.75 >= 30.00
    quoted = _quote(api_client, zoned, _cart(dish, 5), {"type": "delivery", "address": IN_ZONE})
    placed = customer_client.post("/api/orders/", {"restaurant": zoned.pk, "items": _cart(dish, 5),
                                                   "delivery_address": IN_ZONE, "payment_method": "cash"},
                                  format="json")

    # then: tax 30.75 x 8.25 % = 2.536875 -> 2.54
    assert quoted.status_code == 200 and placed.status_code == 201
    assert _money_of(quoted.json()) == ("30.75", "0.00", "2.54", "33.29") == _money_of(placed.json())


def test_a_pickup_quote_is_the_entered_pickup_orders_money(api_client, owner_client, zoned, dish, frozen):
    # when: a pickup quote, then staff enter the same cart as a walk-in pickup
    quoted = _quote(api_client, zoned, _cart(dish, 1), {"type": "pickup"})
    entered = owner_client.post(f"/api/restaurants/{zoned.pk}/orders/", {
        "channel": "walk_in", "fulfilment": "pickup", "payment_method": "cash", "contact_name": "Guest",
        "items": [{"menu_item_id": dish.pk, "quantity": 1}]}, format="json")

    # then: no fee and no minimum for pickup; tax 6.15 x 8.25 % = 0.507375 -> 0.51
    assert quoted.status_code == 200, quoted.content
    assert entered.status_code == 201, entered.content
    body = quoted.json()
    assert _money_of(body) == ("6.15", "0.00", "0.51", "6.66") == _money_of(entered.json())
    assert "zone" not in body and "deliver_at" not in body["eta"]
    assert body["eta"]["minutes"] == 15 and entered.json()["eta"]["deliver_at"] is None


def _history(restaurant, customer, *, now, count=12, minutes_apart=4):
    """`count` finished one-item orders, all confirmed 2 h ago and marked ready `minutes_apart` apart over the
    last hour: a kitchen that is never idle and works 1 / minutes_apart items a minute."""
    item = menu_item_in(restaurant, name="Platter", price=Decimal("12.00"))  # one is above the zone's minimum
    for index in range(count):
        order = place(customer=customer, restaurant=restaurant, lines=[(item, 1)]).order
        Order.objects.filter(pk=order.pk).update(
            status="delivered", confirmed_at=now - timedelta(minutes=120) + timedelta(seconds=index),
            ready_at=now - timedelta(minutes=60) + timedelta(minutes=minutes_apart * index))


def test_the_eta_is_measured_from_the_kitchens_history_and_queue(api_client, customer, zoned, dish, frozen):
    # given: a kitchen working 4 minutes per item, and 3 open orders of 2 items each ahead
    _history(zoned, customer, now=frozen)
    for _ in range(3):
        place(customer=customer, restaurant=zoned, lines=[(dish, 2)])

    # when
    response = _quote(api_client, zoned, _cart(dish, 1), {"type": "pickup"})

    # then: (6 ahead + 1 own) x 4 min = 28 minutes, more than the item's 15-minute prep floor
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["eta_basis"] == "measured"
    assert body["eta"]["minutes"] == 28
    assert body["eta"]["ready_at"] == (frozen + timedelta(minutes=28)).isoformat().replace("+00:00", "Z")


def test_too_little_history_quotes_the_default(api_client, customer, zoned, dish, frozen):
    # given: three finished orders only, and a long queue the default basis does not read
    _history(zoned, customer, now=frozen, count=3)
    for _ in range(3):
        place(customer=customer, restaurant=zoned, lines=[(dish, 5)])

    # when
    body = _quote(api_client, zoned, _cart(dish, 1), {"type": "pickup"}).json()

    # then
    assert (body["eta_basis"], body["eta"]["minutes"]) == ("default", 15)


def test_busy_mode_adds_its_extra_minutes(api_client, zoned, dish, frozen):
    # given
    zoned.busy_extra_prep_minutes, zoned.busy_until = 20, frozen + timedelta(minutes=30)
    zoned.save()

    # when
    body = _quote(api_client, zoned, _cart(dish, 2), {"type": "delivery", "address": IN_ZONE}).json()

    # then: 15 prep + 20 busy, + 20 travel
    assert body["eta"]["minutes"] == 55
    assert body["eta"]["ready_at"] == (frozen + timedelta(minutes=35)).isoformat().replace("+00:00", "Z")


def test_a_paused_restaurant_is_quoted_without_asap(api_client, zoned, dish, frozen):
    # given
    zoned.accepting_orders, zoned.paused_until = False, frozen + timedelta(minutes=30)
    zoned.save()

    # when
    response = _quote(api_client, zoned, _cart(dish, 2), {"type": "pickup"})

    # then: priced, but ASAP is not offered, and says why
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["asap_available"], body["reason"]) == (False, "paused")
    assert "paused" in body["message"] and body["total"] == "13.31"  # 12.30 + 1.01


def test_a_closed_restaurant_is_quoted_without_asap(api_client, zoned, dish):
    # given: open on no day of the week
    zoned.opening_hours = {"monday": []}
    zoned.save()

    # when
    body = _quote(api_client, zoned, _cart(dish, 1), {"type": "pickup"}).json()

    # then
    assert (body["asap_available"], body["reason"]) == (False, "closed")


def test_an_inactive_restaurant_is_a_404_for_the_public(api_client, zoned, dish):
    zoned.is_active = False
    zoned.save()

    response = _quote(api_client, zoned, _cart(dish, 1), {"type": "pickup"})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_an_inactive_restaurants_owner_is_quoted_without_asap(owner_client, zoned, dish):
    zoned.is_active = False
    zoned.save()

    response = _quote(owner_client, zoned, _cart(dish, 1), {"type": "pickup"})

    assert response.status_code == 200, response.content
    assert (response.json()["asap_available"], response.json()["reason"]) == (False, "inactive")


def test_a_bad_item_is_a_400_naming_the_line(api_client, zoned, dish, other_restaurant):
    foreign = menu_item_in(other_restaurant)

    unknown = _quote(api_client, zoned, _cart(foreign, 1), {"type": "pickup"})
    zero = _quote(api_client, zoned, _cart(dish, 0), {"type": "pickup"})

    assert unknown.status_code == 400 and "items[0].menu_item" in unknown.json()["error"]["fields"]
    assert zero.status_code == 400 and "items[0].quantity" in zero.json()["error"]["fields"]


def test_an_unavailable_item_is_a_409_naming_the_line(api_client, zoned, dish):
    dish.is_available = False
    dish.save()

    response = _quote(api_client, zoned, _cart(dish, 1), {"type": "pickup"})

    assert response.status_code == 409 and list(response.json()["error"]["fields"]) == ["items[0].menu_item"]


def test_an_address_outside_every_zone_is_a_400_naming_the_address(api_client, zoned, dish):
    response = _quote(api_client, zoned, _cart(dish, 2), {"type": "delivery", "address": OUTSIDE})

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert list(error["fields"]) == ["fulfilment.address"] and error["code"] == "outside_every_zone"
    assert "delivery_address" not in error["message"]


def test_address_fields_are_named_in_the_quotes_terms(api_client, zoned, dish):
    missing_zip = {key: value for key, value in IN_ZONE.items() if key != "zip_code"}

    no_zip = _quote(api_client, zoned, _cart(dish, 2), {"type": "delivery", "address": missing_zip})
    no_address = _quote(api_client, zoned, _cart(dish, 2), {"type": "delivery"})

    assert no_zip.status_code == 400 and "fulfilment.address.zip_code" in no_zip.json()["error"]["fields"]
    assert no_address.status_code == 400 and "fulfilment.address" in no_address.json()["error"]["fields"]


def test_below_the_zones_minimum_is_a_400(api_client, zoned, dish):
    response = _quote(api_client, zoned, _cart(dish, 1), {"type": "delivery", "address": IN_ZONE})  # 6.15 < 10.00

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "below_minimum_order"


def _next_slot(after):
    """The first 15-minute slot start at or after `after` (the restaurant's zone is UTC here)."""
    start = after.replace(second=0, microsecond=0)
    return start + timedelta(minutes=(-start.minute) % 15)


def test_a_scheduled_quote_gives_the_slots_times(api_client, zoned, dish, frozen):
    start = _next_slot(frozen + timedelta(hours=3))

    body = _quote(api_client, zoned, _cart(dish, 2), {"type": "pickup", "scheduled_for": start.isoformat()}).json()

    assert body["eta"]["ready_at"].replace("Z", "+00:00") == start.isoformat()


def test_a_scheduled_quote_off_the_grid_or_too_soon_is_a_400(api_client, zoned, dish, frozen):
    off_grid = _next_slot(frozen + timedelta(hours=3)) + timedelta(minutes=7)
    too_soon = _next_slot(frozen)

    for start in (off_grid, too_soon):
        response = _quote(api_client, zoned, _cart(dish, 2), {"type": "pickup", "scheduled_for": start.isoformat()})
        assert response.status_code == 400
        assert "fulfilment.scheduled_for" in response.json()["error"]["fields"]


def test_a_quote_writes_nothing(api_client, customer_client, customer, zoned, dish):
    # given
    place(customer=customer, restaurant=zoned, lines=[(dish, 2)])
    before = (Order.objects.count(), OrderLine.objects.count(), OutboxEvent.objects.count())

    # when: quoted as anonymous and as a signed-in customer
    for client in (api_client, customer_client):
        response = _quote(client, zoned, _cart(dish, 2), {"type": "delivery", "address": IN_ZONE})
        assert response.status_code == 200, response.content

    # then
    assert (Order.objects.count(), OrderLine.objects.count(), OutboxEvent.objects.count()) == before == (1, 1, 1)


def test_quotes_are_limited_per_ip(api_client, zoned, dish, settings):
    # given
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_ip": "2/m"}

    # when
    statuses = [_quote(api_client, zoned, _cart(dish, 2), {"type": "pickup"}).status_code for _ in range(3)]
    limited = _quote(api_client, zoned, _cart(dish, 2), {"type": "pickup"})

    # then
    assert statuses == [200, 200, 429]
    assert limited.status_code == 429 and limited["Retry-After"]
